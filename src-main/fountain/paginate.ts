import { sliceRuns, styledRuns, type StyledRun } from './emphasis.ts';
import { cueName } from './classify.ts';
import type { ClassifiedLine, TitleField } from './types.ts';

export type Paper = 'letter' | 'a4';

export interface PaperSize {
  widthIn: number;
  heightIn: number;
  /** Printed lines from the 1in top margin down (afterwriting and Final Draft: 55 on Letter, 57 on A4). */
  linesPerPage: number;
}

export const PAPERS: Readonly<Record<Paper, PaperSize>> = {
  letter: { widthIn: 8.5, heightIn: 11, linesPerPage: 55 },
  a4: { widthIn: 8.27, heightIn: 11.69, linesPerPage: 57 },
};

/** Courier 12 pt: 10 characters an inch, 6 lines an inch; the text column starts 1.5in from the paper's edge. */
export const PAGE_METRICS = { charWidthIn: 0.1, lineHeightIn: 1 / 6, leftIn: 1.5, topIn: 1, columnChars: 60 };

export type CellKind =
  | 'scene-heading'
  | 'action'
  | 'character'
  | 'parenthetical'
  | 'dialogue'
  | 'lyrics'
  | 'transition'
  | 'centered'
  | 'more'
  | 'title';

/** One laid-out line of one element: its runs fit `width` characters starting `indent` characters from the column. */
export interface Cell {
  kind: CellKind;
  text: string;
  runs: StyledRun[];
  indent: number;
  width: number;
  align: 'left' | 'center' | 'right';
  /** Printed beside a scene heading, left and right. */
  sceneNumber?: string;
  /** 0-based source line the cell came from (none for (MORE) and title-page cells). */
  line?: number;
}

/** A printed line: no cell is a blank line, two cells are the columns of dual dialogue. */
export type Row = readonly Cell[];

export interface Page {
  /** 1-based, the title page not counted. */
  number: number;
  /** What prints top right: nothing on page 1, `2.` from page 2. */
  label: string | undefined;
  rows: Row[];
}

export interface Pagination {
  paper: Paper;
  /** The title page's rows, when the script has one; it is not counted among `pages`. */
  titlePage: Row[] | undefined;
  pages: Page[];
}

export interface PaginateOptions {
  paper?: Paper;
  /** Number every scene (a heading's own `#n#` prints either way). */
  sceneNumbers?: boolean;
  /** `NAME (CONT'D)` when the same character speaks again after only action in a scene. */
  contdAfterAction?: boolean;
}

export const MORE = '(MORE)';
export const CONTD = "(CONT'D)";

interface Geometry {
  indent: number;
  width: number;
  align: Cell['align'];
}

const at = (indent: number, width: number, align: Cell['align'] = 'left'): Geometry => ({ indent, width, align });

/** Indents in characters from the 1.5in margin as Final Draft (cue 3.7in, parenthetical 3.1in, dialogue 2.5in); widths as afterwriting. */
const GEOMETRY: Record<CellKind, Geometry> = {
  'scene-heading': at(0, 60),
  action: at(0, 60),
  character: at(22, 38),
  parenthetical: at(16, 25),
  dialogue: at(10, 36),
  lyrics: at(10, 36),
  transition: at(0, 60, 'right'),
  centered: at(0, 60, 'center'),
  more: at(22, 38),
  title: at(0, 60, 'center'),
};

/** Dual dialogue: two 29-character columns, the right one from 3.1in past the margin. */
const DUAL_COLUMN_OFFSET = [0, 31] as const;
const DUAL_GEOMETRY: Partial<Record<CellKind, Geometry>> = {
  character: at(9, 20),
  parenthetical: at(5, 21),
  dialogue: at(1, 27),
  lyrics: at(1, 27),
  more: at(9, 20),
};

type PartKind = 'action' | 'dialogue' | 'parenthetical' | 'lyrics';

/** A paragraph of a flowing element: one source line of action, or one line of a speech. */
interface Part {
  kind: PartKind;
  runs: StyledRun[];
  line: number;
}

interface SpeechBlock {
  kind: 'speech';
  cue: Cell;
  parts: Part[];
  rows: Row[];
}

/** Action and speeches flow across a page; the other elements are fixed rows. */
type Block =
  | { kind: 'fixed'; rows: Row[]; keepWithNext: boolean }
  | { kind: 'action'; parts: Part[]; rows: Row[] }
  | SpeechBlock
  | { kind: 'dual'; left: SpeechBlock; right: SpeechBlock; rows: Row[] }
  | { kind: 'page-break'; rows: Row[] };

/** Lays a script out on pages: the one page count, PDF and page markers of the app. */
export function paginate(
  document: { lines: readonly ClassifiedLine[]; titlePage: readonly TitleField[] },
  options: PaginateOptions = {},
): Pagination {
  const paper = options.paper ?? 'letter';
  const { linesPerPage } = PAPERS[paper];
  const pages = fillPages(blocksOf(document.lines, options), linesPerPage).map((rows, index) => ({
    number: index + 1,
    label: index === 0 ? undefined : `${index + 1}.`,
    rows,
  }));
  const titlePage = document.titlePage.length > 0 ? titlePageRows(document.titlePage, linesPerPage) : undefined;
  return { paper, titlePage, pages };
}

/** Pages the script's body prints on (title page excluded). */
export function countPages(lines: readonly ClassifiedLine[], paper: Paper = 'letter'): number {
  return paginate({ lines, titlePage: [] }, { paper }).pages.length;
}

const joined = (runs: readonly StyledRun[]): string => runs.map((run) => run.text).join('');

/**
 * Greedy word wrap as afterwriting does: break at the last space that fits, or cut a word longer than the line.
 * Linear in the text (the search for a space never looks behind the line's start); with `maxLines`, stops there.
 */
export function wrapOffsets(text: string, width: number, maxLines = Infinity): [number, number][] {
  const lines: [number, number][] = [];
  let start = 0;
  while (text.length - start > width && lines.length < maxLines) {
    let space = start + width;
    while (space > start && text.charCodeAt(space) !== 32) space--;
    if (space > start) {
      lines.push([start, space]);
      start = space + 1;
    } else {
      lines.push([start, start + width]);
      start += width;
    }
  }
  if (lines.length < maxLines) lines.push([start, text.length]);
  return lines;
}

function cellRows(kind: CellKind, runs: readonly StyledRun[], geometry: Geometry, line?: number): Row[] {
  const text = joined(runs);
  return wrapOffsets(text, geometry.width).map(([from, to]) => {
    const cellRuns = sliceRuns(runs, from, to);
    const cell = makeCell(kind, text.slice(from, to), cellRuns, geometry);
    if (line !== undefined) cell.line = line;
    return [cell];
  });
}

// Built field by field: spreading objects is several times slower in V8, and a script has thousands of cells.
function makeCell(kind: CellKind, text: string, runs: StyledRun[], { indent, width, align }: Geometry): Cell {
  return { kind, text, runs, indent, width, align };
}

function textCell(kind: CellKind, text: string, geometry: Geometry = GEOMETRY[kind]): Cell {
  return makeCell(kind, text, styledRuns(text), geometry);
}

function partRows(parts: readonly Part[], dual = false): Row[] {
  return parts.flatMap((part) => cellRows(part.kind, part.runs, geometryOf(part.kind, dual), part.line));
}

function geometryOf(kind: CellKind, dual: boolean): Geometry {
  return (dual ? DUAL_GEOMETRY[kind] : undefined) ?? GEOMETRY[kind];
}

function speechRows(cue: Cell, parts: readonly Part[]): Row[] {
  return [[cue], ...partRows(parts)];
}

interface BlockState {
  blocks: Block[];
  /** The action paragraph or speech that the next line may continue; a blank line closes it. */
  open: Block | undefined;
  sceneCount: number;
  /** Who spoke last in this scene, for (CONT'D) after action. */
  lastSpeaker: string | undefined;
}

function blocksOf(lines: readonly ClassifiedLine[], options: PaginateOptions): Block[] {
  const state: BlockState = { blocks: [], open: undefined, sceneCount: 0, lastSpeaker: undefined };
  for (const line of lines) addLine(state, line, options);
  return state.blocks.map((block) => withRows(block));
}

function withRows(block: Block): Block {
  if (block.kind === 'action') return { ...block, rows: partRows(block.parts) };
  if (block.kind === 'speech') return { ...block, rows: speechRows(block.cue, block.parts) };
  if (block.kind === 'dual') return { ...block, rows: dualRows(block.left, block.right) };
  return block;
}

function addLine(state: BlockState, line: ClassifiedLine, options: PaginateOptions): void {
  const runs = (): StyledRun[] => styledRuns(line.text);
  switch (line.type) {
    case 'blank':
      state.open = undefined;
      return;
    case 'scene-heading':
      state.sceneCount++;
      state.lastSpeaker = undefined;
      return pushFixed(state, [[headingCell(line, state.sceneCount, options)]], true);
    case 'action':
      return addAction(state, { kind: 'action', runs: runs(), line: line.index });
    case 'character':
      return addCue(state, line, options);
    case 'dialogue':
    case 'parenthetical':
    case 'lyrics':
      if (state.open?.kind === 'speech') {
        state.open.parts.push({ kind: line.type, runs: runs(), line: line.index });
        return;
      }
      return pushFixed(state, cellRows(line.type, runs(), GEOMETRY[line.type], line.index), false);
    case 'transition':
    case 'centered':
      if (line.type === 'transition') state.lastSpeaker = undefined;
      return pushFixed(state, cellRows(line.type, runs(), GEOMETRY[line.type], line.index), false);
    case 'page-break':
      state.blocks.push({ kind: 'page-break', rows: [] });
      state.open = undefined;
      return;
    default:
      return;
  }
}

function headingCell(line: ClassifiedLine, sceneCount: number, options: PaginateOptions): Cell {
  const cell = textCell('scene-heading', line.text);
  cell.line = line.index;
  const number = line.sceneNumber ?? (options.sceneNumbers ? String(sceneCount) : undefined);
  if (number !== undefined) cell.sceneNumber = number;
  return cell;
}

/** Consecutive lines of one fixed kind (centered lines, a lyric outside a speech) stay one block. */
function pushFixed(state: BlockState, rows: Row[], keepWithNext: boolean): void {
  const open = state.open;
  if (open?.kind === 'fixed' && !keepWithNext && !open.keepWithNext && open.rows[0]?.[0]?.kind === rows[0]?.[0]?.kind) {
    open.rows.push(...rows);
    return;
  }
  const block: Block = { kind: 'fixed', rows, keepWithNext };
  state.blocks.push(block);
  state.open = block;
}

function addAction(state: BlockState, part: Part): void {
  if (state.open?.kind === 'action') {
    state.open.parts.push(part);
    return;
  }
  const block: Block = { kind: 'action', parts: [part], rows: [] };
  state.blocks.push(block);
  state.open = block;
}

function addCue(state: BlockState, line: ClassifiedLine, options: PaginateOptions): void {
  const speaker = cueName(line.text);
  const previous = state.blocks.at(-1);
  const repeat = options.contdAfterAction === true && speaker === state.lastSpeaker && previous?.kind === 'action';
  const cue: Cell = { ...textCell('character', repeat ? withContd(line.text) : line.text), line: line.index };
  const speech: SpeechBlock = { kind: 'speech', cue, parts: [], rows: [] };
  if (line.dual && previous?.kind === 'speech') state.blocks[state.blocks.length - 1] = dualOf(previous, speech);
  else state.blocks.push(speech);
  state.open = speech;
  state.lastSpeaker = speaker;
}

function withContd(cue: string): string {
  return cue.includes(CONTD) ? cue : `${cue} ${CONTD}`;
}

function dualOf(left: SpeechBlock, right: SpeechBlock): Block {
  return { kind: 'dual', left, right, rows: [] };
}

/** The two speeches side by side, each in its own column. */
function dualRows(left: SpeechBlock, right: SpeechBlock): Row[] {
  const columns = [left, right].map((speech, column) => {
    const offset = DUAL_COLUMN_OFFSET[column] ?? 0;
    const cue = { ...speech.cue, ...geometryOf('character', true) };
    return [[cue], ...partRows(speech.parts, true)].map((row) =>
      row.map((cell) => ({ ...cell, indent: cell.indent + offset })),
    );
  });
  const [leftRows = [], rightRows = []] = columns;
  return Array.from({ length: Math.max(leftRows.length, rightRows.length) }, (_, index) => [
    ...(leftRows[index] ?? []),
    ...(rightRows[index] ?? []),
  ]);
}

interface Split {
  head: Row[];
  tail: Block;
}

/** Fills pages with one blank line between blocks, breaking a block only where `splitBlock` allows. */
function fillPages(blocks: readonly Block[], linesPerPage: number): Row[][] {
  const pages: Row[][] = [];
  let page: Row[] = [];
  const flush = (): void => {
    pages.push(page);
    page = [];
  };
  blocks.forEach((first, index) => {
    if (first.kind === 'page-break') {
      if (page.length > 0) flush();
      return;
    }
    let block: Block | undefined = first;
    while (block) {
      const gap = page.length > 0 ? 1 : 0;
      const space = linesPerPage - page.length - gap;
      const place = (rows: Row[]): void => {
        if (gap) page.push([]);
        page.push(...rows);
      };
      if (block.rows.length <= space && (page.length === 0 || keepsNext(block, blocks[index + 1], space))) {
        place(block.rows);
        block = undefined;
        continue;
      }
      const split = bestSplit(block, space, page.length === 0);
      if (split) {
        place(split.head);
        block = split.tail;
      } else if (page.length === 0) {
        // A block taller than a page with no rows to spare: cut at the foot.
        place(block.rows.slice(0, linesPerPage));
        block = { kind: 'fixed', rows: block.rows.slice(linesPerPage), keepWithNext: false };
        if (block.rows.length === 0) block = undefined;
      }
      flush();
    }
  });
  if (page.length > 0) flush();
  return pages;
}

/** A break by the rules; a block alone on its page that has none breaks after any line rather than not at all. */
function bestSplit(block: Block, space: number, alone: boolean): Split | undefined {
  if (space < 2) return undefined;
  return splitBlock(block, space, false) ?? (alone ? splitBlock(block, space, true) : undefined);
}

/** A scene heading stays on a page only with the start of what follows it. */
function keepsNext(block: Block, next: Block | undefined, space: number): boolean {
  if (block.kind !== 'fixed' || !block.keepWithNext || !next || next.kind === 'page-break') return true;
  const left = space - block.rows.length - 1;
  return next.rows.length <= left || (left > 1 && splitBlock(next, left, false) !== undefined);
}

/**
 * The most of `block` that fits `space` rows while keeping the rules: speeches break after a sentence with
 * (MORE) and CUE (CONT'D), never after a parenthetical; action keeps two lines either side. `forced` (the block
 * is alone on its page) allows a break after any wrapped line.
 */
function splitBlock(block: Block, space: number, forced: boolean): Split | undefined {
  if (block.kind === 'speech') return splitSpeech(block, space, forced);
  if (block.kind === 'action') return splitAction(block, space, forced);
  if (!forced || block.rows.length <= space) return undefined;
  return { head: block.rows.slice(0, space), tail: { ...block, rows: block.rows.slice(space) } };
}

function splitSpeech(block: SpeechBlock, space: number, forced: boolean): Split | undefined {
  const cut = lastCut(block.parts, forced, space, (head, tail) => head + 2 <= space && tail > 0);
  if (!cut) return undefined;
  const more: Row = [{ ...textCell('more', MORE) }];
  const cue: Cell = { ...block.cue, text: withContd(block.cue.text), runs: styledRuns(withContd(block.cue.text)) };
  return {
    head: [[block.cue], ...partRows(cut.head), more],
    tail: { kind: 'speech', cue, parts: cut.tail, rows: speechRows(cue, cut.tail) },
  };
}

function splitAction(block: Block & { kind: 'action' }, space: number, forced: boolean): Split | undefined {
  const least = forced ? 1 : 2;
  // Action may break after any wrapped line, as in afterwriting and Final Draft, keeping two lines either side.
  const cut = lastCut(block.parts, true, space, (head, tail) => head <= space && head >= least && tail >= least);
  if (!cut) return undefined;
  return { head: partRows(cut.head), tail: { kind: 'action', parts: cut.tail, rows: partRows(cut.tail) } };
}

interface Cut {
  head: Part[];
  tail: Part[];
}

/**
 * The latest place to break `parts` (after a sentence, or after any wrapped line when `forced`) that `fits`, with
 * at most `maxHead` rows before it. Rows before a break only grow with its offset, so the search stops past
 * `maxHead`, and the rows after one are counted only up to TAIL_ROWS_COUNTED (what `fits` compares them with):
 * a long paragraph costs a page's worth of wrapping per break, not its whole length.
 */
function lastCut(
  parts: readonly Part[],
  forced: boolean,
  maxHead: number,
  fits: (headRows: number, tailRows: number) => boolean,
): Cut | undefined {
  const heights = parts.map((part) => wrapOffsets(joined(part.runs), GEOMETRY[part.kind].width).length);
  const total = heights.reduce((sum, height) => sum + height, 0);
  let best: { index: number; offset: number } | undefined;
  let above = 0;
  for (const [index, part] of parts.entries()) {
    if (above > maxHead) break;
    const height = heights[index] ?? 0;
    const below = total - above - height;
    if (part.kind !== 'parenthetical') {
      const text = joined(part.runs);
      const width = GEOMETRY[part.kind].width;
      for (const offset of breakOffsets(part, forced)) {
        const head = above + wrapOffsets(text.slice(0, offset).trimEnd(), width, maxHead + 1).length;
        if (head > maxHead) break;
        const rest = text.slice(offset).trim();
        const tail = below + (rest === '' ? 0 : wrapOffsets(rest, width, TAIL_ROWS_COUNTED).length);
        if (tail > 0 && fits(head, tail)) best = { index, offset };
      }
    }
    above += height;
  }
  return best && cutAt(parts, best.index, best.offset);
}

/** `fits` tells two rows after a break from more (at least two must follow an action break). */
const TAIL_ROWS_COUNTED = 3;

function cutAt(parts: readonly Part[], index: number, offset: number): Cut {
  const part = parts[index];
  if (!part) return { head: [...parts], tail: [] };
  const length = joined(part.runs).length;
  const head = [...parts.slice(0, index)];
  const tail = parts.slice(index + 1);
  if (offset >= length) return { head: [...head, part], tail };
  return {
    head: [...head, { ...part, runs: trimRuns(sliceRuns(part.runs, 0, offset)) }],
    tail: [{ ...part, runs: trimRuns(sliceRuns(part.runs, offset, length)) }, ...tail],
  };
}

function trimRuns(runs: StyledRun[]): StyledRun[] {
  const text = joined(runs);
  const start = text.length - text.trimStart().length;
  const end = text.trimEnd().length;
  return sliceRuns(runs, start, end);
}

const ABBREVIATION = /\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Mt|vs|etc|No)\.$/;

/** Where a paragraph may break, in increasing order: after each sentence (or wrapped line) and at its end. */
function breakOffsets(part: Part, forced: boolean): number[] {
  const text = joined(part.runs);
  const offsets: number[] = [];
  if (forced) {
    const width = GEOMETRY[part.kind].width;
    for (const [, to] of wrapOffsets(text, width).slice(0, -1)) offsets.push(to);
  } else if (part.kind !== 'lyrics') {
    for (const match of text.matchAll(/[.!?…]+["'”’)\]]*(?=\s+[^\s\p{Ll}])/gu)) {
      const end = match.index + match[0].length;
      if (!ABBREVIATION.test(text.slice(0, end))) offsets.push(end);
    }
  }
  offsets.push(text.length);
  return offsets;
}

const CENTRED_KEYS = ['title', 'credit', 'author', 'authors', 'source'];
const LEFT_KEYS = ['contact', 'contact info', 'copyright', 'notes'];
const RIGHT_KEYS = ['draft date', 'date', 'revision'];
/** The title begins a third of the way down the page (3.5in from the paper's top edge, as afterwriting). */
const TITLE_TOP_ROW = 15;

function titlePageRows(fields: readonly TitleField[], linesPerPage: number): Row[] {
  const rows: Row[] = Array.from({ length: linesPerPage }, () => []);
  const block = (keys: readonly string[], geometry: Geometry): Cell[][] =>
    fields
      .filter((field) => keys.includes(field.key))
      .flatMap((field, index) => [
        ...(index > 0 ? [[]] : []),
        ...field.lines.flatMap((text) => cellRows('title', styledRuns(text), geometry).map((row) => [...row])),
      ]);
  block(CENTRED_KEYS, GEOMETRY.title).forEach((row, index) => {
    rows[TITLE_TOP_ROW + index] = row;
  });
  const sides = [block(LEFT_KEYS, at(0, 30)), block(RIGHT_KEYS, at(30, 30, 'right'))];
  for (const side of sides) {
    side.forEach((row, index) => {
      const target = linesPerPage - side.length + index;
      rows[target] = [...(rows[target] ?? []), ...row];
    });
  }
  return rows;
}
