import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Identity sharing the input's memory (reference counted, as the cpu backend does). Stock wasm copies the whole
 * tensor, and every tensor a gradient saves goes through Identity (engine.clone).
 */
export const sharedIdentityConfig: KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const x = inputs['x'];
    if (x === undefined) throw new Error('Identity has no input');
    (backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
};
