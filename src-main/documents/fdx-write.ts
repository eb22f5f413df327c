/**
 * Fountain -> Final Draft XML, from the core's parse. What Final Draft has no element for travels in a script note,
 * which Final Draft shows but never prints (as Fountain never prints it): `[[notes]]` as ScriptNote, sections and
 * synopses as ScriptNote with `Kind` (and `Level`). Title-page paragraphs carry their Fountain `Key`. Boneyard is
 * left out: it is text the writer cut.
 */
import { styledRuns } from '../fountain/emphasis.ts';
import { stripHidden } from '../fountain/hidden-spans.ts';
import { normalizeLineBreaks, parseFountain } from '../fountain/parse.ts';
import { provenanceNoteKind } from '../fountain/provenance.ts';
import type { ClassifiedLine, HiddenSpan, LineType, TitleField } from '../fountain/types.ts';
import type { FdxParagraph } from './fdx-read.ts';

const SPEECH_LINES: Readonly<Partial<Record<LineType, string>>> = {
  parenthetical: 'Parenthetical',
  dialogue: 'Dialogue',
  lyrics: 'Lyrics',
};
const BODY_LINES: Readonly<Partial<Record<LineType, string>>> = {
  'scene-heading': 'Scene Heading',
  action: 'Action',
  character: 'Character',
  transition: 'Transition',
  centered: 'Action',
  section: 'Section',
  synopsis: 'Synopsis',
  ...SPEECH_LINES,
};
/** Elements whose consecutive lines form one paragraph. */
const JOINED: ReadonlySet<LineType> = new Set(['action', 'dialogue', 'lyrics', 'centered']);

function paragraph(type: string, text: string, extra: Partial<FdxParagraph> = {}): FdxParagraph {
  return { type, text, centered: false, dual: false, ...extra };
}

interface Notes {
  source: string;
  hidden: readonly HiddenSpan[];
  /** Every `[[note]]` outside boneyard, in order. */
  notes: readonly HiddenSpan[];
}

/** The spans (sorted, not overlapping) that reach into `[from, to)`, found by bisection: scripts can be long. */
function spansWithin<T extends { from: number; to: number }>(spans: readonly T[], from: number, to: number): T[] {
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((spans[mid]?.to ?? 0) <= from) low = mid + 1;
    else high = mid;
  }
  const within: T[] = [];
  for (let i = low; i < spans.length && (spans[i]?.from ?? to) < to; i++) within.push(spans[i] as T);
  return within;
}

function notesWithin(keep: Notes, from: number, to: number): HiddenSpan[] {
  return spansWithin(keep.notes, from, to).filter((note) => note.from >= from);
}

/** A line's printed text with its inline notes put back where they stood. */
function textWithNotes(line: ClassifiedLine, keep: Notes): string {
  const notes = notesWithin(keep, line.from, line.to);
  if (notes.length === 0) return line.text;
  const hidden = spansWithin(keep.hidden, line.from, line.to);
  const effective = stripHidden(line.source, line.from, hidden);
  // The printed text is the line's effective text less forcing marks and outer spaces.
  const start = Math.max(0, effective.indexOf(line.text));
  let text = '';
  let taken = 0;
  for (const note of notes) {
    const before = stripHidden(keep.source.slice(line.from, note.from), line.from, hidden).length;
    const at = Math.min(Math.max(before - start, taken), line.text.length);
    text += line.text.slice(taken, at) + keep.source.slice(note.from, note.to);
    taken = at;
  }
  return text + line.text.slice(taken);
}

/** The body of a parsed script as FDX paragraphs; a page break marks the paragraph after it. */
function bodyParagraphs(lines: readonly ClassifiedLine[], keep: Notes): FdxParagraph[] {
  const paragraphs: FdxParagraph[] = [];
  let previous: LineType | null = null;
  let dual = false;
  let pageBreak = false;
  const push = (p: FdxParagraph): void => {
    if (pageBreak) p.startsNewPage = true;
    pageBreak = false;
    paragraphs.push(p);
  };
  for (const line of lines) {
    const type = BODY_LINES[line.type];
    if (line.type === 'character') dual = line.dual === true;
    else if (SPEECH_LINES[line.type] === undefined) dual = false;
    if (line.type === 'page-break') {
      if (pageBreak) push(paragraph('General', ''));
      pageBreak = true;
      previous = line.type;
      continue;
    }
    if (type === undefined) {
      const own = line.type === 'note' || line.type === 'boneyard' ? notesWithin(keep, line.from, line.to) : [];
      for (const note of own) push(paragraph('General', keep.source.slice(note.from, note.to)));
      if (line.type !== 'note' && line.type !== 'boneyard') previous = line.type;
      else if (own.length > 0) previous = null;
      continue;
    }
    const text = textWithNotes(line, keep);
    const last = paragraphs.at(-1);
    if (last && previous === line.type && JOINED.has(line.type)) last.text += `\n${text}`;
    else {
      const extra: Partial<FdxParagraph> = { centered: line.type === 'centered', dual };
      if (line.sceneNumber !== undefined) extra.number = line.sceneNumber;
      if (line.depth !== undefined) extra.level = line.depth;
      push(paragraph(type, text, extra));
    }
    previous = line.type;
  }
  if (pageBreak) push(paragraph('General', ''));
  return paragraphs;
}

function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- XML 1.0 forbids these characters
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

function styledRunsXml(text: string): string {
  return styledRuns(text)
    .map((run) => {
      const style = [run.bold && 'Bold', run.italic && 'Italic', run.underline && 'Underline'].filter(Boolean);
      const attribute = style.length === 0 ? '' : ` Style="${style.join('+')}"`;
      return `<Text${attribute}>${escapeXml(run.text)}</Text>`;
    })
    .join('');
}

function scriptNoteXml(text: string, attributes = ''): string {
  const paragraphs = text.split('\n').map((line) => `<Paragraph><Text>${escapeXml(line)}</Text></Paragraph>`);
  return `<ScriptNote${attributes}>${paragraphs.join('')}</ScriptNote>`;
}

const NOTE = /\[\[([\s\S]*?)\]\]/g;

/**
 * Text runs with each note where it stands: a provenance note stays text (a re-import must find the draft it
 * bounds), any other becomes a ScriptNote. Emphasis marks inside a note are its own characters, not styles.
 */
function textXml(text: string): string {
  let xml = '';
  let last = 0;
  for (const note of text.matchAll(NOTE)) {
    if (note.index > last) xml += styledRunsXml(text.slice(last, note.index));
    xml += provenanceNoteKind(note[0]) === null ? scriptNoteXml(note[1] ?? '') : `<Text>${escapeXml(note[0])}</Text>`;
    last = note.index + note[0].length;
  }
  return xml + (last < text.length ? styledRunsXml(text.slice(last)) : '');
}

function paragraphXml(p: FdxParagraph, indent: string): string {
  const breakBefore = p.startsNewPage ? ' StartsNewPage="Yes"' : '';
  if (p.type === 'Section' || p.type === 'Synopsis') {
    const level = p.type === 'Section' ? ` Level="${p.level ?? 1}"` : '';
    return `${indent}<Paragraph Type="General"${breakBefore}>${scriptNoteXml(p.text, ` Kind="${p.type}"${level}`)}</Paragraph>`;
  }
  const number = p.number === undefined ? '' : ` Number="${escapeXml(p.number)}"`;
  const alignment = p.centered ? ' Alignment="Center"' : '';
  return `${indent}<Paragraph Type="${escapeXml(p.type)}"${number}${alignment}${breakBefore}>${textXml(p.text)}</Paragraph>`;
}

const SPEECH = new Set(['Character', 'Parenthetical', 'Dialogue', 'Lyrics']);

/** Groups each dual-dialogue pair (the speech before a `^` cue plus the `^` speech) for `<DualDialogue>`. */
function groupDualDialogue(paragraphs: readonly FdxParagraph[]): (FdxParagraph | FdxParagraph[])[] {
  const units: (FdxParagraph | FdxParagraph[])[] = [];
  let groupStart = -1;
  let pair: FdxParagraph[] | null = null;
  for (const p of paragraphs) {
    if (pair && SPEECH.has(p.type) && (p.type !== 'Character' || p.dual) && !p.startsNewPage) {
      pair.push(p);
      continue;
    }
    pair = null;
    if (p.type === 'Character' && p.dual && groupStart >= 0 && !p.startsNewPage) {
      const previous = units.splice(groupStart).filter((unit): unit is FdxParagraph => !Array.isArray(unit));
      pair = [...previous, p];
      units.push(pair);
      groupStart = -1;
      continue;
    }
    if (p.type === 'Character') groupStart = units.length;
    else if (!SPEECH.has(p.type)) groupStart = -1;
    units.push(p);
  }
  return units;
}

const CENTERED_TITLE_KEYS = new Set(['title', 'credit', 'author', 'authors', 'source']);

function titlePageXml(fields: readonly TitleField[]): string {
  if (fields.length === 0) return '';
  const rows = fields.flatMap((field) =>
    field.lines.map((line) => {
      const alignment = CENTERED_TITLE_KEYS.has(field.key) ? ' Alignment="Center"' : '';
      return `      <Paragraph Type="General" Key="${escapeXml(field.key)}"${alignment}>${styledRunsXml(line)}</Paragraph>`;
    }),
  );
  return `  <TitlePage>\n    <Content>\n${rows.join('\n')}\n    </Content>\n  </TitlePage>\n`;
}

/** A Final Draft document for a Fountain screenplay. */
export function fountainToFdx(source: string): string {
  const normalised = normalizeLineBreaks(source);
  const { titlePage, lines, hidden } = parseFountain(normalised);
  const keep = { source: normalised, hidden, notes: hidden.filter((span) => span.kind === 'note') };
  const body = groupDualDialogue(bodyParagraphs(lines, keep))
    .map((unit) =>
      Array.isArray(unit)
        ? `    <Paragraph>\n      <DualDialogue>\n${unit.map((p) => paragraphXml(p, '        ')).join('\n')}\n      </DualDialogue>\n    </Paragraph>`
        : paragraphXml(unit, '    '),
    )
    .join('\n');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n' +
    '<FinalDraft DocumentType="Script" Template="No" Version="5">\n' +
    `  <Content>\n${body === '' ? '' : `${body}\n`}  </Content>\n` +
    titlePageXml(titlePage) +
    '</FinalDraft>\n'
  );
}
