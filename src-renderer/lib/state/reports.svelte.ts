import type { Paper } from '../../../src-main/fountain/paginate.ts';
import { parseFountain } from '../../../src-main/fountain/parse.ts';
import {
  formatEighths,
  scriptReport,
  type CharacterReport,
  type LocationReport,
  type SceneReport,
  type ScriptReport,
} from '../../../src-main/fountain/reports.ts';
import {
  combineEdits,
  compareSceneNumbers,
  lockSceneNumbers,
  mapOffset,
  sceneNumbersLocked,
  unlockSceneNumbers,
  type TextEdit,
} from '../../../src-main/fountain/scene-numbers.ts';
import type { FountainDocument } from '../../../src-main/fountain/types.ts';

/** What locking needs from the editor component (ScreenplayEditor's exported functions). */
export interface ReportsEditor {
  getDocument(): FountainDocument | undefined;
  getSelection(): { head: number } | undefined;
  setSelection(anchor: number, head?: number): void;
  insertAtCursor(text: string): void;
}

export type ReportTab = 'characters' | 'locations' | 'scenes';
export const REPORT_TABS: readonly { id: ReportTab; label: string }[] = [
  { id: 'characters', label: 'Characters' },
  { id: 'locations', label: 'Locations' },
  { id: 'scenes', label: 'Scenes' },
];

export interface Column<T> {
  key: string;
  label: string;
  text: (row: T) => string;
  /** Sort order; text order when missing. */
  compare?: (a: T, b: T) => number;
  numeric?: boolean;
}

const byNumber =
  <T>(value: (row: T) => number) =>
  (a: T, b: T): number =>
    value(a) - value(b);

export const CHARACTER_COLUMNS: readonly Column<CharacterReport>[] = [
  { key: 'name', label: 'Character', text: (c) => c.name },
  {
    key: 'speeches',
    label: 'Speeches',
    text: (c) => String(c.speeches),
    compare: byNumber((c) => c.speeches),
    numeric: true,
  },
  { key: 'words', label: 'Words', text: (c) => String(c.words), compare: byNumber((c) => c.words), numeric: true },
  { key: 'scenes', label: 'Scenes', text: (c) => String(c.scenes), compare: byNumber((c) => c.scenes), numeric: true },
  {
    key: 'first',
    label: 'First appears',
    text: (c) => `p. ${c.first.page}${c.first.scene === undefined ? '' : `, sc. ${c.first.scene}`}`,
    compare: byNumber((c) => c.first.page),
  },
];

export const LOCATION_COLUMNS: readonly Column<LocationReport>[] = [
  { key: 'name', label: 'Location', text: (l) => l.name },
  { key: 'scenes', label: 'Scenes', text: (l) => String(l.scenes), compare: byNumber((l) => l.scenes), numeric: true },
  { key: 'settings', label: 'INT/EXT', text: (l) => l.settings.join(', ') },
  { key: 'times', label: 'Time of day', text: (l) => l.times.join(', ') },
  {
    key: 'eighths',
    label: 'Length',
    text: (l) => formatEighths(l.eighths),
    compare: byNumber((l) => l.eighths),
    numeric: true,
  },
];

export const SCENE_COLUMNS: readonly Column<SceneReport>[] = [
  { key: 'number', label: '#', text: (s) => s.number, compare: (a, b) => compareSceneNumbers(a.number, b.number) },
  { key: 'heading', label: 'Heading', text: (s) => s.heading },
  { key: 'page', label: 'Page', text: (s) => String(s.page), compare: byNumber((s) => s.page), numeric: true },
  {
    key: 'eighths',
    label: 'Length',
    text: (s) => formatEighths(s.eighths),
    compare: byNumber((s) => s.eighths),
    numeric: true,
  },
  { key: 'characters', label: 'Speaking', text: (s) => s.characters.join(', ') },
];

export interface SortOrder {
  key: string;
  descending: boolean;
}

/** The Reports panel: the report of the script being edited, its sorting, and locking scene numbers. */
export class Reports {
  #document = $state.raw<FountainDocument>(parseFountain(''));
  #paper = $state<Paper>('letter');
  #tab = $state<ReportTab>('characters');
  #sort = $state<Record<ReportTab, SortOrder>>({
    characters: { key: 'speeches', descending: true },
    locations: { key: 'scenes', descending: true },
    scenes: { key: 'number', descending: false },
  });
  #report = $derived<ScriptReport>(scriptReport(this.#document, this.#paper));
  #locked = $derived(sceneNumbersLocked(this.#document));
  #numbered = $derived(this.#document.scenes.some((scene) => scene.sceneNumber !== undefined));

  get report(): ScriptReport {
    return this.#report;
  }
  get tab(): ReportTab {
    return this.#tab;
  }
  get paper(): Paper {
    return this.#paper;
  }
  /** Every heading carries a written number. */
  get locked(): boolean {
    return this.#locked;
  }
  /** Some heading carries a written number (there is something to unlock). */
  get numbered(): boolean {
    return this.#numbered;
  }
  get characters(): CharacterReport[] {
    return this.#sorted('characters', this.#report.characters, CHARACTER_COLUMNS);
  }
  get locations(): LocationReport[] {
    return this.#sorted('locations', this.#report.locations, LOCATION_COLUMNS);
  }
  get scenes(): SceneReport[] {
    return this.#sorted('scenes', this.#report.scenes, SCENE_COLUMNS);
  }

  sortOf(tab: ReportTab): SortOrder {
    return this.#sort[tab];
  }

  setDocument(document: FountainDocument): void {
    this.#document = document;
  }

  setPaper(paper: Paper): void {
    this.#paper = paper;
  }

  showTab(tab: ReportTab): void {
    this.#tab = tab;
  }

  /** Sorts a table by a column; the same column again reverses the order. */
  sortBy(tab: ReportTab, key: string): void {
    const current = this.#sort[tab];
    this.#sort[tab] = { key, descending: current.key === key ? !current.descending : false };
  }

  /** Writes `#n#` on every heading as one undo step; false when there was nothing to write. */
  lock(editor: ReportsEditor | undefined): boolean {
    const document = editor?.getDocument();
    return document !== undefined && this.#apply(editor, document, lockSceneNumbers(document));
  }

  /** Removes every heading's `#n#` as one undo step. */
  unlock(editor: ReportsEditor | undefined): boolean {
    const document = editor?.getDocument();
    return document !== undefined && this.#apply(editor, document, unlockSceneNumbers(document));
  }

  #apply(editor: ReportsEditor | undefined, document: FountainDocument, edits: TextEdit[]): boolean {
    const change = combineEdits(document.lines.map((line) => line.source).join('\n'), edits);
    if (!editor || !change) return false;
    const head = editor.getSelection()?.head ?? 0;
    // One replacement of the span from the first heading changed to the last: one transaction, one undo step.
    editor.setSelection(change.from, change.to);
    editor.insertAtCursor(change.insert);
    editor.setSelection(mapOffset(head, edits));
    return true;
  }

  #sorted<T>(tab: ReportTab, rows: readonly T[], columns: readonly Column<T>[]): T[] {
    const { key, descending } = this.#sort[tab];
    const column = columns.find((candidate) => candidate.key === key);
    if (!column) return [...rows];
    const compare = column.compare ?? ((a: T, b: T) => column.text(a).localeCompare(column.text(b)));
    // Ties keep script order, so a sort never shuffles rows that compare equal.
    return [...rows].sort((a, b) => (descending ? compare(b, a) : compare(a, b)));
  }
}
