import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testIds } from '../../src-renderer/lib/test-ids.ts';
import { RENDERER_DIR, startTestApp, type TestApp } from '../support/app-server.ts';
import { launchChromium } from '../support/browser.ts';
import { recordFigures } from './support/figures.ts';

const CYCLES = Number(process.env.RELIABILITY_UI_CYCLES ?? 100);
const id = (testId: string) => `[data-testid="${testId}"]`;
const enabled = (testId: string) => `${id(testId)}:not([disabled])`;

/**
 * Injected before the app's scripts: counts live listeners added through EventTarget (minus those removed) on
 * targets that are not detached DOM nodes. `once` listeners end by themselves and are not counted.
 */
const INSTRUMENT = `(() => {
  const registry = new Map();
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  const keyOf = (type, options) => type + '|' + (typeof options === 'boolean' ? options : Boolean(options && options.capture));
  EventTarget.prototype.addEventListener = function (type, listener, options) {
    if (listener && !(typeof options === 'object' && options && options.once)) {
      let byKey = registry.get(this);
      if (!byKey) registry.set(this, (byKey = new Map()));
      const key = keyOf(type, options);
      if (!byKey.has(key)) byKey.set(key, new Set());
      byKey.get(key).add(listener);
    }
    return add.call(this, type, listener, options);
  };
  EventTarget.prototype.removeEventListener = function (type, listener, options) {
    registry.get(this)?.get(keyOf(type, options))?.delete(listener);
    return remove.call(this, type, listener, options);
  };
  window.__liveListeners = () => {
    let count = 0;
    for (const [target, byKey] of registry) {
      if (target instanceof Node && !target.isConnected && target !== document) continue;
      for (const set of byKey.values()) count += set.size;
    }
    return count;
  };
})();`;

let app: TestApp;
let browser: Browser;
let page: Page;
const notes: string[] = [];

async function generateThenStop(): Promise<void> {
  await page.click(enabled(testIds.generateButton));
  await page.waitForSelector(id(testIds.stopButton), { timeout: 30_000 });
  await page.click(id(testIds.stopButton)).catch(() => undefined); // it may have finished by itself
  await page.waitForSelector(enabled(testIds.generateButton), { timeout: 30_000 });
}

const liveListeners = () => page.evaluate(() => (window as unknown as { __liveListeners(): number }).__liveListeners());

beforeAll(async () => {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('Build the renderer first: npm run build');
  [app, browser] = await Promise.all([startTestApp(), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, reducedMotion: 'reduce' });
  await page.addInitScript(INSTRUMENT);
  await page.goto(app.server.url);
  await page.waitForSelector(`${id(testIds.appShell)}[data-ready="true"]`);
  if (await page.locator(id(testIds.tourDismiss)).count()) await page.click(id(testIds.tourDismiss));
  await page.click(id(testIds.tabGenerate));
  await page.selectOption(id(testIds.scenePagesInput), '3');
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  recordFigures('renderer-listeners', { inputsTried: CYCLES, notes });
});

describe('the renderer in Chromium over the loopback transport', () => {
  it(`keeps its listeners flat across ${CYCLES} generate/stop cycles through the real UI`, async () => {
    for (let cycle = 0; cycle < 5; cycle += 1) await generateThenStop();
    const before = await liveListeners();
    const busBefore = app.runtime.services.bus.size;
    for (let cycle = 0; cycle < CYCLES; cycle += 1) await generateThenStop();
    const after = await liveListeners();
    const cdp = await page.context().newCDPSession(page);
    const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    notes.push(
      `${CYCLES} generate/stop cycles in Chromium: live DOM listeners ${before} -> ${after}, main-process bus listeners ${busBefore} -> ${app.runtime.services.bus.size}, renderer JS heap ${(usedSize / 1048576).toFixed(0)} MB`,
    );
    expect(before).toBeGreaterThan(0);
    expect(after).toBe(before);
    expect(app.runtime.services.bus.size).toBe(busBefore);
  });
});
