import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { backendAccess } from '../lstm/backend-access';
import { adamUpdateConfig } from './adam-kernel';
import { rowGather } from './gather-kernel';
import { sharedIdentityConfig } from './identity-kernel';
import { relaxedFusedMatMul, transposingBatchMatMul } from './matmul-kernel';
import { segmentSumConfig } from './segment-sum-kernel';
import { heapSliceConfig, heapSplitVConfig, heapUnpackConfig } from './slice-kernels';
import { tiledTranspose } from './transpose-kernel';

/** The stock configs replaced by the overrides, so they can be restored (benchmarks compare both). */
const replaced = new Map<string, KernelConfig>();

function stockKernel(name: string): KernelConfig {
  const config = tf.getKernel(name, 'wasm');
  if (config === undefined) throw new Error(`stock wasm kernel ${name} is not registered`);
  return config;
}

function overrides(): KernelConfig[] {
  const transpose = tiledTranspose(stockKernel(tf.Transpose));
  return [
    transpose,
    transposingBatchMatMul(stockKernel(tf.BatchMatMul), transpose),
    relaxedFusedMatMul(stockKernel(tf._FusedMatMul)),
    rowGather(stockKernel(tf.GatherV2)),
    heapSliceConfig,
    heapUnpackConfig,
    heapSplitVConfig,
    sharedIdentityConfig,
  ];
}

/** Names of the wasm kernels currently overridden. */
export function overriddenWasmKernels(): string[] {
  return [...replaced.keys()];
}

/**
 * Registers faster wasm kernels in place of stock ones, the UnsortedSegmentSum that stock wasm lacks (unless
 * another module registered one) and the fused Adam update (where wasm SIMD runs on the backend's heap); call once
 * after the wasm backend is ready. Idempotent.
 */
export function registerWasmKernelOverrides(): void {
  if (tf.getKernel(tf.UnsortedSegmentSum, 'wasm') === undefined) tf.registerKernel(segmentSumConfig);
  // Only where the SIMD module runs on this backend's heap (not the threaded build's shared memory).
  const wasm = tf.findBackend('wasm');
  const simd = wasm === null ? null : (backendAccess('wasm', wasm)?.cells ?? null);
  if (simd !== null && tf.getKernel(adamUpdateConfig.kernelName, 'wasm') === undefined)
    tf.registerKernel(adamUpdateConfig);
  if (replaced.size > 0) return;
  for (const config of overrides()) {
    replaced.set(config.kernelName, stockKernel(config.kernelName));
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
}

/** Puts the stock kernels back (benchmarks time both in one run); the added UnsortedSegmentSum and Adam stay. */
export function unregisterWasmKernelOverrides(): void {
  for (const [name, stock] of replaced) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(stock);
  }
  replaced.clear();
}
