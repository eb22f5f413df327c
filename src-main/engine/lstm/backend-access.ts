import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';

/**
 * Direct float32 buffer access and matmul for the two JavaScript-hosted backends (`wasm`, `cpu`), so fused
 * kernels can loop over tensor memory without one engine call per elementwise op.
 */
export interface BackendAccess {
  /** A new float32 tensor of the given shape; contents undefined unless `zero`. */
  alloc(shape: number[], zero?: boolean): TensorInfo;
  /** The tensor's float32 elements; on wasm a heap view, so fetch it again after any alloc or matMul. */
  view(info: TensorInfo): Float32Array;
  release(info: TensorInfo): void;
  /** a [M, K] x b [K, N] -> [M, N], through the backend's own BatchMatMul kernel. */
  matMul(a: TensorInfo, b: TensorInfo): TensorInfo;
  /** The backend's own elementwise kernel (vectorised on wasm), e.g. Sigmoid or Tanh. */
  unary(kernelName: string, x: TensorInfo): TensorInfo;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

interface CpuBackendLike {
  makeTensorInfo(shape: number[], dtype: 'float32', values?: Float32Array): TensorInfo;
  data: { get(dataId: object): { values?: unknown } | undefined };
  disposeIntermediateTensorInfo(info: TensorInfo): void;
}

function isWasmBackend(backend: object): backend is WasmBackendLike {
  return 'typedArrayFromHeap' in backend && 'makeOutput' in backend;
}

function isCpuBackend(backend: object): backend is CpuBackendLike {
  return 'makeTensorInfo' in backend && 'disposeIntermediateTensorInfo' in backend && 'data' in backend;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function backendMatMul(backendName: string, backend: object): (a: TensorInfo, b: TensorInfo) => TensorInfo {
  const kernel = tf.getKernel(tf.BatchMatMul, backendName);
  return (a, b) => {
    const out = kernel.kernelFunc({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } });
    if (Array.isArray(out)) throw new Error('BatchMatMul returned several outputs');
    return { dataId: out.dataId, shape: [a.shape[0] ?? 0, b.shape[1] ?? 0], dtype: 'float32' };
  };
}

function backendUnary(backendName: string, backend: object): (kernelName: string, x: TensorInfo) => TensorInfo {
  return (kernelName, x) => {
    const out = tf.getKernel(kernelName, backendName).kernelFunc({ inputs: { x }, backend, attrs: {} });
    if (Array.isArray(out)) throw new Error(`${kernelName} returned several outputs`);
    return out;
  };
}

function wasmAccess(backend: WasmBackendLike): BackendAccess {
  const matMul = backendMatMul('wasm', backend);
  const unary = backendUnary('wasm', backend);
  return {
    alloc(shape, zero = false) {
      const info = backend.makeOutput(shape, 'float32');
      if (zero) backend.typedArrayFromHeap(info).fill(0);
      return info;
    },
    view: (info) => backend.typedArrayFromHeap(info),
    release: (info) => void backend.disposeData(info.dataId),
    matMul,
    unary,
  };
}

function cpuAccess(backend: CpuBackendLike): BackendAccess {
  const matMul = backendMatMul('cpu', backend);
  const unary = backendUnary('cpu', backend);
  return {
    alloc: (shape) => backend.makeTensorInfo(shape, 'float32', new Float32Array(size(shape))),
    view(info) {
      const values = backend.data.get(info.dataId)?.values;
      if (!(values instanceof Float32Array)) throw new Error('cpu tensor has no float32 values');
      return values;
    },
    release: (info) => backend.disposeIntermediateTensorInfo(info),
    matMul,
    unary,
  };
}

/** Access for the backend a kernel runs on, or null when it is not a JavaScript-hosted one. */
export function backendAccess(backendName: string, backend: unknown): BackendAccess | null {
  if (typeof backend !== 'object' || backend === null) return null;
  if (backendName === 'wasm' && isWasmBackend(backend)) return wasmAccess(backend);
  if (backendName === 'cpu' && isCpuBackend(backend)) return cpuAccess(backend);
  return null;
}
