import { app, dialog, shell, type BrowserWindow } from 'electron';
import { join, resolve } from 'node:path';
import { version } from '../package.json' with { type: 'json' };
import { screenplayArgs } from './app/app-service.ts';
import { startEngineHost } from './engine-host/start-engine.ts';
import { electronDialogs } from './electron-dialogs.ts';
import { installApplicationMenu } from './menu.ts';
import { PRODUCT_NAME } from './paths.ts';
import { hardenSessions, registerAppScheme, serveRenderer } from './security.ts';
import { createRuntime, type Runtime } from './services.ts';
import { ElectronStoreBackend } from './settings/electron-store-backend.ts';
import { attachElectronIpc } from './transport/electron-ipc.ts';
import { confirmUnload, createMainWindow, preloadPath, trackBounds } from './window.ts';

let window: BrowserWindow | undefined;
let runtime: Runtime | undefined;
const pendingFiles = screenplayArgs(process.argv.slice(1));

function openFromOs(path: string) {
  if (!runtime) return void pendingFiles.push(path);
  runtime.services.app.queueOpen(path);
  runtime.services.bus.emit('app:openFileRequested', { path });
}

async function start() {
  const appPath = app.getAppPath();
  const resourcesDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(appPath, 'resources');
  hardenSessions();
  serveRenderer(join(appPath, 'out', 'renderer'));
  installApplicationMenu(app.isPackaged);
  runtime = await createRuntime({
    name: PRODUCT_NAME,
    version,
    dataDir: app.getPath('userData'),
    resourcesDir,
    shell: 'electron',
    createEngine: ({ modelsDir }) => startEngineHost(appPath, modelsDir),
    settingsBackend: new ElectronStoreBackend(),
    dialogs: electronDialogs(() => window),
    launchFiles: pendingFiles,
    openExternal: (url) => shell.openExternal(url),
  });
  attachElectronIpc(runtime.dispatch, runtime.services.bus, () => window);
  const settings = runtime.services.settings;
  window = createMainWindow(preloadPath(appPath), settings.get().windowBounds);
  confirmUnload(window);
  trackBounds(window, (windowBounds) => void settings.update({ windowBounds }).catch(() => undefined));
  window.on('closed', () => (window = undefined));
}

// Tests and portable installs may point the data directory elsewhere.
if (process.env.UNDERSTUDY_DATA_DIR) app.setPath('userData', resolve(process.env.UNDERSTUDY_DATA_DIR));

// A second launch hands its files to the first and exits before touching the data directory.
if (!app.requestSingleInstanceLock()) {
  app.exit(0);
} else {
  registerAppScheme();
  app.on('second-instance', (_event, argv) => {
    for (const path of screenplayArgs(argv.slice(1))) openFromOs(path);
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  // macOS delivers double-clicked documents this way, possibly before `ready`.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openFromOs(path);
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      dialog.showErrorBox('Understudy could not start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });
  app.on('window-all-closed', () => app.quit());
  // Waits for the engine to stop and pending writes to finish before the process goes.
  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed || !runtime) return;
    event.preventDefault();
    void runtime.dispose().finally(() => {
      disposed = true;
      app.quit();
    });
  });
}
