import { join } from 'node:path';
import { version } from '../package.json' with { type: 'json' };
import { startEngineHost } from './engine-host/start-engine.ts';
import { startLoopbackServer } from './transport/loopback-server.ts';
import { appRoot, defaultDataDir, PRODUCT_NAME } from './paths.ts';
import { createRuntime } from './services.ts';

/** `npm run web`: the real main-process services behind the loopback transport, for a browser. */
async function main() {
  const root = appRoot(import.meta.url);
  const runtime = await createRuntime({
    name: PRODUCT_NAME,
    version,
    dataDir: defaultDataDir(),
    resourcesDir: join(root, 'resources'),
    shell: 'web',
    createEngine: ({ modelsDir }) => startEngineHost(root, modelsDir),
  });
  const port = Number(process.env.UNDERSTUDY_PORT ?? 0);
  const server = await startLoopbackServer({
    dispatch: runtime.dispatch,
    bus: runtime.services.bus,
    staticDir: join(root, 'out', 'renderer'),
    port,
  });
  console.log(`Understudy is running at ${server.url}`);
  const stop = async () => {
    await server.close();
    await runtime.dispose();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
