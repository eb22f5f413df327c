/** Entry point of the engine worker thread (built to out/main/engine-worker.js). */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError, type ErrorInfo } from '../contract/errors.ts';
import { Engine } from '../engine/engine.ts';
import { startLstmHelper } from '../engine/lstm/lstm-helper.ts';
import type { EngineMethod, HostToWorker, ParamsOf, ResultOf, WorkerOptions, WorkerToHost } from './protocol.ts';

type Handlers = { [M in EngineMethod]: (params: ParamsOf<M>) => Promise<ResultOf<M>> | ResultOf<M> };

function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof AppError) return error.toInfo();
  return { code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function handlersFor(engine: Engine, post: (message: WorkerToHost) => void): Handlers {
  const onTraining = (event: WorkerToHost & { kind: 'training' }): void => post(event);
  return {
    getBackend: () => engine.backend,
    ping: () => Date.now(),
    listModels: () => engine.listModels(),
    loadModel: ({ modelId }) => engine.loadModel(modelId),
    status: () => ({
      backend: engine.backend,
      activeModelId: engine.activeModelId,
      trainingRunId: engine.trainingRunId,
    }),
    startTraining: ({ runId, config, corpora }) =>
      engine.startTraining(runId, config, corpora, (event) => onTraining({ kind: 'training', event })),
    continueTraining: ({ runId, resume, corpora }) =>
      engine.continueTraining(runId, resume, corpora, (event) => onTraining({ kind: 'training', event })),
    pauseTraining: ({ runId }) => (engine.pauseTraining(runId), null),
    resumeTraining: ({ runId }) => (engine.resumeTraining(runId), null),
    cancelTraining: ({ runId }) => (engine.cancelTraining(runId), null),
    generate: ({ runId, options }) => engine.generate(runId, options, (event) => post({ kind: 'generation', event })),
    cancelGeneration: ({ runId }) => (engine.cancelGeneration(runId), null),
    prepareGeneration: ({ prime, primeChars }) => engine.prepareGeneration(prime, primeChars),
    deleteModel: async ({ modelId }) => (await engine.deleteModel(modelId), null),
    renameModel: ({ modelId, name }) => engine.renameModel(modelId, name),
    measureTrainingSpeed: (options) => engine.measureTrainingSpeed(options),
    // Never answers: the uncaught error kills the worker with this request still in flight.
    debugCrash: () =>
      new Promise<null>(() => {
        setImmediate(() => {
          throw new Error('engine worker crashed on request (debugCrash)');
        });
      }),
  };
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('the engine worker must run in a worker thread');
  const post = (message: WorkerToHost): void => port.postMessage(message);
  const options = workerData as WorkerOptions;
  let engine: Engine;
  try {
    engine = await Engine.create(options);
    // wasm runs one thread in Node: a helper thread takes half of each training batch on the second core.
    if (engine.backend === 'wasm' && process.env['UNDERSTUDY_LSTM_HELPER'] !== '0') {
      await startLstmHelper().catch(() => false);
    }
  } catch (error) {
    post({ kind: 'fatal', error: errorInfo(error) });
    return;
  }
  const handlers = handlersFor(engine, post);
  port.on('message', (message: HostToWorker) => {
    void (async () => {
      try {
        const handler = handlers[message.method] as (params: unknown) => Promise<unknown> | unknown;
        const value = await handler(message.params);
        post({ kind: 'response', id: message.id, ok: true, value });
      } catch (error) {
        post({ kind: 'response', id: message.id, ok: false, error: errorInfo(error) });
      }
    })();
  });
  post({ kind: 'ready', backend: engine.backend });
}

void main();
