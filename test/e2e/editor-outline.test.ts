import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paginate } from '../../src-main/fountain/paginate.ts';
import { parseFountain } from '../../src-main/fountain/parse.ts';
import { testIds } from '../../src-renderer/lib/test-ids.ts';
import { startTestApp, type TestApp } from '../support/app-server.ts';
import { launchChromium, screenshotPath } from '../support/browser.ts';

const id = (testId: string) => `[data-testid="${testId}"]`;

const action = (scene: string, lines: number): string =>
  Array.from(
    { length: lines },
    (_, index) => `${scene} action line ${index + 1} goes on long enough to wrap once.`,
  ).join('\n\n');

/** Three scenes under two sections, long enough for two pages. */
const script = [
  '# ACT ONE',
  '',
  'INT. KITCHEN - DAY',
  '',
  action('Kitchen', 24),
  '',
  'EXT. GARDEN - DAY',
  '',
  action('Garden', 4),
  '',
  '# ACT TWO',
  '',
  'INT. OFFICE - NIGHT',
  '',
  action('Office', 4),
  '',
].join('\n');

async function sceneOrder(page: Page): Promise<string[]> {
  const items = await page.locator(id(testIds.sceneNavigatorItem)).locator('> .row .heading').allTextContents();
  return items.map((text) => text.trim());
}

describe('the editor as a screenwriter expects, in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchChromium()]);
    await app.runtime.services.settings.update({ tourSeen: true });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows page-break markers as the writer types, and hides them with Mod-Shift-B (kept in the settings)', async () => {
    await page.goto(app.server.url);
    await page.waitForSelector(`${id(testIds.appShell)}[data-ready="true"]`);
    await page.click('.cm-content');
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(script);
    await page.keyboard.type('The end.');
    const typed = `${script}The end.`;
    const pages = paginate(parseFountain(typed)).pages;
    expect(pages.length).toBe(2);
    const marker = page.locator('.cm-page-marker');
    await marker.first().waitFor();
    expect(await marker.count()).toBe(pages.length - 1);
    expect(await marker.first().textContent()).toBe('2.');
    // The rule sits right above the first line the paginator puts on page 2.
    const firstLine = pages[1]?.rows.flat().find((cell) => cell.line !== undefined)?.line ?? -1;
    const nextLine = await marker.first().evaluate((element) => element.nextElementSibling?.textContent);
    expect(nextLine).toBe(typed.split('\n')[firstLine]);
    await marker.first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: await screenshotPath('editor-page-marker') });

    await page.keyboard.press('Control+Shift+B');
    await expect.poll(() => marker.count()).toBe(0);
    await expect.poll(async () => (await app.runtime.services.settings.get()).pageMarkers).toBe(false);
    await page.keyboard.press('Control+Shift+B');
    await marker.first().waitFor();
    await expect.poll(async () => (await app.runtime.services.settings.get()).pageMarkers).toBe(true);
  });

  it('shows the outline and moves a scene with Alt-Shift-Down in the editor, undone by Ctrl+Z', async () => {
    await expect
      .poll(() => sceneOrder(page))
      .toEqual(['INT. KITCHEN - DAY', 'EXT. GARDEN - DAY', 'INT. OFFICE - NIGHT']);
    expect(await page.locator(id(testIds.outlineSection)).locator('> .row .heading').allTextContents()).toEqual([
      'ACT ONE',
      'ACT TWO',
    ]);
    await page.locator(id(testIds.sceneNavigatorItem)).first().click();
    await page.keyboard.press('Alt+Shift+ArrowDown');
    await expect
      .poll(() => sceneOrder(page))
      .toEqual(['EXT. GARDEN - DAY', 'INT. KITCHEN - DAY', 'INT. OFFICE - NIGHT']);
    await page.click('.cm-content');
    await page.keyboard.press('Control+z');
    await expect
      .poll(() => sceneOrder(page))
      .toEqual(['INT. KITCHEN - DAY', 'EXT. GARDEN - DAY', 'INT. OFFICE - NIGHT']);
  });

  it('moves a scene by dragging it in the outline, into another section', async () => {
    const office = page.locator(id(testIds.sceneNavigatorItem)).filter({ hasText: 'INT. OFFICE - NIGHT' });
    const kitchen = page.locator(id(testIds.sceneNavigatorItem)).filter({ hasText: 'INT. KITCHEN - DAY' });
    await office.dragTo(kitchen);
    await expect
      .poll(() => sceneOrder(page))
      .toEqual(['INT. OFFICE - NIGHT', 'INT. KITCHEN - DAY', 'EXT. GARDEN - DAY']);
    // OFFICE now belongs to ACT ONE; ACT TWO holds no scene.
    const actOne = page.locator(id(testIds.outlineSection)).filter({ hasText: 'ACT ONE' });
    expect(await actOne.locator(id(testIds.sceneNavigatorItem)).count()).toBe(3);
    await page.screenshot({ path: await screenshotPath('editor-outline-after-drag') });
  });
});
