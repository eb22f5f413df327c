import { cleanup, fireEvent, render, waitFor, within } from '@testing-library/svelte';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tick } from 'svelte';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSummary } from '../../../../src-main/contract/index.ts';
import CorporaPanel from '../../../../src-renderer/components/corpora/CorporaPanel.svelte';
import GeneratePanel from '../../../../src-renderer/components/generate/GeneratePanel.svelte';
import ModelsPanel from '../../../../src-renderer/components/models/ModelsPanel.svelte';
import Toasts from '../../../../src-renderer/components/shell/Toasts.svelte';
import TrainingPanel from '../../../../src-renderer/components/training/TrainingPanel.svelte';
import { Corpora } from '../../../../src-renderer/lib/state/corpora.svelte.ts';
import { Generation } from '../../../../src-renderer/lib/state/generation.svelte.ts';
import { Models } from '../../../../src-renderer/lib/state/models.svelte.ts';
import { Settings } from '../../../../src-renderer/lib/state/settings.svelte.ts';
import { Toasts as ToastQueue } from '../../../../src-renderer/lib/state/toasts.svelte.ts';
import { Training } from '../../../../src-renderer/lib/state/training.svelte.ts';
import { testIds } from '../../../../src-renderer/lib/test-ids.ts';
import { REPO_ROOT } from '../../../support/app-server.ts';
import { startRealApi, type RealApi } from '../app/real-api.ts';

/** A model small enough to train in a couple of seconds on the wasm backend. */
const TINY = {
  model: { embeddingSize: 8, units: 16, layers: 1 },
  optimizer: { seqLen: 16, batchSize: 4 },
  sampleLength: 40,
};

const checkbox = (element: HTMLElement) => element as HTMLInputElement;

describe('the panels over the real services', () => {
  let real: RealApi;
  let toasts: ToastQueue;
  let corpora: Corpora;
  let scriptsId = '';

  beforeAll(async () => {
    real = await startRealApi();
    toasts = new ToastQueue();
    corpora = new Corpora(real.api, toasts);
    await corpora.load();
  });
  afterEach(() => cleanup());
  afterAll(async () => {
    await real?.close();
  });

  it('Corpora: imports with stats, toggles, renames, deletes with Undo, and names the file that failed', async () => {
    const sample = await readFile(join(REPO_ROOT, 'resources/samples/sample-screenplay.fountain'), 'utf8');
    const good = join(real.work, 'my-scripts.fountain');
    const empty = join(real.work, 'empty.txt');
    const binary = join(real.work, 'cover.png');
    await writeFile(good, Array.from({ length: 4 }, () => sample).join('\n\n'));
    await writeFile(empty, '');
    await writeFile(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    const panel = render(CorporaPanel, { props: { corpora, onImportPath: () => {} } });
    render(Toasts, { props: { toasts } });

    expect(await corpora.importPaths([good, empty, binary])).toBe(1);
    await tick();
    const items = panel.getAllByTestId(testIds.corpusItem);
    expect(items.map((item) => item.querySelector('.name')?.textContent)).toEqual([
      'Shakespeare (sample)',
      'my-scripts',
    ]);
    const mine = items[1] as HTMLElement;
    scriptsId = mine.dataset.corpusId ?? '';
    expect(mine.textContent).toMatch(/screenplay · [\d,]+ words · [\d.]+ KB/);
    const errors = panel.getAllByTestId(testIds.corpusError).map((e) => e.textContent);
    expect(errors).toEqual([expect.stringMatching(/^\s*empty\.txt\b/), expect.stringMatching(/^\s*cover\.png\b/)]);

    expect(
      await corpora.importFiles([new File(['# Notes\n\nA scene I keep rewriting. '.repeat(40)], 'notes.md')]),
    ).toBe(1);
    await tick();
    const notes = panel
      .getAllByTestId(testIds.corpusItem)
      .find((item) => item.textContent?.includes('notes')) as HTMLElement;
    expect(notes.textContent).toMatch(/prose/);
    await corpora.remove(notes.dataset.corpusId ?? '');

    const include = checkbox(panel.getAllByTestId(testIds.corpusInclude)[0] as HTMLElement);
    await fireEvent.click(include);
    await waitFor(() => expect(real.runtime.services.corpora.get('sample-shakespeare').included).toBe(false));

    await fireEvent.click(panel.getByTestId(testIds.corpusRename));
    const input = panel.getByLabelText('New corpus name') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: 'Harrow Point drafts' } });
    await fireEvent.submit(input.form as HTMLFormElement);
    await waitFor(() => expect(real.runtime.services.corpora.get(scriptsId).name).toBe('Harrow Point drafts'));

    await fireEvent.click(panel.getAllByTestId(testIds.corpusPreview)[1] as HTMLElement);
    await waitFor(() => expect(panel.getByLabelText('Preview of Harrow Point drafts').textContent).toContain('EXT.'));

    await fireEvent.click(panel.getByTestId(testIds.corpusDelete));
    await waitFor(() => expect(panel.getAllByTestId(testIds.corpusItem)).toHaveLength(1));
    const undo = await waitFor(() => panel.getAllByTestId(testIds.toastAction).at(-1) as HTMLElement);
    expect(undo.textContent).toBe('Undo');
    await fireEvent.click(undo);
    await waitFor(() => expect(panel.getAllByTestId(testIds.corpusItem)).toHaveLength(2));
    expect(corpora.included.map((corpus) => corpus.id)).toEqual([scriptsId]);
  });

  it('Training: trains on the picked corpora with a live loss, samples and the best checkpoint marked', async () => {
    const training = new Training(real.api);
    const status = real.api.engine.getStatus();
    const panel = render(TrainingPanel, {
      props: {
        training,
        corpora: corpora.list.map((c) => ({ id: c.id, name: c.name, chars: c.stats.chars, included: c.included })),
        status: (await status).ok ? ((await status) as { ok: true; value: never }).value : null,
        onToggleCorpus: () => {},
        onStart: () => void training.start([scriptsId], TINY),
        onShowCorpora: () => {},
      },
    });
    expect(panel.getByTestId(testIds.trainingRecommended).textContent).toMatch(
      /recommended because the engine runs on/,
    );
    await fireEvent.change(panel.getByTestId(testIds.trainingBudgetKind), { target: { value: 'steps' } });
    await fireEvent.change(panel.getByTestId(testIds.trainingBudgetValue), { target: { value: '12' } });
    await fireEvent.change(panel.getByTestId(testIds.trainingEvalEvery), { target: { value: '6' } });
    await fireEvent.input(panel.getByTestId(testIds.trainingName), { target: { value: 'Tiny drafts' } });
    await fireEvent.click(panel.getByTestId(testIds.trainingStart));

    const phase = () => panel.getByTestId(testIds.trainingPhase).dataset.phase;
    await waitFor(() => expect(phase()).toBe('done'), { timeout: 40_000 });
    const chart = panel.getByTestId(testIds.lossChart);
    expect(Number(chart.dataset.trainPoints)).toBeGreaterThanOrEqual(2);
    expect(Number(chart.dataset.valPoints)).toBe(2);
    expect(training.valLoss.map((point) => point.step)).toEqual([6, 12]);
    expect(panel.getByTestId(testIds.trainingSamples).querySelectorAll('pre')).toHaveLength(3);
    // Beside the samples, how much of them is new (not copied from the corpora).
    expect(panel.getByTestId(testIds.trainingNovelty).textContent).toMatch(/^\s*\d+% new\s*$/);
    expect(panel.getByTestId(testIds.trainingBest).textContent).toMatch(
      /Best checkpoint: step (6|12), [\d.]+ bits\/char/,
    );
    expect(panel.getByTestId(testIds.trainingBackend).textContent).toBe(
      (await real.runtime.services.app.getInfo()).backend,
    );
    expect((panel.getByTestId(testIds.trainingProgress) as HTMLProgressElement).value).toBe(100);
  });

  it('Training: pauses, resumes, cancels, and continues the stopped model', async () => {
    const training = new Training(real.api);
    training.budgetKind = 'steps';
    training.budgetValue = 100_000;
    training.evalEvery = 100_000;
    expect(await training.start([scriptsId], { ...TINY, name: 'Cancelled run' })).toBe(true);
    await waitFor(() => expect(training.trainLoss.length).toBeGreaterThan(0), { timeout: 20_000 });
    await training.pause();
    await waitFor(() => expect(training.phase).toBe('paused'), { timeout: 20_000 });
    await training.resume();
    await waitFor(() => expect(training.phase).toBe('running'));
    await training.cancel();
    await waitFor(() => expect(training.phase).toBe('cancelled'), { timeout: 20_000 });
    expect(training.doneReason).toBe('cancelled');

    const modelId = training.modelId ?? '';
    const stoppedAt = training.progress?.step ?? 0;
    // A budget on continue is that much more training.
    training.budgetValue = 4;
    expect(await training.continueModel(modelId)).toBe(true);
    await waitFor(() => expect(training.phase).toBe('done'), { timeout: 20_000 });
    expect(training.doneReason).toBe('budget');
    expect(training.progress?.step).toBe(stoppedAt + 4);
  });

  it('Training: starts small corpora from the bundled base, and the Models pane names it', async () => {
    const training = new Training(real.api);
    const small = { id: scriptsId, name: 'Harrow Point drafts', chars: 40_000, included: true };
    const panel = render(TrainingPanel, {
      props: {
        training,
        corpora: [small],
        status: null,
        onToggleCorpus: () => {},
        onStart: () => void training.start([scriptsId], { optimizer: { seqLen: 16, batchSize: 4 }, sampleLength: 0 }),
        onShowCorpora: () => {},
      },
    });
    await waitFor(() => expect(training.baseModel).not.toBeNull());
    const base = training.baseModel as ModelSummary;
    const select = panel.getByLabelText('Start from') as HTMLSelectElement;
    expect(select.value).toBe(base.id);
    expect(panel.container.textContent).toMatch(/Under 2 MB of text, training starts from\s+the\s+base model/);
    training.budgetKind = 'steps';
    training.budgetValue = 2;
    training.evalEvery = 2;
    await fireEvent.click(panel.getByTestId(testIds.trainingStart));
    await waitFor(() => expect(training.phase).toBe('done'), { timeout: 60_000 });

    const models = new Models(real.api);
    await models.load();
    const tuned = models.list.find((model) => model.id === training.modelId);
    expect(tuned).toMatchObject({ base: { id: base.id, name: base.name }, model: base.model });
    const list = render(ModelsPanel, { props: { models, onShowTraining: () => {} } });
    const item = list.getAllByTestId(testIds.modelItem).find((element) => element.dataset.modelId === tuned?.id);
    expect(item?.textContent).toContain(`Fine-tuned from ${base.name}`);

    // Over 2 MB the default is random weights; the writer's pick wins either way.
    await panel.rerender({ corpora: [{ ...small, chars: 3_000_000 }] });
    await waitFor(() => expect(select.value).toBe(''));
    await fireEvent.change(select, { target: { value: base.id } });
    expect(training.startFromId).toBe(base.id);
  });

  it('Models: lists the trained model, sets it active, renames, shows details and deletes', async () => {
    const models = new Models(real.api);
    await models.load();
    const panel = render(ModelsPanel, { props: { models, onShowTraining: () => {} } });
    const item = () =>
      panel
        .getAllByTestId(testIds.modelItem)
        .find((element) => element.textContent?.includes('Tiny drafts')) as HTMLElement;
    expect(item().textContent).toMatch(/[\d.]+ bits\/char/);
    expect(item().textContent).toContain('Trained on Harrow Point drafts');
    await fireEvent.click(item().querySelector(`[data-testid="${testIds.modelUse}"]`) as HTMLElement);
    await waitFor(() => expect(item().querySelector(`[data-testid="${testIds.modelActive}"]`)).not.toBeNull());
    expect(real.runtime.services.settings.get().activeModelId).toBe(item().dataset.modelId);

    await fireEvent.click(item().querySelector(`[data-testid="${testIds.modelRename}"]`) as HTMLElement);
    const input = panel.getByLabelText('New model name') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: 'Tiny drafts v2' } });
    await fireEvent.submit(input.form as HTMLFormElement);
    await waitFor(() => expect(panel.queryByLabelText('New model name')).toBeNull());
    const renamed = () =>
      panel
        .getAllByTestId(testIds.modelItem)
        .find((element) => element.textContent?.includes('Tiny drafts v2')) as HTMLElement;
    await fireEvent.click(renamed().querySelector('button[aria-expanded]') as HTMLElement);
    expect(renamed().querySelector(`[data-testid="${testIds.modelDetails}"]`)?.textContent).toContain('1 × 16 units');

    const id = renamed().dataset.modelId ?? '';
    await fireEvent.click(within(renamed()).getByText('Delete…'));
    await fireEvent.click(within(renamed()).getByTestId(testIds.modelDelete));
    await waitFor(() => expect(models.list.some((model) => model.id === id)).toBe(false));
    expect(real.runtime.services.settings.get().activeModelId).toBeNull();
  });

  it('Generate: streams alternatives side by side, retries a fixed seed identically, and stops', async () => {
    const settings = new Settings(real.api, 0);
    await settings.load();
    const models = new Models(real.api);
    await models.load();
    const demo = models.list.find((model) => /demo/i.test(model.name)) as ModelSummary;
    expect(demo, models.list.map((model) => model.name).join(', ')).toBeDefined();
    const generation = new Generation(real.api);
    const prime = 'INT. KITCHEN - NIGHT\n\n';
    const panel = render(GeneratePanel, {
      props: {
        generation,
        settings,
        model: demo,
        modelsLoaded: true,
        onGenerate: () => void generation.generate(prime, settings.controls, demo),
        onInsert: () => {},
        onShowTraining: () => {},
        onShowModels: () => {},
      },
    });
    settings.set('alternatives', 3);
    settings.set('length', 60);
    settings.set('seed', 1234);
    await fireEvent.click(panel.getByTestId(testIds.generateButton));
    await waitFor(() => expect(generation.phase).toBe('done'), { timeout: 20_000 });
    const first = [...generation.texts];
    expect(panel.getAllByTestId(testIds.suggestion)).toHaveLength(3);
    expect(first.every((text) => text.length > 0)).toBe(true);
    expect(generation.draft(1)?.provenance).toMatchObject({ model: demo.name, seed: 1234, temperature: 0.8 });

    await fireEvent.click(panel.getByTestId(testIds.retryButton));
    await waitFor(() => expect(generation.phase).toBe('done'), { timeout: 20_000 });
    expect(generation.texts).toEqual(first);

    settings.set('length', 5000);
    settings.set('alternatives', 1);
    await fireEvent.click(panel.getByTestId(testIds.generateButton));
    const stop = await waitFor(() => panel.getByTestId(testIds.stopButton), { timeout: 10_000 });
    await fireEvent.click(stop);
    await waitFor(() => expect(generation.phase).toBe('stopped'), { timeout: 20_000 });
    expect((generation.texts[0] ?? '').length).toBeLessThan(5000);
    await fireEvent.click(panel.getByTestId(testIds.discardButton));
    expect(panel.queryByTestId(testIds.suggestion)).toBeNull();
    await waitFor(() => expect(real.runtime.services.settings.get().seed).toBe(1234));
  });
});
