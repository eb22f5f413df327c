/** Entry point of the engine worker thread (built to out/main/engine-worker.js). */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorInfo } from '../contract/errors.ts';
import { Engine } from '../engine/engine.ts';
import { startLstmHelper } from '../engine/lstm/lstm-helper.ts';
import type { HostToWorker, WorkerExtras, WorkerOptions, WorkerToHost } from './protocol.ts';

const extras: WorkerExtras = {
  // Never answers: the uncaught error kills the worker with this request still in flight.
  debugCrash: () =>
    new Promise<never>(() => {
      setImmediate(() => {
        throw new Error('engine worker crashed on request (debugCrash)');
      });
    }),
  debugExhaustMemory: () =>
    new Promise<never>(() => {
      const hoard: number[][] = [];
      const grow = (): void => {
        for (let i = 0; i < 50; i += 1) hoard.push(new Array<number>(100_000).fill(hoard.length));
        setImmediate(grow);
      };
      grow();
    }),
};

/** Every request goes to the engine method of its name (the protocol types each params object from it). */
function answer(engine: Engine, { method, params }: HostToWorker): unknown {
  if (method === 'debugCrash' || method === 'debugExhaustMemory') return extras[method]();
  return engine[method](params as never);
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('the engine worker must run in a worker thread');
  const post = (message: WorkerToHost): void => port.postMessage(message);
  const options = workerData as WorkerOptions;
  let engine: Engine;
  try {
    engine = await Engine.create({ ...options, emit: post });
    // wasm runs one thread in Node: a helper thread takes half of each training batch on the second core.
    if (engine.backend === 'wasm' && process.env['UNDERSTUDY_LSTM_HELPER'] !== '0') {
      await startLstmHelper().catch(() => false);
    }
  } catch (error) {
    post({ kind: 'fatal', error: toErrorInfo(error) });
    return;
  }
  port.on('message', (message: HostToWorker) => {
    void (async () => {
      try {
        const value = await answer(engine, message);
        post({ kind: 'response', id: message.id, ok: true, value });
      } catch (error) {
        post({ kind: 'response', id: message.id, ok: false, error: toErrorInfo(error) });
      }
    })();
  });
  post({ kind: 'ready', backend: engine.backend });
}

void main();
