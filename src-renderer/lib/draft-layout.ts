import type { CopyReport } from '../../src-main/contract/index.ts';
import { classifyFountain, cueName } from '../../src-main/fountain/classify.ts';
import { paginate, PAPERS } from '../../src-main/fountain/paginate.ts';
import type { ClassifiedLine, LineType } from '../../src-main/fountain/types.ts';
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
  /** Printed US Letter pages as the PDF's paginator lays the draft out, and screen time at a page a minute. */
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
  const printed: ClassifiedLine[] = [];
  for (const line of classifyFountain(context + draft).lines) {
    if (line.to < start || (line.to === start && line.from < start)) continue;
    const from = Math.max(line.from, start) - start;
    const to = line.to - start;
    printed.push(line);
    lines.push({
      type: line.type,
      segments: segmentsOf(draft, from, to, spans),
      newName: line.type === 'character' && !known.has(cueName(line.text)),
    });
  }
  const pages = printedPages(printed);
  return { lines, pages, seconds: Math.round(pages * 60) };
}

/** The paginator's measure: the pages it fills, the last one by the share of its rows used. */
function printedPages(lines: readonly ClassifiedLine[]): number {
  const { pages } = paginate({ lines, titlePage: [] });
  const last = pages.at(-1);
  return last === undefined ? 0 : pages.length - 1 + last.rows.length / PAPERS.letter.linesPerPage;
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
