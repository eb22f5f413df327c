import { BrowserWindow, dialog, screen } from 'electron';
import { join } from 'node:path';
import { APP_ORIGIN } from './security-policy.ts';

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

/** Bounds that still fit on a connected display (a monitor may have been unplugged since). */
function visible(bounds: WindowBounds | null): WindowBounds | null {
  if (!bounds) return null;
  if (bounds.x === undefined || bounds.y === undefined) return bounds;
  const { x, y } = bounds;
  const onScreen = screen
    .getAllDisplays()
    .some(({ workArea: a }) => x >= a.x - 50 && y >= a.y - 50 && x < a.x + a.width && y < a.y + a.height);
  return onScreen ? bounds : { width: bounds.width, height: bounds.height, maximized: bounds.maximized };
}

/** The one window, with Electron's secure defaults spelled out. */
export function createMainWindow(preloadPath: string, saved: WindowBounds | null): BrowserWindow {
  const bounds = visible(saved);
  const window = new BrowserWindow({
    width: bounds?.width ?? 1280,
    height: bounds?.height ?? 820,
    ...(bounds?.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    minWidth: 800,
    minHeight: 520,
    title: 'Understudy',
    show: false,
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      // Elsewhere Chromium would download Hunspell dictionaries from Google; macOS checks spelling locally.
      spellcheck: process.platform === 'darwin',
    },
  });
  window.once('ready-to-show', () => {
    if (bounds?.maximized) window.maximize();
    window.show();
  });
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

/** The renderer refuses to unload with unsaved changes; here the writer decides, in a native dialog. */
export function confirmUnload(window: BrowserWindow): void {
  window.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(window, {
      type: 'question',
      buttons: ['Keep editing', 'Close without saving'],
      defaultId: 0,
      cancelId: 0,
      message: 'This screenplay has unsaved changes.',
      detail: 'A recovery copy was just written, so you can also get it back next time.',
    });
    if (choice === 1) event.preventDefault();
  });
}

/** Reports the window's bounds after it stops moving or resizing, and once more as it closes. */
export function trackBounds(window: BrowserWindow, save: (bounds: WindowBounds) => void): void {
  let timer: NodeJS.Timeout | undefined;
  const report = () => {
    if (window.isDestroyed() || window.isMinimized()) return;
    const { x, y, width, height } = window.getNormalBounds();
    save({ x, y, width, height, maximized: window.isMaximized() });
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(report, 500);
  };
  window.on('resize', later);
  window.on('move', later);
  window.on('close', () => {
    clearTimeout(timer);
    report();
  });
}

export function preloadPath(appPath: string): string {
  return join(appPath, 'out', 'preload', 'index.cjs');
}
