import type { CopyReport } from '../../src-main/contract/index.ts';
import { classifyFountain, cueName } from '../../src-main/fountain/classify.ts';
import { LINES_PER_PAGE, printedHeight } from '../../src-main/fountain/layout.ts';
import type { LineType } from '../../src-main/fountain/types.ts';
import { describePages } from './draft-modes.ts';

/** A piece of a draft line: verbatim from the corpora (`copied`) or not. */
export interface DraftSegment {
  text: string;
  copied: boolean;
}

export interface DraftLine {
  type: LineType;
  segments: DraftSegment[];
  /** A cue whose name is not in the cast (possible with the cast lock off). */
  newName: boolean;
}

export interface DraftLayout {
  lines: DraftLine[];
  /** Printed pages (about 55 lines a page) and screen time at a page a minute. */
  pages: number;
  seconds: number;
}

/** Lines of the prime read with the draft: enough to know what the draft's first lines are. */
const CONTEXT_CHARS = 400;

/**
 * A draft laid out as the editor shows a script: each line with the element it is after the text before it,
 * split where it repeats the corpora verbatim, with cues outside the cast flagged.
 */
export function layoutDraft(
  prime: string,
  draft: string,
  cast: readonly string[],
  copies: CopyReport | null = null,
): DraftLayout {
  const context = prime.slice(-CONTEXT_CHARS);
  const start = context.length;
  const spans = copies?.spans ?? [];
  const known = new Set(cast);
  const lines: DraftLine[] = [];
  let printed = 0;
  for (const line of classifyFountain(context + draft).lines) {
    if (line.to < start || (line.to === start && line.from < start)) continue;
    const from = Math.max(line.from, start) - start;
    const to = line.to - start;
    printed += printedHeight(line.type, line.text);
    lines.push({
      type: line.type,
      segments: segmentsOf(draft, from, to, spans),
      newName: line.type === 'character' && !known.has(cueName(line.text)),
    });
  }
  const pages = printed / LINES_PER_PAGE;
  return { lines, pages, seconds: Math.round(pages * 60) };
}

function segmentsOf(draft: string, from: number, to: number, spans: CopyReport['spans']): DraftSegment[] {
  const segments: DraftSegment[] = [];
  let at = from;
  for (const span of spans) {
    if (span.to <= at || span.from >= to) continue;
    if (span.from > at) segments.push({ text: draft.slice(at, span.from), copied: false });
    const end = Math.min(span.to, to);
    segments.push({ text: draft.slice(Math.max(at, span.from), end), copied: true });
    at = end;
  }
  if (at < to || segments.length === 0) segments.push({ text: draft.slice(at, to), copied: false });
  return segments;
}

/** `0.25` pages -> `1/4 page · 15 s`; `2.1` -> `2.1 pages · 2 min 6 s`. */
export function describeLength({ pages, seconds }: Pick<DraftLayout, 'pages' | 'seconds'>): string {
  const pageText = pages < 1 ? describePages(Math.max(1, Math.round(pages * 8)) / 8) : `${pages.toFixed(1)} pages`;
  const minutes = Math.floor(seconds / 60);
  const time = minutes === 0 ? `${seconds} s` : `${minutes} min${seconds % 60 === 0 ? '' : ` ${seconds % 60} s`}`;
  return `${pageText} · ${time}`;
}
