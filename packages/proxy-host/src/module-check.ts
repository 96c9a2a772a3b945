// Reads a wasm binary's type/import/function/export/start sections (Node 20 has no type reflection
// without a flag) and applies Envoy's load-time checks, with Envoy's error texts.
import {
  ABI_MARKERS,
  type AbiVersion,
  expectedExports,
  type FuncSig,
  hostImportTable,
  sameSig,
  sigText,
  type ValType,
} from './abi/signatures.js';

type ExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';
interface ImportEntry {
  module: string;
  name: string;
  kind: ExternKind;
  sig?: FuncSig;
}
interface ExportEntry {
  name: string;
  kind: ExternKind;
  sig?: FuncSig;
}
export interface ModuleShape {
  imports: ImportEntry[];
  exports: ExportEntry[];
  hasStartSection: boolean;
}

const KINDS: ExternKind[] = ['func', 'table', 'memory', 'global', 'tag'];
const VALTYPES: Record<number, ValType> = {
  127: 'i32',
  126: 'i64',
  125: 'f32',
  124: 'f64',
  123: 'v128',
  112: 'funcref',
  111: 'externref',
};

class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
  ) {}
  byte(): number {
    if (this.pos >= this.bytes.length) throw new Error('unexpected end of wasm binary');
    return this.bytes[this.pos++]!;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) throw new Error('malformed LEB128 in wasm binary');
    }
  }
  name(): string {
    const len = this.u32();
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }
  limits(): void {
    const flags = this.u32();
    this.u32();
    if (flags & 1) this.u32();
  }
}

/** Parses the sections the checks need. Throws on a malformed binary. */
export function readModuleShape(bytes: Uint8Array): ModuleShape {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new Error('not a wasm binary (bad magic number)');
  }
  const r = new Reader(bytes, 8);
  const types: FuncSig[] = [];
  const imports: ImportEntry[] = [];
  const funcTypes: number[] = []; // type index per function (imports first)
  const exportsRaw: { name: string; kind: ExternKind; index: number }[] = [];
  let hasStartSection = false;
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (id === 1) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const form = r.byte();
        if (form !== 0x60) throw new Error(`unsupported type form 0x${form.toString(16)}`);
        const params = Array.from({ length: r.u32() }, () => VALTYPES[r.byte()] ?? 'externref');
        const results = Array.from({ length: r.u32() }, () => VALTYPES[r.byte()] ?? 'externref');
        types.push({ params, results });
      }
    } else if (id === 2) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const module = r.name();
        const name = r.name();
        const kind = KINDS[r.byte()] ?? 'tag';
        if (kind === 'func') {
          const t = r.u32();
          funcTypes.push(t);
          imports.push({ module, name, kind, sig: types[t] ?? { params: [], results: [] } });
        } else {
          if (kind === 'table') {
            r.byte();
            r.limits();
          } else if (kind === 'memory') r.limits();
          else if (kind === 'global') {
            r.byte();
            r.byte();
          } else {
            r.byte();
            r.u32();
          }
          imports.push({ module, name, kind });
        }
      }
    } else if (id === 3) {
      const n = r.u32();
      for (let i = 0; i < n; i++) funcTypes.push(r.u32());
    } else if (id === 7) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const name = r.name();
        const kind = KINDS[r.byte()] ?? 'tag';
        exportsRaw.push({ name, kind, index: r.u32() });
      }
    } else if (id === 8) {
      hasStartSection = true;
    }
    r.pos = end;
  }
  const exports = exportsRaw.map(({ name, kind, index }) => {
    const t = kind === 'func' ? funcTypes[index] : undefined;
    return t === undefined ? { name, kind } : { name, kind, sig: types[t] ?? { params: [], results: [] } };
  });
  return { imports, exports, hasStartSection };
}

/** The ABI version named by the first marker export in the export section (cpp-host getAbiVersion). */
function abiVersionOf(shape: ModuleShape): AbiVersion | null {
  for (const e of shape.exports) {
    if (e.kind === 'func' && ABI_MARKERS[e.name]) return ABI_MARKERS[e.name]!;
  }
  return null;
}

export type ModuleCheck = { ok: true; abi: AbiVersion } | { ok: false; error: string };

/**
 * Envoy's checks in its order: ABI marker (WasmBase::load), imports (V8::link), then exports
 * (getFunctions: malloc, then callback signatures).
 */
export function checkModule(shape: ModuleShape): ModuleCheck {
  const abi = abiVersionOf(shape);
  if (!abi) return { ok: false, error: 'Missing or unknown Proxy-Wasm ABI version' };
  const host = hostImportTable(abi);
  for (const imp of shape.imports) {
    const qualified = `${imp.module}.${imp.name}`;
    if (imp.kind === 'memory' || imp.kind === 'table') continue;
    const want = imp.kind === 'func' ? host.get(qualified) : undefined;
    if (!want || !imp.sig) return { ok: false, error: `Failed to load Wasm module due to a missing import: ${qualified}` };
    if (!sameSig(imp.sig, want)) {
      return {
        ok: false,
        error: `Failed to load Wasm module due to an import type mismatch: ${qualified}, want: ${sigText(imp.sig)}, but host exports: ${sigText(want)}`,
      };
    }
  }
  const exported = new Map(shape.exports.filter((e) => e.kind === 'func').map((e) => [e.name, e.sig!]));
  const expected = expectedExports(abi);
  const badSig = (name: string): string | null => {
    const have = exported.get(name);
    const want = expected.get(name);
    if (!have || !want || sameSig(have, want)) return null;
    return `Bad function signature for: ${name}, want: ${sigText(want)}, but the module exports: ${sigText(have)}`;
  };
  for (const name of ['_initialize', '_start', 'main', '__main_void']) {
    const err = badSig(name);
    if (err) return { ok: false, error: err };
  }
  const mallocErr = badSig('malloc') ?? (exported.has('malloc') ? null : badSig('proxy_on_memory_allocate'));
  if (mallocErr) return { ok: false, error: mallocErr };
  if (!exported.has('malloc') && !exported.has('proxy_on_memory_allocate')) {
    return { ok: false, error: 'Wasm module is missing malloc function.' };
  }
  for (const name of expected.keys()) {
    const err = badSig(name);
    if (err) return { ok: false, error: err };
  }
  return { ok: true, abi };
}
