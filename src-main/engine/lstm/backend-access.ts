import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { GEMM_INIT, GEMM_SCRATCH_FLOATS, gemmOn, packedFloats, packedStrides } from '../wasm-kernels/gemm-kernel';
import { lstmSimdOn, type LstmSimdExports } from '../wasm-kernels/lstm-simd';

/** A right-hand matrix [K, N] made ready for many products (see BackendAccess.right). */
export interface RightOperand {
  info: TensorInfo;
  k: number;
  n: number;
  /** Packed into the relaxed-SIMD kernel's panels (a buffer of its own), rather than b itself. */
  packed: boolean;
}

export interface MatMulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  /** [N], added to every row. */
  bias?: TensorInfo | null;
}

/**
 * Direct float32 buffer access, matmul and sigmoid for the two JavaScript-hosted backends (`wasm`, `cpu`), so the
 * fused kernels loop over tensor memory with no engine call, and on wasm with no allocation, per time step.
 */
export interface BackendAccess {
  /** A new float32 tensor of the given shape; contents undefined unless `zero`. */
  alloc(shape: number[], zero?: boolean): TensorInfo;
  /**
   * A float32 buffer owned by this access and reused by every kernel call (never release it). Callers use
   * distinct names for buffers that are live at the same time.
   */
  scratch(name: string, shape: number[]): TensorInfo;
  /** The tensor's float32 elements; on wasm a heap view, so fetch it again after any alloc. */
  view(info: TensorInfo): Float32Array;
  /** An int32 tensor's elements (indices); on wasm a heap view, so fetch it again after any alloc. */
  indices(info: TensorInfo): Int32Array;
  release(info: TensorInfo): void;
  /**
   * b [K, N] made ready for products with `rows` rows of A in all: packed once where the relaxed-SIMD kernel runs
   * and that many rows repay the packing, else b itself (XNNPACK caches its own packing per tensor). Pair with
   * releaseRight.
   */
  right(b: TensorInfo, rows: number): RightOperand;
  releaseRight(r: RightOperand): void;
  /** out = a [M, K] x r, out [M, N] already allocated. */
  matMulInto(a: TensorInfo, r: RightOperand, out: TensorInfo): void;
  /**
   * out = op(a) x op(b) (+ bias) for 2-D (or batch-1) float32 operands on the relaxed-SIMD kernel, out already
   * allocated; false, with nothing written, where that kernel does not run (callers then use the stock kernels).
   */
  fastMatMulInto(a: TensorInfo, b: TensorInfo, out: TensorInfo, options?: MatMulOptions): boolean;
  /** out = sigmoid(x), same shape, out already allocated (distinct from x). */
  sigmoidInto(x: TensorInfo, out: TensorInfo): void;
  /** Training's SIMD LSTM cells on this backend's memory (wasm), or null: the loops of lstm-cell-math.ts. */
  cells: LstmSimdExports | null;
  /** Byte offset of element `offset` of the tensor in the memory `cells` works on (wasm only). */
  address(info: TensorInfo, offset?: number): number;
}

interface CpuBackendLike {
  makeTensorInfo(shape: number[], dtype: 'float32', values?: Float32Array): TensorInfo;
  data: { get(dataId: object): { values?: unknown } | undefined };
  disposeIntermediateTensorInfo(info: TensorInfo): void;
}

function isWasmBackend(backend: object): backend is BackendWasm {
  return 'typedArrayFromHeap' in backend && 'makeOutput' in backend && 'dataIdMap' in backend && 'wasm' in backend;
}

function isCpuBackend(backend: object): backend is CpuBackendLike {
  return 'makeTensorInfo' in backend && 'disposeIntermediateTensorInfo' in backend && 'data' in backend;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

function scratchPool(alloc: (shape: number[]) => TensorInfo): (name: string, shape: number[]) => TensorInfo {
  const buffers = new Map<string, TensorInfo>();
  return (name, shape) => {
    const key = `${name}:${shape.join('x')}`;
    let info = buffers.get(key);
    if (info === undefined) {
      info = alloc(shape);
      buffers.set(key, info);
    }
    return info;
  };
}

interface CwrapModule {
  cwrap(name: string, returnType: null, argTypes: string[]): (...args: unknown[]) => void;
  /** The instance's exports (Emscripten's name), memory among them; the threaded build keeps wasmMemory instead. */
  asm?: { memory?: unknown };
  wasmMemory?: unknown;
}

/** Below this many rows of A in all, packing B for the relaxed-SIMD kernel costs more than it saves. */
const PACK_MIN_ROWS = 16;

/** The last two dimensions of a matrix operand (batch dimensions must multiply to 1). */
function matrixDims(info: TensorInfo): [number, number] | null {
  const rank = info.shape.length;
  if (rank < 2 || info.dtype !== 'float32') return null;
  const batch = size(info.shape.slice(0, rank - 2));
  if (batch !== 1) return null;
  return [info.shape[rank - 2] ?? 0, info.shape[rank - 1] ?? 0];
}

/** Calls the wasm module's BatchMatMul and Sigmoid entry points directly on preallocated outputs. */
function wasmAccess(backend: BackendWasm): BackendAccess {
  const module = backend.wasm as unknown as CwrapModule;
  const matMul = module.cwrap(tf.BatchMatMul, null, [
    'number',
    'array',
    'number',
    'number',
    'array',
    'number',
    'number',
    'number',
    'number',
  ]);
  const sigmoid = module.cwrap(tf.Sigmoid, null, ['number', 'number']);
  const data = (info: TensorInfo) => {
    const entry = backend.dataIdMap.get(info.dataId);
    if (entry === undefined) throw new Error('tensor is not on the wasm backend');
    return entry;
  };
  const id = (info: TensorInfo): number => data(info).id;
  /** The tensor's byte offset in the heap (fixed for its lifetime; growing the heap keeps offsets). */
  const at = (info: TensorInfo): number => data(info).memoryOffset;
  const alloc = (shape: number[], zero = false): TensorInfo => {
    const info = backend.makeOutput(shape, 'float32');
    if (zero) backend.typedArrayFromHeap(info).fill(0);
    return info;
  };
  const scratch = scratchPool((shape) => alloc(shape));
  const memory = module.asm?.memory ?? module.wasmMemory;
  const gemm = memory instanceof WebAssembly.Memory ? gemmOn(memory) : null;
  // One product's packed B, kept for the next (grown as needed): a fresh 13 MB buffer per product cost a page fault
  // per 4 KiB on first touch (~40 ms for the weight gradients' dz here), and heap reuse did not always spare it.
  let packBuffer: TensorInfo | null = null;
  /** B packed into panels; `reuse`: into packBuffer (valid until the next such call), else a new tensor. */
  const pack = (b: TensorInfo, k: number, n: number, transposed: boolean, reuse = false): TensorInfo => {
    if (gemm === null) throw new Error('no relaxed-SIMD kernel to pack for');
    const floats = packedFloats(k, n);
    let packed: TensorInfo;
    if (reuse) {
      if (packBuffer === null || (packBuffer.shape[0] ?? 0) < floats) {
        if (packBuffer !== null) backend.disposeData(packBuffer.dataId);
        packBuffer = alloc([floats]);
      }
      packed = packBuffer;
    } else packed = alloc([floats]);
    gemm.pack(at(b), k, n, transposed ? 1 : 0, at(packed));
    return packed;
  };
  // The edge tile's scratch, looked up once: every product passes it, the recurrent ones once per time step.
  let edgeAt: number | undefined;
  const edge = (): number => (edgeAt ??= at(scratch('gemmEdge', [GEMM_SCRATCH_FLOATS])));
  return {
    cells: memory instanceof WebAssembly.Memory ? lstmSimdOn(memory) : null,
    address: (info, offset = 0) => at(info) + 4 * offset,
    alloc,
    scratch,
    view: (info) => backend.typedArrayFromHeap(info) as Float32Array,
    indices: (info) => {
      if (info.dtype !== 'int32') throw new Error(`expected int32 indices, got ${info.dtype}`);
      return backend.typedArrayFromHeap(info) as Int32Array;
    },
    release: (info) => void backend.disposeData(info.dataId),
    right(b, rows) {
      const [k = 0, n = 0] = b.shape;
      if (gemm === null || rows < PACK_MIN_ROWS) return { info: b, k, n, packed: false };
      return { info: pack(b, k, n, false), k, n, packed: true };
    },
    releaseRight(r) {
      if (r.packed) backend.disposeData(r.info.dataId);
    },
    matMulInto(a, r, out) {
      const m = a.shape[0] ?? 0;
      if (r.packed && gemm !== null) {
        const [bks, bps] = packedStrides(r.k);
        gemm.gemm(at(a), 4 * r.k, 4, m, r.k, at(r.info), bks, bps, r.n, at(out), 4 * r.n, GEMM_INIT.zero, 0, edge());
        return;
      }
      // Untransposed with batch 1: the XNNPACK path, its packed weights cached on b's tensor id.
      matMul(id(a), shapeBytes([1, m, r.k]), 3, id(r.info), shapeBytes([1, r.k, r.n]), 3, 0, 0, id(out));
    },
    fastMatMulInto(a, b, out, options = {}) {
      const aDims = matrixDims(a);
      const bDims = matrixDims(b);
      if (gemm === null || aDims === null || bDims === null) return false;
      const transposeA = options.transposeA === true;
      const transposeB = options.transposeB === true;
      const [m, k] = transposeA ? [aDims[1], aDims[0]] : aDims;
      const [kb, n] = transposeB ? [bDims[1], bDims[0]] : bDims;
      if (k !== kb || m === 0 || n === 0 || k === 0) return false;
      const bias = options.bias ?? null;
      // Always packed: read in place, a B whose rows are 4 KiB apart puts every row of a panel in one L1 set.
      const packed = pack(b, k, n, transposeB, true);
      const [bks, bps] = packedStrides(k);
      // A(i, kk) sits at i * rowStride + kk * kStride; a transposed A is stored [K, M].
      const [rowStride, kStride] = transposeA ? [4, 4 * m] : [4 * k, 4];
      const init = bias === null ? GEMM_INIT.zero : GEMM_INIT.bias;
      const biasAt = bias === null ? 0 : at(bias);
      gemm.gemm(at(a), rowStride, kStride, m, k, at(packed), bks, bps, n, at(out), 4 * n, init, biasAt, edge());
      return true;
    },
    sigmoidInto: (x, out) => sigmoid(id(x), id(out)),
  };
}

/** The cpu backend through its own kernels (a reference path: speed is irrelevant there). */
function cpuAccess(backend: CpuBackendLike): BackendAccess {
  const view = (info: TensorInfo): Float32Array => {
    const values = backend.data.get(info.dataId)?.values;
    if (!(values instanceof Float32Array)) throw new Error('cpu tensor has no float32 values');
    return values;
  };
  const run = (kernelName: string, inputs: Record<string, TensorInfo>, out: TensorInfo, attrs = {}): void => {
    const result = tf.getKernel(kernelName, 'cpu').kernelFunc({ inputs, backend, attrs });
    if (Array.isArray(result)) throw new Error(`${kernelName} returned several outputs`);
    view(out).set(view(result));
    backend.disposeIntermediateTensorInfo(result);
  };
  const alloc = (shape: number[]): TensorInfo =>
    backend.makeTensorInfo(shape, 'float32', new Float32Array(size(shape)));
  return {
    cells: null,
    address: () => {
      throw new Error('cpu tensors have no heap address');
    },
    alloc,
    scratch: scratchPool(alloc),
    view,
    indices: (info) => {
      const values = backend.data.get(info.dataId)?.values;
      if (!(values instanceof Int32Array)) throw new Error('cpu tensor has no int32 values');
      return values;
    },
    release: (info) => backend.disposeIntermediateTensorInfo(info),
    right: (b, _rows) => ({ info: b, k: b.shape[0] ?? 0, n: b.shape[1] ?? 0, packed: false }),
    releaseRight: () => undefined,
    matMulInto: (a, r, out) => run(tf.BatchMatMul, { a, b: r.info }, out, { transposeA: false, transposeB: false }),
    fastMatMulInto: () => false,
    sigmoidInto: (x, out) => run(tf.Sigmoid, { x }, out),
  };
}

const cache = new WeakMap<object, BackendAccess>();

/** Access for the backend a kernel runs on (made once per backend), or null when it is not JavaScript-hosted. */
export function backendAccess(backendName: string, backend: unknown): BackendAccess | null {
  if (typeof backend !== 'object' || backend === null) return null;
  const cached = cache.get(backend);
  if (cached !== undefined) return cached;
  let access: BackendAccess | null = null;
  if (backendName === 'wasm' && isWasmBackend(backend)) access = wasmAccess(backend);
  if (backendName === 'cpu' && isCpuBackend(backend)) access = cpuAccess(backend);
  if (access !== null) cache.set(backend, access);
  return access;
}
