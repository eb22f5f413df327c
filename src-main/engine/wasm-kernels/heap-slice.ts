import type { TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

function strides(shape: readonly number[]): number[] {
  const result = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) result[i] = (result[i + 1] ?? 1) * (shape[i + 1] ?? 1);
  return result;
}

/**
 * Copies x[begin : begin + size] into a new tensor, reading the heap in place. Stock wasm Slice first copies the
 * whole input out of the heap (readSync), which makes a per-time-step Unpack quadratic in sequence length.
 */
export function sliceFromHeap(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  const outCount = size.reduce((a, b) => a * b, 1);
  if (outCount === 0) return out;
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  const xStrides = strides(x.shape);
  const rank = size.length;
  if (rank === 0) {
    target.set(source.subarray(0, 1));
    return out;
  }
  // The trailing dimensions taken whole, plus the first partial one, are one contiguous run in x.
  let lead = rank - 1;
  let run = size[lead] ?? 1;
  while (lead > 0 && size[lead] === x.shape[lead]) {
    lead--;
    run *= size[lead] ?? 1;
  }
  const runStart = (index: number[]): number =>
    index.reduce((offset, i, d) => offset + ((begin[d] ?? 0) + i) * (xStrides[d] ?? 0), 0) +
    (begin[lead] ?? 0) * (xStrides[lead] ?? 0);
  const index = new Array<number>(lead).fill(0);
  for (let written = 0; written < outCount; written += run) {
    const from = runStart(index);
    target.set(source.subarray(from, from + run), written);
    for (let d = lead - 1; d >= 0; d--) {
      index[d] = (index[d] ?? 0) + 1;
      if ((index[d] ?? 0) < (size[d] ?? 0)) break;
      index[d] = 0;
    }
  }
  return out;
}
