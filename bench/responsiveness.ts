import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { EngineHost } from '../src-main/engine-host/engine-host.ts';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * Trains a Small model in the engine worker while the main thread answers a trivial request (a MessagePort
 * round trip, like an IPC handler that does not touch the engine) every 5 ms; also pings the worker itself.
 */
export async function measureResponsiveness(
  workerPath: string,
  text: string,
  steps: number,
): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'understudy-bench-host-'));
  const host = new EngineHost({ workerPath, modelsDir: dir });
  await host.start();
  const { port1, port2 } = new MessageChannel();
  port2.on('message', (t: number) => port2.postMessage(t));
  const main: number[] = [];
  const worker: number[] = [];
  let training = true;
  const done = new Promise<void>((resolve) => {
    host.onTraining((e) => {
      if (e.type === 'done' || e.type === 'error') resolve();
    });
  });
  await host.engine.startTraining({
    runId: randomUUID(),
    config: {
      name: 'bench',
      preset: 'small',
      budget: { kind: 'steps', steps },
      evalEvery: 1_000_000,
      earlyStopping: { enabled: false, patience: 1 },
      seed: 1,
      sampleLength: 0,
    },
    corpora: [{ id: 'c', name: 'c', text }],
  });
  const mainLoop = (async () => {
    while (training) {
      const sent = performance.now();
      await new Promise<void>((resolve) => {
        port1.once('message', () => resolve());
        port1.postMessage(sent);
      });
      main.push(performance.now() - sent);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const workerLoop = (async () => {
    while (training) {
      const sent = performance.now();
      await host.engine.ping();
      worker.push(performance.now() - sent);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await done;
  training = false;
  await Promise.all([mainLoop, workerLoop]);
  port1.close();
  await host.stop();
  await rm(dir, { recursive: true, force: true });
  return {
    samples: main.length,
    mainThreadP50Ms: percentile(main, 50),
    mainThreadP99Ms: percentile(main, 99),
    workerPingP50Ms: percentile(worker, 50),
    workerPingP99Ms: percentile(worker, 99),
  };
}
