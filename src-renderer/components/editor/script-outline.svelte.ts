import { parseFountain, sceneAtLine } from '../../lib/fountain/parse.ts';
import { scriptStats, type ScriptStats } from '../../lib/fountain/stats.ts';
import type { FountainDocument, Scene } from '../../lib/fountain/types.ts';

/** What the navigator and the counts show for the script being edited: scenes, the current one, stats. */
export class ScriptOutline {
  #text = $state.raw('');
  #cursorLine = $state(0);
  #document = $derived<FountainDocument>(parseFountain(this.#text));
  #stats = $derived<ScriptStats>(scriptStats(this.#document));
  #currentScene = $derived<Scene | undefined>(sceneAtLine(this.#document.scenes, this.#cursorLine));

  constructor(text = '') {
    this.#text = text;
  }

  get text(): string {
    return this.#text;
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
    this.#text = text;
  }

  /** 0-based line of the cursor, from the editor's selection callback. */
  setCursorLine(line: number): void {
    this.#cursorLine = line;
  }
}
