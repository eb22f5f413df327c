import { join } from 'node:path';
import { EngineHost } from './engine-host.ts';

/** Starts the engine worker built at out/main/engine-worker.js beside the main bundle. */
export async function startEngineHost(appRoot: string, modelsDir: string): Promise<EngineHost> {
  const host = new EngineHost({ workerPath: join(appRoot, 'out', 'main', 'engine-worker.js'), modelsDir });
  await host.start();
  return host;
}
