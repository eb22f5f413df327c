/** One LSTM layer's state for a single sequence: h and c, each [units]. */
export interface LayerState {
  h: Float32Array;
  c: Float32Array;
}

/**
 * Runs the model one character at a time for `rows` sequences side by side (the alternatives of a generation),
 * carrying h and c between calls. Two implementations: the WebAssembly step kernel, and tensor ops (native TF).
 */
export interface CharStepper {
  readonly rows: number;
  /** Sets every row to one sequence's state (null: the zero state). */
  setState(state: readonly LayerState[] | null): void;
  /** Row 0's state, copied. */
  getState(): LayerState[];
  /** Feeds ids [T] through row 0 without computing logits (priming); only for a one-row stepper. */
  advance(ids: Int32Array): void;
  /** ids [rows] -> logits [rows, vocab] (a copy the caller owns), and the state moves one character on. */
  step(ids: readonly number[]): Promise<Float32Array>;
  /** Releases what the stepper holds (tensors or kernel memory). */
  dispose(): void;
}
