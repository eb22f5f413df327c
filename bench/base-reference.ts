import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelStore } from '../src-main/engine/model-store.ts';
import { runTorch } from './torch.ts';

export interface BaseReferenceOptions {
  modelsDir: string;
  modelId: string;
  /** Where the model's corpora are, by file name (the bundled base: resources/corpora/base). */
  corpusDir: string;
  threads: number;
}

interface CurvePoint {
  step: number;
  valNatsPerChar: number;
}

/**
 * `bench --base-reference`: trains the PyTorch reference of a saved model (same shape, corpora, split, recipe,
 * steps and evaluation steps) and sets its validation curve beside the model's own. The corpora are checked
 * against the hashes in the model's metadata, so both sides see the same text.
 */
export async function baseReference(opts: BaseReferenceOptions) {
  const metadata = await new ModelStore(opts.modelsDir).readMetadata(opts.modelId);
  const files = metadata.corpora.map((c) => join(opts.corpusDir, c.name));
  for (const [i, corpus] of metadata.corpora.entries()) {
    const hash = createHash('sha256')
      .update(await readFile(files[i] ?? ''))
      .digest('hex');
    if (hash !== corpus.sha256) throw new Error(`${files[i]} is not the text ${metadata.name} was trained on`);
  }
  const ours: CurvePoint[] = metadata.lossCurve.flatMap((p) =>
    p.valNatsPerChar === undefined ? [] : [{ step: p.step, valNatsPerChar: p.valNatsPerChar }],
  );
  const { model, optimizer, training } = metadata;
  const torch = await runTorch(
    files,
    {
      embedding: model.embeddingSize,
      hidden: model.units,
      layers: model.layers,
      batch: optimizer.batchSize,
      seq: optimizer.seqLen,
      lr: optimizer.learningRate,
      clip: optimizer.clipNorm,
      seed: training.seed,
      threads: opts.threads,
    },
    ['--steps', String(metadata.step), '--eval-every', String(training.evalEvery)],
  );
  if (!torch.available) return { model: metadata.id, ours, torch };
  const theirs = (torch.result.curve ?? []) as CurvePoint[];
  const points = ours.flatMap((p) => {
    const other = theirs.find((t) => t.step === p.step);
    return other === undefined
      ? []
      : [
          {
            step: p.step,
            ours: p.valNatsPerChar,
            torch: other.valNatsPerChar,
            ratio: p.valNatsPerChar / other.valNatsPerChar,
          },
        ];
  });
  const last = points.at(-1);
  return {
    model: {
      id: metadata.id,
      name: metadata.name,
      step: metadata.step,
      bestValNatsPerChar: metadata.bestValNatsPerChar,
    },
    torch: { python: torch.python, ...torch.result, curve: undefined },
    points,
    finalRatio: last?.ratio ?? null,
    within5Percent: last === undefined ? null : Math.abs(last.ratio - 1) <= 0.05,
  };
}
