import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { EngineHost } from '../../src-main/engine-host/engine-host.ts';
import { buildEngineWorker } from '../support/build-worker.ts';

describe('EngineHost after it gave up restarting', () => {
  let dir: string | undefined;
  let host: EngineHost | undefined;

  afterEach(async () => {
    await host?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function crashedHost(retryAfterMs: number): Promise<EngineHost> {
    dir = await mkdtemp(join(tmpdir(), 'understudy-host-retry-'));
    host = new EngineHost({
      workerPath: await buildEngineWorker(),
      modelsDir: dir,
      maxRestartsPerMinute: 0,
      retryAfterMs,
    });
    await host.start();
    await expect(host.debugCrash()).rejects.toMatchObject({ code: 'E_ENGINE_CRASHED' });
    return host;
  }

  test('refuses requests with a typed error while it waits', async () => {
    const waiting = await crashedHost(60_000);
    await expect(waiting.engine.getBackend()).rejects.toMatchObject({ code: 'E_ENGINE_CRASHED' });
  });

  test('starts a fresh worker on the next request once the wait is over', async () => {
    const retried = await crashedHost(0);
    expect(['tensorflow', 'wasm', 'cpu']).toContain(await retried.engine.getBackend());
    expect((await retried.engine.listModels()).models).toEqual([]);
  });
});
