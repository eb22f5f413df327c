import type { BackendName } from './contract/index.ts';
import { AppService } from './app/app-service.ts';
import { EventBus } from './ipc/event-bus.ts';
import { createDispatcher, type Dispatch } from './ipc/dispatcher.ts';
import { createHandlers } from './ipc/handlers.ts';

export interface ServicesOptions {
  name: string;
  version: string;
  dataDir: string;
  resourcesDir: string;
  shell: 'electron' | 'web';
  backend?: () => Promise<BackendName>;
  openExternal?: (url: string) => Promise<void>;
  /** Milliseconds between heartbeats; 0 disables them. */
  heartbeatMs?: number;
}

export interface Services {
  bus: EventBus;
  app: AppService;
}

export interface Runtime {
  services: Services;
  dispatch: Dispatch;
  dispose(): Promise<void>;
}

/** The Electron-free composition root, shared by the desktop app, `npm run web` and the tests. */
export async function createRuntime(options: ServicesOptions): Promise<Runtime> {
  const bus = new EventBus();
  const app = new AppService(options);
  const services: Services = { bus, app };
  const dispatch = createDispatcher(createHandlers(services), (channel, error) =>
    console.error(`[understudy] ${channel} failed:`, error),
  );
  let seq = 0;
  const heartbeatMs = options.heartbeatMs ?? 1000;
  const heartbeat =
    heartbeatMs > 0
      ? setInterval(() => bus.emit('app:heartbeat', { seq: ++seq, at: Date.now() }), heartbeatMs)
      : undefined;
  heartbeat?.unref();
  return {
    services,
    dispatch,
    async dispose() {
      if (heartbeat) clearInterval(heartbeat);
    },
  };
}
