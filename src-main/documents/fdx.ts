/** Final Draft XML <-> Fountain as pure functions (no Node or DOM), so the renderer can use them too. */
import { AppError } from '../contract/errors.ts';
import { stripHidden } from '../fountain/hidden-spans.ts';
import { normalizeLineBreaks, parseFountain } from '../fountain/parse.ts';
import { SCENE_HEADING } from '../fountain/patterns.ts';
import { findProvenanceNotes, provenanceNoteKind, type ProvenanceNote } from '../fountain/provenance.ts';
import type { ClassifiedLine, HiddenSpan, LineType, TitleField } from '../fountain/types.ts';

export type FdxParagraphType =
  | 'Scene Heading'
  | 'Action'
  | 'Character'
  | 'Parenthetical'
  | 'Dialogue'
  | 'Transition'
  | 'Shot'
  | 'General'
  | 'Cast List'
  | 'New Act'
  | 'End of Act'
  | 'Lyrics';

export interface FdxParagraph {
  type: string;
  text: string;
  centered: boolean;
  /** Set on the second speaker of a dual-dialogue pair. */
  dual: boolean;
}

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}
type XmlNode = XmlElement | string;

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, body: string) => {
    if (body.startsWith('#x') || body.startsWith('#X')) return String.fromCodePoint(parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(parseInt(body.slice(1), 10));
    return ENTITIES[body] ?? whole;
  });
}

function parseAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of source.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    attributes[match[1] ?? ''] = decodeEntities(match[2] ?? match[3] ?? '');
  }
  return attributes;
}

const TOKEN =
  /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<(\/?)([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;

function invalid(reason: string): AppError {
  return new AppError('E_INVALID_INPUT', `Not a valid Final Draft file: ${reason}.`);
}

/** A small, strict-enough XML reader: elements, attributes, text, CDATA; comments and declarations skipped. */
function parseXml(source: string): XmlElement {
  const root: XmlElement = { name: '#document', attributes: {}, children: [] };
  const stack: XmlElement[] = [root];
  let last = 0;
  for (const match of source.matchAll(TOKEN)) {
    const parent = stack[stack.length - 1] ?? root;
    if (match.index > last) parent.children.push(decodeEntities(source.slice(last, match.index)));
    last = match.index + match[0].length;
    const [, cdata, closing, name, attributes, selfClosing] = match;
    if (cdata !== undefined) parent.children.push(cdata);
    else if (name === undefined) continue;
    else if (closing) {
      if (parent.name !== name) throw invalid(`</${name}> does not close <${parent.name}>`);
      stack.pop();
    } else {
      const element: XmlElement = { name, attributes: parseAttributes(attributes ?? ''), children: [] };
      parent.children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  if (stack.length !== 1) throw invalid(`<${stack[stack.length - 1]?.name ?? ''}> is never closed`);
  return root;
}

function elements(node: XmlElement, name: string): XmlElement[] {
  return node.children.filter((child): child is XmlElement => typeof child !== 'string' && child.name === name);
}

const STYLE_MARKS: readonly [string, string][] = [
  ['Bold', '**'],
  ['Italic', '*'],
  ['Underline', '_'],
];

function styledText(element: XmlElement): string {
  const text = element.children.map((child) => (typeof child === 'string' ? child : '')).join('');
  const styles = (element.attributes['Style'] ?? '').split('+');
  const marks = STYLE_MARKS.filter(([style]) => styles.includes(style)).map(([, mark]) => mark);
  if (text.trim() === '' || marks.length === 0) return text;
  const open = marks.join('');
  const close = [...marks].reverse().join('');
  const [, lead = '', core = '', trail = ''] = /^(\s*)([\s\S]*?)(\s*)$/.exec(text) ?? [];
  return `${lead}${open}${core}${close}${trail}`;
}

function readParagraph(element: XmlElement, dual: boolean, into: FdxParagraph[]): void {
  for (const pair of elements(element, 'DualDialogue')) {
    let speakers = 0;
    for (const inner of elements(pair, 'Paragraph')) {
      if (inner.attributes['Type'] === 'Character') speakers += 1;
      readParagraph(inner, speakers >= 2, into);
    }
  }
  const texts = elements(element, 'Text');
  if (texts.length === 0 && elements(element, 'DualDialogue').length > 0) return;
  into.push({
    type: element.attributes['Type'] ?? 'General',
    text: texts.map(styledText).join('').replace(/\r\n?/g, '\n'),
    centered: element.attributes['Alignment'] === 'Center',
    dual,
  });
}

/** The body paragraphs of an FDX document, in order (the title page is not part of the body). */
export function parseFdx(xml: string): FdxParagraph[] {
  const document = parseXml(xml);
  const finalDraft = elements(document, 'FinalDraft')[0];
  if (!finalDraft) throw invalid('no <FinalDraft> root element');
  const paragraphs: FdxParagraph[] = [];
  for (const content of elements(finalDraft, 'Content')) {
    for (const paragraph of elements(content, 'Paragraph')) readParagraph(paragraph, false, paragraphs);
  }
  return paragraphs;
}

const NOTE = /\[\[[\s\S]*?\]\]/g;

/** The text a reader of the script sees: the rules below look past provenance notes kept inline. */
function withoutNotes(text: string): string {
  return text.replace(NOTE, '');
}

/** Upper case outside `[[notes]]`, so that a provenance note reads back as it was written. */
function upperOutsideNotes(text: string): string {
  let out = '';
  let last = 0;
  for (const note of text.matchAll(NOTE)) {
    out += text.slice(last, note.index).toUpperCase() + note[0];
    last = note.index + note[0].length;
  }
  return out + text.slice(last).toUpperCase();
}

function fountainBlock(paragraph: FdxParagraph): { text: string; joinsNext: boolean } {
  const text = paragraph.text.trim();
  const seen = withoutNotes(text);
  switch (paragraph.type) {
    case 'Scene Heading':
      return { text: SCENE_HEADING.test(seen) ? upperOutsideNotes(text) : `.${text}`, joinsNext: false };
    case 'Character': {
      const cue = seen === seen.toUpperCase() && /\p{L}/u.test(seen) ? text : `@${text}`;
      return { text: paragraph.dual ? `${cue} ^` : cue, joinsNext: true };
    }
    case 'Parenthetical':
      return { text: text.startsWith('(') ? text : `(${text})`, joinsNext: true };
    case 'Dialogue':
    case 'Lyrics':
      return {
        text:
          paragraph.type === 'Lyrics'
            ? text
                .split('\n')
                .map((line) => `~${line}`)
                .join('\n')
            : text,
        joinsNext: true,
      };
    case 'Transition': {
      const upper = upperOutsideNotes(text);
      return { text: seen.trimEnd().toUpperCase().endsWith('TO:') ? upper : `> ${upper}`, joinsNext: false };
    }
    case 'Shot':
      return { text: upperOutsideNotes(text), joinsNext: false };
    case 'New Act':
    case 'End of Act':
      return { text: `> ${upperOutsideNotes(text)} <`, joinsNext: false };
    default:
      return { text: paragraph.centered ? `> ${text} <` : forceActionIfNeeded(text), joinsNext: false };
  }
}

/** An action line that Fountain would read as something else gets the `!` force mark. */
function forceActionIfNeeded(text: string): string {
  const seen = withoutNotes(text);
  const firstLine = seen.split('\n')[0] ?? '';
  const looksSpecial =
    SCENE_HEADING.test(firstLine) ||
    /^[.@>~=#!]/.test(firstLine) ||
    (firstLine === firstLine.toUpperCase() && /\p{L}/u.test(firstLine) && seen.includes('\n')) ||
    (/^[A-Z\s]+TO:$/.test(firstLine) && !seen.includes('\n'));
  return looksSpecial ? `!${text}` : text;
}

/**
 * Fountain text for an FDX document: one block per paragraph, dialogue kept attached to its cue. A paragraph that
 * is a provenance note becomes a note line: a start note above the block it opens, an end note below the block it
 * closes, so the draft they bound keeps its place (and a speech is not split).
 */
export function fdxToFountain(xml: string): string {
  const blocks: string[] = [];
  let joining = false;
  let opening: string[] = [];
  for (const paragraph of parseFdx(xml)) {
    const trimmed = paragraph.text.trim();
    if (trimmed === '') continue;
    const note = provenanceNoteKind(trimmed);
    if (note === 'end' && opening.length === 0 && blocks.length > 0) blocks[blocks.length - 1] += `\n${trimmed}`;
    else if (note !== null) opening.push(trimmed);
    if (note !== null) continue;
    const { text, joinsNext } = fountainBlock(paragraph);
    const block = [...opening, text].join('\n');
    opening = [];
    const isSpeech = paragraph.type === 'Parenthetical' || paragraph.type === 'Dialogue' || paragraph.type === 'Lyrics';
    if (joining && isSpeech) blocks[blocks.length - 1] += `\n${block}`;
    else blocks.push(block);
    joining = joinsNext;
  }
  if (opening.length > 0) blocks.push(opening.join('\n'));
  return blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`;
}

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
  ...SPEECH_LINES,
};
/** Elements whose consecutive lines form one paragraph. */
const JOINED: ReadonlySet<LineType> = new Set(['action', 'dialogue', 'lyrics', 'centered']);

function paragraph(type: string, text: string, extra: Partial<FdxParagraph> = {}): FdxParagraph {
  return { type, text, centered: false, dual: false, ...extra };
}

/** The provenance notes of the script, so that the drafts they bound survive export. */
interface NotesToKeep {
  source: string;
  hidden: readonly HiddenSpan[];
  notes: readonly ProvenanceNote[];
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

function notesWithin(keep: NotesToKeep, from: number, to: number): ProvenanceNote[] {
  return spansWithin(keep.notes, from, to).filter((note) => note.from >= from);
}

/** A line's printed text with its inline provenance notes put back where they stood. */
function textWithNotes(line: ClassifiedLine, keep: NotesToKeep): string {
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

/**
 * The body of a parsed script as FDX paragraphs. Sections, synopses, notes and page breaks have no place in FDX;
 * provenance notes do, inline where they are inline, and as General paragraphs where they have a line of their own.
 */
function bodyParagraphs(lines: readonly ClassifiedLine[], keep: NotesToKeep): FdxParagraph[] {
  const paragraphs: FdxParagraph[] = [];
  let previous: LineType | 'provenance' | null = null;
  let dual = false;
  for (const line of lines) {
    const type = BODY_LINES[line.type];
    if (line.type === 'character') dual = line.dual === true;
    else if (SPEECH_LINES[line.type] === undefined) dual = false;
    if (type === undefined) {
      const own = line.type === 'note' || line.type === 'boneyard' ? notesWithin(keep, line.from, line.to) : [];
      for (const note of own) paragraphs.push(paragraph('General', keep.source.slice(note.from, note.to)));
      if (own.length > 0) previous = 'provenance';
      else if (line.type !== 'note' && line.type !== 'boneyard') previous = line.type;
      continue;
    }
    const text = textWithNotes(line, keep);
    const last = paragraphs.at(-1);
    if (last && previous === line.type && JOINED.has(line.type)) last.text += `\n${text}`;
    else paragraphs.push(paragraph(type, text, { centered: line.type === 'centered', dual: dual }));
    previous = line.type;
  }
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

interface TextRun {
  text: string;
  styles: string[];
}

/** Splits Fountain emphasis (`***bold italic***`, `**bold**`, `*italic*`, `_underline_`) into styled runs. */
export function emphasisRuns(text: string): TextRun[] {
  const runs: TextRun[] = [];
  const pattern = /(\*{3}|\*{2}|\*|_)(?=\S)([\s\S]*?\S)\1/g;
  const visit = (chunk: string, styles: string[]): void => {
    let last = 0;
    for (const match of chunk.matchAll(pattern)) {
      if (chunk[match.index - 1] === '\\') continue;
      if (match.index > last) runs.push({ text: chunk.slice(last, match.index), styles });
      const mark = match[1] ?? '';
      const added =
        mark === '***' ? ['Bold', 'Italic'] : mark === '**' ? ['Bold'] : mark === '*' ? ['Italic'] : ['Underline'];
      visit(match[2] ?? '', [...styles, ...added.filter((style) => !styles.includes(style))]);
      last = match.index + match[0].length;
    }
    if (last < chunk.length) runs.push({ text: chunk.slice(last), styles });
  };
  visit(text, []);
  return runs.map((run) => ({ ...run, text: run.text.replace(/\\([*_])/g, '$1') })).filter((run) => run.text !== '');
}

function styledRunsXml(text: string): string {
  const order = ['Bold', 'Italic', 'Underline'];
  return emphasisRuns(text)
    .map(({ text: runText, styles }) => {
      const style = order.filter((name) => styles.includes(name)).join('+');
      return style === ''
        ? `<Text>${escapeXml(runText)}</Text>`
        : `<Text Style="${style}">${escapeXml(runText)}</Text>`;
    })
    .join('');
}

/** Emphasis marks inside a note (a model called `my_model`) are the note's own characters, not styles. */
function textXml(text: string): string {
  let xml = '';
  let last = 0;
  for (const note of text.matchAll(NOTE)) {
    if (note.index > last) xml += styledRunsXml(text.slice(last, note.index));
    xml += `<Text>${escapeXml(note[0])}</Text>`;
    last = note.index + note[0].length;
  }
  return xml + (last < text.length ? styledRunsXml(text.slice(last)) : '');
}

function paragraphXml(p: FdxParagraph, indent: string): string {
  const alignment = p.centered ? ' Alignment="Center"' : '';
  return `${indent}<Paragraph Type="${escapeXml(p.type)}"${alignment}>${textXml(p.text)}</Paragraph>`;
}

const SPEECH = new Set(['Character', 'Parenthetical', 'Dialogue']);

/** Groups each dual-dialogue pair (the speech before a `^` cue plus the `^` speech) for `<DualDialogue>`. */
function groupDualDialogue(paragraphs: readonly FdxParagraph[]): (FdxParagraph | FdxParagraph[])[] {
  const units: (FdxParagraph | FdxParagraph[])[] = [];
  let groupStart = -1;
  let pair: FdxParagraph[] | null = null;
  for (const p of paragraphs) {
    if (pair && SPEECH.has(p.type) && (p.type !== 'Character' || p.dual)) {
      pair.push(p);
      continue;
    }
    pair = null;
    if (p.type === 'Character' && p.dual && groupStart >= 0) {
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
    field.lines.map((line) =>
      paragraph('General', line.replace(/^_+|_+$/g, ''), { centered: CENTERED_TITLE_KEYS.has(field.key) }),
    ),
  );
  return `  <TitlePage>\n    <Content>\n${rows.map((row) => paragraphXml(row, '      ')).join('\n')}\n    </Content>\n  </TitlePage>\n`;
}

/** A Final Draft document for a Fountain screenplay (body paragraphs, dual dialogue, emphasis, title page). */
export function fountainToFdx(source: string): string {
  const normalised = normalizeLineBreaks(source);
  const { titlePage, lines, hidden } = parseFountain(normalised);
  const keep = { source: normalised, hidden, notes: findProvenanceNotes(normalised, hidden) };
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
