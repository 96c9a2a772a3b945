// The slice of the WebAssembly JS API the host uses (lib "ES2023" has no WebAssembly; Node 20 provides it).
declare namespace WebAssembly {
  class Module {
    constructor(bytes: BufferSource);
    static imports(module: Module): { module: string; name: string; kind: string }[];
    static exports(module: Module): { name: string; kind: string }[];
  }
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Record<string, ExportValue>;
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class Table {}
  class Global {}
  class RuntimeError extends Error {}
  class LinkError extends Error {}
  class CompileError extends Error {}
  // biome-ignore lint/complexity/noBannedTypes: the WebAssembly JS API's own types (lib.dom) use Function
  type ExportValue = Function | Memory | Table | Global;
  // biome-ignore lint/complexity/noBannedTypes: as above
  type ImportValue = Function | Memory | Table | Global | number;
  type Imports = Record<string, Record<string, ImportValue>>;
  type BufferSource = ArrayBufferView | ArrayBuffer;
  function compile(bytes: BufferSource): Promise<Module>;
  function instantiate(module: Module, imports?: Imports): Promise<Instance>;
  function validate(bytes: BufferSource): boolean;
}
