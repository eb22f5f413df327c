import { join } from 'node:path';
import { AppService } from './app/app-service.ts';
import { noDialogs, type DialogService } from './app/dialog-service.ts';
import { EngineService, type EngineConnection } from './app/engine-service.ts';
import { TRAINING_SPEED_FILE } from './app/training-speed-record.ts';
import { installBundledModels } from './app/first-run.ts';
import { CorpusStore } from './corpora/corpus-store.ts';
import { DocumentStore } from './documents/document-store.ts';
import type { SpeedProbeSettings } from './engine/speed-probe.ts';
import { EventBus } from './ipc/event-bus.ts';
import { createDispatcher, type Dispatch } from './ipc/dispatcher.ts';
import { createHandlers } from './ipc/handlers.ts';
import { JsonFileBackend, type KeyValueBackend } from './settings/key-value-backend.ts';
import { SETTINGS_FILE, SettingsStore } from './settings/settings-store.ts';

export interface ServicesOptions {
  name: string;
  version: string;
  dataDir: string;
  resourcesDir: string;
  shell: 'electron' | 'web';
  /** Starts the engine; the desktop app and `npm run web` run it in a worker thread. */
  createEngine: (paths: { modelsDir: string; resourcesDir: string }) => Promise<EngineConnection>;
  /** electron-store in the app; a JSON file in the data directory otherwise. */
  settingsBackend?: KeyValueBackend;
  openExternal?: (url: string) => Promise<void>;
  /** Screenplays to open at launch (file association, command line). */
  launchFiles?: readonly string[];
  /** Native dialogs in the desktop app; none over the loopback transport. */
  dialogs?: DialogService;
  /** How the training speed is measured when none is stored (default: the probe's defaults); false never measures. */
  speedProbe?: SpeedProbeSettings | false;
  /** Milliseconds after start-up before the training speed is measured (default 3 s). */
  speedProbeDelayMs?: number;
  /** Milliseconds between heartbeats; 0 disables them. */
  heartbeatMs?: number;
}

export interface Services {
  bus: EventBus;
  app: AppService;
  settings: SettingsStore;
  corpora: CorpusStore;
  documents: DocumentStore;
  engine: EngineService;
  dialogs: DialogService;
}

export interface Runtime {
  services: Services;
  dispatch: Dispatch;
  dispose(): Promise<void>;
}

/** The Electron-free composition root, shared by the desktop app, `npm run web` and the tests. */
export async function createRuntime(options: ServicesOptions): Promise<Runtime> {
  const bus = new EventBus();
  const settings = await SettingsStore.open(
    options.settingsBackend ?? new JsonFileBackend(join(options.dataDir, SETTINGS_FILE)),
  );
  // Settings stay in the default place; everything else follows the writer's chosen folder (read at start-up).
  const dataDir = settings.get().dataDirectory ?? options.dataDir;
  const modelsDir = join(dataDir, 'models');
  // Before the engine opens its model store, so the demo model is there on a first launch.
  await installBundledModels(join(options.resourcesDir, 'models'), dataDir, modelsDir, settings);
  const [corpora, documents, host] = await Promise.all([
    CorpusStore.open(dataDir, {
      maxBytes: settings.get().maxCorpusBytes,
      excludeGeneratedDrafts: settings.get().excludeGeneratedDrafts,
      samplePath: join(options.resourcesDir, 'corpora', 'shakespeare.txt'),
    }),
    DocumentStore.open(dataDir, { recent: settings.recentFilesStore() }),
    options.createEngine({ modelsDir, resourcesDir: options.resourcesDir }),
  ]);
  settings.onChange((next) => {
    corpora.setMaxBytes(next.maxCorpusBytes);
    corpora.setExcludeGeneratedDrafts(next.excludeGeneratedDrafts);
  });
  settings.onChange((next) => bus.emit('settings:changed', next));
  const engine = new EngineService({
    host,
    corpora,
    settings,
    bus,
    speedFile: join(dataDir, TRAINING_SPEED_FILE),
    speedProbe: options.speedProbe ?? {},
    speedProbeDelayMs: options.speedProbeDelayMs ?? 3000,
  });
  await engine.start();
  const damaged = async () => [
    ...settings.damaged,
    ...corpora.damaged,
    ...(await engine.listDamagedModels()),
    ...(await documents.listDamagedRecoveries()),
  ];
  const app = new AppService({ ...options, dataDir, backend: () => host.engine.getBackend(), damaged });
  const services: Services = { bus, app, settings, corpora, documents, engine, dialogs: options.dialogs ?? noDialogs };
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
      await engine.dispose();
    },
  };
}
