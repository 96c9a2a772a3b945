// proxy_get_property: NUL-separated paths resolved against Envoy's attribute tree, values in Envoy's
// encodings (strings raw, ints 8-byte LE, doubles IEEE, bools 1 byte, maps/lists as pairs).
import { encodePairs, toBytes } from './abi/pairs.js';

export type PropertyValue =
  | string
  | Uint8Array
  | bigint
  | boolean
  | { double: number }
  | PropertyValue[]
  | { [key: string]: PropertyValue }
  | undefined
  | (() => PropertyValue);

export type PropertyTree = { [key: string]: PropertyValue };

export function encodeProperty(value: PropertyValue): Uint8Array {
  if (typeof value === 'function') return encodeProperty(value());
  if (typeof value === 'string' || value instanceof Uint8Array) return toBytes(value);
  if (typeof value === 'bigint') {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigInt64(0, value, true);
    return out;
  }
  if (typeof value === 'boolean') return Uint8Array.of(value ? 1 : 0);
  if (value === undefined) return new Uint8Array(0);
  if (Array.isArray(value)) return encodePairs(value.map((v) => [encodeProperty(v), ''] as const));
  if ('double' in value && typeof value.double === 'number' && Object.keys(value).length === 1) {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setFloat64(0, value.double, true);
    return out;
  }
  return encodePairs(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, encodeProperty(v)] as const),
  );
}

/** Splits a property path the way Envoy does: on NUL bytes, no trailing NUL. */
export function splitPath(path: Uint8Array): string[] {
  return Buffer.from(path.buffer, path.byteOffset, path.byteLength).toString('utf8').split('\0');
}

/** Walks the tree; a function-valued node is evaluated lazily. Returns undefined when absent. */
export function resolveProperty(tree: PropertyTree, segments: readonly string[]): PropertyValue {
  let node: PropertyValue = tree;
  for (const seg of segments) {
    if (typeof node === 'function') node = node();
    if (node === undefined || node === null) return undefined;
    if (Array.isArray(node)) {
      const idx = Number(seg);
      if (!Number.isInteger(idx)) return undefined;
      node = node[idx];
    } else if (typeof node === 'object' && !(node instanceof Uint8Array) && !('double' in node)) {
      node = Object.hasOwn(node, seg) ? (node as PropertyTree)[seg] : undefined;
    } else {
      return undefined;
    }
  }
  return typeof node === 'function' ? node() : node;
}
