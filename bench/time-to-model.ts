import { startLstmHelper, stopLstmHelper } from '../src-main/engine/lstm/lstm-helper.ts';
import type { BackendName, PresetName } from '../src-main/engine/types.ts';
import { qualityCurve, type CurvePoint } from './quality.ts';

export interface TimeToModelOptions {
  text: string;
  preset: PresetName;
  /** Budgets to report, in minutes; training runs for the largest. */
  budgets: number[];
  evalEvery: number;
  seed: number;
  backendOrder?: BackendName[];
  log: boolean;
}

/**
 * What a writer gets for their time: trains as the app does (helper thread on wasm) for the largest budget and
 * reports the best validation loss reached within each budget, evaluation time included.
 */
export async function timeToModel(opts: TimeToModelOptions) {
  const minutes = Math.max(...opts.budgets);
  const helper = await startLstmHelper().catch(() => false);
  try {
    const result = await qualityCurve({
      text: opts.text,
      preset: opts.preset,
      steps: Number.MAX_SAFE_INTEGER,
      minutes,
      evalEvery: opts.evalEvery,
      seed: opts.seed,
      ...(opts.backendOrder === undefined ? {} : { backendOrder: opts.backendOrder }),
      log: opts.log,
    });
    const bestWithin = (budget: number): CurvePoint | null =>
      result.curve
        .filter((p) => p.elapsedSeconds <= budget * 60)
        .reduce<CurvePoint | null>(
          (best, p) => (best === null || p.valNatsPerChar < best.valNatsPerChar ? p : best),
          null,
        );
    return {
      backend: result.backend,
      helperThread: helper,
      preset: opts.preset,
      charsPerSecond: result.charsPerSecond,
      budgets: opts.budgets.map((budget) => {
        const best = bestWithin(budget);
        return {
          minutes: budget,
          bestValNatsPerChar: best?.valNatsPerChar ?? null,
          bestValBitsPerChar: best?.valBitsPerChar ?? null,
          atStep: best?.step ?? null,
        };
      }),
      curve: result.curve,
    };
  } finally {
    if (helper) await stopLstmHelper();
  }
}
