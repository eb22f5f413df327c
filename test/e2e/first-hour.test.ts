import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFountain, cueName } from '../../src-main/fountain/classify.ts';
import { parseFountain } from '../../src-main/fountain/parse.ts';
import { testIds } from '../../src-renderer/lib/test-ids.ts';
import { REPO_ROOT, startTestApp, type TestApp } from '../support/app-server.ts';
import { launchChromium, screenshotPath } from '../support/browser.ts';

const id = (testId: string) => `[data-testid="${testId}"]`;
const enabled = (testId: string) => `${id(testId)}:not([disabled])`;

async function shot(page: Page, name: string, selector?: string): Promise<void> {
  const path = await screenshotPath(`first-hour-${name}`);
  if (selector) await page.locator(selector).first().screenshot({ path });
  else await page.screenshot({ path });
}

async function editorText(page: Page): Promise<string> {
  return page.locator('.cm-content').innerText();
}

async function answerPathDialog(page: Page, path: string): Promise<void> {
  await page.waitForSelector(id(testIds.fileDialog));
  await page.fill(id(testIds.fileDialogPath), path);
  await page.click(id(testIds.fileDialogConfirm));
}

/** Plays a new writer's first hour against the real services and engine; every panel is photographed. */
describe('a new writer’s first hour, in Chromium over the loopback transport', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let work: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [app, browser, work] = await Promise.all([
      startTestApp(),
      launchChromium(),
      mkdtemp(join(tmpdir(), 'understudy-first-hour-')),
    ]);
    // Reduced motion: screenshots show where animations end, not frames of them.
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, reducedMotion: 'reduce' });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('opens the sample screenplay, with the demo model active and the tour pointing at Generate', async () => {
    await page.goto(app.server.url);
    await page.waitForSelector(`${id(testIds.appShell)}[data-ready="true"]`);
    await page.waitForSelector(id(testIds.tour));
    expect(await page.title()).toBe('The sample screenplay — Understudy');
    expect(await page.textContent(id(testIds.generateModel))).toContain('demo');
    await shot(page, '01-tour-generate');
    await page.click(id(testIds.tourNext));
    await shot(page, '02-tour-corpora');
    await page.click(id(testIds.tourNext));
    await shot(page, '03-tour-training');
    await page.click(id(testIds.tourNext));
    expect(await page.locator(id(testIds.tour)).count()).toBe(0);
    await expect.poll(async () => (await app.runtime.services.settings.get()).tourSeen).toBe(true);
  });

  it('generates a scene on the sample, inserts it between its provenance notes as one undo step', async () => {
    await page.click(id(testIds.tabGenerate));
    expect(await page.textContent(id(testIds.generateButton))).toContain('Generate scene');
    await page.selectOption(id(testIds.scenePagesInput), '0.25');
    await page.click('.cm-content');
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector(enabled(testIds.insertButton), { timeout: 60_000 });
    const draft = (await page.textContent(id(testIds.suggestionText))) ?? '';
    // The sample ends after a blank line, so the scene's own lines are the draft's.
    const lines = classifyFountain(draft.replace(/^\n+/, '')).lines.filter((l) => l.type !== 'blank');
    expect(lines[0]?.type, draft).toBe('scene-heading');
    const sample = await readFile(join(REPO_ROOT, 'resources/samples/sample-screenplay.fountain'), 'utf8');
    const cast = parseFountain(sample).characters;
    for (const line of lines.filter((l) => l.type === 'character')) expect(cast).toContain(cueName(line.text));
    expect(await page.textContent(id(testIds.draftLength))).toMatch(/page · \d+ s/);
    await shot(page, '04-generate-draft');
    await page.click(id(testIds.insertButton));
    await expect.poll(() => editorText(page)).toContain('[[Understudy draft: model');
    expect(await editorText(page)).toContain('[[End of Understudy draft]]');
    expect(await page.title()).toMatch(/^● The sample screenplay/);
    await page.keyboard.press('Control+z');
    await expect.poll(() => editorText(page)).not.toContain('[[Understudy draft');
    expect(await page.title()).toBe('The sample screenplay — Understudy');
  });

  it('imports a corpus and trains a Small model for a short budget while the chart moves', async () => {
    const sample = await readFile(join(REPO_ROOT, 'resources/samples/sample-screenplay.fountain'), 'utf8');
    const corpusPath = join(work, 'my-scripts.fountain');
    await writeFile(
      corpusPath,
      Array.from({ length: 6 }, (_, i) => sample.replaceAll('JUNE', `JUNE${i}`)).join('\n\n'),
    );
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.click(id(testIds.corporaImportButton)),
    ]);
    await chooser.setFiles(corpusPath);
    await page.waitForSelector(`${id(testIds.corpusItem)}:has-text("my-scripts")`);
    await page.dispatchEvent(id(testIds.corporaPanel), 'drop', {
      dataTransfer: await page.evaluateHandle(() => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0])], 'cover.png'));
        return transfer;
      }),
    });
    await expect.poll(() => page.textContent(id(testIds.corpusError))).toMatch(/^\s*cover\.png cannot be imported/);
    await shot(page, '05-corpora', id(testIds.paneLeft));

    await page.click(id(testIds.tabTraining));
    const sampleCorpus = page.locator(id(testIds.trainingCorpus)).first();
    if (await sampleCorpus.isChecked()) await sampleCorpus.uncheck();
    await page.locator(id(testIds.trainingPreset)).first().check();
    await page.selectOption(id(testIds.trainingBudgetKind), 'steps');
    await page.fill(id(testIds.trainingBudgetValue), '40');
    await page.locator(`${id(testIds.trainingPanel)} details.more summary`).click();
    await page.fill(id(testIds.trainingEvalEvery), '20');
    await page.fill(id(testIds.trainingName), 'My scripts');
    await page.evaluate((selector) => {
      const chart = document.querySelector(selector) as HTMLElement;
      const seen: number[] = [];
      (window as unknown as { chartPoints: number[] }).chartPoints = seen;
      new MutationObserver(() => seen.push(Number(chart.dataset.trainPoints))).observe(chart, {
        attributeFilter: ['data-train-points'],
      });
    }, id(testIds.lossChart));
    await page.click(enabled(testIds.trainingStart));
    await page.waitForSelector(`${id(testIds.trainingPhase)}[data-phase="done"]`, { timeout: 90_000 });
    const chartPoints = await page.evaluate(() => (window as unknown as { chartPoints: number[] }).chartPoints);
    expect(new Set(chartPoints).size, 'the chart redrew as training went').toBeGreaterThanOrEqual(3);
    expect(await page.textContent(id(testIds.trainingBackend))).toBe(
      (await app.runtime.services.app.getInfo()).backend,
    );
    expect(await page.locator(`${id(testIds.trainingSamples)} pre`).count()).toBe(3);
    await page.waitForSelector(id(testIds.trainingBest));
    await page.setViewportSize({ width: 1440, height: 1250 });
    await shot(page, '06-training', id(testIds.paneRight));
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('switches to the new model and generates two alternatives with it', async () => {
    await page.click(id(testIds.tabModels));
    const mine = page.locator(`${id(testIds.modelItem)}:has-text("My scripts")`);
    await mine.locator(id(testIds.modelUse)).click();
    await mine.locator(id(testIds.modelActive)).waitFor();
    await shot(page, '07-models', id(testIds.paneRight));

    await page.click(id(testIds.tabGenerate));
    await expect.poll(() => page.textContent(id(testIds.generateModel))).toContain('My scripts');
    await page.click(`${id(testIds.alternativesInput)} label:has-text("2")`);
    await page.click(id(testIds.generateButton));
    await page.waitForSelector(enabled(testIds.insertButton), { timeout: 60_000 });
    expect(await page.locator(id(testIds.suggestion)).count()).toBe(2);
    await shot(page, '08-generate-alternatives');
    await page.locator(id(testIds.insertButton)).nth(1).click();
    await expect.poll(() => editorText(page)).toContain('model "My scripts"');
  });

  it('saves the screenplay to disk and reopens it', async () => {
    const scriptPath = join(work, 'first-hour.fountain');
    await page.keyboard.press('Control+s');
    await answerPathDialog(page, scriptPath);
    await expect.poll(() => page.title()).toBe('first-hour.fountain — Understudy');
    const saved = await readFile(scriptPath, 'utf8');
    expect(saved).toContain('model "My scripts"');
    expect(saved).toContain('Title: The Last Bus to Harrow Point');

    await page.click(id(testIds.newButton));
    await expect.poll(() => page.title()).toBe('Untitled screenplay — Understudy');
    await page.click(id(testIds.openButton));
    await answerPathDialog(page, scriptPath);
    await expect.poll(() => page.title()).toBe('first-hour.fountain — Understudy');
    await page.click('.cm-content');
    await page.keyboard.press('Control+End');
    await expect.poll(() => editorText(page)).toContain('model "My scripts"');
  });

  it("exports Final Draft and the paginator's PDF as downloads", async () => {
    await page.click('header summary');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(id(testIds.exportFdxButton))]);
    expect(download.suggestedFilename()).toBe('first-hour.fdx');
    const fdx = await readFile((await download.path()) ?? '', 'utf8');
    expect(fdx).toContain('<FinalDraft');
    expect(fdx).toContain('<Paragraph Type="Scene Heading">');
    await page.click('header summary');
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.click(id(testIds.exportPdfButton))]);
    expect(pdf.suggestedFilename()).toBe('first-hour.pdf');
    expect((await readFile((await pdf.path()) ?? '')).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('shows the help sheet and a dark theme', async () => {
    await page.keyboard.press('Control+/');
    await page.waitForSelector(id(testIds.helpSheet));
    await shot(page, '09-help');
    await page.keyboard.press('Escape');
    await page.selectOption(id(testIds.themeSelect), 'dark');
    await page.click(id(testIds.tabTraining));
    await shot(page, '10-dark');
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.click(id(testIds.paneToggle));
    expect(await page.isHidden(id(testIds.paneLeft))).toBe(true);
    await shot(page, '11-small-window');
    expect(pageErrors).toEqual([]);
  });
});
