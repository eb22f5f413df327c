import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { BackendName } from '../src-main/engine/types.ts';
import { wasmMatrixKernel } from '../src-main/engine/wasm-kernels/gemm-kernel.ts';
import { qualityCurve } from './quality.ts';

const referenceSchema = z.object({
  runs: z.array(
    z.object({
      model: z.string(),
      batch: z.number(),
      seqLen: z.number(),
      dropout: z.number(),
      curve: z.array(z.object({ step: z.number(), trainLoss: z.number(), valNatsPerChar: z.number() })),
    }),
  ),
});

export interface ReferenceOptions {
  text: string;
  referenceFile: string;
  steps: number;
  seed: number;
  backendOrder?: BackendName[];
  log: boolean;
}

/** Trains the reference recipe (2x256, batch 32, seqLen 100, no dropout) and compares validation loss step by step. */
export async function compareWithReference(opts: ReferenceOptions): Promise<Record<string, unknown>> {
  const reference = referenceSchema.parse(JSON.parse(await readFile(opts.referenceFile, 'utf8')));
  const run = reference.runs.find((r) => r.model === '2x256' && r.batch === 32 && r.seqLen === 100 && r.dropout === 0);
  if (run === undefined) throw new Error('the reference file has no 2x256 batch 32 run');
  const points = run.curve.filter((p) => p.step <= opts.steps);
  const result = await qualityCurve({
    text: opts.text,
    preset: 'medium',
    model: { dropout: 0 },
    optimizer: { batchSize: 32, seqLen: 100 },
    steps: opts.steps,
    evalEvery: 1_000_000,
    evalSteps: points.map((p) => p.step),
    seed: opts.seed,
    ...(opts.backendOrder === undefined ? {} : { backendOrder: opts.backendOrder }),
    log: opts.log,
  });
  const comparison = points.map((p) => {
    const ours = result.curve.find((c) => c.step === p.step);
    const relative = ours === undefined ? null : (ours.valNatsPerChar - p.valNatsPerChar) / p.valNatsPerChar;
    return {
      step: p.step,
      referenceValNatsPerChar: p.valNatsPerChar,
      oursValNatsPerChar: ours?.valNatsPerChar ?? null,
      oursTrainLoss: ours?.trainLoss ?? null,
      relativeDifference: relative,
      within3Percent: relative === null ? false : Math.abs(relative) <= 0.03,
      elapsedSeconds: ours?.elapsedSeconds ?? null,
    };
  });
  return {
    backend: result.backend,
    ...(result.backend === 'wasm' ? { matrixKernel: wasmMatrixKernel() } : {}),
    recipe: '2x256 LSTM, embedding 64, batch 32, seqLen 100, Adam 2e-3, clip 5, dropout 0',
    trainingCharsPerSecond: result.charsPerSecond,
    comparison,
    allWithin3Percent: comparison.every((c) => c.within3Percent),
  };
}
