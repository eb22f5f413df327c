import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { styledRuns, type StyledRun } from '../fountain/emphasis.ts';
import {
  PAGE_METRICS,
  paginate,
  PAPERS,
  type Cell,
  type PaginateOptions,
  type Pagination,
  type Row,
} from '../fountain/paginate.ts';
import { parseFountain } from '../fountain/parse.ts';
import { sceneNumbers } from '../fountain/scene-numbers.ts';
import type { Scene } from '../fountain/types.ts';

const POINTS_PER_INCH = 72;
const FONT_SIZE = 12;
const CHAR_PT = PAGE_METRICS.charWidthIn * POINTS_PER_INCH;
const LINE_PT = PAGE_METRICS.lineHeightIn * POINTS_PER_INCH;
/** Courier's baseline sits this far below the top of its 12 pt line. */
const BASELINE_PT = 9.5;
const LEFT_PT = PAGE_METRICS.leftIn * POINTS_PER_INCH;
const TOP_PT = PAGE_METRICS.topIn * POINTS_PER_INCH;
/** Page numbers print half an inch from the top, right-aligned with the text column. */
const NUMBER_TOP_PT = 0.5 * POINTS_PER_INCH;
/** Scene numbers print three-quarters of an inch left of the column and just right of it. */
const SCENE_NUMBER_LEFT_PT = LEFT_PT - 0.75 * POINTS_PER_INCH;
const SCENE_NUMBER_RIGHT_PT = LEFT_PT + (PAGE_METRICS.columnChars + 1.5) * CHAR_PT;

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  italic: PDFFont;
  boldItalic: PDFFont;
}

export interface PdfOptions {
  /** The document's title in the PDF's properties. */
  title?: string;
}

/** A Fountain script as a screenplay PDF, laid out by the one paginator. */
export async function fountainToPdf(source: string, options: PaginateOptions = {}): Promise<Uint8Array> {
  const document = parseFountain(source);
  const title = document.titlePage.find((field) => field.key === 'title')?.lines.join(' ');
  const plainTitle =
    title === undefined
      ? undefined
      : styledRuns(title)
          .map((run) => run.text)
          .join('');
  const pagination = paginate(document, options);
  if (options.sceneNumbers) numberScenes(pagination, document.scenes);
  return paginationToPdf(pagination, plainTitle === undefined ? {} : { title: plainTitle });
}

/** Scene numbers as the locking rules give them (6A between locked 6 and 7), not a plain count. */
function numberScenes(pagination: Pagination, scenes: readonly Scene[]): void {
  const numbers = sceneNumbers(scenes);
  const byLine = new Map(scenes.map((scene, index) => [scene.line, numbers[index]]));
  for (const row of pagination.pages.flatMap((page) => page.rows)) {
    for (const cell of row) {
      const number = cell.kind === 'scene-heading' && cell.line !== undefined ? byLine.get(cell.line) : undefined;
      if (number !== undefined) cell.sceneNumber = number;
    }
  }
}

/** Draws the paginator's pages in Courier 12 pt, one PDF page each, the title page first: what counts is what prints. */
export async function paginationToPdf(pagination: Pagination, options: PdfOptions = {}): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setCreator('Understudy');
  pdf.setProducer('Understudy (pdf-lib)');
  if (options.title !== undefined) pdf.setTitle(options.title);
  const fonts: Fonts = {
    regular: await pdf.embedFont(StandardFonts.Courier),
    bold: await pdf.embedFont(StandardFonts.CourierBold),
    italic: await pdf.embedFont(StandardFonts.CourierOblique),
    boldItalic: await pdf.embedFont(StandardFonts.CourierBoldOblique),
  };
  const { widthIn, heightIn } = PAPERS[pagination.paper];
  const size: [number, number] = [widthIn * POINTS_PER_INCH, heightIn * POINTS_PER_INCH];
  if (pagination.titlePage) drawRows(pdf.addPage(size), pagination.titlePage, fonts);
  for (const page of pagination.pages) {
    const sheet = pdf.addPage(size);
    drawRows(sheet, page.rows, fonts);
    if (page.label !== undefined) drawPageLabel(sheet, page.label, fonts.regular);
  }
  return pdf.save();
}

function drawRows(page: PDFPage, rows: readonly Row[], fonts: Fonts): void {
  rows.forEach((row, index) => {
    const baseline = page.getHeight() - TOP_PT - index * LINE_PT - BASELINE_PT;
    for (const cell of row) drawCell(page, cell, baseline, fonts);
  });
}

function drawCell(page: PDFPage, cell: Cell, baseline: number, fonts: Fonts): void {
  let x = LEFT_PT + cellStart(cell) * CHAR_PT;
  for (const run of cell.runs) {
    const text = printable(run.text, fonts.regular);
    const font = fontFor(run, cell, fonts);
    page.drawText(text, { x, y: baseline, size: FONT_SIZE, font });
    const width = text.length * CHAR_PT;
    if (run.underline) {
      page.drawLine({ start: { x, y: baseline - 1.5 }, end: { x: x + width, y: baseline - 1.5 }, thickness: 0.6 });
    }
    x += width;
  }
  if (cell.sceneNumber !== undefined) {
    const number = printable(cell.sceneNumber, fonts.regular);
    const left = SCENE_NUMBER_LEFT_PT - number.length * CHAR_PT;
    page.drawText(number, { x: left, y: baseline, size: FONT_SIZE, font: fonts.regular });
    page.drawText(number, { x: SCENE_NUMBER_RIGHT_PT, y: baseline, size: FONT_SIZE, font: fonts.regular });
  }
}

/** The cell's first character, in characters from the column's left edge. */
function cellStart(cell: Cell): number {
  const length = cell.text.length;
  if (cell.align === 'right') return cell.indent + cell.width - length;
  if (cell.align === 'center') return cell.indent + Math.floor((cell.width - length) / 2);
  return cell.indent;
}

function fontFor(run: StyledRun, cell: Cell, fonts: Fonts): PDFFont {
  const italic = run.italic || cell.kind === 'lyrics';
  if (run.bold) return italic ? fonts.boldItalic : fonts.bold;
  return italic ? fonts.italic : fonts.regular;
}

function drawPageLabel(page: PDFPage, label: string, font: PDFFont): void {
  const x = LEFT_PT + (PAGE_METRICS.columnChars - label.length) * CHAR_PT;
  const y = page.getHeight() - NUMBER_TOP_PT - BASELINE_PT;
  page.drawText(label, { x, y, size: FONT_SIZE, font, color: rgb(0, 0, 0) });
}

/** The standard PDF fonts speak WinAnsi only: anything else prints as `?`, one character for one, so columns hold. */
function printable(text: string, font: PDFFont): string {
  const supported = supportedCodes(font);
  return [...text].map((char) => (supported.has(char.codePointAt(0) ?? 0) ? char : '?')).join('');
}

const supportedByFont = new WeakMap<PDFFont, Set<number>>();

function supportedCodes(font: PDFFont): Set<number> {
  let codes = supportedByFont.get(font);
  if (!codes) {
    codes = new Set(font.getCharacterSet());
    supportedByFont.set(font, codes);
  }
  return codes;
}
