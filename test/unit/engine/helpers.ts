import { initialWeightValues, weightsFromValues, type CharLstmWeights } from '../../../src-main/engine/model.ts';
import { Rng } from '../../../src-main/engine/rng.ts';
import type { ModelHyperparams, TrainingConfig } from '../../../src-main/engine/types.ts';
import { Vocab } from '../../../src-main/engine/vocab.ts';

export const TINY: ModelHyperparams = { embeddingSize: 8, units: 16, layers: 2, dropout: 0 };

/** A small corpus with enough structure for a tiny model to learn something in a few dozen steps. */
export function tinyCorpus(repeats = 40): string {
  const lines = ['INT. KITCHEN - NIGHT\n', 'ANNA: Where were you?\n', 'BEN: Out. Walking.\n', 'ANNA: In the rain?\n'];
  let text = '';
  for (let i = 0; i < repeats; i++) text += lines[i % lines.length];
  return text;
}

export function randomModel(
  text: string,
  hp: ModelHyperparams = TINY,
  seed = 1,
): { weights: CharLstmWeights; vocab: Vocab } {
  const vocab = Vocab.fromTexts([text]);
  return { weights: weightsFromValues(hp, vocab.size, initialWeightValues(hp, vocab.size, Rng.fromSeed(seed))), vocab };
}

export function tinyConfig(over: Partial<TrainingConfig> = {}): TrainingConfig {
  return {
    name: 'tiny',
    preset: 'small',
    model: { ...TINY },
    optimizer: { seqLen: 16, batchSize: 8, learningRate: 1e-2 },
    budget: { kind: 'steps', steps: 12 },
    evalEvery: 4,
    earlyStopping: { enabled: true, patience: 3 },
    seed: 7,
    sampleLength: 20,
    ...over,
  };
}
