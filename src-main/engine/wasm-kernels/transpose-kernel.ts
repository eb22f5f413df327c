import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backendAccess } from '../lstm/backend-access';

const TILE = 32;

/** out [cols, rows] = x [rows, cols]^T, in cache-sized tiles (where the SIMD transpose is not there). */
function transpose2d(x: Float32Array, out: Float32Array, rows: number, cols: number): void {
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(r0 + TILE, rows);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(c0 + TILE, cols);
      for (let r = r0; r < r1; r++) {
        const from = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = x[from + c] as number;
      }
    }
  }
}

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
      else
        transpose2d(
          wasm.typedArrayFromHeap(x) as Float32Array,
          wasm.typedArrayFromHeap(out) as Float32Array,
          rows,
          cols,
        );
      return out;
    },
  };
}
