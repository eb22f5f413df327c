import './jsdom-ranges';
import { CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { replaceAll, setSearchQuery, SearchQuery } from '@codemirror/search';
import { EditorSelection, EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { cleanup, render } from '@testing-library/svelte';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tick } from 'svelte';
import ScreenplayEditor from '../../../../src-renderer/components/editor/ScreenplayEditor.svelte';
import {
  characterCompletions,
  externalCharacterNames,
} from '../../../../src-renderer/components/editor/character-completion';
import { fountain, fountainOf } from '../../../../src-renderer/components/editor/fountain-language';
import { ScriptOutline } from '../../../../src-renderer/components/editor/script-outline.svelte';
import { testIds } from '../../../../src-renderer/lib/test-ids';
import { randomScripts } from '../../fountain/random-scripts.ts';
import EditorWithOutline from './EditorWithOutline.svelte';

const sample = readFileSync(
  resolve(import.meta.dirname, '../../../../resources/samples/sample-screenplay.fountain'),
  'utf8',
);

afterEach(() => cleanup());

function mountEditor(value: string, props: Record<string, unknown> = {}) {
  const onChange = vi.fn<(text: string) => void>();
  const onGenerate = vi.fn<() => void>();
  const result = render(ScreenplayEditor, { props: { value, onChange, onGenerate, ...props } });
  const root = result.getByTestId(testIds.screenplayEditor).querySelector('.cm-editor');
  const view = root instanceof HTMLElement ? EditorView.findFromDOM(root) : null;
  if (!view) throw new Error('CodeMirror did not mount');
  return { ...result, view, onChange, onGenerate };
}

/** Types like a user: one transaction per character, which history merges into one step. */
function type(view: EditorView, text: string): void {
  for (const char of text) {
    const { head } = view.state.selection.main;
    view.dispatch({ changes: { from: head, insert: char }, selection: { anchor: head + 1 }, userEvent: 'input.type' });
  }
}

describe('ScreenplayEditor', () => {
  it('highlights Fountain elements with line and mark classes', () => {
    const short = [
      'Title: Short',
      'Author: Me',
      '',
      '# ACT ONE',
      '= A synopsis.',
      '',
      'INT. ROOM - DAY #2#',
      '',
      'Action [[a note]] *here*.',
      '',
      'BOB (V.O.)',
      '(softly)',
      'Hi **there**.',
      '',
      'CUT TO:',
      '',
      '>CENTER<',
      '',
      '===',
      '/* gone */',
    ].join('\n');
    const { container } = mountEditor(short);
    const lines = [...container.querySelectorAll('.cm-line')].map((line) => line.getAttribute('data-fountain'));
    expect(lines).toEqual([
      'title-page',
      'title-page',
      null,
      'section',
      'synopsis',
      null,
      'scene-heading',
      null,
      'action',
      null,
      'character',
      'parenthetical',
      'dialogue',
      null,
      'transition',
      null,
      'centered',
      null,
      'page-break',
      'boneyard',
    ]);
    const marked = (name: string) => [...container.querySelectorAll(`.cm-fountain-${name}`)].map((m) => m.textContent);
    expect(marked('title-key')).toEqual(['Title:', 'Author:']);
    expect(marked('scene-number')).toEqual(['#2#']);
    expect(marked('note-span')).toEqual(['[[a note]]']);
    expect(marked('extension')).toEqual(['(V.O.)']);
    expect(marked('italic')).toEqual(['*here*']);
    expect(marked('bold')).toEqual(['**there**']);
    expect(marked('boneyard-span')).toEqual(['/* gone */']);
    expect(marked('marker')).toEqual(['#', '=', '>', '<']);
  });

  it('inserts a draft with its provenance note as one undo step', () => {
    const { component, view, onChange } = mountEditor('INT. KITCHEN - NIGHT\n\n');
    component.setSelection(view.state.doc.length);
    type(view, 'She waits.\n\n');
    const beforeInsert = view.state.doc.toString();
    component.insertAtCursor('BOB\nYou came back.\n', {
      model: 'Noir',
      temperature: 0.7,
      seed: 3,
      date: new Date(2026, 0, 2, 3, 4),
    });
    const afterInsert = view.state.doc.toString();
    expect(afterInsert).toBe(
      `${beforeInsert}[[Understudy draft: model "Noir", temperature 0.70, seed 3, 2026-01-02 03:04]]\nBOB\nYou came back.\n[[End of Understudy draft]]\n`,
    );
    expect(onChange).toHaveBeenLastCalledWith(afterInsert);
    expect(component.getSelection()?.head).toBe(afterInsert.length);
    type(view, 'Silence.');

    expect(component.undo()).toBe(true);
    expect(view.state.doc.toString()).toBe(afterInsert);
    expect(component.undo()).toBe(true);
    expect(view.state.doc.toString()).toBe(beforeInsert);
    expect(component.redo()).toBe(true);
    expect(view.state.doc.toString()).toBe(afterInsert);
    expect(fountainOf(view.state).lines.find((line) => line.source === 'BOB')?.type).toBe('character');
  });

  it('replaces the selection, inline note in mid-line, and gives the text before the cursor', () => {
    const { component, view } = mountEditor('She opens the door slowly.');
    const from = 'She opens the '.length;
    component.setSelection(from, from + 'door'.length);
    expect(component.getTextBeforeCursor()).toBe('She opens the ');
    expect(component.getTextBeforeCursor(6)).toBe('s the ');
    component.insertAtCursor('window', 'draft 2');
    expect(view.state.doc.toString()).toBe('She opens the [[draft 2]]window slowly.');
    component.undo();
    expect(view.state.doc.toString()).toBe('She opens the door slowly.');
  });

  it('calls onGenerate for Mod-Enter instead of inserting a line', () => {
    const { view, onGenerate } = mountEditor('INT. A - DAY');
    view.contentDOM.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }));
    expect(onGenerate).toHaveBeenCalledTimes(1);
    expect(view.state.doc.toString()).toBe('INT. A - DAY');
  });

  it('loads a new value from outside with a fresh history, and jumps to lines', async () => {
    const { component, view, rerender, onChange } = mountEditor('Old.');
    await rerender({ value: sample });
    expect(view.state.doc.toString()).toBe(sample);
    expect(component.undo()).toBe(false);
    expect(onChange).not.toHaveBeenCalled();
    const scene = component.getDocument()?.scenes[2];
    component.jumpToLine(scene?.line ?? -1);
    expect(component.getSelection()).toMatchObject({ head: scene?.from, line: scene?.line, column: 0 });
  });

  it('follows the characterNames, readOnly and label props, keeping them across a new value', async () => {
    const { view, rerender } = mountEditor('Hi.', { characterNames: ['ann'] });
    expect(view.state.facet(externalCharacterNames)).toEqual(['ann']);
    await rerender({ characterNames: ['ZED', 'ZED', 'YOLANDA'], readOnly: true, label: 'Screenplay: Pilot' });
    expect(view.contentDOM.getAttribute('aria-label')).toBe('Screenplay: Pilot');
    expect(view.state.facet(externalCharacterNames)).toEqual(['ZED', 'YOLANDA']);
    expect(view.state.readOnly).toBe(true);
    expect(view.contentDOM.getAttribute('contenteditable')).toBe('false');
    await rerender({ value: 'New script.' });
    expect(view.state.facet(externalCharacterNames)).toEqual(['ZED', 'YOLANDA']);
    expect(view.state.readOnly).toBe(true);
    expect(view.contentDOM.getAttribute('aria-label')).toBe('Screenplay: Pilot');
  });

  it('decorates arbitrary text without throwing', () => {
    const { view, container } = mountEditor('');
    for (const script of randomScripts(40, 11)) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: script } });
      expect(container.querySelectorAll('.cm-line').length).toBeGreaterThan(0);
    }
  });

  it('finds and replaces through the CodeMirror search panel', () => {
    const { component, view, container } = mountEditor(sample);
    component.openSearch();
    expect(container.querySelector('.cm-search')).not.toBeNull();
    view.dispatch({
      effects: setSearchQuery.of(new SearchQuery({ search: 'JUNE', replace: 'MAY', caseSensitive: true })),
    });
    expect(replaceAll(view)).toBe(true);
    expect(view.state.doc.toString()).not.toContain('JUNE');
    expect(component.getDocument()?.characters).toContain('MAY');
  });
});

describe('character name completion', () => {
  function complete(doc: string, explicit = false, external: string[] = ['Marlowe']): CompletionResult | null {
    const state = EditorState.create({
      doc,
      selection: EditorSelection.cursor(doc.length),
      extensions: [fountain(), externalCharacterNames.of(external)],
    });
    return characterCompletions(new CompletionContext(state, doc.length, explicit)) as CompletionResult | null;
  }
  const script = 'INT. A - DAY\n\nJUNE\nHi.\n\nTHEO\nHey.\n\nJUNE\nSo.\n\n';

  it('offers the script characters, most frequent first, then the corpora names', () => {
    const result = complete(`${script}JU`);
    expect(result?.from).toBe(script.length);
    expect(result?.options.map((option) => [option.label, option.detail])).toEqual([
      ['JUNE', 'in this script'],
      ['THEO', 'in this script'],
      ['MARLOWE', 'from your corpora'],
    ]);
  });

  it('completes after a forcing @ and on request, but not mid-paragraph or in lower case', () => {
    expect(complete(`${script}@Mc`)?.from).toBe(script.length + 1);
    expect(complete(`${script}Ju`)).toBeNull();
    expect(complete(`${script}Ju`, true)?.options.length).toBe(3);
    expect(complete(`${script}She walks.\nJU`)).toBeNull();
  });
});

function mountPane(value: string) {
  const result = render(EditorWithOutline, { props: { value } });
  const root = result.getByTestId(testIds.screenplayEditor).querySelector('.cm-editor');
  const view = root instanceof HTMLElement ? EditorView.findFromDOM(root) : null;
  if (!view) throw new Error('CodeMirror did not mount');
  const items = () => result.queryAllByTestId(testIds.sceneNavigatorItem);
  return { ...result, view, items };
}

describe('scene navigator and counts beside the editor', () => {
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
      /^[\d,]+ words 5 scenes 3 pages 3 min$/,
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
    expect(getByTestId(testIds.scriptStats).textContent?.replace(/\s+/g, ' ').trim()).toBe(
      '0 words 0 scenes 0 pages 0 min',
    );
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
