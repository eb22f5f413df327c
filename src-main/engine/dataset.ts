import { AppError } from '../contract/errors.ts';
import type { Rng } from './rng.ts';
import type { Vocab } from './vocab.ts';

export const TRAIN_FRACTION = 0.9;

/** Inputs and next-character targets, batch-major: both [count, length] int32 flattened. */
export interface Batch {
  inputs: Int32Array;
  targets: Int32Array;
  count: number;
  length: number;
}

/**
 * Each document gives its first 90% to training and its last 10% to validation, so no text leaks from one
 * side to the other. Training windows never cross a document boundary.
 */
export class CharDataset {
  private readonly train: Int32Array[];
  private readonly val: Int32Array[];
  /** Cumulative count of valid training-window starts per document. */
  private readonly cumulativeStarts: number[];
  readonly trainChars: number;
  readonly valChars: number;

  constructor(
    documents: readonly Int32Array[],
    readonly seqLen: number,
  ) {
    this.train = documents.map((d) => d.subarray(0, Math.floor(d.length * TRAIN_FRACTION)));
    this.val = documents.map((d) => d.subarray(Math.floor(d.length * TRAIN_FRACTION)));
    let total = 0;
    this.cumulativeStarts = this.train.map((d) => (total += Math.max(0, d.length - seqLen)));
    this.trainChars = this.train.reduce((n, d) => n + d.length, 0);
    this.valChars = this.val.reduce((n, d) => n + d.length, 0);
    if (total === 0) {
      throw new AppError('E_EMPTY', `the corpora are too short for training windows of ${seqLen + 1} characters`);
    }
  }

  static fromTexts(texts: readonly string[], vocab: Vocab, seqLen: number): CharDataset {
    return new CharDataset(
      texts.map((t) => vocab.encode(t).ids),
      seqLen,
    );
  }

  stepsPerEpoch(batchSize: number): number {
    return Math.max(1, Math.floor(this.trainChars / (batchSize * this.seqLen)));
  }

  /** Random windows of seqLen + 1 characters drawn with the given generator. */
  sampleBatch(rng: Rng, batchSize: number): Batch {
    const n = this.seqLen;
    const inputs = new Int32Array(batchSize * n);
    const targets = new Int32Array(batchSize * n);
    const totalStarts = this.cumulativeStarts[this.cumulativeStarts.length - 1] ?? 0;
    for (let b = 0; b < batchSize; b++) {
      let k = rng.int(totalStarts);
      let doc = 0;
      while (k >= (this.cumulativeStarts[doc] ?? 0)) doc++;
      k -= doc > 0 ? (this.cumulativeStarts[doc - 1] ?? 0) : 0;
      const source = this.train[doc] ?? new Int32Array(0);
      inputs.set(source.subarray(k, k + n), b * n);
      targets.set(source.subarray(k + 1, k + n + 1), b * n);
    }
    return { inputs, targets, count: batchSize, length: n };
  }

  /** Non-overlapping windows covering every validation character (a shorter last window per document). */
  *validationBatches(batchSize: number): Generator<Batch> {
    const byLength = new Map<number, Int32Array[]>();
    for (const doc of this.val) {
      for (let start = 0; start + 1 < doc.length; start += this.seqLen) {
        const window = doc.subarray(start, Math.min(doc.length, start + this.seqLen + 1));
        const list = byLength.get(window.length - 1) ?? [];
        list.push(window);
        byLength.set(window.length - 1, list);
      }
    }
    for (const [length, windows] of byLength) {
      for (let first = 0; first < windows.length; first += batchSize) {
        const group = windows.slice(first, first + batchSize);
        const inputs = new Int32Array(group.length * length);
        const targets = new Int32Array(group.length * length);
        group.forEach((w, b) => {
          inputs.set(w.subarray(0, length), b * length);
          targets.set(w.subarray(1), b * length);
        });
        yield { inputs, targets, count: group.length, length };
      }
    }
  }
}
