// A minimal reader of a wasm binary's type, import, function, export and start sections, so tests can
// check the module's ABI surface exactly as Envoy's V8/WAMR link step does (signatures included).

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';
export interface FuncType { params: ValType[]; results: ValType[] }
export interface Import { module: string; name: string; kind: 'func' | 'table' | 'memory' | 'global'; type?: FuncType }
export interface Export { name: string; kind: 'func' | 'table' | 'memory' | 'global'; type?: FuncType }
export interface ModuleSurface { imports: Import[]; exports: Export[]; hasStart: boolean; sectionIds: number[] }

const VALTYPES: Record<number, ValType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };
const KINDS = ['func', 'table', 'memory', 'global'] as const;

class Cursor {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  byte(): number {
    const b = this.bytes[this.pos++];
    if (b === undefined) throw new Error('wasm: unexpected end of module');
    return b;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }
  name(): string {
    const n = this.u32();
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  valtype(): ValType {
    const b = this.byte();
    const t = VALTYPES[b];
    if (!t) throw new Error(`wasm: unknown value type 0x${b.toString(16)}`);
    return t;
  }
  limits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

export function readModuleSurface(bytes: Uint8Array): ModuleSurface {
  const c = new Cursor(bytes);
  const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  for (const m of magic) if (c.byte() !== m) throw new Error('wasm: bad magic or version');
  const types: FuncType[] = [];
  const imports: Import[] = [];
  const funcTypes: number[] = [];
  const exports: Export[] = [];
  const sectionIds: number[] = [];
  let hasStart = false;
  while (c.pos < bytes.length) {
    const id = c.byte();
    const size = c.u32();
    const end = c.pos + size;
    sectionIds.push(id);
    if (id === 1) {
      const n = c.u32();
      for (let i = 0; i < n; i++) {
        if (c.byte() !== 0x60) throw new Error('wasm: expected a func type');
        const params = Array.from({ length: c.u32() }, () => c.valtype());
        const results = Array.from({ length: c.u32() }, () => c.valtype());
        types.push({ params, results });
      }
    } else if (id === 2) {
      const n = c.u32();
      for (let i = 0; i < n; i++) {
        const module = c.name();
        const name = c.name();
        const kind = KINDS[c.byte()];
        if (!kind) throw new Error('wasm: unknown import kind');
        if (kind === 'func') {
          const t = c.u32();
          funcTypes.push(t);
          imports.push({ module, name, kind, type: types[t] });
        } else {
          if (kind === 'table') { c.byte(); c.limits(); }
          else if (kind === 'memory') c.limits();
          else { c.valtype(); c.byte(); }
          imports.push({ module, name, kind });
        }
      }
    } else if (id === 3) {
      const n = c.u32();
      for (let i = 0; i < n; i++) funcTypes.push(c.u32());
    } else if (id === 7) {
      const n = c.u32();
      for (let i = 0; i < n; i++) {
        const name = c.name();
        const kind = KINDS[c.byte()];
        const index = c.u32();
        if (!kind) throw new Error('wasm: unknown export kind');
        const typeIndex = kind === 'func' ? funcTypes[index] : undefined;
        exports.push(typeIndex === undefined ? { name, kind } : { name, kind, type: types[typeIndex] });
      }
    } else if (id === 8) hasStart = true;
    c.pos = end;
  }
  return { imports, exports, hasStart, sectionIds };
}

export function signature(t: FuncType | undefined): string {
  if (!t) return '?';
  return `(${t.params.join(', ')}) -> ${t.results.length === 0 ? 'void' : t.results.join(', ')}`;
}
