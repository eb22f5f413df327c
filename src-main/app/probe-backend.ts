import type { BackendName } from '../contract/index.ts';

/** Which backend would load here, in the engine's order of preference: native TensorFlow, then wasm, then cpu. */
export async function probeBackend(): Promise<BackendName> {
  try {
    const nativeModule = '@tensorflow/tfjs-node';
    await import(/* @vite-ignore */ nativeModule);
    return 'tensorflow';
  } catch {
    // Optional dependency: absent or without libtensorflow on this machine.
  }
  const tf = await import('@tensorflow/tfjs');
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend('wasm')) return 'wasm';
  } catch {
    // Falls through to the pure-JS backend.
  }
  await tf.setBackend('cpu');
  return 'cpu';
}
