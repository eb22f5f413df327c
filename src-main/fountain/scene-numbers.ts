import type { FountainDocument, Scene } from './types.ts';

/**
 * Scene numbers for print and export, and locking them into the script.
 *
 * A script with no `#n#` is numbered 1, 2, 3... Once any heading carries a number (after locking, or written by
 * hand), written numbers print as written and a scene without one takes the number of the scene before it plus a
 * letter, as Final Draft does: between 6 and 7 come 6A, 6B...; between 6A and 7 comes 6B; between 6A and 6B comes
 * 6AA; before 1 come A1, B1...; before a locked A1 comes AA1; between 6 and a locked 6A comes A6A (a prefix
 * letter means "just before"). Order: number, then suffix letters alphabetically (6 < 6A < 6AA < 6B), then prefix
 * letters, where a prefix comes before none and a longer one before the one it extends (AA1 < A1 < B1 < 1).
 * A hand-written number outside that form (`1.1`, `12-B`) is kept, and the scenes after it take it plus a letter.
 */

/** One text change, in document offsets (`to` exclusive) of the text with `\n` line breaks. */
export interface TextEdit {
  from: number;
  to: number;
  insert: string;
}

interface SceneNo {
  prefix: string;
  n: number;
  suffix: string;
}

const FORM = /^([A-Z]*)(\d+)([A-Z]*)$/;

function parseNumber(text: string): SceneNo | undefined {
  const match = FORM.exec(text.toUpperCase());
  if (!match) return undefined;
  return { prefix: match[1] ?? '', n: Number(match[2]), suffix: match[3] ?? '' };
}

const format = ({ prefix, n, suffix }: SceneNo): string => `${prefix}${n}${suffix}`;
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Negative when `a` comes before `b` in script order. */
export function compareSceneNumbers(a: string, b: string): number {
  const x = parseNumber(a);
  const y = parseNumber(b);
  if (!x || !y) return compareText(a, b);
  return x.n - y.n || compareText(x.suffix, y.suffix) || comparePrefix(x.prefix, y.prefix);
}

/** Prefix letters mean "just before": A1 < B1 < 1, and a longer prefix comes before the one it extends (AA1 < A1). */
function comparePrefix(a: string, b: string): number {
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const order = compareText(a[index] ?? '', b[index] ?? '');
    if (order !== 0) return order;
  }
  return b.length - a.length;
}

/** A, B, ... Z, ZA, ZB ...: each after the one before it alphabetically. */
function bump(letters: string): string {
  const last = letters.at(-1);
  if (last === undefined || last === 'Z') return `${letters}A`;
  return letters.slice(0, -1) + String.fromCharCode(last.charCodeAt(0) + 1);
}

function lettersFrom(start: string, count: number): string[] {
  const run = [start];
  while (run.length < count) run.push(bump(run.at(-1) ?? start));
  return run;
}

/** True when `run` is strictly increasing and lies strictly between `prev` and `next`. */
function fits(run: readonly SceneNo[], prev: SceneNo | undefined, next: SceneNo | undefined): boolean {
  const all = [...(prev ? [prev] : []), ...run, ...(next ? [next] : [])].map(format);
  return all.every((number, index) => index === 0 || compareSceneNumbers(all[index - 1] ?? '', number) < 0);
}

/** `count` numbers strictly between `prev` and `next` (either may be missing), in order; undefined if none fit. */
function between(prev: SceneNo | undefined, next: SceneNo | undefined, count: number): SceneNo[] | undefined {
  const runs: SceneNo[][] = [];
  const on = (base: SceneNo, field: 'prefix' | 'suffix', start: string): SceneNo[] =>
    lettersFrom(start, count).map((letters) => ({ ...base, [field]: letters }));
  if (prev && prev.prefix === '')
    runs.push(on(prev, 'suffix', bump(prev.suffix)), on(prev, 'suffix', `${prev.suffix}A`));
  if (prev && prev.prefix !== '') runs.push(on(prev, 'prefix', bump(prev.prefix)));
  if (next) runs.push(on(next, 'prefix', `${next.prefix}A`));
  return runs.find((run) => fits(run, prev, next));
}

/** The numbers of `count` unnumbered scenes after `prev` and before `next`, as written numbers. */
function fill(prev: string | undefined, next: string | undefined, count: number): string[] {
  const low = prev === undefined ? undefined : parseNumber(prev);
  const high = next === undefined ? undefined : parseNumber(next);
  const run = (prev === undefined || low) && between(low, high, count);
  if (run) return run.map(format);
  // No ordered number exists here (a hand-written number out of order or outside the form): stay unique.
  return lettersFrom('A', count).map((letters) => `${prev ?? next ?? ''}${letters}`);
}

/** The number each scene prints with, in script order (see the module comment for the rules). */
export function sceneNumbers(scenes: readonly Pick<Scene, 'sceneNumber'>[]): string[] {
  if (scenes.every((scene) => scene.sceneNumber === undefined)) return scenes.map((_, index) => String(index + 1));
  const numbers: string[] = [];
  let prev: string | undefined;
  let gap = 0;
  const close = (next: string | undefined): void => {
    if (gap > 0) numbers.push(...fill(prev, next, gap));
    gap = 0;
  };
  for (const scene of scenes) {
    if (scene.sceneNumber === undefined) {
      gap++;
      continue;
    }
    close(scene.sceneNumber);
    numbers.push(scene.sceneNumber);
    prev = scene.sceneNumber;
  }
  close(undefined);
  return numbers;
}

/** True when every scene heading carries a written `#n#`. */
export function sceneNumbersLocked(document: Pick<FountainDocument, 'scenes'>): boolean {
  return document.scenes.length > 0 && document.scenes.every((scene) => scene.sceneNumber !== undefined);
}

/** Edits that write each heading's number (`sceneNumbers`) as `#n#`: numbers already written stay as they are. */
export function lockSceneNumbers(document: Pick<FountainDocument, 'scenes' | 'lines' | 'hidden'>): TextEdit[] {
  const numbers = sceneNumbers(document.scenes);
  const edits: TextEdit[] = [];
  document.scenes.forEach((scene, index) => {
    const line = document.lines[scene.line];
    if (scene.sceneNumber !== undefined || !line) return;
    // Before a note or boneyard that runs past the line's end, so the number stays outside it.
    const open = document.hidden.find((span) => span.from < line.to && span.to > line.to);
    const end = open ? open.from : line.to;
    const at = line.from + line.source.slice(0, end - line.from).trimEnd().length;
    edits.push({ from: at, to: at, insert: ` #${numbers[index] ?? String(index + 1)}#` });
  });
  return edits;
}

/** Edits that remove every heading's `#n#`, written by hand or by locking. */
export function unlockSceneNumbers(document: Pick<FountainDocument, 'scenes' | 'lines'>): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const scene of document.scenes) {
    const line = document.lines[scene.line];
    if (scene.sceneNumber === undefined || !line) continue;
    const mark = `#${scene.sceneNumber}#`;
    const end = line.source.lastIndexOf(mark);
    if (end === -1) continue;
    const start = line.source.slice(0, end).trimEnd().length;
    edits.push({ from: line.from + start, to: line.from + end + mark.length, insert: '' });
  }
  return edits;
}

/** Applies non-overlapping edits (any order) to `text`. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.from - a.from)) {
    result = result.slice(0, edit.from) + edit.insert + result.slice(edit.to);
  }
  return result;
}

/** The edits as one change from the first edit's start to the last one's end: one editor transaction. */
export function combineEdits(text: string, edits: readonly TextEdit[]): TextEdit | undefined {
  if (edits.length === 0) return undefined;
  const from = Math.min(...edits.map((edit) => edit.from));
  const to = Math.max(...edits.map((edit) => edit.to));
  const shifted = edits.map((edit) => ({ ...edit, from: edit.from - from, to: edit.to - from }));
  return { from, to, insert: applyEdits(text.slice(from, to), shifted) };
}

/** Where `offset` lands once `edits` are applied (an offset inside a replaced span moves to its end). */
export function mapOffset(offset: number, edits: readonly TextEdit[]): number {
  let mapped = offset;
  for (const edit of edits) {
    if (edit.to <= offset) mapped += edit.insert.length - (edit.to - edit.from);
    else if (edit.from < offset) mapped += edit.from + edit.insert.length - offset;
  }
  return mapped;
}
