import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backendAccess } from '../lstm/backend-access';

/**
 * UnsortedSegmentSum, missing from stock wasm and needed by the gradient of an embedding gather: x [N, ...inner],
 * segmentIds [N] int32 -> [numSegments, ...inner]; ids outside [0, numSegments) are dropped, as in TensorFlow.
 * Float32 rows are summed by lstm-simd.wat's SIMD `segmentSum` where it runs on the heap, else by a loop.
 */
export const segmentSumConfig: KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const wasm = backend as BackendWasm;
    const { x, segmentIds } = inputs;
    if (x === undefined || segmentIds === undefined) throw new Error('UnsortedSegmentSum needs x and segmentIds');
    const numSegments = Number(attrs?.['numSegments']);
    const idCount = segmentIds.shape.reduce((a, b) => a * b, 1);
    const innerShape = x.shape.slice(segmentIds.shape.length);
    const inner = innerShape.reduce((a, b) => a * b, 1);
    const out = wasm.makeOutput([numSegments, ...innerShape], x.dtype);
    const sums = wasm.typedArrayFromHeap(out);
    sums.fill(0);
    const access = x.dtype === 'float32' ? backendAccess('wasm', wasm) : null;
    if (access?.cells) {
      const at = access.address;
      access.cells.segmentSum(at(x), at(segmentIds), idCount, inner, numSegments, at(out));
      return out;
    }
    const values = wasm.typedArrayFromHeap(x);
    const ids = wasm.typedArrayFromHeap(segmentIds);
    for (let i = 0; i < idCount; i++) {
      const segment = ids[i] ?? -1;
      if (segment < 0 || segment >= numSegments) continue;
      const from = i * inner;
      const to = segment * inner;
      for (let j = 0; j < inner; j++) sums[to + j] = (sums[to + j] as number) + (values[from + j] as number);
    }
    return out;
  },
};
