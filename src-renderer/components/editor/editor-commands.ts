import { isolateHistory } from '@codemirror/commands';
import { EditorSelection, Transaction, type EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { sanitizeNoteText, wrapDraft, type DraftProvenance } from '../../../src-main/fountain/provenance.ts';
import { fountainOf } from './fountain-language.ts';
import { buildOutline, itemAt, moveBySibling, type OutlineMove, type OutlineNode } from './outline-tree.ts';

export interface EditorSelectionInfo {
  /** Document offsets of the main selection, `from <= to`; equal when nothing is selected. */
  from: number;
  to: number;
  /** Where the cursor is (the moving end of the selection). */
  head: number;
  /** 0-based line and column of the head. */
  line: number;
  column: number;
  selectedText: string;
}

export function selectionInfo(state: EditorState): EditorSelectionInfo {
  const { from, to, head } = state.selection.main;
  const line = state.doc.lineAt(head);
  return { from, to, head, line: line.number - 1, column: head - line.from, selectedText: state.sliceDoc(from, to) };
}

/** The script up to the cursor (or the start of the selection), at most `maxChars` of it: generation's prime. */
export function textBeforeCursor(state: EditorState, maxChars = Number.POSITIVE_INFINITY): string {
  const end = state.selection.main.from;
  return state.sliceDoc(Math.max(0, end - maxChars), end);
}

/**
 * Inserts `text` at the cursor, replacing any selection, as a single undo step that never merges with
 * typing around it. A draft's provenance bounds it with a start and an end note (see `wrapDraft`); a string is
 * a free label put before the text, which bounds nothing.
 */
export function insertDraft(view: EditorView, text: string, provenance?: DraftProvenance | string): void {
  const { from, to } = view.state.selection.main;
  const atLineStart = view.state.doc.lineAt(from).from === from;
  const insert =
    provenance === undefined
      ? text
      : typeof provenance === 'string'
        ? `[[${sanitizeNoteText(provenance)}]]${atLineStart ? '\n' : ''}${text}`
        : wrapDraft(text, provenance, { atLineStart });
  view.dispatch({
    changes: { from, to, insert },
    selection: EditorSelection.cursor(from + insert.length),
    annotations: [isolateHistory.of('full'), Transaction.userEvent.of('input.generate')],
    scrollIntoView: true,
  });
}

/** Puts the cursor at the start of a 0-based line and scrolls it to the top of the editor. */
export function jumpToLine(view: EditorView, line: number): void {
  const target = view.state.doc.line(Math.min(Math.max(1, line + 1), view.state.doc.lines));
  view.dispatch({
    selection: EditorSelection.cursor(target.from),
    effects: EditorView.scrollIntoView(target.from, { y: 'start', yMargin: 24 }),
  });
  view.focus();
}

/** Applies an outline move as one undo step that never merges with typing, and puts the cursor on the moved item. */
export function applyOutlineMove(view: EditorView, move: OutlineMove | undefined): number | undefined {
  if (!move || view.state.readOnly) return undefined;
  view.dispatch({
    changes: { from: move.from, to: move.to, insert: move.insert },
    selection: EditorSelection.cursor(move.movedTo),
    annotations: [isolateHistory.of('full'), Transaction.userEvent.of('move.outline')],
    effects: EditorView.scrollIntoView(move.movedTo, { y: 'nearest', yMargin: 24 }),
  });
  return view.state.doc.lineAt(move.movedTo).number - 1;
}

/** The outline of the editor's current text (never a stale copy). */
export function outlineOf(state: EditorState): OutlineNode[] {
  return buildOutline(fountainOf(state), state.doc.toString());
}

/** Alt-Shift-Up/Down: moves the scene (or section) holding the cursor past its neighbour. */
export function moveItemAtCursor(direction: 'up' | 'down') {
  return (view: EditorView): boolean => {
    const nodes = outlineOf(view.state);
    const item = itemAt(nodes, view.state.selection.main.head);
    if (!item) return false;
    applyOutlineMove(view, moveBySibling(nodes, view.state.doc.toString(), item.line, direction));
    return true;
  };
}
