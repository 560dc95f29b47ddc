// The part of the WebAssembly API the engine uses (score-memory.ts). TypeScript declares it in its DOM libraries
// only, which the main process's configuration leaves out (main has no DOM).
declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    /** A SharedArrayBuffer for a shared memory: a new object of the new length after each grow. */
    readonly buffer: ArrayBufferLike;
    grow(deltaPages: number): number;
  }
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}
