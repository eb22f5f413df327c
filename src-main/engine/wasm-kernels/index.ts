import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { transposingBatchMatMul } from './matmul-kernel';
import { segmentSumConfig } from './segment-sum-kernel';
import { heapSliceConfig, heapSplitVConfig, heapUnpackConfig } from './slice-kernels';

/** The stock configs replaced by the overrides, so they can be restored (benchmarks compare both). */
const replaced = new Map<string, KernelConfig | undefined>();

function stockKernel(name: string): KernelConfig {
  const config = tf.getKernel(name, 'wasm');
  if (config === undefined) throw new Error(`stock wasm kernel ${name} is not registered`);
  return config;
}

function overrides(): KernelConfig[] {
  const list = [
    transposingBatchMatMul(stockKernel(tf.BatchMatMul), stockKernel(tf.Transpose)),
    heapSliceConfig,
    heapUnpackConfig,
    heapSplitVConfig,
  ];
  // Another module may have registered its own segment sum already; keep that one then.
  if (tf.getKernel(tf.UnsortedSegmentSum, 'wasm') === undefined) list.push(segmentSumConfig);
  return list;
}

function install(config: KernelConfig): void {
  if (tf.getKernel(config.kernelName, 'wasm') !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel(config);
}

/** Names of the wasm kernels currently overridden. */
export function overriddenWasmKernels(): string[] {
  return [...replaced.keys()];
}

/** Registers faster wasm kernels in place of stock ones; call once after the wasm backend is ready. Idempotent. */
export function registerWasmKernelOverrides(): void {
  if (replaced.size > 0) return;
  const list = overrides();
  for (const config of list) replaced.set(config.kernelName, tf.getKernel(config.kernelName, 'wasm'));
  for (const config of list) install(config);
}

/** Puts the stock kernels back (for benchmarks that time both in one run). */
export function unregisterWasmKernelOverrides(): void {
  for (const [name, stock] of replaced) {
    tf.unregisterKernel(name, 'wasm');
    if (stock !== undefined) tf.registerKernel(stock);
  }
  replaced.clear();
}
