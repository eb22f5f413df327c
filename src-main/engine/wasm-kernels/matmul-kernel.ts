import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backendAccess } from '../lstm/backend-access';
import { relaxedSimdGemmAvailable } from './gemm-kernel';

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/**
 * The product on the relaxed-SIMD kernel (gemm.wat) where it runs and the operands are float32 matrices (batch 1),
 * else null. The output takes the batch dimensions of the higher-rank operand.
 */
function relaxedMatMul(
  backend: unknown,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  bias: TensorInfo | null,
): TensorInfo | null {
  const access = relaxedSimdGemmAvailable() ? backendAccess('wasm', backend) : null;
  if (access === null || a.shape.length < 2 || b.shape.length < 2) return null;
  const rows = a.shape[transposeA ? a.shape.length - 1 : a.shape.length - 2] ?? 0;
  const cols = b.shape[transposeB ? b.shape.length - 2 : b.shape.length - 1] ?? 0;
  if (bias !== null && (bias.shape.length !== 1 || bias.shape[0] !== cols || bias.dtype !== 'float32')) return null;
  const outer = (a.shape.length >= b.shape.length ? a : b).shape.slice(0, -2);
  const out = access.alloc([...outer, rows, cols]);
  if (access.fastMatMulInto(a, b, out, { transposeA, transposeB, bias })) return out;
  access.release(out);
  return null;
}

/**
 * BatchMatMul on the relaxed-SIMD kernel where it runs; otherwise it transposes a flagged operand explicitly and
 * calls the stock kernel untransposed: stock wasm sends any transposed matmul (every backward-pass matmul) to a
 * naive loop instead of XNNPACK.
 */
export function transposingBatchMatMul(stock: KernelConfig, transpose: KernelConfig): KernelConfig {
  return {
    kernelName: tf.BatchMatMul,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as BackendWasm;
      const { a, b } = inputs;
      if (a === undefined || b === undefined) throw new Error('BatchMatMul needs a and b');
      const transposeA = attrs?.['transposeA'] === true;
      const transposeB = attrs?.['transposeB'] === true;
      const fast = relaxedMatMul(backend, a, b, transposeA, transposeB, null);
      if (fast !== null) return fast;
      const temporaries: TensorInfo[] = [];
      const untransposed = (x: TensorInfo, flagged: boolean): TensorInfo => {
        if (!flagged) return x;
        const result = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm: swapLastTwo(x.shape.length) } });
        if (Array.isArray(result)) throw new Error('Transpose returned several outputs');
        temporaries.push(result);
        return result;
      };
      const out = stock.kernelFunc({
        inputs: { a: untransposed(a, transposeA), b: untransposed(b, transposeB) },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
      for (const t of temporaries) wasm.disposeData(t.dataId);
      return out;
    },
  };
}

/** _FusedMatMul (tf.fused.matMul) with at most a bias and no activation on the relaxed-SIMD kernel; else stock. */
export function relaxedFusedMatMul(stock: KernelConfig): KernelConfig {
  return {
    kernelName: tf._FusedMatMul,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const { a, b, bias, preluActivationWeights } = inputs;
      const linear = (attrs?.['activation'] ?? 'linear') === 'linear' && preluActivationWeights === undefined;
      if (a !== undefined && b !== undefined && linear) {
        const fast = relaxedMatMul(
          backend,
          a,
          b,
          attrs?.['transposeA'] === true,
          attrs?.['transposeB'] === true,
          bias ?? null,
        );
        if (fast !== null) return fast;
      }
      return stock.kernelFunc(args);
    },
  };
}
