import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { sliceFromHeap } from './heap-slice';

function requireInput(input: TensorInfo | undefined, kernel: string): TensorInfo {
  if (input === undefined) throw new Error(`${kernel} has no input`);
  return input;
}

function positiveAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Slice reading the heap in place (see sliceFromHeap). */
export const heapSliceConfig: KernelConfig = {
  kernelName: tf.Slice,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const x = requireInput(inputs['x'], tf.Slice);
    const [begin = [], size = []] = tf.slice_util.parseSliceParams(
      x,
      attrs?.['begin'] as number | number[],
      attrs?.['size'] as number | number[],
    );
    return sliceFromHeap(backend as BackendWasm, x, begin, size);
  },
};

/** Unpack as one in-place slice per output (stock: each slice copies the whole input first). */
export const heapUnpackConfig: KernelConfig = {
  kernelName: tf.Unpack,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const value = requireInput(inputs['value'], tf.Unpack);
    const rank = value.shape.length;
    const axis = positiveAxis(Number(attrs?.['axis'] ?? 0), rank);
    const outShape = value.shape.filter((_, i) => i !== axis);
    const begin = new Array<number>(rank).fill(0);
    const size = [...value.shape];
    size[axis] = 1;
    return Array.from({ length: value.shape[axis] ?? 0 }, (_, i) => {
      begin[axis] = i;
      const part = sliceFromHeap(backend as BackendWasm, value, begin, size);
      return { ...part, shape: outShape };
    });
  },
};

/** SplitV as in-place slices. */
export const heapSplitVConfig: KernelConfig = {
  kernelName: tf.SplitV,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const x = requireInput(inputs['x'], tf.SplitV);
    const axis = tf.util.parseAxisParam(attrs?.['axis'] as number, x.shape)[0] ?? 0;
    const sizes = tf.backend_util.prepareSplitSize(
      { shape: x.shape } as tf.Tensor,
      attrs?.['numOrSizeSplits'] as number | number[],
      axis,
    );
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const part = sliceFromHeap(backend as BackendWasm, x, begin, size);
      begin[axis] = (begin[axis] ?? 0) + s;
      return part;
    });
  },
};
