import { LINES_PER_PAGE } from '../../../src-main/fountain/layout.ts';

export type Paper = 'letter' | 'a4';

interface PaperGeometry {
  size: string;
  widthIn: number;
  heightIn: number;
  linesPerPage: number;
}

const PAPER: Record<Paper, PaperGeometry> = {
  letter: { size: '8.5in 11in', widthIn: 8.5, heightIn: 11, linesPerPage: LINES_PER_PAGE },
  a4: { size: '210mm 297mm', widthIn: 8.2677, heightIn: 11.6929, linesPerPage: 58 },
};

// Both papers keep the text column at 1.5in-7.5in (60 Courier characters), so a script wraps the same
// on either; the page box reaches 0.75in beyond the column because Chromium clips what overflows it.
const TEXT_LEFT_IN = 1.5;
const TEXT_WIDTH_IN = 6;
const GUTTER_IN = 0.75;
const TOP_IN = 1;

const FONT = `"Courier Prime", "Courier Final Draft", "Courier New", Courier, "Liberation Mono", "Nimbus Mono PS", monospace`;

/**
 * The screenplay print stylesheet: Courier 12pt at 6 lines an inch, element indents measured from the
 * page's left edge as in the usual spec (dialogue 2.5in, parenthetical 3.1in, cue 3.7in), page numbers
 * top right from the first script page, none on the title page.
 */
export function printStylesheet(paper: Paper): string {
  const { size, widthIn, heightIn, linesPerPage } = PAPER[paper];
  const inches = (value: number): string => `${value.toFixed(4)}in`;
  const left = inches(TEXT_LEFT_IN - GUTTER_IN);
  const right = inches(widthIn - TEXT_LEFT_IN - TEXT_WIDTH_IN - GUTTER_IN);
  const bottom = inches(heightIn - TOP_IN - linesPerPage / 6);
  // A point short of the page box, so rounding can never push the title page onto two pages.
  const contentHeight = `${linesPerPage * 12 - 1}pt`;
  return `
@page {
  size: ${size};
  margin: ${inches(TOP_IN)} ${right} ${bottom} ${left};
  @top-right {
    content: counter(page) ".";
    font: 12pt/12pt ${FONT};
    vertical-align: middle;
    padding-right: ${inches(GUTTER_IN)};
  }
}
@page title {
  counter-increment: page 0;
  @top-right { content: none; }
}
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; background: #fff; color: #000; }
body {
  font: 12pt/12pt ${FONT};
  font-variant-ligatures: none;
  -webkit-print-color-adjust: exact;
}
@media screen {
  body { width: ${inches(TEXT_WIDTH_IN + 2 * GUTTER_IN)}; margin: 1in auto; }
}
.title-page, .script { margin-left: ${inches(GUTTER_IN)}; width: ${inches(TEXT_WIDTH_IN)}; }
.title-page {
  page: title;
  height: ${contentHeight};
  display: flex;
  flex-direction: column;
  break-after: page;
}
.title-page .title-block { margin-top: 3in; text-align: center; }
.title-page .title-block p { margin: 0 0 12pt; white-space: pre-wrap; }
.title-page .title { text-transform: uppercase; text-decoration: underline; }
.title-page .contact-block { margin-top: auto; display: flex; justify-content: space-between; }
.title-page .contact-block p { margin: 0; white-space: pre-wrap; }
.title-page .notes { margin-top: 24pt; }
.script > * { margin: 12pt 0 0; white-space: pre-wrap; overflow-wrap: break-word; }
.script > :first-child, .script > .page-break + * { margin-top: 0; }
.scene-heading { font: inherit; text-transform: uppercase; break-after: avoid; }
.scene-heading { position: relative; }
.scene-number { position: absolute; top: 0; }
.scene-number.left { right: calc(100% + 0.5in); }
.scene-number.right { left: calc(100% + 0.25in); }
.action { width: 6in; orphans: 2; widows: 2; }
.dialogue-block > p { margin: 0; white-space: pre-wrap; }
.dialogue-block > .character { margin-left: 2.2in; width: 3.8in; break-after: avoid; }
.dialogue-block > .parenthetical { margin-left: 1.6in; width: 2.5in; padding-left: 1ch; text-indent: -1ch; break-after: avoid; }
.dialogue-block > .dialogue { margin-left: 1in; width: 3.5in; orphans: 2; widows: 2; }
.lyrics { margin-left: 1in; width: 3.5in; font-style: italic; }
.dual-dialogue { display: flex; gap: 0.25in; break-inside: avoid-page; }
.dual-dialogue > .dialogue-block { flex: 1 1 0; margin: 0; }
.dual-dialogue > .dialogue-block > .character { margin-left: 1in; width: auto; }
.dual-dialogue > .dialogue-block > .parenthetical { margin-left: 0.5in; width: auto; }
.dual-dialogue > .dialogue-block > .dialogue { margin-left: 0.25in; width: auto; }
.transition { text-align: right; text-transform: uppercase; break-before: avoid; }
.centered { text-align: center; }
.script > .page-break { break-after: page; height: 0; margin: 0; }
u { text-decoration: underline; }
`;
}
