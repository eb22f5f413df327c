import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Stock tfjs-wasm has no UnsortedSegmentSum, which the gradient of an embedding gather needs; this plain-JS
 * kernel works on the wasm heap directly (the op is a small scatter-add next to the matmuls).
 */
export function registerWasmSegmentSum(): void {
  if (tf.getKernel('UnsortedSegmentSum', 'wasm') !== undefined) return;
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as BackendWasm;
      const x = inputs['x'];
      const ids = inputs['segmentIds'];
      if (x === undefined || ids === undefined) throw new Error('UnsortedSegmentSum needs x and segmentIds');
      const numSegments = Number(attrs?.['numSegments']);
      const idCount = ids.shape.reduce((a, b) => a * b, 1);
      const innerShape = x.shape.slice(ids.shape.length);
      const inner = innerShape.reduce((a, b) => a * b, 1);
      const out = wasm.makeOutput([numSegments, ...innerShape], x.dtype);
      const outValues = wasm.typedArrayFromHeap(out);
      const xValues = wasm.typedArrayFromHeap(x);
      const idValues = wasm.typedArrayFromHeap(ids);
      outValues.fill(0);
      for (let i = 0; i < idCount; i++) {
        const segment = idValues[i] ?? -1;
        if (segment < 0 || segment >= numSegments) continue;
        const from = i * inner;
        const to = segment * inner;
        for (let j = 0; j < inner; j++) outValues[to + j] = (outValues[to + j] ?? 0) + (xValues[from + j] ?? 0);
      }
      return out;
    },
  });
}
