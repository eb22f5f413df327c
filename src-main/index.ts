import { app, shell, type BrowserWindow } from 'electron';
import { screenplayArgs } from './app/app-service.ts';
import { join, resolve } from 'node:path';
import { version } from '../package.json' with { type: 'json' };
import { startEngineHost } from './engine-host/start-engine.ts';
import { electronDialogs } from './electron-dialogs.ts';
import { installApplicationMenu } from './menu.ts';
import { PRODUCT_NAME } from './paths.ts';
import { hardenSessions, registerAppScheme, serveRenderer } from './security.ts';
import { createRuntime, type Runtime } from './services.ts';
import { ElectronStoreBackend } from './settings/electron-store-backend.ts';
import { attachElectronIpc } from './transport/electron-ipc.ts';
import { createMainWindow, preloadPath, trackBounds } from './window.ts';

let window: BrowserWindow | undefined;
let runtime: Runtime | undefined;

// Tests and portable installs may point the data directory elsewhere.
if (process.env.UNDERSTUDY_DATA_DIR) app.setPath('userData', resolve(process.env.UNDERSTUDY_DATA_DIR));
if (!app.requestSingleInstanceLock()) app.quit();
registerAppScheme();

const launchFiles = screenplayArgs(process.argv.slice(1));

function openFromOs(path: string) {
  if (runtime) runtime.services.bus.emit('app:openFileRequested', { path });
  else launchFiles.push(path);
}

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

app.whenReady().then(async () => {
  const appPath = app.getAppPath();
  const resourcesDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(appPath, 'resources');
  hardenSessions();
  serveRenderer(join(appPath, 'out', 'renderer'));
  installApplicationMenu();
  runtime = await createRuntime({
    name: PRODUCT_NAME,
    version,
    dataDir: app.getPath('userData'),
    resourcesDir,
    shell: 'electron',
    createEngine: ({ modelsDir }) => startEngineHost(appPath, modelsDir),
    settingsBackend: new ElectronStoreBackend(),
    dialogs: electronDialogs(() => window),
    launchFiles,
    openExternal: (url) => shell.openExternal(url),
  });
  attachElectronIpc(runtime.dispatch, runtime.services.bus, () => window);
  const settings = runtime.services.settings;
  window = createMainWindow(preloadPath(appPath), settings.get().windowBounds);
  trackBounds(window, (windowBounds) => void settings.update({ windowBounds }).catch(() => undefined));
  window.on('closed', () => (window = undefined));
});

app.on('window-all-closed', () => app.quit());
app.on('will-quit', () => void runtime?.dispose());
