import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backendAccess } from '../lstm/backend-access';
import { transposeInto } from '../lstm/lstm-cell-math';

/**
 * Transpose that handles the float32 matrix case (the explicit transposes of the backward pass) on the heap with
 * lstm-simd.wat's 4 x 4 SIMD blocks (else a tiled loop), several times faster than the stock generic kernel; other
 * cases go to the stock kernel.
 */
export function tiledTranspose(stock: KernelConfig): KernelConfig {
  return {
    kernelName: tf.Transpose,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: (args) => {
      const x = args.inputs['x'];
      const perm = args.attrs?.['perm'];
      const isMatrix = x !== undefined && x.shape.length === 2 && Array.isArray(perm) && perm[0] === 1;
      if (!isMatrix || x.dtype !== 'float32') return stock.kernelFunc(args);
      const wasm = args.backend as BackendWasm;
      const [rows = 0, cols = 0] = x.shape;
      const out = wasm.makeOutput([cols, rows], 'float32');
      const access = backendAccess('wasm', wasm);
      if (access?.cells) access.cells.transpose(access.address(x), rows, cols, cols, access.address(out), rows);
      else {
        const heap = (info: typeof x) => ({ data: wasm.typedArrayFromHeap(info) as Float32Array, offset: 0 });
        transposeInto(heap(x), rows, cols, cols, heap(out), rows);
      }
      return out;
    },
  };
}
