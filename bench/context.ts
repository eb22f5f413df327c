import { initBackend } from '../src-main/engine/backend.ts';
import { createStepper } from '../src-main/engine/inference/create-stepper.ts';
import { disposeWeights, weightsFromValues } from '../src-main/engine/model.ts';
import { ModelStore } from '../src-main/engine/model-store.ts';
import type { BackendName } from '../src-main/engine/types.ts';
import { Vocab } from '../src-main/engine/vocab.ts';

export interface ContextOptions {
  text: string;
  modelsDir: string;
  modelId: string;
  primeLengths: number[];
  /** Characters scored after each prime. */
  scored: number;
  positions: number;
  backendOrder?: BackendName[];
}

/**
 * How much text before the cursor a model can use: the mean loss (nats/char) of the `scored` characters that follow
 * a prime of each length, averaged over positions spread through the corpus's validation split (its last 10%).
 */
export async function contextBenefit(opts: ContextOptions) {
  const backend = await initBackend(opts.backendOrder);
  const store = new ModelStore(opts.modelsDir);
  await store.open();
  const loaded = await store.load(opts.modelId);
  const weights = weightsFromValues(loaded.metadata.model, loaded.metadata.vocabSize, loaded.best);
  const vocab = Vocab.fromCodePoints(loaded.codePoints);
  const ids = vocab.encode(opts.text.slice(Math.floor(opts.text.length * 0.9))).ids;
  const longest = Math.max(...opts.primeLengths);
  const span = ids.length - longest - opts.scored - 1;
  if (span <= 0) throw new Error('the validation split is too short for these prime lengths');
  const totals = opts.primeLengths.map(() => 0);
  for (let p = 0; p < opts.positions; p++) {
    const at = longest + 1 + Math.floor((p * span) / opts.positions);
    for (const [j, length] of opts.primeLengths.entries()) {
      const stepper = createStepper(weights, 1);
      stepper.advance(ids.subarray(at - 1 - length, at - 1));
      let loss = 0;
      for (let t = 0; t < opts.scored; t++) {
        const logits = await stepper.step([ids[at - 1 + t] ?? 0]);
        let max = -Infinity;
        for (const v of logits) max = Math.max(max, v);
        let sum = 0;
        for (const v of logits) sum += Math.exp(v - max);
        loss += max + Math.log(sum) - (logits[ids[at + t] ?? 0] ?? 0);
      }
      stepper.dispose();
      totals[j] = (totals[j] ?? 0) + loss / opts.scored;
    }
  }
  disposeWeights(weights);
  return {
    backend,
    model: { id: opts.modelId, preset: loaded.metadata.preset, model: loaded.metadata.model },
    scoredChars: opts.scored,
    positions: opts.positions,
    lossByPrimeChars: Object.fromEntries(
      opts.primeLengths.map((length, j) => [length, Number(((totals[j] ?? 0) / opts.positions).toFixed(4))]),
    ),
  };
}
