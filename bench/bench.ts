/**
 * `npm run bench [--vs-torch]`: one JSON object with, per backend that loads, training and generation speed, tensors
 * and RSS; --vs-torch also times the PyTorch reference of the same model (1 thread and all cores) and gives ratios.
 * `npm run bench -- --quality --corpus FILE --preset P --steps N`: the validation curve of a real training run.
 * `npm run bench -- --reference [--steps 500]`: our curve on tinyshakespeare against the PyTorch reference.
 * `npm run bench -- --time-to-model [--minutes 5,10] [--preset small]`: best validation loss within each wall-clock budget.
 * `npm run bench -- --context [--models-dir D --model ID]`: loss of what follows a prime, by prime length (default:
 * the bundled demo model on the validation split of the corpus).
 * `npm run bench -- --copy-rule [--heldout FILE] [--threshold 0.005]`: the share of held-out text the copy index
 * marks, per window length, and the window it picks.
 * `npm run bench -- --screenplay [--model ID] [--script FILE.fountain] [--count N] [--corpora A,B]`: drafts in every
 * mode checked by fountain-js, cues against the cast, copies against the corpora, speed with and without constraints.
 * `npm run bench -- --fine-tune --corpus FILE [--minutes 1,2,5,10] [--preset P] [--lr X] [--warmup N] [--freeze N]
 * [--steps N] [--only fine-tuned] [--parallel]`: best validation loss within each budget, fine-tuned from the bundled
 * base model against from scratch with the recommended preset (one after the other, or side by side with --parallel);
 * --warmup/--freeze set the fine-tune's warm-up and LSTM-freeze steps, --steps trains a fixed number of steps.
 * `npm run bench -- --base-reference [--model ID] [--corpus-dir D] [--threads 1]`: trains the PyTorch reference of a
 * saved model (default: the bundled base) on the same corpora, split, recipe and steps, and compares the curves.
 * `npm run bench -- --paginate [--script FILE.fountain] [--pages 300] [--paper a4] [--runs 5]`: milliseconds to parse
 * and paginate a script of that many pages, built by repeating the script's body.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PRESET_NAMES } from '../src-main/engine/presets.ts';
import { PRESETS } from '../src-main/engine/types.ts';
import { BACKEND_NAMES, type BackendName, type PresetName } from '../src-main/engine/types.ts';
import { Args } from './args.ts';
import { baseReference } from './base-reference.ts';
import { DEFAULT_TORCH_RECIPE, runTorch } from './torch.ts';
import { qualityCurve } from './quality.ts';
import { compareWithReference } from './reference.ts';
import { contextBenefit } from './context.ts';
import { copyRule } from './copy-rule.ts';
import { readCorpora, screenplayBench } from './screenplay.ts';
import { measureResponsiveness } from './responsiveness.ts';
import { measureBackend } from './speed.ts';
import { timeToModel } from './time-to-model.ts';
import { bundledModelId, fineTuneBench, type FineTuneRecipe, type ScratchReport } from './fine-tune.ts';
import { paginateBench } from './paginate.ts';

const here = dirname(fileURLToPath(import.meta.url));
const DEFAULT_CORPUS = resolve(process.cwd(), '../shared/corpora/tinyshakespeare.txt');

function preset(args: Args): PresetName {
  const name = args.string('preset', 'medium');
  const match = PRESET_NAMES.find((p) => p === name);
  if (match === undefined) throw new Error(`--preset must be one of ${PRESET_NAMES.join(', ')}`);
  return match;
}

function backendOrder(args: Args): BackendName[] | undefined {
  const name = args.optionalString('backend');
  if (name === undefined) return undefined;
  const match = BACKEND_NAMES.find((b) => b === name);
  if (match === undefined) throw new Error(`--backend must be one of ${BACKEND_NAMES.join(', ')}`);
  return [match];
}

/**
 * The runs of the speed report: every backend as the app runs it, and wasm once more as before the relaxed-SIMD
 * matrix kernel (XNNPACK's SIMD128 kernels only: the previous implementation, timed in the same run).
 */
const PREVIOUS_WASM = 'wasm-simd128';

function speedRuns(
  backends: readonly BackendName[],
): Array<{ key: string; backend: BackendName; env: NodeJS.ProcessEnv }> {
  return backends.flatMap((backend) => [
    { key: backend, backend, env: process.env },
    ...(backend === 'wasm'
      ? [{ key: PREVIOUS_WASM, backend, env: { ...process.env, UNDERSTUDY_RELAXED_SIMD: '0' } }]
      : []),
  ]);
}

/** Each backend runs in its own process, so its peak RSS and tensor counts are its own. */
async function speedReport(args: Args, text: string): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  const only = backendOrder(args);
  for (const { key, backend, env } of speedRuns(only ?? BACKEND_NAMES)) {
    const childArgs = [
      ...process.execArgv,
      join(here, 'bench.js'),
      '--child',
      backend,
      '--corpus',
      args.string('corpus', DEFAULT_CORPUS),
      '--preset',
      preset(args),
    ];
    for (const name of ['steps', 'warmup', 'gen-length']) {
      const value = args.optionalString(name);
      if (value !== undefined) childArgs.push(`--${name}`, value);
    }
    if (args.flag('stock-on-cpu')) childArgs.push('--stock-on-cpu');
    // tfjs-layers' stock LSTM is timed once, in the app's configuration.
    if (key !== backend) childArgs.push('--no-stock');
    try {
      const { stdout } = await promisify(execFile)(process.execPath, childArgs, { env, maxBuffer: 16 * 1024 * 1024 });
      results[key] = JSON.parse(stdout) as unknown;
    } catch (error) {
      results[key] = { loaded: false, error: String(error).slice(0, 500) };
    }
    process.stderr.write(`${key}: ${JSON.stringify(results[key])}\n`);
  }
  const responsiveness = args.flag('no-host')
    ? null
    : await measureResponsiveness(
        join(here, 'engine-worker.js'),
        text.slice(0, 200_000),
        args.number('host-steps', 30),
      );
  return {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
    corpus: args.string('corpus', DEFAULT_CORPUS),
    backends: results,
    whileTraining: responsiveness,
    ...(args.flag('vs-torch') ? { vsTorch: await versusTorch(args, results) } : {}),
  };
}

interface ChildSpeed {
  trainingCharsPerSecond?: number;
  trainingCharsPerSecondOneThread?: number;
  generation?: { charsPerSecond1?: number };
}

/**
 * `--vs-torch`: the PyTorch reference of the same model, timed in this run on one thread and on every core, beside
 * the fastest of our backends (its both-cores, one-thread and batch-1 generation figures). Every core is timed both
 * ways PyTorch can use them (its own threads over one-thread OpenBLAS, or one PyTorch thread over multi-threaded
 * OpenBLAS) and the faster counts.
 */
async function versusTorch(args: Args, results: Record<string, unknown>) {
  const hp = PRESETS[preset(args)];
  const cores = cpus().length;
  const timed = async (threads: number, blasThreads: number) =>
    runTorch(
      [args.string('corpus', DEFAULT_CORPUS)],
      {
        embedding: hp.embeddingSize,
        hidden: hp.units,
        layers: hp.layers,
        ...DEFAULT_TORCH_RECIPE,
        threads,
        blasThreads,
      },
      ['--time-steps', String(args.number('torch-steps', 20))],
    );
  const one = await timed(1, 1);
  const torchThreads = await timed(cores, 1);
  const blasThreads = await timed(1, cores);
  if (!one.available || !torchThreads.available || !blasThreads.available) {
    return { available: false, reason: one.available ? '' : one.reason };
  }
  const speed = (run: typeof one) => (run.available ? Number(run.result['trainCharsPerSecond']) : NaN);
  const all = speed(blasThreads) > speed(torchThreads) ? blasThreads : torchThreads;
  const figure = (run: typeof one, key: string) => (run.available ? Number(run.result[key]) : NaN);
  const configurations = (keys: (key: string) => boolean) =>
    Object.entries(results)
      .filter(([key]) => keys(key))
      .map(([, speed]) => speed as ChildSpeed);
  const figures = (runs: ChildSpeed[]) => {
    const best = (pick: (s: ChildSpeed) => number | undefined) => Math.max(0, ...runs.map((s) => pick(s) ?? 0));
    return {
      trainingCharsPerSecond: best((s) => s.trainingCharsPerSecond),
      trainingCharsPerSecondOneThread: best((s) => s.trainingCharsPerSecondOneThread),
      generationCharsPerSecond: best((s) => s.generation?.charsPerSecond1),
    };
  };
  const torch = {
    trainingCharsPerSecond: figure(all, 'trainCharsPerSecond'),
    trainingCharsPerSecondOneThread: figure(one, 'trainCharsPerSecond'),
    // Its fastest batch-1 sampling of the three runs.
    generationCharsPerSecond: Math.max(
      ...[one, torchThreads, blasThreads].map((r) => figure(r, 'sampleCharsPerSecond')),
    ),
  };
  // The app's configurations, and the previous implementation (wasm on SIMD128 kernels only) from the same run.
  const us = figures(configurations((key) => key !== PREVIOUS_WASM));
  const previous = figures(configurations((key) => key === PREVIOUS_WASM));
  return {
    available: true,
    torch: {
      ...torch,
      framework: all.result.framework,
      allCoresTrainingCharsPerSecond: { torchThreads: speed(torchThreads), openblasThreads: speed(blasThreads) },
      cores,
    },
    ours: us,
    previousWasm: previous,
    ratio: {
      training: us.trainingCharsPerSecond / torch.trainingCharsPerSecond,
      trainingOneThread: us.trainingCharsPerSecondOneThread / torch.trainingCharsPerSecondOneThread,
      generation: us.generationCharsPerSecond / torch.generationCharsPerSecond,
      previousTraining: previous.trainingCharsPerSecond / torch.trainingCharsPerSecond,
      previousTrainingOneThread: previous.trainingCharsPerSecondOneThread / torch.trainingCharsPerSecondOneThread,
    },
  };
}

/** `--fine-tune`; with `--parallel` the scratch arm trains at the same time in a child process. */
async function fineTuneReport(args: Args, text: string): Promise<unknown> {
  const modelsDir = args.string('models-dir', resolve(process.cwd(), 'resources/models'));
  const order = backendOrder(args);
  const scratchPreset = args.optionalString('preset') === undefined ? undefined : preset(args);
  const recipe: FineTuneRecipe = {};
  const flags = { lr: 'learningRate', warmup: 'warmupSteps', freeze: 'freezeSteps' } as const;
  for (const [flag, key] of Object.entries(flags)) {
    if (args.optionalString(flag) !== undefined) recipe[key] = args.number(flag, 0);
  }
  const only = args.optionalString('only');
  const parallel = args.flag('parallel');
  const childArgs = (p: PresetName): string[] => [
    join(here, 'bench.js'),
    ...process.argv.slice(2).filter((a) => a !== '--parallel'),
    ...['--only', 'scratch', '--preset', p],
  ];
  return fineTuneBench({
    text,
    budgets: args
      .string('minutes', '1,2,5,10')
      .split(',')
      .map(Number)
      .filter((m) => m > 0),
    modelsDir,
    baseId: args.optionalString('model') ?? (await bundledModelId(modelsDir)),
    ...(scratchPreset === undefined ? {} : { preset: scratchPreset }),
    ...(Object.keys(recipe).length === 0 ? {} : { recipe }),
    ...(args.optionalString('steps') === undefined ? {} : { steps: args.number('steps', 0) }),
    ...(only === 'fine-tuned' || only === 'scratch' ? { only } : {}),
    ...(parallel
      ? {
          scratchElsewhere: async (p: PresetName) => {
            const { stdout } = await promisify(execFile)(process.execPath, childArgs(p), {
              maxBuffer: 16 * 1024 * 1024,
            });
            return JSON.parse(stdout) as ScratchReport;
          },
        }
      : {}),
    helper: !parallel && !args.flag('no-helper') && only !== 'scratch',
    evalEvery: args.number('eval-every', 25),
    seed: args.number('seed', 1),
    ...(order === undefined ? {} : { backendOrder: order }),
    log: args.flag('log'),
  });
}

async function main(): Promise<void> {
  const args = new Args(process.argv.slice(2));
  const text = await readFile(args.string('corpus', DEFAULT_CORPUS), 'utf8');
  let report: unknown;
  const child = args.optionalString('child');
  if (child !== undefined) {
    const backend = BACKEND_NAMES.find((b) => b === child) ?? 'cpu';
    const slow = backend === 'cpu';
    report = await measureBackend(backend, {
      text,
      preset: preset(args),
      warmupSteps: args.number('warmup', slow ? 1 : 2),
      steps: args.number('steps', slow ? 1 : 5),
      stock: !args.flag('no-stock') && (!slow || args.flag('stock-on-cpu')),
      generationLength: args.number('gen-length', slow ? 100 : 500),
    });
  } else if (args.flag('quality')) {
    const steps = args.number('steps', 500);
    const order = backendOrder(args);
    const curve = await qualityCurve({
      text,
      preset: preset(args),
      optimizer: { batchSize: args.number('batch', 32), seqLen: args.number('seq-len', 100) },
      steps,
      evalEvery: args.number('eval-every', Math.max(1, Math.round(steps / 10))),
      seed: args.number('seed', 1),
      ...(order === undefined ? {} : { backendOrder: order }),
      log: args.flag('log'),
    });
    report = { corpus: args.string('corpus', DEFAULT_CORPUS), preset: preset(args), steps, ...curve };
  } else if (args.flag('time-to-model')) {
    const order = backendOrder(args);
    report = await timeToModel({
      text,
      preset: preset(args),
      budgets: args
        .string('minutes', '5,10')
        .split(',')
        .map(Number)
        .filter((m) => m > 0),
      evalEvery: args.number('eval-every', 100),
      seed: args.number('seed', 1),
      ...(order === undefined ? {} : { backendOrder: order }),
      log: args.flag('log'),
    });
  } else if (args.flag('base-reference')) {
    const modelsDir = args.string('models-dir', resolve(process.cwd(), 'resources/models'));
    report = await baseReference({
      modelsDir,
      modelId: args.optionalString('model') ?? (await bundledModelId(modelsDir)),
      corpusDir: args.string('corpus-dir', resolve(process.cwd(), 'resources/corpora/base')),
      threads: args.number('threads', 1),
    });
  } else if (args.flag('fine-tune')) {
    report = await fineTuneReport(args, text);
  } else if (args.flag('context')) {
    const order = backendOrder(args);
    const modelsDir = args.string('models-dir', resolve(process.cwd(), 'resources/models'));
    const demo = JSON.parse(await readFile(join(modelsDir, 'demo.json'), 'utf8').catch(() => '{}')) as {
      modelId?: string;
    };
    report = await contextBenefit({
      text,
      modelsDir,
      modelId: args.string('model', demo.modelId ?? ''),
      primeLengths: args
        .string('primes', '0,25,50,100,200,300,500,1000,2000')
        .split(',')
        .map(Number)
        .filter((n) => n >= 0),
      scored: args.number('scored', 200),
      positions: args.number('positions', 60),
      ...(order === undefined ? {} : { backendOrder: order }),
    });
  } else if (args.flag('copy-rule')) {
    report = await copyRule({
      corpus: args.string('corpus', DEFAULT_CORPUS),
      text,
      heldoutFile: args.optionalString('heldout'),
      windows: [8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 32, 40, 48, 64],
      threshold: args.number('threshold', 0.005),
    });
  } else if (args.flag('screenplay')) {
    const modelsDir = args.string('models-dir', resolve(process.cwd(), 'resources/models'));
    const demo = JSON.parse(await readFile(join(modelsDir, 'demo.json'), 'utf8').catch(() => '{}')) as {
      modelId?: string;
    };
    const order = backendOrder(args);
    report = await screenplayBench({
      script: await readFile(
        args.string('script', resolve(process.cwd(), 'resources/samples/sample-screenplay.fountain')),
        'utf8',
      ),
      corpora: await readCorpora(
        args.string('corpora', resolve(process.cwd(), 'resources/corpora/shakespeare.txt')).split(','),
      ),
      modelsDir,
      modelId: args.string('model', demo.modelId ?? ''),
      count: args.number('count', 12),
      temperature: args.number('temperature', 0.8),
      scenePages: args.number('pages', 0.5),
      speedChars: args.number('speed-chars', 2000),
      ...(order === undefined ? {} : { backendOrder: order }),
    });
  } else if (args.flag('paginate')) {
    report = paginateBench({
      script: await readFile(
        args.string('script', resolve(process.cwd(), 'test/fixtures/fountain/14-long-night-shift.fountain')),
        'utf8',
      ),
      pages: args.number('pages', 300),
      paper: args.string('paper', 'letter') === 'a4' ? 'a4' : 'letter',
      runs: args.number('runs', 5),
    });
  } else if (args.flag('reference')) {
    const order = backendOrder(args);
    report = await compareWithReference({
      text,
      referenceFile: args.string(
        'reference-file',
        resolve(process.cwd(), '../shared/reference/torch-charlstm-tinyshakespeare.json'),
      ),
      steps: args.number('steps', 500),
      seed: args.number('seed', 1),
      ...(order === undefined ? {} : { backendOrder: order }),
      log: args.flag('log'),
    });
  } else {
    report = await speedReport(args, text);
  }
  process.stdout.write(`${JSON.stringify(report, null, 1)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
