import fs from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { backendAccess } from './backend-access';

/**
 * The work a helper thread does: one half-batch fused LSTM forward or backward pass (fused-lstm.ts), or the output
 * layer and loss of half the rows (dense-loss.ts).
 */
export type HelperOp = 'forward' | 'backward' | 'lossForward' | 'lossBackward';

/** control[0]: the job state. */
export const JOB_PENDING = 0;
export const JOB_DONE = 1;
export const JOB_FAILED = 2;

interface Region {
  shape: number[];
  /** Offset in float32 elements. */
  offset: number;
}

export interface HelperJob {
  op: HelperOp;
  steps: number;
  inputs: Region[];
  outputs: Region[];
  /**
   * A forward pass with `store` keeps its saved tensors in the helper under this id and returns y alone; the
   * backward pass with `use` takes them from there (its inputs are dy, and a lookup's ids) and drops them. What
   * the backward needs then never crosses between the threads (two copies each way of ~13 MB a layer for Medium).
   */
  store?: number;
  use?: number;
  /**
   * The input is a lookup of a projected table of this many rows (lstmRecurrence): the forward's inputs are
   * [table, recurrentKernel, h0, c0, ids], the backward's [dy, ids, saved...]; the ids cross as float32 (whole
   * numbers, exact below 2^24), and the gradient returned for the input is the table's.
   */
  tableRows?: number;
  /** Sent when the data buffer was replaced by a larger one. */
  data?: SharedArrayBuffer;
}

export interface LstmHelperOptions {
  /** The worker entry (lstm-helper-worker.ts, or its build output). */
  workerUrl: URL;
  execArgv?: string[];
  /** A job that takes longer than this fails (the helper thread is presumed dead). */
  timeoutMs?: number;
}

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** A tensor's float32 values without the extra copy dataSync makes on wasm (a heap view, valid until the next op). */
export function tensorValues(t: tf.Tensor): Float32Array {
  const access = backendAccess(tf.getBackend(), tf.backend());
  return access === null ? (t.dataSync() as Float32Array) : access.view(t);
}

/**
 * A second thread with its own wasm backend that computes one half of a batch while the calling thread computes
 * the other. Jobs are synchronous for the caller (Atomics.wait), because tfjs forward and gradient functions are.
 */
export class LstmHelper {
  private readonly control = new Int32Array(new SharedArrayBuffer(4));
  private data = new SharedArrayBuffer(0);
  private pending: Region[] | null = null;
  private completed = 0;
  private stored = 0;
  private retired = false;

  private constructor(
    private readonly worker: Worker,
    private readonly timeoutMs: number,
  ) {}

  static async start(options: LstmHelperOptions): Promise<LstmHelper> {
    const worker = new Worker(options.workerUrl, { execArgv: options.execArgv ?? [] });
    const helper = new LstmHelper(worker, options.timeoutMs ?? 60_000);
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (message: unknown) => {
        worker.off('error', reject);
        if (message === 'ready') resolve();
        else reject(new Error(`LSTM helper failed to start: ${String(message)}`));
      });
      worker.postMessage({ control: helper.control.buffer });
    });
    worker.unref();
    return helper;
  }

  /** An id for a forward pass whose saved tensors stay in the helper (HelperJob.store). */
  nextStoreId(): number {
    return ++this.stored;
  }

  /** Copies the inputs out and starts the job; the caller then does its own half and calls end(). */
  begin(
    op: HelperOp,
    steps: number,
    inputs: tf.Tensor[],
    outputShapes: number[][],
    options: Pick<HelperJob, 'store' | 'use' | 'tableRows'> = {},
  ): void {
    if (this.retired) throw new Error('LSTM helper thread was stopped');
    if (this.pending !== null) throw new Error('LSTM helper job already running');
    let offset = 0;
    const place = (shape: number[]): Region => {
      const region = { shape, offset };
      offset += size(shape);
      return region;
    };
    const inputRegions = inputs.map((t) => place(t.shape));
    const outputRegions = outputShapes.map(place);
    const job: HelperJob = { op, steps, inputs: inputRegions, outputs: outputRegions, ...options };
    if (this.data.byteLength < offset * 4) {
      this.data = new SharedArrayBuffer(offset * 4);
      job.data = this.data;
    }
    const floats = new Float32Array(this.data);
    inputs.forEach((t, i) => floats.set(tensorValues(t), inputRegions[i]?.offset ?? 0));
    Atomics.store(this.control, 0, JOB_PENDING);
    this.worker.postMessage(job);
    this.pending = outputRegions;
  }

  /** Waits for the helper's half and returns its outputs as tensors (the caller owns them). */
  end(): tf.Tensor[] {
    const regions = this.pending;
    if (regions === null) throw new Error('no LSTM helper job running');
    this.pending = null;
    const deadline = performance.now() + this.timeoutMs;
    while (Atomics.load(this.control, 0) === JOB_PENDING) {
      const left = deadline - performance.now();
      if (left <= 0) this.fail('timed out');
      Atomics.wait(this.control, 0, JOB_PENDING, left);
    }
    if (Atomics.load(this.control, 0) !== JOB_DONE) this.fail('failed');
    this.completed++;
    const floats = new Float32Array(this.data);
    // The wasm backend copies a new tensor's values into its heap, so a view of the shared buffer is enough there.
    const copy = tf.getBackend() !== 'wasm';
    return regions.map((r) => {
      const values = floats.subarray(r.offset, r.offset + size(r.shape));
      return tf.tensor(copy ? values.slice() : values, r.shape, 'float32');
    });
  }

  /** A helper that failed once is retired, so later passes run on one thread instead of failing again. */
  private fail(what: string): never {
    if (active === this) active = null;
    this.retired = true;
    void this.worker.terminate();
    throw new Error(`LSTM helper thread ${what}`);
  }

  /** Jobs finished so far. */
  get jobsCompleted(): number {
    return this.completed;
  }

  async stop(): Promise<void> {
    this.retired = true;
    await this.worker.terminate();
  }
}

let active: LstmHelper | null = null;

/**
 * Where the worker entry is: beside this module's TypeScript source (run through jiti, as in tests and scripts)
 * or, in a build, a `lstm-helper-worker.js` entry emitted in the output directory of the chunk holding this module
 * or its parent (bundlers put shared chunks in a subdirectory).
 */
export function defaultLstmHelperOptions(): LstmHelperOptions {
  if (import.meta.url.endsWith('.ts')) {
    const workerUrl = new URL(['.', 'lstm-helper-worker.ts'].join('/'), import.meta.url);
    // wat-hooks compiles the kernels' .wat imports as the build does.
    const watHooks = new URL(['..', '..', '..', 'scripts', 'build', 'wat-hooks.mjs'].join('/'), import.meta.url);
    return { workerUrl, execArgv: ['--import', 'jiti/register', '--import', watHooks.href] };
  }
  // Joined at run time so bundlers do not mistake the path for an asset import.
  const beside = new URL(['.', 'lstm-helper-worker.js'].join('/'), import.meta.url);
  const above = new URL(['..', 'lstm-helper-worker.js'].join('/'), import.meta.url);
  return { workerUrl: fs.existsSync(beside) || !fs.existsSync(above) ? beside : above };
}

/**
 * Starts the helper thread that lstmSequence then uses on the wasm backend to split each training batch across
 * two cores (same mathematics; weight gradients are the sum of the two halves'). Does nothing and returns false on
 * a single-core machine.
 */
export async function startLstmHelper(options: LstmHelperOptions = defaultLstmHelperOptions()): Promise<boolean> {
  if (active !== null) return true;
  if (os.availableParallelism() < 2) return false;
  active = await LstmHelper.start(options);
  return true;
}

export async function stopLstmHelper(): Promise<void> {
  const helper = active;
  active = null;
  await helper?.stop();
}

export function activeLstmHelper(): LstmHelper | null {
  return active;
}
