import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/**
 * BatchMatMul that transposes a flagged operand explicitly and then calls the stock kernel untransposed: stock
 * wasm sends any transposed matmul (every backward-pass matmul) to a naive loop instead of XNNPACK.
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
