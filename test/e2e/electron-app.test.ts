import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { testIds } from '../../src-renderer/lib/test-ids.ts';
import { findElectronBinary } from '../support/electron-binary.ts';

const binary = findElectronBinary();
const why = 'no Electron binary on this machine (its download needs the internet; `npx install-electron` where it can)';
// A headless box also needs a display; CI machines without one get the same plain skip.
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const skipReason = !binary ? why : !hasDisplay ? 'no display (set DISPLAY, e.g. run under xvfb-run)' : '';

if (skipReason) console.warn(`[electron-app.test] skipped: ${skipReason}`);

describe.skipIf(Boolean(skipReason))(`the real Electron app${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('opens a sandboxed window whose status bar talks to main over IPC', async () => {
    const userData = await mkdtemp(join(tmpdir(), 'understudy-electron-'));
    const app = await electron.launch({
      executablePath: binary,
      args: ['.', '--no-sandbox'],
      env: { ...process.env, UNDERSTUDY_DATA_DIR: userData },
    });
    try {
      const page = await app.firstWindow();
      await page.waitForSelector(`[data-testid="${testIds.statusBackend}"]`);
      expect(['tensorflow', 'wasm', 'cpu']).toContain(
        await page.textContent(`[data-testid="${testIds.statusBackend}"]`),
      );
      const isolation = await page.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        api: typeof (window as unknown as { understudy?: { app?: { getInfo?: unknown } } }).understudy?.app?.getInfo,
        origin: location.origin,
      }));
      expect(isolation).toEqual({
        require: 'undefined',
        process: 'undefined',
        api: 'function',
        origin: 'app://understudy',
      });
      const denied = await page.evaluate(() => window.open('https://example.com') === null);
      expect(denied).toBe(true);
    } finally {
      await app.close();
      await rm(userData, { recursive: true, force: true });
    }
  });
});
