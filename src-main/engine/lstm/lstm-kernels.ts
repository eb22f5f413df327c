import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { backendAccess, type BackendAccess } from './backend-access';
import {
  cellBackward,
  gatesAndCell,
  hiddenFromCell,
  preActivation,
  writeTransposed,
  type Block,
} from './lstm-cell-math';

/** Kernel names; the `Understudy` prefix keeps them clear of tfjs's own. */
export const LSTM_FORWARD = 'UnderstudyLstmForward';
export const LSTM_BACKWARD = 'UnderstudyLstmBackward';
export const LSTM_STEP = 'UnderstudyLstmStep';

/** Backends whose tensors live in JavaScript-reachable memory, where the fused kernels run. */
export const FUSED_LSTM_BACKENDS = ['wasm', 'cpu'] as const;

function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const info = inputs[name];
  if (info === undefined) throw new Error(`LSTM kernel input '${name}' missing`);
  return info;
}

function dims(info: TensorInfo): [number, number] {
  return [info.shape[0] ?? 0, info.shape[1] ?? 0];
}

/** Where one forward step reads and writes; getters, because wasm heap views go stale after any allocation. */
interface StepPlaces {
  zIn(): Block;
  cPrev(): Block;
  gates(): Block;
  c(): Block;
  tanhC(): Block;
  h(): Block;
  hCopy(): Float32Array | null;
}

/**
 * One forward time step. zRec [B, 4U] = h_{t-1} x recurrentKernel (released here) plus zIn (plus bias, if given)
 * is the pre-activation. Two vectorised Sigmoid calls do every transcendental (tanh via sigmoid).
 */
function forwardStep(
  access: BackendAccess,
  batch: number,
  units: number,
  zRec: TensorInfo,
  bias: Float32Array | null,
  places: StepPlaces,
): void {
  preActivation(batch, units, access.view(zRec), places.zIn(), bias);
  const sig = access.unary(tf.Sigmoid, zRec);
  const twoC = access.alloc([batch, units]);
  gatesAndCell(batch, units, access.view(sig), places.cPrev(), places.gates(), places.c(), access.view(twoC));
  const sigTwoC = access.unary(tf.Sigmoid, twoC);
  hiddenFromCell(batch, units, access.view(sigTwoC), places.gates(), places.tanhC(), places.h(), places.hCopy());
  for (const info of [zRec, sig, twoC, sigTwoC]) access.release(info);
}

/**
 * Inputs xw [T*B, 4U] (x x kernel + bias, all steps), recurrentKernel [U, 4U], h0, c0 [B, U]; attr steps = T.
 * Outputs y [T+1, B, U] (h_1..h_T, then c_T), c [T, B, U], tanhC [T, B, U], gates [T, B, 4U] (activated) and
 * hPrevT [U, T*B] (h_0..h_{T-1} transposed: the left operand of the recurrent-weight gradient, with no transpose).
 */
function lstmForward(access: BackendAccess, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo[] {
  const xw = input(inputs, 'xw');
  const recurrentKernel = input(inputs, 'recurrentKernel');
  const h0 = input(inputs, 'h0');
  const c0 = input(inputs, 'c0');
  const steps = Number(attrs['steps']);
  const [batch, units] = dims(h0);
  const stateSize = batch * units;
  const gateSize = 4 * stateSize;
  const y = access.alloc([steps + 1, batch, units]);
  const c = access.alloc([steps, batch, units]);
  const tanhC = access.alloc([steps, batch, units]);
  const gates = access.alloc([steps, batch, 4 * units]);
  const hPrevT = access.alloc([units, steps * batch]);
  const hNext = access.alloc([batch, units]);
  writeTransposed(batch, units, { data: access.view(h0), offset: 0 }, access.view(hPrevT), steps * batch, 0);
  for (let t = 0; t < steps; t++) {
    const zRec = access.matMul(t === 0 ? h0 : hNext, recurrentKernel);
    forwardStep(access, batch, units, zRec, null, {
      zIn: () => ({ data: access.view(xw), offset: t * gateSize }),
      cPrev: () =>
        t === 0 ? { data: access.view(c0), offset: 0 } : { data: access.view(c), offset: (t - 1) * stateSize },
      gates: () => ({ data: access.view(gates), offset: t * gateSize }),
      c: () => ({ data: access.view(c), offset: t * stateSize }),
      tanhC: () => ({ data: access.view(tanhC), offset: t * stateSize }),
      h: () => ({ data: access.view(y), offset: t * stateSize }),
      hCopy: () => access.view(hNext),
    });
    if (t + 1 < steps) {
      const h = { data: access.view(hNext), offset: 0 };
      writeTransposed(batch, units, h, access.view(hPrevT), steps * batch, t + 1);
    }
  }
  access.view(y).set(access.view(c).subarray((steps - 1) * stateSize, steps * stateSize), steps * stateSize);
  access.release(hNext);
  return [y, c, tanhC, gates, hPrevT];
}

/**
 * Inputs dy [T+1, B, U] (gradient of y), recurrentKernelT [4U, U], c0 [B, U] and the forward's c, tanhC, gates.
 * Outputs dz [T*B, 4U] (pre-activation gradients, all steps), dh0, dc0 [B, U].
 */
function lstmBackward(access: BackendAccess, inputs: NamedTensorInfoMap): TensorInfo[] {
  const dy = input(inputs, 'dy');
  const recurrentKernelT = input(inputs, 'recurrentKernelT');
  const c0 = input(inputs, 'c0');
  const c = input(inputs, 'c');
  const tanhC = input(inputs, 'tanhC');
  const gates = input(inputs, 'gates');
  const steps = (dy.shape[0] ?? 1) - 1;
  const [batch, units] = dims(c0);
  const stateSize = batch * units;
  const gateSize = 4 * stateSize;
  const dc = access.view(dy).slice(steps * stateSize, (steps + 1) * stateSize);
  const dz = access.alloc([steps * batch, 4 * units]);
  const dzStep = access.alloc([batch, 4 * units]);
  let dhRec: TensorInfo | null = null;
  for (let t = steps - 1; t >= 0; t--) {
    cellBackward(
      batch,
      units,
      { data: access.view(dy), offset: t * stateSize },
      dhRec === null ? null : { data: access.view(dhRec), offset: 0 },
      dc,
      { data: access.view(gates), offset: t * gateSize },
      { data: access.view(tanhC), offset: t * stateSize },
      t === 0 ? { data: access.view(c0), offset: 0 } : { data: access.view(c), offset: (t - 1) * stateSize },
      { data: access.view(dz), offset: t * gateSize },
      { data: access.view(dzStep), offset: 0 },
    );
    if (dhRec !== null) access.release(dhRec);
    dhRec = access.matMul(dzStep, recurrentKernelT);
  }
  access.release(dzStep);
  const dc0 = access.alloc([batch, units]);
  access.view(dc0).set(dc);
  const dh0 = dhRec ?? access.alloc([batch, units], true);
  return [dz, dh0, dc0];
}

/** Inputs x [B, I], kernel [I, 4U], recurrentKernel [U, 4U], bias [4U], h, c [B, U]. Outputs h, c [B, U]. */
function lstmStep(access: BackendAccess, inputs: NamedTensorInfoMap): TensorInfo[] {
  const h = input(inputs, 'h');
  const [batch, units] = dims(h);
  const zIn = access.matMul(input(inputs, 'x'), input(inputs, 'kernel'));
  const zRec = access.matMul(h, input(inputs, 'recurrentKernel'));
  const hOut = access.alloc([batch, units]);
  const cOut = access.alloc([batch, units]);
  const gates = new Float32Array(batch * 4 * units);
  const tanhC = new Float32Array(batch * units);
  forwardStep(access, batch, units, zRec, access.view(input(inputs, 'bias')).slice(), {
    zIn: () => ({ data: access.view(zIn), offset: 0 }),
    cPrev: () => ({ data: access.view(input(inputs, 'c')), offset: 0 }),
    gates: () => ({ data: gates, offset: 0 }),
    c: () => ({ data: access.view(cOut), offset: 0 }),
    tanhC: () => ({ data: tanhC, offset: 0 }),
    h: () => ({ data: access.view(hOut), offset: 0 }),
    hCopy: () => null,
  });
  access.release(zIn);
  return [hOut, cOut];
}

function register(
  kernelName: string,
  backendName: string,
  run: (access: BackendAccess, inputs: NamedTensorInfoMap, attrs: NamedAttrMap) => TensorInfo[],
): void {
  if (tf.getKernel(kernelName, backendName) !== undefined) return;
  tf.registerKernel({
    kernelName,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const access = backendAccess(backendName, backend);
      if (access === null) throw new Error(`${kernelName} cannot run on this ${backendName} backend`);
      return run(access, inputs, attrs ?? {});
    },
  });
}

/** Registers the fused LSTM kernels for every JavaScript-hosted backend; idempotent. */
export function registerLstmKernels(): void {
  for (const backendName of FUSED_LSTM_BACKENDS) {
    register(LSTM_FORWARD, backendName, lstmForward);
    register(LSTM_BACKWARD, backendName, (access, inputs) => lstmBackward(access, inputs));
    register(LSTM_STEP, backendName, (access, inputs) => lstmStep(access, inputs));
  }
}

/** Whether the active backend runs the fused kernels (otherwise callers use plain tf ops). */
export function fusedLstmActive(): boolean {
  const name = tf.getBackend();
  return (FUSED_LSTM_BACKENDS as readonly string[]).includes(name);
}
