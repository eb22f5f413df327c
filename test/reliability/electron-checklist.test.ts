import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Electron's checklist (electronjs.org/docs/latest/tutorial/security), item by item, against our real
// window.ts, security.ts and electron-ipc.ts. Only the Electron binary is faked: it records what we ask of it.
type Listener = (...args: unknown[]) => void;
const fake = vi.hoisted(() => {
  const state = {
    windowOptions: [] as Record<string, unknown>[],
    permissionRequest: undefined as undefined | ((...args: unknown[]) => void),
    permissionCheck: undefined as undefined | ((...args: unknown[]) => unknown),
    appListeners: new Map<string, (...args: unknown[]) => void>(),
    privileged: [] as unknown[],
    protocolHandler: undefined as undefined | ((request: Request) => Promise<Response>),
    opened: [] as string[],
    ipcHandlers: new Map<string, (...args: unknown[]) => unknown>(),
  };
  class BrowserWindow {
    webContents = { on: () => undefined, setWindowOpenHandler: () => undefined };
    constructor(options: Record<string, unknown>) {
      state.windowOptions.push(options);
    }
    once(): void {}
    on(): void {}
    loadURL(): Promise<void> {
      return Promise.resolve();
    }
    maximize(): void {}
  }
  return {
    state,
    module: {
      BrowserWindow,
      dialog: {},
      screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
      app: { on: (name: string, listener: (...args: unknown[]) => void) => state.appListeners.set(name, listener) },
      session: {
        defaultSession: {
          setPermissionRequestHandler: (handler: (...args: unknown[]) => void) => (state.permissionRequest = handler),
          setPermissionCheckHandler: (handler: (...args: unknown[]) => unknown) => (state.permissionCheck = handler),
        },
      },
      shell: { openExternal: (url: string) => (state.opened.push(url), Promise.resolve()) },
      protocol: {
        registerSchemesAsPrivileged: (schemes: unknown[]) => state.privileged.push(...schemes),
        handle: (_scheme: string, handler: (request: Request) => Promise<Response>) =>
          (state.protocolHandler = handler),
      },
      // As Electron's net.fetch of a file: URL: the file, or a failure when there is none.
      net: {
        fetch: async (url: string) => {
          const { readFile } = await import('node:fs/promises');
          const { fileURLToPath } = await import('node:url');
          return new Response(await readFile(fileURLToPath(url)), { status: 200 });
        },
      },
      ipcMain: {
        handle: (channel: string, handler: (...args: unknown[]) => unknown) => state.ipcHandlers.set(channel, handler),
        removeHandler: (channel: string) => state.ipcHandlers.delete(channel),
      },
    },
  };
});
vi.mock('electron', () => ({ ...fake.module, default: fake.module }));

const { createMainWindow } = await import('../../src-main/window.ts');
const { hardenSessions, registerAppScheme, serveRenderer } = await import('../../src-main/security.ts');
const { attachElectronIpc } = await import('../../src-main/transport/electron-ipc.ts');
const { EventBus } = await import('../../src-main/ipc/event-bus.ts');
const { createDispatcher } = await import('../../src-main/ipc/dispatcher.ts');
const { createHandlers } = await import('../../src-main/ipc/handlers.ts');
const { startTestRuntime } = await import('../support/app-server.ts');
const { APP_ORIGIN } = await import('../../src-main/security-policy.ts');

/** A fake WebContents that records the listeners our code puts on it. */
function contents() {
  const listeners = new Map<string, Listener>();
  let openHandler: ((details: { url: string }) => unknown) | undefined;
  return {
    on: (name: string, listener: Listener) => listeners.set(name, listener),
    setWindowOpenHandler: (handler: (details: { url: string }) => unknown) => (openHandler = handler),
    fire(name: string, ...args: unknown[]): boolean {
      let prevented = false;
      listeners.get(name)?.({ preventDefault: () => (prevented = true) }, ...args);
      return prevented;
    },
    open: (url: string) => openHandler?.({ url }),
  };
}

let rendererDir: string;
beforeAll(async () => {
  rendererDir = await mkdtemp(path.join(tmpdir(), 'understudy-checklist-'));
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html>');
  registerAppScheme();
  serveRenderer(rendererDir);
  hardenSessions();
  createMainWindow('/app/preload.cjs', null);
});
afterAll(() => rm(rendererDir, { recursive: true, force: true }));

const webPreferences = () => (fake.state.windowOptions[0]?.['webPreferences'] ?? {}) as Record<string, unknown>;

describe("Electron's security checklist", () => {
  it('2/3: Node.js integration is off in the renderer and its workers', () => {
    expect(webPreferences()).toMatchObject({ nodeIntegration: false, nodeIntegrationInWorker: false });
  });

  it('3: context isolation is on', () => {
    expect(webPreferences()['contextIsolation']).toBe(true);
  });

  it('4: the renderer is sandboxed, with a preload as its only bridge', () => {
    expect(webPreferences()).toMatchObject({ sandbox: true, preload: '/app/preload.cjs' });
  });

  it('6/8/9: webSecurity on, no insecure content, no experimental features, no Blink features', () => {
    expect(webPreferences()).toMatchObject({ webSecurity: true, allowRunningInsecureContent: false });
    expect(webPreferences()['experimentalFeatures']).toBeUndefined();
    expect(webPreferences()['enableBlinkFeatures']).toBeUndefined();
  });

  it('10: no <webview>, and attaching one is prevented', () => {
    expect(webPreferences()['webviewTag']).toBe(false);
    const web = contents();
    fake.state.appListeners.get('web-contents-created')?.({}, web);
    expect(web.fire('will-attach-webview')).toBe(true);
  });

  it('no remote module: nothing enables it', () => {
    expect(JSON.stringify(fake.state.windowOptions)).not.toMatch(/enableRemoteModule/);
  });

  it('5: every permission request and check is denied', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const answers: unknown[] = [];
      fake.state.permissionRequest?.({}, permission, (granted: unknown) => answers.push(granted));
      expect(answers).toEqual([false]);
      expect(fake.state.permissionCheck?.({}, permission)).toBe(false);
    }
  });

  it('13: navigation and redirects leave the app origin never', () => {
    const web = contents();
    fake.state.appListeners.get('web-contents-created')?.({}, web);
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'app://other/', 'javascript:alert(1)'])
      for (const event of ['will-navigate', 'will-redirect'])
        expect(web.fire(event, url), `${event} ${url}`).toBe(true);
    expect(web.fire('will-navigate', `${APP_ORIGIN}/index.html`)).toBe(false);
  });

  it('14/15: new windows are denied; only https links go to the OS browser', () => {
    const web = contents();
    fake.state.appListeners.get('web-contents-created')?.({}, web);
    for (const url of ['https://fountain.io/', 'http://example.com/', 'file:///etc/passwd', `${APP_ORIGIN}/x`])
      expect(web.open(url)).toEqual({ action: 'deny' });
    expect(fake.state.opened).toEqual(['https://fountain.io/']);
  });

  it('7/18: the app:// scheme serves only the renderer folder, with the CSP and nosniff', async () => {
    const handler = fake.state.protocolHandler;
    if (!handler) throw new Error('no protocol handler');
    const ok = await handler(new Request(`${APP_ORIGIN}/index.html`));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
    expect(ok.headers.get('content-security-policy')).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    // An encoded slash survives URL parsing ('..' and '%2e%2e' segments do not) and must not climb out.
    for (const url of [`${APP_ORIGIN}/%2F..%2F..%2F..%2Fetc%2Fpasswd`, 'app://elsewhere/index.html'])
      expect((await handler(new Request(url))).status, url).toBe(404);
    expect(fake.state.privileged).toEqual([
      expect.objectContaining({ scheme: 'app', privileges: expect.not.objectContaining({ bypassCSP: true }) }),
    ]);
  });

  it('17: IPC from a frame that is not the app is refused, from the app it is answered', async () => {
    const { runtime, close } = await startTestRuntime();
    const detach = attachElectronIpc(
      createDispatcher(createHandlers(runtime.services)),
      new EventBus(),
      () => undefined,
    );
    try {
      const ping = fake.state.ipcHandlers.get('app:ping');
      if (!ping) throw new Error('app:ping is not handled');
      for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'app://understudy.evil/', undefined])
        expect(
          await ping({ senderFrame: url === undefined ? null : { url } }, { echo: 'x' }),
          String(url),
        ).toMatchObject({
          ok: false,
          error: { code: 'E_FORBIDDEN' },
        });
      expect(await ping({ senderFrame: { url: `${APP_ORIGIN}/index.html` } }, { echo: 'x' })).toMatchObject({
        ok: true,
        value: { echo: 'x' },
      });
    } finally {
      detach();
      await close();
    }
  });
});
