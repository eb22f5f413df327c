import * as tf from '@tensorflow/tfjs';
import type { CharLstmWeights } from '../model.ts';
import { KernelStepper, packedModelFor } from './kernel-stepper.ts';
import type { CharStepper } from './stepper.ts';
import { TensorStepper } from './tensor-stepper.ts';

export type StepperKind = 'kernel' | 'tensor';

/**
 * The WebAssembly step kernel wherever tensors live in JavaScript memory (wasm, cpu); tensor ops on native
 * TensorFlow, which keeps its weights in its own memory. `kind` forces one (tests compare the two).
 */
export function createStepper(weights: CharLstmWeights, rows: number, kind?: StepperKind): CharStepper {
  const wanted = kind ?? (tf.getBackend() === 'tensorflow' ? 'tensor' : 'kernel');
  const packed = wanted === 'kernel' ? packedModelFor(weights) : null;
  if (packed !== null) return new KernelStepper(packed, rows);
  if (kind === 'kernel') throw new Error('the WebAssembly step kernel cannot run this model here');
  return new TensorStepper(weights, rows);
}
