import '../editor/jsdom-ranges';
import { EditorView } from '@codemirror/view';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fountainToFdx } from '../../../../src-main/documents/fdx.ts';
import App from '../../../../src-renderer/App.svelte';
import { testIds } from '../../../../src-renderer/lib/test-ids.ts';
import { useRealApi } from './real-api.ts';

describe('a Final Draft file opened in the app over the real services', () => {
  const real = useRealApi();

  it('shows it as Fountain and saves it as a .fountain beside it, leaving the .fdx as it was', async () => {
    const fdx = join(real().work, 'pier.fdx');
    const script = 'EXT. PIER - DUSK #6A#\n\nGulls.\n\nMARA\n~Row, row\n';
    await writeFile(fdx, fountainToFdx(script));
    const original = await readFile(fdx, 'utf8');
    real().runtime.services.app.queueOpen(fdx);
    const screen = render(App, { props: { api: real().api } });
    await waitFor(() => expect(screen.getByTestId(testIds.appShell).dataset.ready).toBe('true'), { timeout: 20_000 });
    expect(document.title).toBe('pier.fdx — Understudy');
    const root = screen.getByTestId(testIds.screenplayEditor).querySelector('.cm-editor');
    const view = root instanceof HTMLElement ? EditorView.findFromDOM(root) : null;
    expect(view?.state.doc.toString()).toBe(script);

    view?.dispatch({ changes: { from: view.state.doc.length, insert: '\nThe end.\n' } });
    await fireEvent.keyDown(window, { key: 's', ctrlKey: true });
    const input = (await waitFor(() => screen.getByTestId(testIds.fileDialogPath))) as HTMLInputElement;
    expect(input.value).toBe(join(real().work, 'pier.fountain'));
    await fireEvent.click(screen.getByTestId(testIds.fileDialogConfirm));
    await waitFor(() => expect(document.title).toBe('pier.fountain — Understudy'));
    expect(await readFile(join(real().work, 'pier.fountain'), 'utf8')).toBe(`${script}\nThe end.\n`);
    expect(await readFile(fdx, 'utf8')).toBe(original);
  });
});
