import { countPages, PAPERS, type Paper } from './paginate.ts';
import type { ClassifiedLine, LineType } from './types.ts';

/** Printed lines on a US Letter page: 12pt Courier at 6 lines an inch, 1in top and 0.83in bottom margin. */
export const LINES_PER_PAGE = PAPERS.letter.linesPerPage;

/** Characters per printed line for each element (Courier 12pt is 10 characters an inch). */
export const ELEMENT_WIDTH_CHARS: Partial<Record<LineType, number>> = {
  'scene-heading': 60,
  action: 60,
  character: 38,
  dialogue: 35,
  parenthetical: 25,
  transition: 60,
  centered: 60,
  lyrics: 35,
};

export function isPrinted(type: LineType): boolean {
  return ELEMENT_WIDTH_CHARS[type] !== undefined;
}

/** Printed lines one classified line takes: a blank line is one, an element its wrapped height, others none. */
export function printedHeight(type: LineType, text: string): number {
  if (type === 'blank') return 1;
  const width = ELEMENT_WIDTH_CHARS[type];
  return width === undefined ? 0 : wrappedHeight(text, width);
}

/** How many printed lines a source line takes once word-wrapped to its element's width. */
export function wrappedHeight(text: string, width: number): number {
  let lines = 1;
  let column = 0;
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    const length = Math.min(word.length, width);
    if (column === 0) column = length;
    else if (column + 1 + length <= width) column += 1 + length;
    else {
      lines++;
      column = length;
    }
  }
  return lines;
}

/** Printed pages of the script's body, from the one paginator (title page excluded). */
export function estimatePages(lines: readonly ClassifiedLine[], paper: Paper = 'letter'): number {
  return countPages(lines, paper);
}
