import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, redo, undo } from '@codemirror/commands';
import { highlightSelectionMatches, openSearchPanel, search, searchKeymap } from '@codemirror/search';
import { Compartment, EditorSelection, EditorState, Prec, type Extension } from '@codemirror/state';
import { drawSelection, dropCursor, EditorView, highlightActiveLine, keymap, type ViewUpdate } from '@codemirror/view';
import type { Paper } from '../../../src-main/fountain/paginate.ts';
import type { DraftProvenance } from '../../../src-main/fountain/provenance.ts';
import type { FountainDocument } from '../../../src-main/fountain/types.ts';
import { characterCompletions, externalCharacterNames } from './character-completion.ts';
import {
  applyOutlineMove,
  insertDraft,
  jumpToLine,
  moveItemAtCursor,
  outlineOf,
  selectionInfo,
  textBeforeCursor,
  type EditorSelectionInfo,
} from './editor-commands.ts';
import { fountain, fountainOf } from './fountain-language.ts';
import { moveBefore, moveBySibling } from './outline-tree.ts';
import { pageMarkers } from './page-markers.ts';
import { screenplayTheme } from './screenplay-theme.ts';

export interface ScreenplayEditorOptions {
  parent: HTMLElement;
  value: string;
  label?: string;
  characterNames?: readonly string[];
  readOnly?: boolean;
  /** Page-break markers from the paginator (on unless turned off), on this paper. */
  pageMarkers?: boolean;
  paper?: Paper;
  onChange?: (value: string) => void;
  onSelectionChange?: (selection: EditorSelectionInfo) => void;
  /** The script as parsed for highlighting, so views like the navigator need not parse it again. */
  onDocumentChange?: (document: FountainDocument) => void;
  /** Mod-Enter, reserved for Generate scene. */
  onGenerate?: () => void;
}

/** CodeMirror set up as a Fountain screenplay editor; the Svelte component is a thin wrapper over this. */
export class ScreenplayEditorView {
  readonly view: EditorView;
  readonly #options: ScreenplayEditorOptions;
  readonly #characterNames = new Compartment();
  readonly #readOnly = new Compartment();
  readonly #label = new Compartment();
  readonly #pageMarkers = new Compartment();
  #names: readonly string[];
  #markers: { enabled: boolean; paper: Paper };
  #isReadOnly: boolean;
  #labelText: string;

  constructor(options: ScreenplayEditorOptions) {
    this.#options = options;
    this.#names = options.characterNames ?? [];
    this.#isReadOnly = options.readOnly ?? false;
    this.#labelText = options.label ?? 'Screenplay';
    this.#markers = { enabled: options.pageMarkers ?? true, paper: options.paper ?? 'letter' };
    this.view = new EditorView({ parent: options.parent, state: this.#createState(options.value) });
  }

  get value(): string {
    return this.view.state.doc.toString();
  }

  get document(): FountainDocument {
    return fountainOf(this.view.state);
  }

  /** Loads a different script: a fresh state, so undo cannot step back into the previous one. */
  setValue(value: string): void {
    if (value === this.value) return;
    this.view.setState(this.#createState(value));
    this.#options.onDocumentChange?.(this.document);
  }

  setCharacterNames(names: readonly string[]): void {
    this.#names = names;
    this.view.dispatch({ effects: this.#characterNames.reconfigure(externalCharacterNames.of(names)) });
  }

  setReadOnly(readOnly: boolean): void {
    this.#isReadOnly = readOnly;
    this.view.dispatch({ effects: this.#readOnly.reconfigure(readOnlyExtension(readOnly)) });
  }

  setLabel(label: string): void {
    if (label === this.#labelText) return;
    this.#labelText = label;
    this.view.dispatch({ effects: this.#label.reconfigure(labelExtension(label)) });
  }

  setPageMarkers(enabled: boolean, paper: Paper = this.#markers.paper): void {
    if (enabled === this.#markers.enabled && paper === this.#markers.paper) return;
    this.#markers = { enabled, paper };
    this.view.dispatch({ effects: this.#pageMarkers.reconfigure(markersExtension(this.#markers)) });
  }

  /** Moves the outline item whose heading is on a 0-based line past its neighbour; its new line, if it moved. */
  moveOutlineItem(line: number, direction: 'up' | 'down'): number | undefined {
    return applyOutlineMove(this.view, moveBySibling(outlineOf(this.view.state), this.value, line, direction));
  }

  /** Moves the item on `line` to just before the item on `beforeLine` (the end of the script when undefined). */
  moveOutlineItemBefore(line: number, beforeLine: number | undefined): number | undefined {
    return applyOutlineMove(this.view, moveBefore(outlineOf(this.view.state), this.value, line, beforeLine));
  }

  insertAtCursor(text: string, provenance?: DraftProvenance | string): void {
    insertDraft(this.view, text, provenance);
  }

  textBeforeCursor(maxChars?: number): string {
    return textBeforeCursor(this.view.state, maxChars);
  }

  selection(): EditorSelectionInfo {
    return selectionInfo(this.view.state);
  }

  select(anchor: number, head = anchor): void {
    const length = this.view.state.doc.length;
    const clamp = (n: number): number => Math.min(Math.max(0, n), length);
    this.view.dispatch({ selection: EditorSelection.single(clamp(anchor), clamp(head)), scrollIntoView: true });
  }

  jumpToLine(line: number): void {
    jumpToLine(this.view, line);
  }

  undo(): boolean {
    return undo(this.view);
  }

  redo(): boolean {
    return redo(this.view);
  }

  openSearch(): void {
    openSearchPanel(this.view);
  }

  focus(): void {
    this.view.focus();
  }

  destroy(): void {
    this.view.destroy();
  }

  #createState(value: string): EditorState {
    return EditorState.create({ doc: value, extensions: this.#extensions() });
  }

  #extensions(): Extension {
    const options = this.#options;
    return [
      Prec.highest(
        keymap.of([
          { key: 'Mod-Enter', preventDefault: true, run: () => (options.onGenerate?.(), true) },
          { key: 'Alt-Shift-ArrowUp', preventDefault: true, run: moveItemAtCursor('up') },
          { key: 'Alt-Shift-ArrowDown', preventDefault: true, run: moveItemAtCursor('down') },
        ]),
      ),
      history(),
      drawSelection(),
      dropCursor(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      closeBrackets(),
      EditorView.lineWrapping,
      search({ top: true }),
      autocompletion({ override: [characterCompletions], icons: false }),
      keymap.of([...closeBracketsKeymap, ...completionKeymap, ...searchKeymap, ...historyKeymap, ...defaultKeymap]),
      this.#characterNames.of(externalCharacterNames.of(this.#names)),
      this.#readOnly.of(readOnlyExtension(this.#isReadOnly)),
      fountain(),
      screenplayTheme,
      this.#label.of(labelExtension(this.#labelText)),
      this.#pageMarkers.of(markersExtension(this.#markers)),
      EditorView.updateListener.of((update) => this.#notify(update)),
    ];
  }

  #notify(update: ViewUpdate): void {
    if (update.docChanged) {
      this.#options.onChange?.(update.state.doc.toString());
      this.#options.onDocumentChange?.(fountainOf(update.state));
    }
    if (update.docChanged || update.selectionSet) this.#options.onSelectionChange?.(selectionInfo(update.state));
  }
}

function labelExtension(label: string): Extension {
  return EditorView.contentAttributes.of({ 'aria-label': label, 'aria-multiline': 'true', spellcheck: 'true' });
}

function markersExtension({ enabled, paper }: { enabled: boolean; paper: Paper }): Extension {
  return enabled ? pageMarkers(paper) : [];
}

function readOnlyExtension(readOnly: boolean): Extension {
  return [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];
}
