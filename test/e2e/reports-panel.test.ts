import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFountain } from '../../src-main/fountain/parse.ts';
import { scriptReport } from '../../src-main/fountain/reports.ts';
import { testIds } from '../../src-renderer/lib/test-ids.ts';
import { REPO_ROOT, startTestApp, type TestApp } from '../support/app-server.ts';
import { launchChromium, screenshotPath } from '../support/browser.ts';

const id = (testId: string) => `[data-testid="${testId}"]`;

async function tableRows(page: Page): Promise<string[][]> {
  return page.$$eval(`${id(testIds.reportsPanel)} ${id(testIds.reportsRow)}`, (rows) =>
    rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent?.trim() ?? '')),
  );
}

/** The Reports panel in Chromium over the loopback transport, on the sample screenplay the first launch opens. */
describe('the Reports panel in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let work: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [app, browser, work] = await Promise.all([
      startTestApp(),
      launchChromium(),
      mkdtemp(join(tmpdir(), 'understudy-reports-')),
    ]);
    page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
      reducedMotion: 'reduce',
      acceptDownloads: true,
    });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(app.server.url);
    await page.waitForSelector(`${id(testIds.appShell)}[data-ready="true"]`);
    if (await page.locator(id(testIds.tourDismiss)).count()) await page.click(id(testIds.tourDismiss));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('opens from its tab and reports the sample’s characters, locations and scenes as the core does', async () => {
    const sample = await readFile(join(REPO_ROOT, 'resources/samples/sample-screenplay.fountain'), 'utf8');
    const expected = scriptReport(parseFountain(sample));
    await page.click(id(testIds.tabReports));
    await page.waitForSelector(id(testIds.reportsRow));
    const characters = await tableRows(page);
    expect(characters.map((row) => row[0]).sort()).toEqual(expected.characters.map((c) => c.name).sort());
    expect(characters.map((row) => Number(row[1]))).toEqual(
      expected.characters.map((c) => c.speeches).sort((a, b) => b - a),
    );
    await page.screenshot({ path: await screenshotPath('reports-characters') });

    await page.click(`${id(testIds.reportsTab)}[data-tab="locations"]`);
    expect((await tableRows(page)).map((row) => row[0]).sort()).toEqual(expected.locations.map((l) => l.name).sort());
    await page.click(`${id(testIds.reportsTab)}[data-tab="scenes"]`);
    const scenes = await tableRows(page);
    expect(scenes.map((row) => row[1])).toEqual(expected.scenes.map((s) => s.heading));
    await page.screenshot({ path: await screenshotPath('reports-scenes') });
    expect(await page.textContent(id(testIds.reportsSummary))).toContain(`${expected.scenes.length} scenes`);
  });

  it('locks scene numbers into the script, Ctrl+Z takes them out again in one step', async () => {
    await page.click(id(testIds.reportsLock));
    await page.waitForSelector(id(testIds.reportsUnlock));
    expect(await page.locator('.cm-content').innerText()).toMatch(/#1#/);
    await page.click('.cm-content');
    await page.keyboard.press('Control+z');
    await page.waitForSelector(id(testIds.reportsLock));
    expect(await page.locator('.cm-content').innerText()).not.toMatch(/#\d+#/);
  });

  it('prints the report as a PDF that poppler reads', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(id(testIds.reportsPrint))]);
    expect(download.suggestedFilename()).toMatch(/report\.pdf$/);
    const path = join(work, 'report.pdf');
    await download.saveAs(path);
    const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
    expect(text).toContain('Characters');
    expect(text).toContain('Locations');
    expect(text).toContain('Scenes');
    expect(pageErrors).toEqual([]);
  });
});
