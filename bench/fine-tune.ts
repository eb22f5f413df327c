import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../src-main/engine/backend.ts';
import { startLstmHelper, stopLstmHelper } from '../src-main/engine/lstm/lstm-helper.ts';
import { ModelStore } from '../src-main/engine/model-store.ts';
import { recommendedPreset } from '../src-main/engine/presets.ts';
import { measureTrainingSpeed } from '../src-main/engine/speed-probe.ts';
import { createTrainingRun, FINE_TUNE_LEARNING_RATE } from '../src-main/engine/trainer.ts';
import type { BackendName, OptimizerHyperparams, PresetName, TrainingEvent } from '../src-main/engine/types.ts';

export interface FineTuneBenchOptions {
  text: string;
  /** Budgets to report, in minutes; each arm trains for the largest. */
  budgets: number[];
  /** The folder holding the base model and its id (default: the bundled one). */
  modelsDir: string;
  baseId: string;
  /** The from-scratch arm's preset; by default the one this machine's measured speed recommends. */
  preset?: PresetName;
  /** The fine-tune arm's recipe: learning rate (default FINE_TUNE_LEARNING_RATE), warm-up and freeze steps. */
  recipe?: FineTuneRecipe;
  /** Train each arm for this many steps instead of the largest budget's minutes (to compare recipes by step). */
  steps?: number;
  /** Run only one arm (`fine-tuned`: to compare fine-tuning recipes). */
  only?: 'fine-tuned' | 'scratch';
  /**
   * Trains the scratch arm in another process at the same time (given the preset) and returns its report: both
   * arms then share the machine's cores alike instead of each having a helper thread in turn.
   */
  scratchElsewhere?: (preset: PresetName) => Promise<ScratchReport>;
  /** Train with the LSTM helper thread, as the app does (off when the arms run side by side). */
  helper: boolean;
  evalEvery: number;
  seed: number;
  backendOrder?: BackendName[];
  log: boolean;
}

export type FineTuneRecipe = Partial<Pick<OptimizerHyperparams, 'learningRate' | 'warmupSteps' | 'freezeSteps'>>;

/** The part of a scratch-only report that another process's run hands back. */
export interface ScratchReport {
  scratch: Omit<Arm, 'curve'>;
  curves: { scratch: Point[] };
}

export interface Point {
  step: number;
  valNatsPerChar: number;
  elapsedSeconds: number;
}

export interface Arm {
  preset: PresetName;
  steps: number;
  charsPerSecond: number;
  curve: Point[];
}

/** Trains one arm for `minutes` of wall clock (evaluations included) and returns its validation curve. */
async function trainArm(
  name: string,
  opts: FineTuneBenchOptions,
  backend: BackendName,
  preset: PresetName,
  startFrom: string | undefined,
): Promise<Arm> {
  const dir = await mkdtemp(join(tmpdir(), `understudy-fine-tune-${name}-`));
  try {
    // A copy of the base, so the arm's store holds it and nothing touches the original.
    if (startFrom !== undefined) await cp(join(opts.modelsDir, startFrom), join(dir, startFrom), { recursive: true });
    const store = new ModelStore(dir);
    await store.open();
    const curve: Point[] = [];
    let charsPerSecond = 0;
    let steps = 0;
    let started = performance.now();
    const onEvent = (e: TrainingEvent): void => {
      if (e.type === 'started') started = performance.now();
      if (e.type === 'progress') {
        charsPerSecond = e.charsPerSecond;
        steps = e.step;
      }
      if (e.type === 'evaluation') {
        const point = {
          step: e.step,
          valNatsPerChar: e.valNatsPerChar,
          elapsedSeconds: (performance.now() - started) / 1000,
        };
        curve.push(point);
        if (opts.log) process.stderr.write(`${name} ${JSON.stringify(point)}\n`);
      }
      if (e.type === 'error') throw new Error(e.error.message);
    };
    const recipe = startFrom !== undefined && opts.recipe !== undefined ? { optimizer: opts.recipe } : {};
    const run = await createTrainingRun(
      {
        name,
        preset,
        ...recipe,
        budget:
          opts.steps === undefined
            ? { kind: 'minutes', minutes: Math.max(...opts.budgets) }
            : { kind: 'steps', steps: opts.steps },
        evalEvery: opts.evalEvery,
        earlyStopping: { enabled: false, patience: 1 },
        seed: opts.seed,
        sampleLength: 0,
      },
      [{ id: 'corpus', name: 'corpus', text: opts.text }],
      { runId: name, store, backend, onEvent },
      startFrom,
    );
    await run.start();
    return { preset, steps, charsPerSecond, curve };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const bestWithin = (curve: readonly Point[], minutes: number): Point | null =>
  curve
    .filter((p) => p.elapsedSeconds <= minutes * 60)
    .reduce<Point | null>((best, p) => (best === null || p.valNatsPerChar < best.valNatsPerChar ? p : best), null);

/**
 * `bench --fine-tune`: the best validation loss on a corpus's validation split within each wall-clock budget,
 * fine-tuned from the base model and trained from scratch with the recommended preset, one arm after the other
 * on the same machine, training as the app does (helper thread on wasm), or side by side (`scratchElsewhere`).
 */
export async function fineTuneBench(opts: FineTuneBenchOptions) {
  const backend = await initBackend(opts.backendOrder);
  const helper = opts.helper ? await startLstmHelper().catch(() => false) : false;
  try {
    const speed = opts.preset === undefined && opts.only !== 'fine-tuned' ? await measureTrainingSpeed() : null;
    const preset = opts.preset ?? recommendedPreset(backend, speed?.charsPerSecond);
    const base = await new ModelStore(opts.modelsDir).readMetadata(opts.baseId);
    const elsewhere = opts
      .scratchElsewhere?.(preset)
      .then(({ scratch, curves }) => ({ ...scratch, curve: curves.scratch }));
    const none = (armPreset: PresetName): Arm => ({ preset: armPreset, steps: 0, charsPerSecond: 0, curve: [] });
    const fineTuned =
      opts.only === 'scratch'
        ? none(base.preset)
        : await trainArm('fine-tuned', opts, backend, base.preset, opts.baseId);
    const scratch: Arm =
      elsewhere !== undefined
        ? await elsewhere
        : opts.only === 'fine-tuned'
          ? none(preset)
          : await trainArm('scratch', opts, backend, preset, undefined);
    const summary = (arm: Arm) => ({ preset: arm.preset, steps: arm.steps, charsPerSecond: arm.charsPerSecond });
    return {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
      backend,
      helperThread: helper,
      corpusChars: Array.from(opts.text).length,
      base: {
        id: base.id,
        name: base.name,
        preset: base.preset,
        step: base.step,
        bestValNatsPerChar: base.bestValNatsPerChar,
      },
      fineTuned: { ...summary(fineTuned), learningRate: FINE_TUNE_LEARNING_RATE, ...opts.recipe },
      scratch: summary(scratch),
      budgets: opts.budgets.map((minutes) => {
        const tuned = bestWithin(fineTuned.curve, minutes);
        const fresh = bestWithin(scratch.curve, minutes);
        return {
          minutes,
          fineTuned: tuned?.valNatsPerChar ?? null,
          fineTunedAtStep: tuned?.step ?? null,
          scratch: fresh?.valNatsPerChar ?? null,
          scratchAtStep: fresh?.step ?? null,
          gain: tuned && fresh ? fresh.valNatsPerChar - tuned.valNatsPerChar : null,
        };
      }),
      curves: { fineTuned: fineTuned.curve, scratch: scratch.curve },
    };
  } finally {
    if (helper) await stopLstmHelper();
  }
}

/** The bundled model's id from resources/models/demo.json. */
export async function bundledModelId(modelsDir: string): Promise<string> {
  const record = JSON.parse(await readFile(join(modelsDir, 'demo.json'), 'utf8')) as { modelId?: unknown };
  if (typeof record.modelId !== 'string') throw new Error(`${modelsDir}/demo.json names no model`);
  return record.modelId;
}
