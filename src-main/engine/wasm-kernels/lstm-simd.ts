import binary from './lstm-simd.wat';

/** lstm-simd.wat's exports; pointers in bytes, sizes in floats. */
export interface LstmSimdExports {
  matvec(x: number, rows: number, k: number, w: number, panels: number, out: number, outStride: number): void;
  lstmCell(z: number, c: number, h: number, units: number, rows: number): void;
  trainForwardCell(
    zRec: number,
    zIn: number,
    cPrev: number,
    gates: number,
    c: number,
    tanhC: number,
    h: number,
    units: number,
    rows: number,
  ): void;
  trainBackwardCell(
    dhOut: number,
    dhRec: number,
    dc: number,
    gates: number,
    tanhC: number,
    cPrev: number,
    dz: number,
    dzCopy: number,
    dBias: number,
    units: number,
    rows: number,
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernels, or null where WebAssembly SIMD is unavailable (callers then use tensor ops or loops). */
export function lstmSimdModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    compiled = typeof WebAssembly === 'object' && WebAssembly.validate(binary) ? new WebAssembly.Module(binary) : null;
  }
  return compiled;
}

const instances = new WeakMap<WebAssembly.Memory, LstmSimdExports>();

/** The kernels working on `memory` (one instance per memory), or null where SIMD is unavailable or it is shared. */
export function lstmSimdOn(memory: WebAssembly.Memory): LstmSimdExports | null {
  const module = lstmSimdModule();
  if (module === null || memory.buffer instanceof SharedArrayBuffer) return null;
  let exports = instances.get(memory);
  if (exports === undefined) {
    exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as LstmSimdExports;
    instances.set(memory, exports);
  }
  return exports;
}
