import * as tf from '@tensorflow/tfjs';
import { advanceState, disposeState, step, zeroState, type CharLstmWeights, type LstmState } from '../model.ts';
import type { CharStepper, LayerState } from './stepper.ts';

/** A CharStepper on tensor ops: the path on native TensorFlow, and the reference for the step kernel. */
export class TensorStepper implements CharStepper {
  private state: LstmState;

  constructor(
    private readonly weights: CharLstmWeights,
    readonly rows: number,
  ) {
    this.state = zeroState(weights, rows);
  }

  setState(state: readonly LayerState[] | null): void {
    const next =
      state === null
        ? zeroState(this.weights, this.rows)
        : tf.tidy(() =>
            state.map((s) => ({
              h: tf.tile(tf.tensor2d(s.h, [1, s.h.length]), [this.rows, 1]) as tf.Tensor2D,
              c: tf.tile(tf.tensor2d(s.c, [1, s.c.length]), [this.rows, 1]) as tf.Tensor2D,
            })),
          );
    disposeState(this.state);
    this.state = next;
  }

  getState(): LayerState[] {
    return this.state.map((s) => {
      const units = s.h.shape[1];
      return {
        h: (s.h.dataSync() as Float32Array).slice(0, units),
        c: (s.c.dataSync() as Float32Array).slice(0, units),
      };
    });
  }

  advance(ids: Int32Array): void {
    if (this.rows !== 1) throw new Error('advance needs a one-row stepper');
    if (ids.length === 0) return;
    const input = tf.tensor2d(ids, [ids.length, 1], 'int32');
    const next = advanceState(this.weights, input, this.state);
    tf.dispose(input);
    disposeState(this.state);
    this.state = next;
  }

  async step(ids: readonly number[]): Promise<Float32Array> {
    const out = tf.tidy(() => step(this.weights, tf.tensor1d(Int32Array.from(ids), 'int32'), this.state));
    disposeState(this.state);
    this.state = out.state;
    const logits = (await out.logits.data()) as Float32Array;
    out.logits.dispose();
    return logits;
  }

  dispose(): void {
    disposeState(this.state);
    this.state = [];
  }
}
