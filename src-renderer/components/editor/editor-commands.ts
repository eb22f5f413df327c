import { isolateHistory } from '@codemirror/commands';
import { EditorSelection, Transaction, type EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { sanitizeNoteText, wrapDraft, type DraftProvenance } from '../../../src-main/fountain/provenance.ts';

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
