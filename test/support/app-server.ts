import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EngineHost } from '../../src-main/engine-host/engine-host.ts';
import { createRuntime, type Runtime, type ServicesOptions } from '../../src-main/services.ts';
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

export interface TestApp {
  runtime: Runtime;
  server: LoopbackServer;
  dataDir: string;
  close(): Promise<void>;
}

/** The real main-process services on a temp data dir, behind the real loopback server, serving the built renderer. */
export async function startTestApp(overrides: Partial<ServicesOptions> = {}): Promise<TestApp> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('Build the renderer first: npm run build');
  const dataDir = await mkdtemp(join(tmpdir(), 'understudy-e2e-'));
  const runtime = await createRuntime({
    name: 'Understudy',
    version: '0.0.0-test',
    dataDir,
    resourcesDir: join(REPO_ROOT, 'resources'),
    shell: 'web',
    heartbeatMs: 200,
    createEngine: startTestEngine,
    ...overrides,
  });
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
      await runtime.dispose();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
