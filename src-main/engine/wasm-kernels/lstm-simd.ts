import { kernelModule } from './kernel-module';
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
  /** dst[c, r] = src[r, c] for r < rows, c < cols; row strides in floats. */
  transpose(src: number, rows: number, cols: number, srcStride: number, dst: number, dstStride: number): void;
  /** out[ids[i]] += values[i] for `count` rows of `width` floats (out zeroed first); ids outside [0, segments) dropped. */
  segmentSum(values: number, ids: number, count: number, width: number, segments: number, out: number): void;
  /**
   * One Adam update of `count` floats (optimizer.ts's formula), the gradient scaled by `scale` first; 1 - beta
   * passed as the tensor ops round it (a float32 of the double).
   */
  adam(
    w: number,
    g: number,
    m: number,
    v: number,
    outW: number,
    outM: number,
    outV: number,
    count: number,
    scale: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    stepSize: number,
    secondCorrection: number,
    epsilon: number,
  ): void;
}

const kernels = kernelModule<LstmSimdExports>(binary);

/** Whether WebAssembly SIMD runs these kernels here (otherwise callers use tensor ops or loops). */
export function lstmSimdAvailable(): boolean {
  return kernels.available();
}

/** The kernels working on `memory` (one instance per memory). */
export function lstmSimdOn(memory: WebAssembly.Memory): LstmSimdExports | null {
  return kernels.on(memory);
}
