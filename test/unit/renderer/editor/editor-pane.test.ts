import './jsdom-ranges';
import { EditorView } from '@codemirror/view';
import { cleanup, render } from '@testing-library/svelte';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import EditorPane from '../../../../src-renderer/components/editor/EditorPane.svelte';
import { ScriptOutline } from '../../../../src-renderer/components/editor/script-outline.svelte';
import { testIds } from '../../../../src-renderer/lib/test-ids';

const sample = readFileSync(
  resolve(import.meta.dirname, '../../../../resources/samples/sample-screenplay.fountain'),
  'utf8',
);

afterEach(() => cleanup());

function mountPane(value: string) {
  const result = render(EditorPane, { props: { value } });
  const root = result.getByTestId(testIds.screenplayEditor).querySelector('.cm-editor');
  const view = root instanceof HTMLElement ? EditorView.findFromDOM(root) : null;
  if (!view) throw new Error('CodeMirror did not mount');
  const items = () => result.queryAllByTestId(testIds.sceneNavigatorItem);
  return { ...result, view, items };
}

describe('EditorPane: scene navigator and counts', () => {
  it('lists the scenes, jumps the editor to one when clicked and marks it current', async () => {
    const { view, items } = mountPane(sample);
    expect(items().map((item) => item.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      '1 EXT. HARROW POINT BUS DEPOT - NIGHT',
      '2 INT. BUS - CONTINUOUS',
      '3 EXT. MARLOWE STREET - NIGHT',
      '4 INT. BUS - CONTINUOUS',
      '5 EXT. HARROW POINT - LATER',
    ]);
    items()[2]?.click();
    await tick();
    const head = view.state.selection.main.head;
    expect(view.state.doc.lineAt(head).text).toBe('EXT. MARLOWE STREET - NIGHT');
    expect(items()[2]?.getAttribute('aria-current')).toBe('location');
    expect(items().filter((item) => item.hasAttribute('aria-current'))).toHaveLength(1);
  });

  it('updates scenes and counts as the writer types', async () => {
    const { view, items, getByTestId } = mountPane(sample);
    expect(getByTestId(testIds.scriptStats).textContent?.replace(/\s+/g, ' ').trim()).toMatch(
      /^[\d,]+ words 5 scenes ~3 pages$/,
    );
    const end = view.state.doc.length;
    view.dispatch({
      changes: { from: end, insert: '\nINT. HILLTOP HOUSE - DAWN\n\nA door opens.\n' },
      userEvent: 'input.type',
    });
    // Counts and navigator follow once typing pauses.
    expect(items()).toHaveLength(5);
    await vi.waitFor(() => expect(items()).toHaveLength(6), { timeout: 2000, interval: 50 });
    expect(items()[5]?.textContent).toContain('INT. HILLTOP HOUSE - DAWN');
    expect(getByTestId(testIds.scriptStats).textContent).toContain('6 scenes');
  });

  it('guides a writer with no scenes yet', () => {
    const { getByTestId, items } = mountPane('');
    expect(items()).toHaveLength(0);
    expect(getByTestId(testIds.sceneNavigator).textContent).toContain('No scenes yet');
    expect(getByTestId(testIds.scriptStats).textContent?.replace(/\s+/g, ' ').trim()).toBe('0 words 0 scenes ~0 pages');
  });
});

describe('ScriptOutline', () => {
  it('derives stats and the current scene from text and cursor line', () => {
    const outline = new ScriptOutline('INT. A - DAY\n\nOne two.\n\nEXT. B - NIGHT\n\nThree.');
    expect(outline.stats).toEqual({ words: 9, scenes: 2, pages: 1 });
    expect(outline.currentScene?.heading).toBe('INT. A - DAY');
    outline.setCursorLine(5);
    expect(outline.currentScene?.heading).toBe('EXT. B - NIGHT');
    outline.setText('Just action.');
    expect(outline.currentScene).toBeUndefined();
    expect(outline.stats).toEqual({ words: 2, scenes: 0, pages: 1 });
  });
});
