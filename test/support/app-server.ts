import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EngineHost } from '../../src-main/engine-host/engine-host.ts';
import { createApi } from '../../src-main/contract/index.ts';
import { createRuntime, type Runtime, type ServicesOptions } from '../../src-main/services.ts';
import { createInMemoryTransport } from '../../src-main/transport/in-memory.ts';
import { buildEngineWorker } from './build-worker.ts';
import { startLoopbackServer, type LoopbackServer } from '../../src-main/transport/loopback-server.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const RENDERER_DIR = join(REPO_ROOT, 'out', 'renderer');

/** The real engine in its real worker thread, built from source for the tests. */
export async function startTestEngine({ modelsDir }: { modelsDir: string }): Promise<EngineHost> {
  const host = new EngineHost({ workerPath: await buildEngineWorker(), modelsDir });
  await host.start();
  return host;
}

/** The real services on a temp data dir (or the one given), with the options every test shares. */
export async function startTestRuntime(
  overrides: Partial<ServicesOptions> = {},
): Promise<{ runtime: Runtime; dataDir: string; close(): Promise<void> }> {
  const owned = overrides.dataDir === undefined;
  const dataDir = overrides.dataDir ?? (await mkdtemp(join(tmpdir(), 'understudy-test-')));
  const runtime = await createRuntime({
    name: 'Understudy',
    version: '0.0.0-test',
    dataDir,
    resourcesDir: join(REPO_ROOT, 'resources'),
    shell: 'web',
    heartbeatMs: 0,
    // Measuring the training speed takes seconds of CPU: only the tests of that feature turn it on.
    speedProbe: false,
    createEngine: startTestEngine,
    ...overrides,
  });
  return {
    runtime,
    dataDir,
    async close() {
      await runtime.dispose();
      if (owned) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The same, reached through the typed API over the in-memory transport, as the renderer would. */
export async function startInMemoryApp(overrides: Partial<ServicesOptions> = {}) {
  const started = await startTestRuntime(overrides);
  const transport = createInMemoryTransport(started.runtime.dispatch, started.runtime.services.bus);
  return {
    ...started,
    api: createApi(transport),
    async close() {
      transport.close();
      await started.close();
    },
  };
}

export interface TestApp {
  runtime: Runtime;
  server: LoopbackServer;
  dataDir: string;
  close(): Promise<void>;
}

/** The real main-process services on a temp data dir, behind the real loopback server, serving the built renderer. */
export async function startTestApp(overrides: Partial<ServicesOptions> = {}): Promise<TestApp> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('Build the renderer first: npm run build');
  const { runtime, dataDir, close } = await startTestRuntime({ heartbeatMs: 200, ...overrides });
  const server = await startLoopbackServer({
    dispatch: runtime.dispatch,
    bus: runtime.services.bus,
    staticDir: RENDERER_DIR,
  });
  return {
    runtime,
    server,
    dataDir,
    async close() {
      await server.close();
      await close();
    },
  };
}
