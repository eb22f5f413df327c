/** Final Draft XML <-> Fountain as pure functions (no Node or DOM), so the renderer can use them too. */
import { AppError } from '../contract/errors.ts';
import { parseFountain } from '../fountain/parse.ts';
import { SCENE_HEADING } from '../fountain/patterns.ts';
import type { ClassifiedLine, LineType, TitleField } from '../fountain/types.ts';

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

function fountainBlock(paragraph: FdxParagraph): { text: string; joinsNext: boolean } {
  const text = paragraph.text.trim();
  switch (paragraph.type) {
    case 'Scene Heading':
      return { text: SCENE_HEADING.test(text) ? text.toUpperCase() : `.${text}`, joinsNext: false };
    case 'Character': {
      const cue = text === text.toUpperCase() && /\p{L}/u.test(text) ? text : `@${text}`;
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
      const upper = text.toUpperCase();
      return { text: upper.endsWith('TO:') ? upper : `> ${upper}`, joinsNext: false };
    }
    case 'Shot':
      return { text: text.toUpperCase(), joinsNext: false };
    case 'New Act':
    case 'End of Act':
      return { text: `> ${text.toUpperCase()} <`, joinsNext: false };
    default:
      return { text: paragraph.centered ? `> ${text} <` : forceActionIfNeeded(text), joinsNext: false };
  }
}

/** An action line that Fountain would read as something else gets the `!` force mark. */
function forceActionIfNeeded(text: string): string {
  const firstLine = text.split('\n')[0] ?? '';
  const looksSpecial =
    SCENE_HEADING.test(firstLine) ||
    /^[.@>~=#!]/.test(firstLine) ||
    (firstLine === firstLine.toUpperCase() && /\p{L}/u.test(firstLine) && text.includes('\n')) ||
    (/^[A-Z\s]+TO:$/.test(firstLine) && !text.includes('\n'));
  return looksSpecial ? `!${text}` : text;
}

/** Fountain text for an FDX document: one block per paragraph, dialogue kept attached to its cue. */
export function fdxToFountain(xml: string): string {
  const blocks: string[] = [];
  let joining = false;
  for (const paragraph of parseFdx(xml)) {
    if (paragraph.text.trim() === '') continue;
    const { text, joinsNext } = fountainBlock(paragraph);
    const isSpeech = paragraph.type === 'Parenthetical' || paragraph.type === 'Dialogue' || paragraph.type === 'Lyrics';
    if (joining && isSpeech) blocks[blocks.length - 1] += `\n${text}`;
    else blocks.push(text);
    joining = joinsNext;
  }
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

/** The body of a parsed script as FDX paragraphs (sections, synopses, notes and page breaks have no place in FDX). */
function bodyParagraphs(lines: readonly ClassifiedLine[]): FdxParagraph[] {
  const paragraphs: FdxParagraph[] = [];
  let previous: LineType | null = null;
  let dual = false;
  for (const line of lines) {
    const type = BODY_LINES[line.type];
    if (line.type === 'character') dual = line.dual === true;
    else if (SPEECH_LINES[line.type] === undefined) dual = false;
    if (type === undefined) {
      previous = line.type === 'note' || line.type === 'boneyard' ? previous : line.type;
      continue;
    }
    const last = paragraphs.at(-1);
    if (last && previous === line.type && JOINED.has(line.type)) last.text += `\n${line.text}`;
    else paragraphs.push(paragraph(type, line.text, { centered: line.type === 'centered', dual: dual }));
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

function textXml(text: string): string {
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
  const { titlePage, lines } = parseFountain(source);
  const body = groupDualDialogue(bodyParagraphs(lines))
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
