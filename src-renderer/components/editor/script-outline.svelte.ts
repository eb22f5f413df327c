import { parseFountain, sceneAtLine } from '../../../src-main/fountain/parse.ts';
import { scriptStats, type ScriptStats } from '../../../src-main/fountain/stats.ts';
import type { FountainDocument, Scene } from '../../../src-main/fountain/types.ts';

export const OUTLINE_DELAY_MS = 250;

/** What the navigator and the counts show for the script being edited: scenes, the current one, stats. */
export class ScriptOutline {
  #pending: ReturnType<typeof setTimeout> | undefined;
  #document = $state.raw<FountainDocument>(parseFountain(''));
  #cursorLine = $state(0);
  #stats = $derived<ScriptStats>(scriptStats(this.#document));
  #currentScene = $derived<Scene | undefined>(sceneAtLine(this.#document.scenes, this.#cursorLine));

  constructor(text = '') {
    this.setText(text);
  }

  get document(): FountainDocument {
    return this.#document;
  }
  get scenes(): readonly Scene[] {
    return this.#document.scenes;
  }
  get characters(): readonly string[] {
    return this.#document.characters;
  }
  get stats(): ScriptStats {
    return this.#stats;
  }
  get currentScene(): Scene | undefined {
    return this.#currentScene;
  }

  setText(text: string): void {
    this.setDocument(parseFountain(text));
  }

  /** Takes the editor's own parse, so each keystroke parses the script once. */
  setDocument(document: FountainDocument): void {
    this.cancelPending();
    this.#document = document;
  }

  /** Like setDocument once typing pauses: counts and navigator need not redraw on every keystroke. */
  queueDocument(document: FountainDocument, delayMs = OUTLINE_DELAY_MS): void {
    this.cancelPending();
    this.#pending = setTimeout(() => this.setDocument(document), delayMs);
  }

  /** After the editor moved a scene: shows its text at once (so the next move sees it) and passes the new line on. */
  afterMove(movedTo: number | undefined, document: FountainDocument | undefined): number | undefined {
    if (movedTo !== undefined && document) this.setDocument(document);
    return movedTo;
  }

  cancelPending(): void {
    clearTimeout(this.#pending);
    this.#pending = undefined;
  }

  /** 0-based line of the cursor, from the editor's selection callback. */
  setCursorLine(line: number): void {
    this.#cursorLine = line;
  }
}
