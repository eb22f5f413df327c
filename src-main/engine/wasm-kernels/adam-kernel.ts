import type { KernelConfig } from '@tensorflow/tfjs';
import { backendAccess } from '../lstm/backend-access';
import { ADAM_UPDATE, adamAttrs } from '../optimizer';

/**
 * optimizer.ts's Adam update of one weight as one pass of lstm-simd.wat's `adam` (the tensor ops make twelve):
 * inputs w, g, m, v (same shape) and the clipping scale [], attrs as adamAttrs; outputs w1, m1, v1.
 */
export const adamUpdateConfig: KernelConfig = {
  kernelName: ADAM_UPDATE,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const access = backendAccess('wasm', backend);
    const cells = access?.cells;
    const { w, g, m, v, scale } = inputs;
    if (access === null || !cells) throw new Error(`${ADAM_UPDATE} needs the wasm SIMD kernels`);
    if (w === undefined || g === undefined || m === undefined || v === undefined || scale === undefined)
      throw new Error(`${ADAM_UPDATE} needs w, g, m, v and scale`);
    const a = adamAttrs(attrs ?? {});
    const [outW, outM, outV] = [access.alloc(w.shape), access.alloc(w.shape), access.alloc(w.shape)];
    const at = access.address;
    const count = w.shape.reduce((x, y) => x * y, 1);
    const s = access.view(scale)[0] ?? 1;
    cells.adam(
      at(w),
      at(g),
      at(m),
      at(v),
      at(outW),
      at(outM),
      at(outV),
      count,
      s,
      a.beta1,
      1 - a.beta1,
      a.beta2,
      1 - a.beta2,
      a.stepSize,
      a.secondCorrection,
      a.epsilon,
    );
    return [outW, outM, outV];
  },
};
