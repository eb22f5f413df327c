import { findHiddenSpans, stripHidden } from './hidden-spans.ts';
import type { ClassifiedLine, HiddenSpan } from './types.ts';

import { CENTERED, PAGE_BREAK, PARENTHETICAL, SCENE_HEADING, SCENE_NUMBER, TITLE_KEY } from './patterns.ts';

/** What the rules for a line need to know about the lines above it. */
export interface LineContext {
  /** The previous content line was blank (or there was none). */
  afterBlank: boolean;
  /** We are inside a dialogue block (after a cue, before a blank line). */
  inDialogue: boolean;
}

/** The context at the top of a script (or after a blank line). */
export const START_CONTEXT: Readonly<LineContext> = { afterBlank: true, inDialogue: false };

/** A source line with its hidden spans cut out. */
interface StrippedLine {
  source: string;
  from: number;
  /** The line without notes and boneyard: what the element rules look at. */
  effective: string;
  /** Set when the line held only a note or boneyard. */
  transparent: HiddenSpan['kind'] | undefined;
}

/**
 * Classifies every line of a Fountain script (text with `\n` line breaks). Lines that hold only a note
 * or boneyard are transparent: they take no part in the blank-line rules around them.
 */
export function classifyFountain(text: string): { lines: ClassifiedLine[]; hidden: HiddenSpan[] } {
  const hidden = findHiddenSpans(text);
  const stripped = stripLines(text, hidden);
  const titleEnd = titlePageEnd(stripped);
  let context: LineContext = START_CONTEXT;
  const lines = stripped.map((line, index) => {
    let facts: LineFacts;
    if (index < titleEnd) facts = { type: 'title-page', text: line.effective.trim() };
    else if (line.transparent) facts = { type: line.transparent, text: '' };
    else {
      facts = classifyLine(line.effective, context, isNextBlank(stripped, index));
      context = contextAfter(context, facts.type);
    }
    return toLine(index, line, facts);
  });
  return { lines, hidden };
}

/** The lines the element rules see: notes and boneyard cut out, lines that held only those left out. */
export function contentLines(text: string): string[] {
  return stripLines(text, findHiddenSpans(text))
    .filter((line) => line.transparent === undefined)
    .map((line) => line.effective);
}

function stripLines(text: string, hidden: readonly HiddenSpan[]): StrippedLine[] {
  const lines: StrippedLine[] = [];
  let from = 0;
  let first = 0;
  for (const source of text.split('\n')) {
    const to = from + source.length;
    while (first < hidden.length && (hidden[first]?.to ?? 0) <= from) first++;
    let last = first;
    while (last < hidden.length && (hidden[last]?.from ?? to) < to) last++;
    const touching = hidden.slice(first, last);
    const effective = touching.length > 0 ? stripHidden(source, from, touching) : source;
    // A line that holds only hidden text takes no part in the script; so does a two-space line inside a note (the
    // spec's way to carry a note over an empty line). An empty line inside boneyard still separates what is around.
    const hiddenOnly = source.trim() !== '' || (source !== '' && touching.some((span) => span.kind === 'note'));
    const transparent = hiddenOnly && touching.length > 0 && effective.trim() === '' ? touching[0]?.kind : undefined;
    lines.push({ source, from, effective, transparent });
    from = to + 1;
  }
  return lines;
}

/** Index of the first line after the title page block (0 when the script has none). */
function titlePageEnd(lines: readonly StrippedLine[]): number {
  if (!startsTitlePage(lines[0]?.effective ?? '')) return 0;
  const blank = lines.findIndex((line) => line.effective.trim() === '');
  return blank === -1 ? lines.length : blank;
}

function isNextBlank(lines: readonly StrippedLine[], index: number): boolean {
  for (let next = index + 1; next < lines.length; next++) {
    const line = lines[next];
    if (!line || line.transparent) continue;
    return line.effective.trim() === '';
  }
  return true;
}

/** A script whose first line is `Key: value` with a known title-page key opens with a title page. */
export function startsTitlePage(firstLine: string): boolean {
  return TITLE_KEY.test(firstLine);
}

export type LineFacts = Omit<ClassifiedLine, 'index' | 'from' | 'to' | 'source'>;

// Built field by field: spreading objects of varying shape is several times slower in V8.
function toLine(index: number, { source, from }: StrippedLine, facts: LineFacts): ClassifiedLine {
  const line: ClassifiedLine = { index, from, to: from + source.length, type: facts.type, source, text: facts.text };
  if (facts.depth !== undefined) line.depth = facts.depth;
  if (facts.sceneNumber !== undefined) line.sceneNumber = facts.sceneNumber;
  if (facts.dual !== undefined) line.dual = facts.dual;
  if (facts.forced !== undefined) line.forced = facts.forced;
  return line;
}

const DIALOGUE_PARTS: ReadonlySet<string> = new Set(['dialogue', 'parenthetical', 'lyrics']);

/** The context for the line below a line of `type` (notes and boneyard lines never get here: they are transparent). */
export function contextAfter(context: Readonly<LineContext>, type: ClassifiedLine['type']): LineContext {
  return {
    afterBlank: type === 'blank',
    inDialogue: type === 'character' || (context.inDialogue && DIALOGUE_PARTS.has(type)),
  };
}

/**
 * The element one line is (notes and boneyard already cut out), from the lines above it (`context`) and whether
 * the next content line is blank: the rules of the Fountain spec, shared by the parser and the incremental
 * line machine.
 */
export function classifyLine(line: string, { afterBlank, inDialogue }: LineContext, nextBlank: boolean): LineFacts {
  const trimmed = line.trim();
  if (trimmed === '') {
    // Two spaces keep a dialogue block going across an intentionally empty line.
    return inDialogue && line.length >= 2 ? { type: 'dialogue', text: '' } : { type: 'blank', text: '' };
  }
  if (PAGE_BREAK.test(line)) return { type: 'page-break', text: '' };
  if (trimmed.startsWith('~')) return { type: 'lyrics', text: trimmed.slice(1).trim() };
  // Inside a speech every line is speech: `#1 fan.` is dialogue, not a section (the spec's blocks are paragraphs).
  if (inDialogue) {
    return PARENTHETICAL.test(line) ? { type: 'parenthetical', text: trimmed } : { type: 'dialogue', text: trimmed };
  }
  if (trimmed.startsWith('#')) {
    const depth = /^#+/.exec(trimmed)?.[0].length ?? 1;
    return { type: 'section', text: trimmed.slice(depth).trim(), depth };
  }
  if (trimmed.startsWith('=')) return { type: 'synopsis', text: trimmed.slice(1).trim() };
  if (CENTERED.test(line)) return { type: 'centered', text: trimmed.slice(1, -1).trim() };
  if (trimmed.startsWith('!')) return { type: 'action', text: line.trimEnd().replace('!', ''), forced: true };
  if (afterBlank) {
    const special = classifyAfterBlank(trimmed, nextBlank);
    if (special) return special;
  }
  return { type: 'action', text: line.trimEnd() };
}

function classifyAfterBlank(trimmed: string, nextBlank: boolean): LineFacts | undefined {
  if (trimmed.startsWith('@')) return { ...characterCue(trimmed.slice(1)), forced: true };
  if (trimmed.startsWith('>')) return { type: 'transition', text: trimmed.slice(1).trim(), forced: true };
  // Only a single period followed by a letter or digit forces a heading (the spec), not `...` or `. x`.
  const forcedHeading = /^\.[\p{L}\p{N}]/u.test(trimmed);
  if (forcedHeading) return { ...sceneHeading(trimmed.slice(1)), forced: true };
  if (nextBlank && SCENE_HEADING.test(trimmed)) return sceneHeading(trimmed);
  if (nextBlank && trimmed.endsWith('TO:') && !hasLowercase(trimmed)) return { type: 'transition', text: trimmed };
  if (!nextBlank && isCueName(trimmed)) return characterCue(trimmed);
  return undefined;
}

function sceneHeading(heading: string): LineFacts {
  const number = SCENE_NUMBER.exec(heading);
  if (!number) return { type: 'scene-heading', text: heading.trim() };
  return { type: 'scene-heading', text: heading.slice(0, number.index).trim(), sceneNumber: number[1] ?? '' };
}

function characterCue(cue: string): LineFacts {
  const dual = cue.trimEnd().endsWith('^');
  const text = (dual ? cue.trimEnd().slice(0, -1) : cue).trim();
  return dual ? { type: 'character', text, dual } : { type: 'character', text };
}

/** All caps once any `(extension)` and dual-dialogue `^` are set aside, with at least one letter. */
function isCueName(trimmed: string): boolean {
  const name = cueName(trimmed.replace(/\^\s*$/, ''));
  return /\p{Lu}/u.test(name) && !hasLowercase(name);
}

/** `MARA (V.O.)` -> `MARA`. */
export function cueName(cue: string): string {
  return cue
    .replace(/\(.*$/, '')
    .replace(/\^\s*$/, '')
    .trim();
}

function hasLowercase(text: string): boolean {
  return /\p{Ll}/u.test(text);
}
