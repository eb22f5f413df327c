import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { PAPERS } from '../../../src-main/fountain/paginate.ts';
import { formatEighths, type ScriptReport } from '../../../src-main/fountain/reports.ts';
import { CHARACTER_COLUMNS, LOCATION_COLUMNS, SCENE_COLUMNS, type Column } from '../../lib/state/reports.svelte.ts';

const POINTS_PER_INCH = 72;
/** The report prints on the screenplay's US Letter paper (its size declared once, in the paginator). */
const PAGE = {
  width: PAPERS.letter.widthIn * POINTS_PER_INCH,
  height: PAPERS.letter.heightIn * POINTS_PER_INCH,
  margin: 0.75 * POINTS_PER_INCH,
};
const SIZE = { title: 16, heading: 12, body: 9 };
const LEADING = 13;

interface Pen {
  pdf: PDFDocument;
  page: PDFPage;
  y: number;
  regular: PDFFont;
  bold: PDFFont;
}

/** A printable report: the summary, then the characters, locations and scenes tables, on US Letter. */
export async function reportPdf(report: ScriptReport, title: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`${title}: report`);
  const pen: Pen = {
    pdf,
    page: pdf.addPage([PAGE.width, PAGE.height]),
    y: PAGE.height - PAGE.margin,
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
  };
  write(pen, `${title}: report`, pen.bold, SIZE.title, PAGE.margin);
  pen.y -= LEADING * 1.5;
  write(pen, summary(report), pen.regular, SIZE.body + 1, PAGE.margin);
  pen.y -= LEADING * 2;
  table(pen, 'Characters', CHARACTER_COLUMNS, report.characters, [0.3, 0.14, 0.14, 0.14, 0.28]);
  table(pen, 'Locations', LOCATION_COLUMNS, report.locations, [0.36, 0.1, 0.14, 0.28, 0.12]);
  table(pen, 'Scenes', SCENE_COLUMNS, report.scenes, [0.08, 0.44, 0.08, 0.1, 0.3]);
  return pdf.save();
}

export function summary(report: ScriptReport): string {
  return [
    `${report.pages} ${report.pages === 1 ? 'page' : 'pages'}, screen time about ${report.screenMinutes} min`,
    `printed length ${formatEighths(report.eighths)} pages in eighths`,
    `${report.scenes.length} scenes`,
    `${report.characters.length} speaking characters`,
    `${report.locations.length} locations`,
  ].join(' · ');
}

function table<T>(pen: Pen, name: string, columns: readonly Column<T>[], rows: readonly T[], shares: number[]): void {
  room(pen, LEADING * 3);
  write(pen, name, pen.bold, SIZE.heading, PAGE.margin);
  pen.y -= LEADING * 1.3;
  const width = PAGE.width - 2 * PAGE.margin;
  const xs = shares.map((_, index) => PAGE.margin + width * shares.slice(0, index).reduce((a, b) => a + b, 0));
  const line = (cells: string[], font: PDFFont): void => {
    room(pen, LEADING);
    cells.forEach((cell, index) => {
      const share = shares[index] ?? 0;
      write(pen, fit(cell, font, width * share - 6), font, SIZE.body, xs[index] ?? PAGE.margin);
    });
    pen.y -= LEADING;
  };
  line(
    columns.map((column) => column.label),
    pen.bold,
  );
  for (const row of rows)
    line(
      columns.map((column) => column.text(row)),
      pen.regular,
    );
  if (rows.length === 0) line(['None.'], pen.regular);
  pen.y -= LEADING;
}

function room(pen: Pen, needed: number): void {
  if (pen.y - needed >= PAGE.margin) return;
  pen.page = pen.pdf.addPage([PAGE.width, PAGE.height]);
  pen.y = PAGE.height - PAGE.margin;
}

function write(pen: Pen, text: string, font: PDFFont, size: number, x: number): void {
  pen.page.drawText(printable(text, font), { x, y: pen.y, size, font });
}

/** Cuts text to `width` points with an ellipsis. */
function fit(text: string, font: PDFFont, width: number): string {
  let cut = printable(text, font);
  if (font.widthOfTextAtSize(cut, SIZE.body) <= width) return cut;
  while (cut.length > 0 && font.widthOfTextAtSize(`${cut}...`, SIZE.body) > width) cut = cut.slice(0, -1);
  return `${cut}...`;
}

/** The standard fonts encode WinAnsi only: anything else prints as `?`. */
function printable(text: string, font: PDFFont): string {
  return [...text]
    .map((char) => {
      try {
        font.encodeText(char);
        return char;
      } catch {
        return '?';
      }
    })
    .join('');
}
