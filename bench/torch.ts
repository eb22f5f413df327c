import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_OPTIMIZER } from '../src-main/engine/types.ts';

/** The PyTorch reference of our model (`npm run bench` runs from the repository root, as the other paths assume). */
const SCRIPT = resolve(process.cwd(), 'bench/torch/charlstm.py');
/** Debian's python3-torch lives under /usr/bin/python3; a pyenv or venv `python3` first on PATH may lack it. */
const PYTHONS = ['/usr/bin/python3', 'python3'];

export interface TorchRecipe {
  embedding: number;
  hidden: number;
  layers: number;
  batch: number;
  seq: number;
  lr: number;
  clip: number;
  seed: number;
  /** PyTorch's own threads (torch.set_num_threads, OMP_NUM_THREADS). */
  threads: number;
  /** OpenBLAS's threads inside each product (OPENBLAS_NUM_THREADS); defaults to `threads`. */
  blasThreads?: number;
}

/** Our default optimiser and seed, in the reference's terms (the model's shape and threads vary per use). */
export const DEFAULT_TORCH_RECIPE = {
  batch: DEFAULT_OPTIMIZER.batchSize,
  seq: DEFAULT_OPTIMIZER.seqLen,
  lr: DEFAULT_OPTIMIZER.learningRate,
  clip: DEFAULT_OPTIMIZER.clipNorm,
  seed: 1,
} as const;

export type TorchRun =
  { available: true; python: string; result: Record<string, unknown> } | { available: false; reason: string };

/**
 * OpenBLAS's tuning variables of this workplace pick a slow kernel for PyTorch: unset them for its process only.
 * Both thread counts are set: left alone, OpenBLAS starts a thread per core inside every product whatever PyTorch's
 * own count, so a "one thread" run would use every core, and PyTorch's threads on top of OpenBLAS's oversubscribe.
 */
function torchEnv(threads: number, blasThreads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OMP_NUM_THREADS: String(threads),
    OPENBLAS_NUM_THREADS: String(blasThreads),
  };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

async function findPython(): Promise<string | undefined> {
  for (const python of PYTHONS) {
    try {
      await promisify(execFile)(python, ['-c', 'import torch'], { timeout: 60_000 });
      return python;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/**
 * Runs the PyTorch reference of our model on `files` with `extra` arguments (`--steps N --eval-every K` for a
 * curve, `--time-steps N` for speed). Says plainly when no python3 here can import torch.
 */
export async function runTorch(
  files: readonly string[],
  recipe: TorchRecipe,
  extra: readonly string[],
): Promise<TorchRun> {
  const python = await findPython();
  if (python === undefined) {
    return {
      available: false,
      reason: `none of ${PYTHONS.join(', ')} can import torch (Debian: apt install python3-torch libopenblas0-pthread)`,
    };
  }
  const args = [
    SCRIPT,
    ...files,
    ...['--embedding', recipe.embedding, '--hidden', recipe.hidden, '--layers', recipe.layers].map(String),
    ...['--batch', recipe.batch, '--seq', recipe.seq, '--lr', recipe.lr, '--clip', recipe.clip].map(String),
    ...['--seed', recipe.seed, '--threads', recipe.threads].map(String),
    ...extra,
  ];
  const { stdout } = await promisify(execFile)(python, args, {
    env: torchEnv(recipe.threads, recipe.blasThreads ?? recipe.threads),
    maxBuffer: 16 * 1024 * 1024,
  });
  return { available: true, python, result: JSON.parse(stdout) as Record<string, unknown> };
}
