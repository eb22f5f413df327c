import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { WebSocket } from 'ws';
import { testIds } from '../../src-renderer/lib/test-ids.ts';
import { startTestApp, type TestApp } from '../support/app-server.ts';
import { launchChromium, screenshotPath } from '../support/browser.ts';

const byTestId = (id: string) => `[data-testid="${id}"]`;

/** Resolves with the HTTP status of a refused upgrade, or 101 when the socket opened. */
function upgradeStatus(url: string, origin?: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.on('open', () => (ws.close(), resolve(101)));
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(0));
  });
}

describe('the renderer in Chromium over the loopback transport', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows version, the real backend and the data directory, with a live heartbeat', async () => {
    const page = await browser.newPage();
    await page.goto(app.server.url);
    await page.waitForSelector(byTestId(testIds.statusBackend));
    const info = await app.runtime.services.app.getInfo();
    expect(await page.textContent(byTestId(testIds.statusBackend))).toBe(info.backend);
    expect(await page.textContent(byTestId(testIds.statusVersion))).toContain('0.0.0-test');
    expect(await page.textContent(byTestId(testIds.statusDataDir))).toBe(app.dataDir);
    await page.waitForFunction(
      (selector) => Number(document.querySelector(selector)?.getAttribute('data-beats')) >= 2,
      byTestId(testIds.statusHeartbeat),
    );
    await page.screenshot({ path: await screenshotPath('status-bar') });
    await page.close();
  });

  it('enforces the CSP: no inline scripts, no eval or Function, no foreign hosts, the header is sent', async () => {
    const page = await browser.newPage();
    const response = await page.goto(app.server.url);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector(byTestId(testIds.statusBar));
    await expect(page.addScriptTag({ content: 'window.__inlineRan = true;' })).rejects.toThrow();
    const state = await page.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true;';
      document.head.append(script);
      const image = new Image();
      image.src = 'https://example.com/pixel.png';
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { inline: (window as unknown as { __inlineRan?: boolean }).__inlineRan ?? false, violations };
    });
    expect(state.inline).toBe(false);
    expect(state.violations).toEqual(expect.arrayContaining(['script-src-elem', 'img-src']));
    // Strings as code, from a script the policy allows (same origin; code evaluated over CDP would bypass the
    // policy): eval and the Function constructor throw EvalError.
    await page.route('**/eval-probe.js', (route) =>
      route.fulfill({
        contentType: 'text/javascript',
        body: `window.__probe = {};
          try { eval('1 + 1'); window.__probe.eval = 'ran'; } catch (e) { window.__probe.eval = e.name; }
          try { new Function('return 1')(); window.__probe.fn = 'ran'; } catch (e) { window.__probe.fn = e.name; }`,
      }),
    );
    await page.addScriptTag({ url: '/eval-probe.js' });
    const probe = await page.evaluate(() => (window as unknown as { __probe?: unknown }).__probe);
    expect(probe).toEqual({ eval: 'EvalError', fn: 'EvalError' });
    await page.close();
  });

  it('refuses a socket without the token, with a wrong token, or from a foreign Origin', async () => {
    const { origin, token } = app.server;
    const ws = origin.replace('http', 'ws');
    expect(await upgradeStatus(`${ws}/ipc`, origin)).toBe(403);
    expect(await upgradeStatus(`${ws}/ipc?token=${token}x`, origin)).toBe(403);
    expect(await upgradeStatus(`${ws}/ipc?token=${token}`, 'http://evil.example')).toBe(403);
    expect(await upgradeStatus(`${ws}/ipc?token=${token}`)).toBe(403);
    expect(await upgradeStatus(`${ws}/ipc?token=${token}`, origin)).toBe(101);
  });

  it('refuses paths outside the built renderer', async () => {
    const res = await fetch(`${app.server.origin}/..%2f..%2fpackage.json`);
    expect(res.status).toBe(404);
    const ok = await fetch(`${app.server.origin}/index.html`);
    expect(ok.status).toBe(200);
  });
});
