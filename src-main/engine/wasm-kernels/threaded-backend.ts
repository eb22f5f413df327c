import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

const WASM_PRIORITY = 2;
const POOL_SIZE_SOURCE = 'var pthreadPoolSize=8;';

type WasmModule = ConstructorParameters<typeof BackendWasm>[0];

/** The parts of the Emscripten module object used here; the glue file itself is untyped. */
interface EmscriptenModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): unknown;
  tfjs?: Record<string, unknown>;
}
type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

/**
 * Writes the threaded build's glue and worker script to a temp directory as plain files (tfjs hands Node blob
 * URLs, which worker_threads cannot start) with the worker pool cut from 8 to what XNNPACK will use.
 */
function writeThreadedGlue(threads: number): { factoryPath: string; workerPath: string; wasmDir: string } {
  const require = createRequire(import.meta.url);
  const gluePath = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const glue = fs.readFileSync(gluePath, 'utf8');
  if (!glue.includes(POOL_SIZE_SOURCE)) throw new Error('unexpected tfjs-backend-wasm threaded build');
  const worker: unknown = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');
  const contents = (worker as { wasmWorkerContents?: unknown }).wasmWorkerContents;
  if (typeof contents !== 'string') throw new Error('tfjs-backend-wasm worker script not found');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'understudy-wasm-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const factoryPath = path.join(dir, 'threaded-simd.cjs');
  const workerPath = path.join(dir, 'threaded-simd.worker.cjs');
  fs.writeFileSync(factoryPath, glue.replace(POOL_SIZE_SOURCE, `var pthreadPoolSize=${threads - 1};`));
  // The worker source holds "\n" escapes inside string literals that must stay escapes in the file.
  fs.writeFileSync(workerPath, contents.replace(/\n/g, '\\n'));
  return { factoryPath, workerPath, wasmDir: path.dirname(gluePath) };
}

async function createThreadedModule(threads: number): Promise<WasmModule> {
  const { factoryPath, workerPath, wasmDir } = writeThreadedGlue(threads);
  const factory = createRequire(import.meta.url)(factoryPath) as Factory;
  // The build sizes its XNNPACK thread pool as (logical cores / 2) during start-up; report enough cores for `threads`.
  const realCpus = os.cpus;
  const cpus = realCpus();
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length] as os.CpuInfo);
  try {
    const module = await factory({
      locateFile: (file: string) => (file.endsWith('.worker.js') ? workerPath : path.join(wasmDir, file)),
      mainScriptUrlOrBlob: factoryPath,
    });
    // The same bridge tfjs's own init() installs.
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    return module as unknown as WasmModule;
  } finally {
    os.cpus = realCpus;
  }
}

/**
 * Makes the `wasm` backend use tfjs's multi-threaded SIMD build with `threads` XNNPACK threads, which tfjs turns
 * off in Node. Call before the wasm backend is first initialised (tf.setBackend('wasm')). Returns false and
 * changes nothing when the backend is already initialised or threads < 2.
 */
export function useThreadedWasm(threads: number): boolean {
  if (threads < 2 || tf.findBackend('wasm') !== null) return false;
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      setThreadsCount(threads);
      return new BackendWasm(await createThreadedModule(threads));
    },
    WASM_PRIORITY,
  );
  return true;
}
