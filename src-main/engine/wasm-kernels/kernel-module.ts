/** A hand-written kernel module: compiled once, instantiated once per memory it imports as `env.memory`. */
export interface KernelModule<T> {
  /** Whether the engine validates the module here (and `enabled` allowed it). */
  available(): boolean;
  /** The exports working on `memory` (the tfjs wasm heap, or a memory of the caller's own), or null where the
   *  module is unavailable or the memory is shared (the modules import a plain memory). */
  on(memory: WebAssembly.Memory): T | null;
}

export function kernelModule<T>(binary: Uint8Array<ArrayBuffer>, enabled: () => boolean = () => true): KernelModule<T> {
  let compiled: WebAssembly.Module | null | undefined;
  const instances = new WeakMap<WebAssembly.Memory, T>();
  const module = (): WebAssembly.Module | null => {
    if (compiled === undefined) {
      compiled =
        typeof WebAssembly === 'object' && enabled() && WebAssembly.validate(binary)
          ? new WebAssembly.Module(binary)
          : null;
    }
    return compiled;
  };
  return {
    available: () => module() !== null,
    on(memory) {
      const compiledModule = module();
      if (compiledModule === null || memory.buffer instanceof SharedArrayBuffer) return null;
      let exports = instances.get(memory);
      if (exports === undefined) {
        exports = new WebAssembly.Instance(compiledModule, { env: { memory } }).exports as unknown as T;
        instances.set(memory, exports);
      }
      return exports;
    },
  };
}
