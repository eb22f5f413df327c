import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

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
  release(info: TensorInfo): void;
  /** out = a [M, K] x b [K, N], out [M, N] already allocated. */
  matMulInto(a: TensorInfo, b: TensorInfo, out: TensorInfo): void;
  /** out = sigmoid(x), same shape, out already allocated (distinct from x). */
  sigmoidInto(x: TensorInfo, out: TensorInfo): void;
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
  const id = (info: TensorInfo): number => {
    const data = backend.dataIdMap.get(info.dataId);
    if (data === undefined) throw new Error('tensor is not on the wasm backend');
    return data.id;
  };
  const alloc = (shape: number[], zero = false): TensorInfo => {
    const info = backend.makeOutput(shape, 'float32');
    if (zero) backend.typedArrayFromHeap(info).fill(0);
    return info;
  };
  return {
    alloc,
    scratch: scratchPool((shape) => alloc(shape)),
    view: (info) => backend.typedArrayFromHeap(info) as Float32Array,
    release: (info) => void backend.disposeData(info.dataId),
    matMulInto(a, b, out) {
      const [m = 0, k = 0] = a.shape;
      const n = b.shape[1] ?? 0;
      // Untransposed with batch 1: the XNNPACK path, its packed weights cached on b's tensor id.
      matMul(id(a), shapeBytes([1, m, k]), 3, id(b), shapeBytes([1, k, n]), 3, 0, 0, id(out));
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
    alloc,
    scratch: scratchPool(alloc),
    view,
    release: (info) => backend.disposeIntermediateTensorInfo(info),
    matMulInto: (a, b, out) => run(tf.BatchMatMul, { a, b }, out, { transposeA: false, transposeB: false }),
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
