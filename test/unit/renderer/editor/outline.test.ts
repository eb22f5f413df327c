import './jsdom-ranges';
import { EditorView } from '@codemirror/view';
import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseFountain } from '../../../../src-main/fountain/parse';
import { insertDraft } from '../../../../src-renderer/components/editor/editor-commands';
import { buildOutline, moveBySibling, type OutlineNode } from '../../../../src-renderer/components/editor/outline-tree';
import { testIds } from '../../../../src-renderer/lib/test-ids';
import EditorWithOutline from './EditorWithOutline.svelte';

afterEach(() => cleanup());

const script = [
  'Title: Outline',
  '',
  '# ACT ONE',
  '= The setup.',
  '',
  '## Morning',
  '',
  'INT. KITCHEN - DAY',
  '',
  '= Breakfast goes wrong.',
  '',
  'Ann burns the toast.',
  '',
  'EXT. GARDEN - DAY #7#',
  '',
  'Bob digs.',
  '',
  'INT. SHED - DAY',
  '',
  'A spade.',
  '',
  '# ACT TWO',
  '',
  'INT. OFFICE - NIGHT',
  '',
  'Ann types.',
  '',
].join('\n');

interface Shape {
  kind: string;
  text: string;
  number?: string;
  synopses?: string[];
  children?: Shape[];
}
function shape(nodes: readonly OutlineNode[]): Shape[] {
  return nodes.map((node) => ({
    kind: node.kind,
    text: node.text,
    ...(node.number ? { number: node.number } : {}),
    ...(node.synopses.length ? { synopses: node.synopses } : {}),
    ...(node.children.length ? { children: shape(node.children) } : {}),
  }));
}

function findNode(nodes: readonly OutlineNode[], text: string): OutlineNode | undefined {
  for (const node of nodes) {
    if (node.text === text) return node;
    const found = findNode(node.children, text);
    if (found) return found;
  }
  return undefined;
}

function mount(value: string) {
  const result = render(EditorWithOutline, { props: { value } });
  const root = result.getByTestId(testIds.screenplayEditor).querySelector('.cm-editor');
  const view = root instanceof HTMLElement ? EditorView.findFromDOM(root) : null;
  if (!view) throw new Error('CodeMirror did not mount');
  const item = (text: string): HTMLElement => {
    const found = [...result.container.querySelectorAll<HTMLElement>('[role="treeitem"]')].find(
      (element) => element.querySelector('.heading')?.textContent === text,
    );
    if (!found) throw new Error(`no outline item ${text}`);
    return found;
  };
  const shown = () =>
    [...result.container.querySelectorAll('[role="treeitem"] .heading')].map((heading) => heading.textContent);
  const headings = () =>
    parseFountain(view.state.doc.toString())
      .lines.filter((line) => line.type === 'scene-heading' || line.type === 'section')
      .map((line) => line.text);
  const key = (target: Element, key: string, extra: KeyboardEventInit = {}) =>
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...extra }));
  return { ...result, view, item, shown, headings, key };
}

describe('the outline', () => {
  it('nests sections by depth, scenes under the deepest section above, synopses under their item', () => {
    const outline = buildOutline(parseFountain(script), script);
    expect(shape(outline)).toEqual([
      {
        kind: 'section',
        text: 'ACT ONE',
        synopses: ['The setup.'],
        children: [
          {
            kind: 'section',
            text: 'Morning',
            children: [
              { kind: 'scene', text: 'INT. KITCHEN - DAY', number: '1', synopses: ['Breakfast goes wrong.'] },
              { kind: 'scene', text: 'EXT. GARDEN - DAY', number: '7' },
              { kind: 'scene', text: 'INT. SHED - DAY', number: '3' },
            ],
          },
        ],
      },
      { kind: 'section', text: 'ACT TWO', children: [{ kind: 'scene', text: 'INT. OFFICE - NIGHT', number: '4' }] },
    ]);
  });

  it('is an ARIA tree: levels, expanded state, one tab stop; synopses show under their item', () => {
    const { getByRole, item, container } = mount(script);
    expect(getByRole('tree')).toBeTruthy();
    expect(item('ACT ONE').getAttribute('aria-level')).toBe('1');
    expect(item('Morning').getAttribute('aria-level')).toBe('2');
    expect(item('INT. KITCHEN - DAY').getAttribute('aria-level')).toBe('3');
    expect(item('ACT ONE').getAttribute('aria-expanded')).toBe('true');
    expect(item('INT. KITCHEN - DAY').hasAttribute('aria-expanded')).toBe(false);
    expect(container.querySelectorAll('[role="treeitem"][tabindex="0"]')).toHaveLength(1);
    expect(item('INT. KITCHEN - DAY').querySelector('.synopsis')?.textContent).toBe('Breakfast goes wrong.');
    expect(item('ACT ONE').querySelector(':scope > .synopsis')?.textContent).toBe('The setup.');
    expect(item('EXT. GARDEN - DAY').querySelector('.number')?.textContent).toBe('7');
  });

  it('collapses and expands sections by their toggle and by the arrow keys', async () => {
    const { item, shown, key } = mount(script);
    expect(shown()).toContain('INT. KITCHEN - DAY');
    item('Morning').querySelector<HTMLButtonElement>('.twisty')?.click();
    await tick();
    expect(shown()).toEqual(['ACT ONE', 'Morning', 'ACT TWO', 'INT. OFFICE - NIGHT']);
    expect(item('Morning').getAttribute('aria-expanded')).toBe('false');
    key(item('Morning'), 'ArrowRight');
    await tick();
    expect(shown()).toContain('INT. SHED - DAY');
    key(item('ACT ONE'), 'ArrowLeft');
    await tick();
    expect(shown()).toEqual(['ACT ONE', 'ACT TWO', 'INT. OFFICE - NIGHT']);
  });

  it('moves focus with the arrow keys and jumps the editor with Enter or a click', async () => {
    const { item, key, view } = mount(script);
    item('ACT ONE').focus();
    const focusedAfter = async (target: string, keyName: string, to: string) => {
      key(item(target), keyName);
      await vi.waitFor(() => expect(document.activeElement).toBe(item(to)));
    };
    await focusedAfter('ACT ONE', 'ArrowDown', 'Morning');
    await focusedAfter('Morning', 'ArrowDown', 'INT. KITCHEN - DAY');
    await focusedAfter('INT. KITCHEN - DAY', 'ArrowLeft', 'Morning');
    await focusedAfter('Morning', 'End', 'INT. OFFICE - NIGHT');
    await focusedAfter('INT. OFFICE - NIGHT', 'ArrowUp', 'ACT TWO');
    await focusedAfter('ACT TWO', 'ArrowDown', 'INT. OFFICE - NIGHT');
    expect(item('INT. OFFICE - NIGHT').getAttribute('tabindex')).toBe('0');
    key(item('INT. OFFICE - NIGHT'), 'Enter');
    expect(view.state.doc.lineAt(view.state.selection.main.head).text).toBe('INT. OFFICE - NIGHT');
    item('EXT. GARDEN - DAY').click();
    expect(view.state.doc.lineAt(view.state.selection.main.head).text).toBe('EXT. GARDEN - DAY #7#');
  });
});

describe('moving scenes', () => {
  it('Alt-Shift-Down in the editor moves the whole scene below the next one as one undo step', () => {
    const { view, headings } = mount(script);
    view.dispatch({ selection: { anchor: script.indexOf('Ann burns') } });
    view.contentDOM.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'ArrowDown', altKey: true, shiftKey: true, bubbles: true }),
    );
    const moved = view.state.doc.toString();
    expect(headings()).toEqual([
      'ACT ONE',
      'Morning',
      'EXT. GARDEN - DAY',
      'INT. KITCHEN - DAY',
      'INT. SHED - DAY',
      'ACT TWO',
      'INT. OFFICE - NIGHT',
    ]);
    expect(moved).toContain('INT. KITCHEN - DAY\n\n= Breakfast goes wrong.\n\nAnn burns the toast.\n\nINT. SHED');
    expect(moved.length).toBe(script.length);
    expect(view.state.doc.lineAt(view.state.selection.main.head).text).toBe('INT. KITCHEN - DAY');
    view.contentDOM.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'z', ctrlKey: true, metaKey: false, bubbles: true }),
    );
    expect(view.state.doc.toString()).toBe(script);
  });

  it('moves a section with all its scenes, and back exactly; nothing moves past the end of its list', () => {
    const outline = buildOutline(parseFountain(script), script);
    const actTwo = outline[1];
    const up = moveBySibling(outline, script, actTwo?.line ?? -1, 'up');
    expect(up).toBeDefined();
    const text = script.slice(0, up?.from) + (up?.insert ?? '') + script.slice(up?.to);
    expect(
      parseFountain(text)
        .lines.filter((l) => l.type === 'section' || l.type === 'scene-heading')
        .map((l) => l.text),
    ).toEqual([
      'ACT TWO',
      'INT. OFFICE - NIGHT',
      'ACT ONE',
      'Morning',
      'INT. KITCHEN - DAY',
      'EXT. GARDEN - DAY',
      'INT. SHED - DAY',
    ]);
    const again = buildOutline(parseFountain(text), text);
    const down = moveBySibling(again, text, again[0]?.line ?? -1, 'down');
    expect(text.slice(0, down?.from) + (down?.insert ?? '') + text.slice(down?.to)).toBe(script);
    expect(moveBySibling(outline, script, outline[0]?.line ?? -1, 'up')).toBeUndefined();
    expect(moveBySibling(outline, script, actTwo?.line ?? -1, 'down')).toBeUndefined();
  });

  it('a scene steps over a section heading into the next section or out of its own, one boundary a press', () => {
    const apply = (text: string, line: string, direction: 'up' | 'down'): string | undefined => {
      const outline = buildOutline(parseFountain(text), text);
      const node = outline.length ? findNode(outline, line) : undefined;
      const move = node && moveBySibling(outline, text, node.line, direction);
      return move && text.slice(0, move.from) + move.insert + text.slice(move.to);
    };
    const tree = (text: string) => shape(buildOutline(parseFountain(text), text));
    const down = apply(script, 'INT. SHED - DAY', 'down') ?? '';
    expect(tree(down)[1]).toEqual({
      kind: 'section',
      text: 'ACT TWO',
      children: [
        { kind: 'scene', text: 'INT. SHED - DAY', number: '3' },
        { kind: 'scene', text: 'INT. OFFICE - NIGHT', number: '4' },
      ],
    });
    expect(apply(down, 'INT. SHED - DAY', 'up')).toBe(script);
    const once = apply(script, 'INT. KITCHEN - DAY', 'up') ?? '';
    expect(tree(once)[0]?.children?.map((child) => child.text)).toEqual(['INT. KITCHEN - DAY', 'Morning']);
    const twice = apply(once, 'INT. KITCHEN - DAY', 'up') ?? '';
    expect(tree(twice).map((node) => node.text)).toEqual(['INT. KITCHEN - DAY', 'ACT ONE', 'ACT TWO']);
    expect(twice.startsWith('Title: Outline\n\nINT. KITCHEN - DAY\n')).toBe(true);
    // Nothing but the title page is above it now, and that never moves.
    expect(apply(twice, 'INT. KITCHEN - DAY', 'up')).toBeUndefined();
    expect(apply(script, 'INT. OFFICE - NIGHT', 'down')).toBeUndefined();
  });

  it('a draft inserted with its provenance notes moves with its scene', () => {
    const { view: editor } = mount('INT. A - DAY\n\nOne.\n\n');
    // Insert a generated scene the way the Generate panel does, then the writer goes on after it.
    editor.dispatch({ selection: { anchor: editor.state.doc.length } });
    insertDraft(editor, 'INT. B - NIGHT\n\nTwo.\n', {
      model: 'Noir',
      temperature: 0.7,
      seed: 3,
      date: new Date(2026, 0, 2, 3, 4),
    });
    editor.dispatch({ changes: { from: editor.state.doc.length, insert: '\nINT. C - DAY\n\nThree.\n' } });
    const text = editor.state.doc.toString();
    const outline = buildOutline(parseFountain(text), text);
    const draft = outline[1];
    expect(draft?.text).toBe('INT. B - NIGHT');
    expect(text.slice(draft?.from, draft?.to)).toBe(
      '[[Understudy draft: model "Noir", temperature 0.70, seed 3, 2026-01-02 03:04]]\nINT. B - NIGHT\n\nTwo.\n[[End of Understudy draft]]\n\n',
    );
    const move = moveBySibling(outline, text, draft?.line ?? -1, 'up');
    const moved = text.slice(0, move?.from) + (move?.insert ?? '') + text.slice(move?.to);
    expect(moved.startsWith('[[Understudy draft: model "Noir"')).toBe(true);
    expect(moved).toContain('[[End of Understudy draft]]\n\nINT. A - DAY\n\nOne.\n\nINT. C - DAY');
  });

  it('Alt-Shift-Up in the outline moves the focused scene and focus follows it; Ctrl-Z restores it', async () => {
    const { item, key, view, headings } = mount(script);
    item('INT. SHED - DAY').focus();
    key(item('INT. SHED - DAY'), 'ArrowUp', { altKey: true, shiftKey: true });
    expect(headings().slice(2, 5)).toEqual(['INT. KITCHEN - DAY', 'INT. SHED - DAY', 'EXT. GARDEN - DAY']);
    await vi.waitFor(() => expect(document.activeElement).toBe(item('INT. SHED - DAY')));
    expect(item('INT. SHED - DAY').getAttribute('tabindex')).toBe('0');
    key(item('INT. SHED - DAY'), 'ArrowUp', { altKey: true, shiftKey: true });
    expect(headings().slice(2, 5)).toEqual(['INT. SHED - DAY', 'INT. KITCHEN - DAY', 'EXT. GARDEN - DAY']);
    const { undo } = await import('@codemirror/commands');
    undo(view);
    undo(view);
    expect(view.state.doc.toString()).toBe(script);
  });

  it('dragging a scene onto another moves it before that one, also into another section', async () => {
    const { item, view, headings } = mount(script);
    const data = new Map<string, string>();
    const dataTransfer = {
      get types() {
        return [...data.keys()];
      },
      setData: (type: string, value: string) => data.set(type, value),
      getData: (type: string) => data.get(type) ?? '',
      effectAllowed: 'all',
      dropEffect: 'none',
    };
    await fireEvent.dragStart(item('INT. KITCHEN - DAY'), { dataTransfer });
    await fireEvent.dragOver(item('INT. OFFICE - NIGHT'), { dataTransfer });
    await fireEvent.drop(item('INT. OFFICE - NIGHT'), { dataTransfer });
    expect(headings()).toEqual([
      'ACT ONE',
      'Morning',
      'EXT. GARDEN - DAY',
      'INT. SHED - DAY',
      'ACT TWO',
      'INT. KITCHEN - DAY',
      'INT. OFFICE - NIGHT',
    ]);
    await tick();
    expect(item('INT. KITCHEN - DAY').getAttribute('aria-level')).toBe('2');
    const { undo } = await import('@codemirror/commands');
    undo(view);
    expect(view.state.doc.toString()).toBe(script);
  });
});
