/** A stretch of printed text in one style. */
export interface StyledRun {
  text: string;
  bold: boolean;
  italic: boolean;
  underline: boolean;
}

type Style = Omit<StyledRun, 'text'>;

const PLAIN: Style = { bold: false, italic: false, underline: false };
const EMPHASIS = /(\*{3}|\*{2}|\*|_)(?=\S)([\s\S]*?\S)\1/g;

/** Splits Fountain emphasis (`***bold italic***`, `**bold**`, `*italic*`, `_underline_`, `\*` escapes) into runs. */
export function styledRuns(text: string): StyledRun[] {
  if (!/[*_]/.test(text)) return text === '' ? [] : [styled(text, PLAIN)];
  const runs: StyledRun[] = [];
  visit(text, PLAIN, runs);
  for (const run of runs) run.text = run.text.replace(/\\([*_])/g, '$1');
  return runs.filter((run) => run.text !== '');
}

function visit(chunk: string, style: Style, runs: StyledRun[]): void {
  let last = 0;
  for (const match of chunk.matchAll(EMPHASIS)) {
    if (chunk[match.index - 1] === '\\') continue;
    if (match.index > last) runs.push(styled(chunk.slice(last, match.index), style));
    const mark = match[1] ?? '';
    const inner: Style = {
      bold: style.bold || mark.length >= 2,
      italic: style.italic || mark === '*' || mark === '***',
      underline: style.underline || mark === '_',
    };
    visit(match[2] ?? '', inner, runs);
    last = match.index + match[0].length;
  }
  if (last < chunk.length) runs.push(styled(chunk.slice(last), style));
}

function styled(text: string, { bold, italic, underline }: Style): StyledRun {
  return { text, bold, italic, underline };
}

/** The runs covering characters `from`..`to` (exclusive) of the runs' joined text. */
export function sliceRuns(runs: readonly StyledRun[], from: number, to: number): StyledRun[] {
  const sliced: StyledRun[] = [];
  let offset = 0;
  for (const run of runs) {
    const start = Math.max(from, offset);
    const end = Math.min(to, offset + run.text.length);
    if (start < end) sliced.push(styled(run.text.slice(start - offset, end - offset), run));
    offset += run.text.length;
  }
  return sliced;
}
