import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFountain } from '../../src-main/fountain/parse.ts';
import { scriptStats } from '../../src-main/fountain/stats.ts';
import { renderScreenplayHtml } from '../../src-renderer/lib/export/render-html';
import type { Paper } from '../../src-renderer/lib/export/print-css';
import { CHROMIUM_PATH, launchChromium } from '../support/browser.ts';

const OUTPUT = resolve('test-results/print-pdf');
const sample = readFileSync(resolve('resources/samples/sample-screenplay.fountain'), 'utf8');

async function printPdf(text: string, paper: Paper, name: string): Promise<Buffer> {
  await page.setContent(renderScreenplayHtml(text, { paper }));
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  writeFileSync(resolve(OUTPUT, `${name}-${paper}.pdf`), pdf);
  return pdf;
}

/** Page count and the first page's size in points, read from the PDF's page tree. */
function pdfPages(pdf: Buffer): { count: number; width: number; height: number } {
  const text = pdf.toString('latin1');
  const count = Number(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)/s.exec(text)?.[1] ?? Number.NaN);
  const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(text);
  return { count, width: Number(box?.[1]), height: Number(box?.[2]) };
}

/** `count` one-line action paragraphs; with a blank line between them a 55-line page holds 28. */
function actionParagraphs(count: number): string {
  return Array.from({ length: count }, (_, i) => `Line ${i + 1} of the action.`).join('\n\n');
}

let browser: Browser;
let page: Page;

const why = existsSync(CHROMIUM_PATH) ? '' : ` (skipped: no Chromium at ${CHROMIUM_PATH}; apt-get install chromium)`;

describe.skipIf(why !== '')(`renderScreenplayHtml printed by Chromium${why}`, () => {
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    mkdirSync(OUTPUT, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('prints the title page plus one page per forced page break', async () => {
    const script = 'Title: Breaks\nAuthor: Test\n\nFirst page.\n\n===\n\nSecond page.\n\n===\n\nThird page.\n';
    expect(pdfPages(await printPdf(script, 'letter', 'breaks'))).toEqual({ count: 4, width: 612, height: 792 });
  });

  it('fits 55 lines on a Letter page and 58 on A4, as the page estimate assumes', async () => {
    const script = actionParagraphs(57);
    expect(scriptStats(parseFountain(script)).pages).toBe(3);
    expect(pdfPages(await printPdf(script, 'letter', 'lines')).count).toBe(3);
    // 29 paragraphs fill 57 of A4's 58 lines, so 57 paragraphs take two pages.
    const a4 = pdfPages(await printPdf(script, 'a4', 'lines'));
    expect(a4.count).toBe(2);
    expect(a4.width).toBeCloseTo(595, 0);
    expect(a4.height).toBeCloseTo(842, 0);
  });

  it('prints the sample with its title page, close to the estimated page count', async () => {
    const estimate = scriptStats(parseFountain(sample)).pages;
    const { count } = pdfPages(await printPdf(sample, 'letter', 'sample'));
    expect(count - 1).toBeGreaterThanOrEqual(estimate - 1);
    expect(count - 1).toBeLessThanOrEqual(estimate + 1);
  });
});
