import '../editor/jsdom-ranges';
import { EditorView } from '@codemirror/view';
import { cleanup, fireEvent, render, waitFor, type RenderResult } from '@testing-library/svelte';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import { classifyFountain, cueName } from '../../../../src-main/fountain/classify.ts';
import { parseFountain } from '../../../../src-main/fountain/parse.ts';
import App from '../../../../src-renderer/App.svelte';
import { testIds } from '../../../../src-renderer/lib/test-ids.ts';
import { useRealApi, type RealApi } from './real-api.ts';

type Mounted = RenderResult<typeof App>;

function editorOf(screen: Mounted): EditorView {
  const root = screen.getByTestId(testIds.screenplayEditor).querySelector('.cm-editor');
  const view = root instanceof HTMLElement ? EditorView.findFromDOM(root) : null;
  if (!view) throw new Error('CodeMirror did not mount');
  return view;
}

async function mountApp(real: RealApi): Promise<Mounted> {
  const screen = render(App, { props: { api: real.api } });
  await waitFor(() => expect(screen.getByTestId(testIds.appShell).dataset.ready).toBe('true'), { timeout: 20_000 });
  return screen;
}

describe('the app over the real services', () => {
  const real = useRealApi();

  it('opens the sample screenplay with the demo model and a tour that is remembered once dismissed', async () => {
    const screen = await mountApp(real());
    expect(document.title).toBe('The sample screenplay — Understudy');
    expect(editorOf(screen).state.doc.toString()).toContain('Title: The Last Bus to Harrow Point');
    expect(screen.getByTestId(testIds.generateModel).textContent).toMatch(/demo/i);
    expect(screen.getAllByTestId(testIds.sceneNavigatorItem).length).toBe(5);
    expect(screen.getByTestId(testIds.tour).textContent).toContain('Generate a scene');
    await fireEvent.click(screen.getByTestId(testIds.tourNext));
    expect(screen.getByTestId(testIds.tour).textContent).toContain('Bring your own writing');
    await fireEvent.click(screen.getByTestId(testIds.tourDismiss));
    expect(screen.queryByTestId(testIds.tour)).toBeNull();
    await waitFor(() => expect(real().runtime.services.settings.get().tourSeen).toBe(true));
  });

  it('streams a draft, inserts it at the cursor with its provenance as one undo step', async () => {
    const screen = await mountApp(real());
    const view = editorOf(screen);
    const original = view.state.doc.toString();
    view.dispatch({ selection: { anchor: original.length } });
    await chooseMode(screen, 'continue');
    await fireEvent.change(screen.getByTestId(testIds.lengthInput), { target: { value: '200' } });
    await fireEvent.click(screen.getByTestId(testIds.generateButton));
    const insert = await insertButtonWhenDone(screen);
    const draft = screen.getByTestId(testIds.suggestionText);
    expect(draft.getAttribute('aria-live')).toBe('polite');
    expect(draft.textContent?.length).toBeGreaterThan(20);
    await fireEvent.click(insert);
    const after = view.state.doc.toString();
    expect(after.startsWith(original)).toBe(true);
    expect(after.slice(original.length)).toMatch(/^\[\[Understudy draft: model "[^"]+", temperature 0\.80, seed \d+, /);
    expect(after).toContain(draft.textContent ?? '');
    expect(document.title).toBe('● The sample screenplay — Understudy');
    expect(screen.queryByTestId(testIds.suggestion)).toBeNull();
    await fireEvent.click(screen.getByTestId(testIds.tabModels));
    expect(view.state.doc.toString()).toBe(after);
    const { undo } = await import('@codemirror/commands');
    undo(view);
    await tick();
    expect(view.state.doc.toString()).toBe(original);
    expect(document.title).toBe('The sample screenplay — Understudy');
  });

  it("writes a scene with the script's own cast by default and inserts it", async () => {
    const screen = await mountApp(real());
    const view = editorOf(screen);
    const original = view.state.doc.toString();
    view.dispatch({ selection: { anchor: original.length } });
    await chooseMode(screen, 'scene');
    expect(screen.getByTestId(testIds.generateButton).textContent).toContain('Generate scene');
    await fireEvent.change(screen.getByTestId(testIds.scenePagesInput), { target: { value: '0.25' } });
    await fireEvent.click(screen.getByTestId(testIds.generateButton));
    const insert = await insertButtonWhenDone(screen);
    const draft = screen.getByTestId(testIds.suggestionText).textContent ?? '';
    const lines = classifyFountain(original + draft).lines.filter(
      (line) => line.from >= original.length && line.type !== 'blank',
    );
    expect(lines[0]?.type).toBe('scene-heading');
    const cast = parseFountain(original).characters;
    for (const line of lines.filter((l) => l.type === 'character')) expect(cast).toContain(cueName(line.text));
    await fireEvent.click(insert);
    expect(view.state.doc.toString()).toContain(draft.trim());
  });

  it('picks what Generate writes from the keyboard (Alt+1 … Alt+5)', async () => {
    const screen = await mountApp(real());
    await fireEvent.keyDown(window, { key: '3', code: 'Digit3', altKey: true });
    expect(screen.getByTestId(testIds.generateButton).textContent).toContain('Write the next line');
    expect(screen.getByTestId(testIds.speakerInput)).toBeTruthy();
    await fireEvent.keyDown(window, { key: '¡', code: 'Digit1', altKey: true });
    expect(screen.getByTestId(testIds.generateButton).textContent).toContain('Generate scene');
  });

  it('stops a running generation with Escape', async () => {
    const screen = await mountApp(real());
    await chooseMode(screen, 'continue');
    await fireEvent.change(screen.getByTestId(testIds.lengthInput), { target: { value: '2000' } });
    await fireEvent.click(screen.getByTestId(testIds.generateButton));
    await waitFor(() => screen.getByTestId(testIds.stopButton));
    await fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(screen.getByTestId(testIds.retryButton)).toBeTruthy(), { timeout: 20_000 });
    expect(screen.getByText('Stopped.')).toBeTruthy();
    expect((screen.getByTestId(testIds.suggestionText).textContent ?? '').length).toBeLessThan(2000);
  });

  it('keeps a recovery copy while the writer types and offers it back after a crash', async () => {
    const screen = await mountApp(real());
    const view = editorOf(screen);
    view.dispatch({ changes: { from: 0, insert: 'FADE IN: a line worth saving.\n\n' } });
    await tick();
    expect(screen.getByTestId(testIds.autosaveIndicator).dataset.state).toBe('pending');
    await waitFor(() => expect(screen.getByTestId(testIds.autosaveIndicator).dataset.state).toBe('saved'), {
      timeout: 8000,
    });
    cleanup();

    const after = await real().restart();
    try {
      const second = await mountApp(after);
      const banner = await waitFor(() => second.getByTestId(testIds.recoveryBanner));
      expect(banner.textContent).toContain('an untitled screenplay');
      await fireEvent.click(second.getByTestId(testIds.recoveryRestore));
      await waitFor(() => expect(editorOf(second).state.doc.toString()).toMatch(/^FADE IN: a line worth saving\./));
      expect(second.queryByTestId(testIds.recoveryBanner)).toBeNull();
      expect(second.getByTestId(testIds.dirtyMarker)).toBeTruthy();
    } finally {
      cleanup();
      await after.close();
    }
  });

  it('saves through the path prompt and will not overwrite a file changed on disk without asking', async () => {
    const screen = await mountApp(real());
    const path = join(real().work, 'pilot.fountain');
    await fireEvent.keyDown(window, { key: 's', ctrlKey: true });
    const input = (await waitFor(() => screen.getByTestId(testIds.fileDialogPath))) as HTMLInputElement;
    await fireEvent.input(input, { target: { value: path } });
    await fireEvent.click(screen.getByTestId(testIds.fileDialogConfirm));
    await waitFor(() => expect(document.title).toBe('pilot.fountain — Understudy'));
    expect(await readFile(path, 'utf8')).toContain('Title: The Last Bus to Harrow Point');

    await writeFile(path, 'Changed by another program.\n');
    editorOf(screen).dispatch({ changes: { from: 0, insert: 'My edit.\n' } });
    await fireEvent.click(screen.getByTestId(testIds.saveButton));
    const overwrite = await waitFor(() => screen.getByText('Overwrite'));
    expect(screen.getByText('The file changed on disk since you opened it.')).toBeTruthy();
    expect(await readFile(path, 'utf8')).toBe('Changed by another program.\n');
    await fireEvent.click(overwrite);
    await waitFor(async () => expect(await readFile(path, 'utf8')).toMatch(/^My edit\.\nTitle: The Last Bus/));
    expect(document.title).toBe('pilot.fountain — Understudy');
  });

  it('opens a screenplay the OS hands over at launch and one it hands over later', async () => {
    const first = join(real().work, 'launched.fountain');
    const second = join(real().work, 'double-clicked.fountain');
    await writeFile(first, 'INT. LAUNCH PAD - DAY\n\nA rocket waits.\n');
    await writeFile(second, 'EXT. MEADOW - DUSK\n\nCrickets.\n');
    real().runtime.services.app.queueOpen(first);
    const screen = await mountApp(real());
    expect(document.title).toBe('launched.fountain — Understudy');
    expect(editorOf(screen).state.doc.toString()).toContain('A rocket waits.');
    real().runtime.services.app.queueOpen(second);
    real().runtime.services.bus.emit('app:openFileRequested', { path: second });
    await waitFor(() => expect(document.title).toBe('double-clicked.fountain — Understudy'));
    expect(editorOf(screen).state.doc.toString()).toContain('Crickets.');
  });

  it('remembers a theme override, follows one made elsewhere, resizes a pane from the keyboard, opens the help sheet', async () => {
    const screen = await mountApp(real());
    await fireEvent.change(screen.getByTestId(testIds.themeSelect), { target: { value: 'dark' } });
    expect(document.documentElement.dataset.theme).toBe('dark');
    await waitFor(() => expect(real().runtime.services.settings.get().theme).toBe('dark'));
    await real().runtime.services.settings.update({ theme: 'light' });
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('light'));
    expect((screen.getByTestId(testIds.themeSelect) as HTMLSelectElement).value).toBe('light');
    const handle = screen.getByTestId(testIds.resizeRight);
    const before = Number(handle.getAttribute('aria-valuenow'));
    await fireEvent.keyDown(handle, { key: 'ArrowLeft' });
    expect(Number(handle.getAttribute('aria-valuenow'))).toBe(before + 16);
    await fireEvent.keyDown(window, { key: '/', ctrlKey: true });
    const help = screen.getByTestId(testIds.helpSheet);
    expect(help.textContent).toContain('Generate scene from the cursor');
    expect(help.textContent).toContain('Find and replace');
  });

  it('follows a pushed status with measured speeds, unless the writer picked a preset', async () => {
    const screen = await mountApp(real());
    await fireEvent.click(screen.getByTestId(testIds.tabTraining));
    const explanation = () => screen.getByTestId(testIds.trainingRecommended).textContent ?? '';
    const checked = () =>
      screen
        .getAllByTestId(testIds.trainingPreset)
        .find((input) => (input as HTMLInputElement).checked)
        ?.getAttribute('value');
    expect(explanation()).toMatch(/measuring how fast this computer trains/);
    const status = await real().api.engine.getStatus();
    if (!status.ok) throw new Error(status.error.message);
    const measured = {
      ...status.value,
      recommendedPreset: 'medium' as const,
      trainingSpeed: {
        charsPerSecond: { small: 60_000, medium: 20_000, large: 5_000 },
        measured: ['small' as const, 'medium' as const],
        measuredAt: new Date().toISOString(),
        minutesToBest: { medium: 8, large: 43 },
      },
    };
    // What main pushes when its measurement finishes (the real bus, a status shaped by the contract).
    real().runtime.services.bus.emit('engine:statusChanged', measured);
    await waitFor(() => expect(explanation()).toMatch(/^Medium is recommended: this computer trains Small at 60,000/));
    expect(checked()).toBe('medium');

    const large = screen
      .getAllByTestId(testIds.trainingPreset)
      .find((input) => input.getAttribute('value') === 'large');
    if (large === undefined) throw new Error('no Large preset');
    await fireEvent.click(large);
    real().runtime.services.bus.emit('engine:statusChanged', { ...measured, recommendedPreset: 'small' });
    await waitFor(() => expect(explanation()).toMatch(/^Small is recommended/));
    expect(checked()).toBe('large');
  });
});

/** Picks what Generate writes, as a writer does: the radio in the Write control. */
async function chooseMode(screen: Mounted, mode: string): Promise<void> {
  const radio = screen.getByTestId(testIds.modeInput).querySelector<HTMLInputElement>(`input[value="${mode}"]`);
  if (radio === null) throw new Error(`no ${mode} mode`);
  await fireEvent.click(radio);
}

/** The first draft's Insert button, once the draft is written. */
async function insertButtonWhenDone(screen: Mounted): Promise<HTMLButtonElement> {
  return waitFor(
    () => {
      const button = screen.getByTestId(testIds.insertButton) as HTMLButtonElement;
      expect(button.disabled).toBe(false);
      return button;
    },
    { timeout: 30_000 },
  );
}
