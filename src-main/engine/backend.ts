import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAMES, type BackendName } from './types.ts';
import { registerWasmKernelOverrides } from './wasm-kernels/index.ts';

const DEFAULT_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

// A variable specifier: tfjs-node is optional and bundlers must not try to resolve it.
const NATIVE_PACKAGE = '@tensorflow/tfjs-node';

async function tryBackend(name: BackendName): Promise<boolean> {
  try {
    if (name === 'tensorflow') await import(/* @vite-ignore */ NATIVE_PACKAGE);
    if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    if (tf.findBackendFactory(name) === null) return false;
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    if (name === 'wasm') {
      // Includes UnsortedSegmentSum, which stock wasm lacks and the embedding gradient needs.
      registerWasmKernelOverrides();
    }
    return true;
  } catch {
    return false;
  }
}

/** The UNDERSTUDY_BACKEND environment variable (tests, bench) restricts the chain to one backend. */
export function backendOrderFromEnv(env: NodeJS.ProcessEnv = process.env): BackendName[] | undefined {
  const wanted = env['UNDERSTUDY_BACKEND'];
  if (wanted === undefined || wanted === '') return undefined;
  const match = BACKEND_NAMES.find((b) => b === wanted);
  if (match === undefined) throw new Error(`UNDERSTUDY_BACKEND=${wanted} is not one of ${BACKEND_NAMES.join(', ')}`);
  return [match];
}

/** Activates the first backend of the chain that loads: native TensorFlow, then wasm (SIMD), then cpu. */
export async function initBackend(
  order: readonly BackendName[] = backendOrderFromEnv() ?? DEFAULT_ORDER,
): Promise<BackendName> {
  const current = activeBackend();
  if (current !== undefined && order.includes(current)) {
    if (current === 'wasm') registerWasmKernelOverrides();
    return current;
  }
  for (const name of order) {
    if (await tryBackend(name)) return name;
  }
  throw new Error(`no TensorFlow.js backend loaded (tried ${order.join(', ')})`);
}

export function activeBackend(): BackendName | undefined {
  let name: string;
  try {
    name = tf.getBackend();
  } catch {
    return undefined;
  }
  return BACKEND_NAMES.find((b) => b === name);
}

export { recommendedPreset } from './presets.ts';
