import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { backendAccess, type BackendAccess } from './backend-access';
import {
  cellBackward,
  columnSums,
  gatesAndCell,
  hiddenFromCell,
  preActivation,
  transposeInto,
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

/**
 * Where forward step t reads and writes. Methods, not arrays: a wasm heap view goes stale when the heap grows,
 * which any wasm call may do, so every view is fetched right where it is used.
 */
interface StepPlaces {
  zIn(t: number): Block;
  cPrev(t: number): Block;
  gates(t: number): Block;
  c(t: number): Block;
  tanhC(t: number): Block;
  h(t: number): Block;
}

/** The per-step buffers of a forward pass, reused across steps and calls. */
interface StepScratch {
  z: TensorInfo;
  sig: TensorInfo;
  twoC: TensorInfo;
  sigTwoC: TensorInfo;
}

function stepScratch(access: BackendAccess, batch: number, units: number): StepScratch {
  return {
    z: access.scratch('z', [batch, 4 * units]),
    sig: access.scratch('sig', [batch, 4 * units]),
    twoC: access.scratch('twoC', [batch, units]),
    sigTwoC: access.scratch('sigTwoC', [batch, units]),
  };
}

/**
 * Forward step t, once scratch.z holds h_{t-1} x recurrentKernel: adds the input part (and bias, if given),
 * then two vectorised Sigmoid calls do every transcendental (tanh via sigmoid).
 */
function forwardStep(
  access: BackendAccess,
  batch: number,
  units: number,
  t: number,
  scratch: StepScratch,
  bias: TensorInfo | null,
  places: StepPlaces,
): void {
  const biasView = bias === null ? null : access.view(bias);
  preActivation(batch, units, access.view(scratch.z), places.zIn(t), biasView);
  access.sigmoidInto(scratch.z, scratch.sig);
  const twoC = access.view(scratch.twoC);
  gatesAndCell(batch, units, access.view(scratch.sig), places.cPrev(t), places.gates(t), places.c(t), twoC);
  access.sigmoidInto(scratch.twoC, scratch.sigTwoC);
  hiddenFromCell(batch, units, access.view(scratch.sigTwoC), places.gates(t), places.tanhC(t), places.h(t));
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
  const scratch = stepScratch(access, batch, units);
  const hPrev = access.scratch('hPrev', [batch, units]);
  const block = (info: TensorInfo, offset: number): Block => ({ data: access.view(info), offset });
  const places: StepPlaces = {
    zIn: (t) => block(xw, t * gateSize),
    cPrev: (t) => (t === 0 ? block(c0, 0) : block(c, (t - 1) * stateSize)),
    gates: (t) => block(gates, t * gateSize),
    c: (t) => block(c, t * stateSize),
    tanhC: (t) => block(tanhC, t * stateSize),
    h: (t) => block(y, t * stateSize),
  };
  access.view(hPrev).set(access.view(h0));
  // Packed once, used by all T steps.
  const right = access.right(recurrentKernel, steps * batch);
  const cells = units % 4 === 0 ? access.cells : null;
  const at = access.address;
  // The cell: one SIMD call on wasm (units a multiple of 4), else the loops of lstm-cell-math and two Sigmoids.
  const cell =
    cells === null
      ? (t: number) => forwardStep(access, batch, units, t, scratch, null, places)
      : (t: number) =>
          cells.trainForwardCell(
            at(scratch.z),
            at(xw, t * gateSize),
            t === 0 ? at(c0) : at(c, (t - 1) * stateSize),
            at(gates, t * gateSize),
            at(c, t * stateSize),
            at(tanhC, t * stateSize),
            at(y, t * stateSize),
            units,
            batch,
          );
  // h_{t-1} into column block t of hPrevT: the SIMD transpose on wasm (any shape), else a loop.
  const simd = access.cells;
  const saveHPrev =
    simd === null
      ? (t: number) => transposeInto(block(hPrev, 0), batch, units, units, block(hPrevT, t * batch), steps * batch)
      : (t: number) => simd.transpose(at(hPrev), batch, units, units, at(hPrevT, t * batch), steps * batch);
  try {
    for (let t = 0; t < steps; t++) {
      saveHPrev(t);
      access.matMulInto(hPrev, right, scratch.z);
      cell(t);
      access.view(hPrev).set(access.view(y).subarray(t * stateSize, (t + 1) * stateSize));
    }
  } finally {
    access.releaseRight(right);
  }
  access.view(y).set(access.view(c).subarray((steps - 1) * stateSize, steps * stateSize), steps * stateSize);
  return [y, c, tanhC, gates, hPrevT];
}

/**
 * Inputs dy [T+1, B, U] (gradient of y), recurrentKernelT [4U, U], c0 [B, U] and the forward's c, tanhC, gates.
 * Outputs dz [T*B, 4U] (pre-activation gradients, all steps), dh0, dc0 [B, U] and dBias [4U] (the column sums of
 * dz: stock wasm sums over axis 0 by transposing the whole matrix first).
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
  const dz = access.alloc([steps * batch, 4 * units]);
  const dh0 = access.alloc([batch, units]);
  const dc0 = access.alloc([batch, units]);
  const dzStep = access.scratch('dzStep', [batch, 4 * units]);
  const dhRec = access.scratch('dhRec', [batch, units]);
  const dc = access.view(dy).slice(steps * stateSize, (steps + 1) * stateSize);
  const block = (info: TensorInfo, offset: number): Block => ({ data: access.view(info), offset });
  const right = access.right(recurrentKernelT, steps * batch);
  const cells = units % 4 === 0 ? access.cells : null;
  const at = access.address;
  // The SIMD cell keeps dc in wasm memory; the loops keep it in `dc`.
  const dcState = cells === null ? null : access.scratch('dcState', [batch, units]);
  if (dcState !== null) access.view(dcState).set(dc);
  // The SIMD cell sums the bias gradient as it goes; the loops' caller sums dz's columns at the end.
  const dBias = access.alloc([4 * units], true);
  const cell =
    cells === null || dcState === null
      ? (t: number) =>
          cellBackward(
            batch,
            units,
            block(dy, t * stateSize),
            t === steps - 1 ? null : block(dhRec, 0),
            dc,
            block(gates, t * gateSize),
            block(tanhC, t * stateSize),
            t === 0 ? block(c0, 0) : block(c, (t - 1) * stateSize),
            block(dz, t * gateSize),
            block(dzStep, 0),
          )
      : (t: number) =>
          cells.trainBackwardCell(
            at(dy, t * stateSize),
            t === steps - 1 ? 0 : at(dhRec),
            at(dcState),
            at(gates, t * gateSize),
            at(tanhC, t * stateSize),
            t === 0 ? at(c0) : at(c, (t - 1) * stateSize),
            at(dz, t * gateSize),
            at(dzStep),
            at(dBias),
            units,
            batch,
          );
  try {
    for (let t = steps - 1; t >= 0; t--) {
      cell(t);
      access.matMulInto(dzStep, right, dhRec);
    }
  } finally {
    access.releaseRight(right);
  }
  access.view(dh0).set(access.view(dhRec));
  access.view(dc0).set(dcState === null ? dc : access.view(dcState));
  if (cells === null) columnSums(access.view(dz), steps * batch, 4 * units, access.view(dBias));
  return [dz, dh0, dc0, dBias];
}

/** Inputs x [B, I], kernel [I, 4U], recurrentKernel [U, 4U], bias [4U], h, c [B, U]. Outputs h, c [B, U]. */
function lstmStep(access: BackendAccess, inputs: NamedTensorInfoMap): TensorInfo[] {
  const h = input(inputs, 'h');
  const c = input(inputs, 'c');
  const [batch, units] = dims(h);
  const hOut = access.alloc([batch, units]);
  const cOut = access.alloc([batch, units]);
  const scratch = stepScratch(access, batch, units);
  const zIn = access.scratch('zIn', [batch, 4 * units]);
  const gates = new Float32Array(batch * 4 * units);
  const tanhC = new Float32Array(batch * units);
  // One step: XNNPACK's own cached packing beats packing these per call.
  access.matMulInto(input(inputs, 'x'), access.right(input(inputs, 'kernel'), 0), zIn);
  access.matMulInto(h, access.right(input(inputs, 'recurrentKernel'), 0), scratch.z);
  forwardStep(access, batch, units, 0, scratch, input(inputs, 'bias'), {
    zIn: () => ({ data: access.view(zIn), offset: 0 }),
    cPrev: () => ({ data: access.view(c), offset: 0 }),
    gates: () => ({ data: gates, offset: 0 }),
    c: () => ({ data: access.view(cOut), offset: 0 }),
    tanhC: () => ({ data: tanhC, offset: 0 }),
    h: () => ({ data: access.view(hOut), offset: 0 }),
  });
  return [hOut, cOut];
}

/** Registers a kernel that runs on backendAccess's view of `backendName` (idempotent). */
export function registerAccessKernel(
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
    registerAccessKernel(LSTM_FORWARD, backendName, lstmForward);
    registerAccessKernel(LSTM_BACKWARD, backendName, (access, inputs) => lstmBackward(access, inputs));
    registerAccessKernel(LSTM_STEP, backendName, (access, inputs) => lstmStep(access, inputs));
  }
}

/** Whether the active backend runs the fused kernels (otherwise callers use plain tf ops). */
export function fusedLstmActive(): boolean {
  const name = tf.getBackend();
  return (FUSED_LSTM_BACKENDS as readonly string[]).includes(name);
}
