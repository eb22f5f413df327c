/**
 * Export PDF from the real UI in Chromium (the browser mode: the PDF comes back as a download), read back with
 * poppler: the page count is the paginator's, page 1 has no number and page 2 does, and a speech that crosses a
 * page ends with (MORE) and goes on under CUE (CONT'D). Page images go to test-results/print-pdf/ for a person.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fountainToPdf } from '../../src-main/export/pdf.ts';
import { CONTD, MORE, paginate, type PaginateOptions } from '../../src-main/fountain/paginate.ts';
import { parseFountain } from '../../src-main/fountain/parse.ts';
import { testIds } from '../../src-renderer/lib/test-ids.ts';
import { REPO_ROOT, startTestApp, type TestApp } from '../support/app-server.ts';
import { launchChromium } from '../support/browser.ts';

const run = promisify(execFile);
const OUTPUT = resolve(REPO_ROOT, 'test-results/print-pdf');
const SAMPLE = join(REPO_ROOT, 'resources/samples/sample-screenplay.fountain');
const LONG_SPEECHES = join(REPO_ROOT, 'test/fixtures/fountain/14-long-night-shift.fountain');
const id = (testId: string) => `[data-testid="${testId}"]`;

async function pdfInfo(file: string): Promise<{ pages: number; size: string }> {
  const { stdout } = await run('pdfinfo', [file]);
  return {
    pages: Number(/Pages:\s+(\d+)/.exec(stdout)?.[1]),
    size: /Page size:\s+([\d.]+ x [\d.]+)/.exec(stdout)?.[1] ?? '',
  };
}

/** Each PDF page's text as laid out, without its blank lines. */
async function pageLines(file: string): Promise<string[][]> {
  const { stdout } = await run('pdftotext', ['-layout', file, '-']);
  return stdout
    .split('\f')
    .slice(0, -1)
    .map((page) => page.split('\n').filter((line) => line.trim() !== ''));
}

describe('Export PDF from the UI prints the paginator’s pages', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let work: string;

  beforeAll(async () => {
    [app, browser, work] = await Promise.all([
      startTestApp(),
      launchChromium(),
      mkdtemp(join(tmpdir(), 'understudy-print-')),
      mkdir(OUTPUT, { recursive: true }),
    ]);
    // The first-launch tour would cover the top bar; this test is about printing.
    await app.runtime.services.settings.update({ tourSeen: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(app.server.url);
    await page.waitForSelector(`${id(testIds.appShell)}[data-ready="true"]`);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** Exports through the Export menu and keeps the download (and its pages as PNG) under test-results/print-pdf/. */
  async function exportFromUi(name: string, paper: 'letter' | 'a4', sceneNumbers = false): Promise<string> {
    await page.click('header summary');
    await page.setChecked(id(testIds.exportSceneNumbers), sceneNumbers);
    await page.locator('header details.export .menu').screenshot({ path: join(OUTPUT, `${name}-menu.png`) });
    const button = paper === 'letter' ? id(testIds.exportPdfButton) : 'header button:has-text("PDF (A4)")';
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    const file = join(OUTPUT, `${name}.pdf`);
    await copyFile((await download.path()) ?? '', file);
    await run('pdftoppm', ['-r', '60', '-png', file, join(OUTPUT, name)]);
    return file;
  }

  async function expectPaginatorPages(file: string, source: string, options: PaginateOptions): Promise<void> {
    const pagination = paginate(parseFountain(source), options);
    const info = await pdfInfo(file);
    expect(info.pages).toBe(pagination.pages.length + (pagination.titlePage ? 1 : 0));
    expect(info.size).toBe(options.paper === 'a4' ? '595.44 x 841.68' : '612 x 792');
  }

  it('exports the sample screenplay: the paginator’s page count, page 1 unnumbered, page 2 numbered', async () => {
    expect(await page.title()).toBe('The sample screenplay — Understudy');
    const file = await exportFromUi('sample-letter', 'letter');
    const source = await readFile(SAMPLE, 'utf8');
    await expectPaginatorPages(file, source, { paper: 'letter' });
    const [title, first, second] = await pageLines(file);
    expect(title?.join('\n')).toContain('The Last Bus to Harrow Point');
    const firstRow = paginate(parseFountain(source)).pages[0]?.rows.find((row) => row.length > 0);
    expect(first?.[0]?.trim()).toBe(firstRow?.[0]?.text);
    expect(first?.join('\n')).not.toMatch(/^\s*1\.\s*$/m);
    expect(second?.[0]?.trim()).toBe('2.');
    // The browser built the very PDF the command line and the desktop app write: same writer, same text.
    const fromNode = join(work, 'sample-node.pdf');
    await writeFile(fromNode, await fountainToPdf(source, { paper: 'letter', sceneNumbers: false }));
    expect(await pageLines(file)).toEqual(await pageLines(fromNode));
  });

  it('exports on A4 with scene numbers on both sides of each heading', async () => {
    const file = await exportFromUi('sample-a4-scene-numbers', 'a4', true);
    await expectPaginatorPages(file, await readFile(SAMPLE, 'utf8'), { paper: 'a4', sceneNumbers: true });
    const text = (await pageLines(file)).flat().join('\n');
    expect(text).toMatch(/^\s*1\s+EXT\. HARROW POINT BUS DEPOT - NIGHT\s+1\s*$/m);
  });

  it('ends a speech that crosses a page with (MORE) and goes on under CUE (CONT’D)', async () => {
    const script = join(work, 'long-night-shift.fountain');
    await copyFile(LONG_SPEECHES, script);
    await page.click(id(testIds.openButton));
    await page.waitForSelector(id(testIds.fileDialog));
    await page.fill(id(testIds.fileDialogPath), script);
    await page.click(id(testIds.fileDialogConfirm));
    await expect.poll(() => page.title()).toBe('long-night-shift.fountain — Understudy');
    const file = await exportFromUi('long-night-shift-letter', 'letter');
    const source = await readFile(LONG_SPEECHES, 'utf8');
    await expectPaginatorPages(file, source, { paper: 'letter' });
    const body = (await pageLines(file)).slice(1);
    const pagination = paginate(parseFountain(source), { paper: 'letter' });
    let breaks = 0;
    pagination.pages.forEach((laidOut, index) => {
      if (laidOut.rows.at(-1)?.[0]?.kind !== 'more') return;
      breaks++;
      expect(body[index]?.at(-1)?.trim()).toBe(MORE);
      // The next page: its number, then the same speaker's cue with (CONT'D).
      expect(body[index + 1]?.[0]?.trim()).toBe(`${index + 2}.`);
      expect(body[index + 1]?.[1]?.trim()).toMatch(new RegExp(`^[A-Z][A-Z .'-]* \\${CONTD.slice(0, -1)}\\)$`));
    });
    expect(breaks).toBeGreaterThan(0);
  });
});
