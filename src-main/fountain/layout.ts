import type { ClassifiedLine, LineType } from './types.ts';

/** Printed lines on a US Letter page: 12pt Courier at 6 lines an inch, 1in top and 0.83in bottom margin. */
export const LINES_PER_PAGE = 55;

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

/** Elements that continue a dialogue block and so print without a blank line above them. */
const DIALOGUE_PARTS: ReadonlySet<LineType> = new Set(['dialogue', 'parenthetical', 'lyrics']);

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

/**
 * Counts printed pages the way the print stylesheet lays them out: one blank line between elements,
 * none inside an action paragraph or a dialogue block, `===` forcing a new page, the title page excluded.
 */
export function estimatePages(lines: readonly ClassifiedLine[], linesPerPage = LINES_PER_PAGE): number {
  let pages = 0;
  let used = 0;
  let previous: ClassifiedLine | undefined;
  let blankSincePrevious = false;
  for (const line of lines) {
    if (line.type === 'page-break') {
      if (used > 0) used = linesPerPage;
      previous = undefined;
      continue;
    }
    if (line.type === 'blank') blankSincePrevious = true;
    const width = ELEMENT_WIDTH_CHARS[line.type];
    if (width === undefined) continue;
    const joinsPrevious = previous !== undefined && !blankSincePrevious;
    const gap =
      used === 0 || (joinsPrevious && (DIALOGUE_PARTS.has(line.type) || line.type === previous?.type)) ? 0 : 1;
    let height = wrappedHeight(line.text, width);
    if (pages === 0 || used + gap + 1 > linesPerPage) {
      pages++;
      used = 0;
    } else {
      used += gap;
    }
    while (used + height > linesPerPage) {
      height -= linesPerPage - used;
      pages++;
      used = 0;
    }
    used += height;
    previous = line;
    blankSincePrevious = false;
  }
  return pages;
}
