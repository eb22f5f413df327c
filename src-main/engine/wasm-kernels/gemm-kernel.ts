import gemmBinary from './gemm.wat';
import { kernelModule } from './kernel-module';

/** gemm.wat's exports; pointers and strides in bytes. */
export interface GemmExports {
  pack(b: number, k: number, n: number, transposed: number, dst: number): void;
  gemm(
    a: number,
    aRowStride: number,
    aKStride: number,
    m: number,
    k: number,
    b: number,
    bKStride: number,
    bPanelStride: number,
    n: number,
    c: number,
    cRowStride: number,
    init: number,
    bias: number,
    scratch: number,
  ): void;
}

/** What C starts from (gemm.wat's `init`). */
export const GEMM_INIT = { zero: 0, accumulate: 1, bias: 2 } as const;

/** Columns per packed panel of B. */
const PANEL = 8;
/** Floats of the edge tile gemm.wat needs as scratch (4 rows of one panel). */
export const GEMM_SCRATCH_FLOATS = 4 * PANEL;

/** Floats a packed [k, n] right operand takes (n rounded up to whole panels). */
export const packedFloats = (k: number, n: number): number => Math.ceil(n / PANEL) * PANEL * k;

/** gemm's B strides (bytes between rows of a panel, between panels) for a B packed by `pack`. */
export const packedStrides = (k: number): [number, number] => [4 * PANEL, 4 * PANEL * k];

/**
 * `UNDERSTUDY_RELAXED_SIMD=0` keeps every product on XNNPACK's SIMD128 kernels even where relaxed SIMD validates
 * (the benchmark times both in one run; tests compare them).
 */
function disabledByEnv(): boolean {
  return typeof process === 'object' && process.env['UNDERSTUDY_RELAXED_SIMD'] === '0';
}

// Relaxed SIMD validates in Electron's V8 and in Node 20 only with --experimental-wasm-relaxed-simd.
const gemm = kernelModule<GemmExports>(gemmBinary, () => !disabledByEnv());

/** Whether this engine's products run on the relaxed-SIMD kernel (else on XNNPACK's SIMD128 ones). */
export function relaxedSimdGemmAvailable(): boolean {
  return gemm.available();
}

/** Where wasm's matrix products run, as reports name it. */
export function wasmMatrixKernel(): 'relaxed-simd' | 'xnnpack-simd128' {
  return relaxedSimdGemmAvailable() ? 'relaxed-simd' : 'xnnpack-simd128';
}

/** The kernel working directly on `memory` (the tfjs wasm backend's heap: tensors are read and written in place). */
export function gemmOn(memory: WebAssembly.Memory): GemmExports | null {
  return gemm.on(memory);
}
