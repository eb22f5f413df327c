/** Final Draft XML -> Fountain: the one FDX reader, used to open a .fdx as a script and to import one as a corpus. */
import { classifyLine, contextAfter, START_CONTEXT, type LineContext } from '../fountain/classify.ts';
import { provenanceNoteKind } from '../fountain/provenance.ts';
import { childElements, fdxInvalid, parseXml, type XmlElement } from './fdx-xml.ts';

/** Understudy's own kinds for what Final Draft has no paragraph for (see fdx-write.ts). */
export type OutlineKind = 'Section' | 'Synopsis';

export interface FdxParagraph {
  /** The Final Draft paragraph type, or an outline kind carried in a script note. */
  type: string;
  /** Printed text with Fountain emphasis marks; script notes inline as `[[...]]`. */
  text: string;
  centered: boolean;
  /** Set on the second speaker of a dual-dialogue pair. */
  dual: boolean;
  /** A scene heading's number (`Number="6A"`). */
  number?: string;
  /** A forced page break before the paragraph (`StartsNewPage="Yes"`). */
  startsNewPage?: boolean;
  /** A section's depth. */
  level?: number;
}

export interface FdxTitleField {
  key: string;
  lines: string[];
}

export interface FdxScript {
  titlePage: FdxTitleField[];
  body: FdxParagraph[];
}

const STYLE_MARKS: readonly [string, string][] = [
  ['Bold', '**'],
  ['Italic', '*'],
  ['Underline', '_'],
];

function textOf(element: XmlElement): string {
  return element.children.map((child) => (typeof child === 'string' ? child : '')).join('');
}

function styledText(element: XmlElement): string {
  const text = textOf(element);
  const styles = (element.attributes['Style'] ?? '').split('+').map((style) => style.toLowerCase());
  const marks = STYLE_MARKS.filter(([style]) => styles.includes(style.toLowerCase())).map(([, mark]) => mark);
  if (text.trim() === '' || marks.length === 0) return text;
  const [, lead = '', core = '', trail = ''] = /^(\s*)([\s\S]*?)(\s*)$/.exec(text) ?? [];
  return `${lead}${marks.join('')}${core}${[...marks].reverse().join('')}${trail}`;
}

function noteText(note: XmlElement): string {
  return childElements(note, 'Paragraph')
    .map((p) => childElements(p, 'Text').map(textOf).join(''))
    .join('\n');
}

function outlineOf(note: XmlElement): OutlineKind | undefined {
  const kind = note.attributes['Kind'];
  return kind === 'Section' || kind === 'Synopsis' ? kind : undefined;
}

function bodyParagraph(element: XmlElement, dual: boolean, into: FdxParagraph[]): void {
  let text = '';
  for (const child of element.children) {
    if (typeof child === 'string') continue;
    if (child.name === 'Text') text += styledText(child);
    else if (child.name === 'ScriptNote' && outlineOf(child) === undefined) text += `[[${noteText(child)}]]`;
  }
  const startsNewPage = element.attributes['StartsNewPage'] === 'Yes';
  const outlines = childElements(element, 'ScriptNote').filter((note) => outlineOf(note) !== undefined);
  for (const [index, note] of outlines.entries()) {
    const level = Number(note.attributes['Level'] ?? '1');
    const outline: FdxParagraph = { type: outlineOf(note) ?? 'Section', text: noteText(note), centered: false, dual };
    if (outline.type === 'Section') outline.level = Number.isInteger(level) && level > 0 ? Math.min(level, 6) : 1;
    if (index === 0 && startsNewPage) outline.startsNewPage = true;
    into.push(outline);
  }
  const pairs = childElements(element, 'DualDialogue');
  for (const pair of pairs) {
    let speakers = 0;
    for (const inner of childElements(pair, 'Paragraph')) {
      if (inner.attributes['Type'] === 'Character') speakers += 1;
      bodyParagraph(inner, speakers >= 2, into);
    }
  }
  if (outlines.length > 0 && text === '') return;
  if (pairs.length > 0 && text.trim() === '' && !startsNewPage) return;
  const paragraph: FdxParagraph = {
    type: element.attributes['Type'] ?? 'General',
    text: text.replace(/\r\n?/g, '\n'),
    centered: element.attributes['Alignment'] === 'Center',
    dual,
  };
  const number = element.attributes['Number']?.trim();
  if (paragraph.type === 'Scene Heading' && number) paragraph.number = number;
  if (startsNewPage && outlines.length === 0) paragraph.startsNewPage = true;
  into.push(paragraph);
  // Final Draft's scene summary reads as the scene's synopsis.
  for (const properties of childElements(element, 'SceneProperties')) {
    for (const summary of childElements(properties, 'Summary')) {
      const synopsis = noteText(summary).trim();
      if (synopsis !== '') into.push({ type: 'Synopsis', text: synopsis, centered: false, dual: false });
    }
  }
}

const CENTRED_KEYS = ['title', 'credit', 'author', 'source'];

/** Keys Understudy wrote (`Key`), else guessed from Final Draft's layout: centred lines are title, credit, author. */
function titlePageOf(finalDraft: XmlElement): FdxTitleField[] {
  const fields: FdxTitleField[] = [];
  let centred = 0;
  let lastKey: string | null = null;
  for (const titlePage of childElements(finalDraft, 'TitlePage')) {
    for (const content of childElements(titlePage, 'Content')) {
      for (const p of childElements(content, 'Paragraph')) {
        const text = childElements(p, 'Text').map(textOf).join('').trim();
        if (text === '') {
          lastKey = null;
          continue;
        }
        let key = p.attributes['Key']?.toLowerCase();
        if (key === undefined) {
          if (p.attributes['Alignment'] !== 'Center') key = lastKey ?? (fields.length === 0 ? 'title' : 'contact');
          else if (lastKey !== null && CENTRED_KEYS.includes(lastKey)) key = lastKey;
          else key = /^(written\s+)?by$/i.test(text) ? 'credit' : (CENTRED_KEYS[Math.min(centred++, 3)] ?? 'source');
          if (key === 'credit' && centred === 1) centred = 2;
        }
        const last = fields.at(-1);
        if (last && key === lastKey) last.lines.push(text);
        else fields.push({ key, lines: [text] });
        lastKey = key;
      }
    }
  }
  return fields;
}

/** The title page and body paragraphs of an FDX document; `E_FDX_INVALID` naming the line if it is not one. */
export function readFdx(xml: string): FdxScript {
  const finalDraft = childElements(parseXml(xml), 'FinalDraft')[0];
  if (!finalDraft) throw fdxInvalid('there is no <FinalDraft> root element');
  const body: FdxParagraph[] = [];
  for (const content of childElements(finalDraft, 'Content')) {
    for (const paragraph of childElements(content, 'Paragraph')) bodyParagraph(paragraph, false, body);
  }
  return { titlePage: titlePageOf(finalDraft), body };
}

/** The body paragraphs of an FDX document, in order. */
export function parseFdx(xml: string): FdxParagraph[] {
  return readFdx(xml).body;
}

const NOTE = /\[\[[\s\S]*?\]\]/g;

/** The text the Fountain rules look at: notes are cut out before a line is classified. */
function withoutNotes(text: string): string {
  return text.replace(NOTE, '');
}

/** Upper case outside `[[notes]]`, so that a note reads back as it was written. */
function upperOutsideNotes(text: string): string {
  let out = '';
  let last = 0;
  for (const note of text.matchAll(NOTE)) {
    out += text.slice(last, note.index).toUpperCase() + note[0];
    last = note.index + note[0].length;
  }
  return out + text.slice(last).toUpperCase();
}

/** What the core's classifier makes of a line on its own after a blank line. */
function readsAs(line: string, nextBlank: boolean, context: LineContext = START_CONTEXT) {
  return classifyLine(withoutNotes(line), context, nextBlank);
}

/** Action lines each get the `!` mark where the core would read them as something else. */
function actionLines(text: string): string {
  const lines = text.split('\n');
  let context: LineContext = START_CONTEXT;
  return lines
    .map((line, index) => {
      if (line.trim() === '') {
        context = START_CONTEXT;
        return '';
      }
      const facts = readsAs(line, index === lines.length - 1 || lines[index + 1]?.trim() === '', context);
      context = contextAfter(context, 'action');
      return facts.type === 'action' && !facts.forced ? line : `!${line}`;
    })
    .join('\n');
}

function fountainBlock(p: FdxParagraph): { text: string; joinsNext: boolean } {
  const text = p.text.trim();
  switch (p.type) {
    case 'Scene Heading': {
      const upper = upperOutsideNotes(text);
      const heading = readsAs(upper, true).type === 'scene-heading' ? upper : `.${text}`;
      return { text: p.number === undefined ? heading : `${heading} #${p.number}#`, joinsNext: false };
    }
    case 'Character': {
      const cue = readsAs(text, false).type === 'character' ? text : `@${text}`;
      return { text: p.dual ? `${cue} ^` : cue, joinsNext: true };
    }
    case 'Parenthetical':
      return { text: text.startsWith('(') ? text : `(${text})`, joinsNext: true };
    case 'Dialogue':
      return { text, joinsNext: true };
    case 'Lyrics':
      return {
        text: text
          .split('\n')
          .map((line) => `~${line}`)
          .join('\n'),
        joinsNext: true,
      };
    case 'Transition': {
      const upper = upperOutsideNotes(text);
      return { text: readsAs(upper, true).type === 'transition' ? upper : `> ${upper}`, joinsNext: false };
    }
    case 'Shot':
      return { text: actionLines(upperOutsideNotes(text)), joinsNext: false };
    case 'New Act':
    case 'End of Act':
      return { text: `> ${upperOutsideNotes(text)} <`, joinsNext: false };
    case 'Section':
      return { text: `${'#'.repeat(p.level ?? 1)} ${text}`, joinsNext: false };
    case 'Synopsis':
      return { text: `= ${text}`, joinsNext: false };
    default:
      // Action, General and every type Understudy does not know keep their text as action.
      return { text: p.centered ? `> ${text} <` : actionLines(text), joinsNext: false };
  }
}

function titlePageText(fields: readonly FdxTitleField[]): string {
  const lines = fields.flatMap(({ key, lines: values }) => {
    const name = key.charAt(0).toUpperCase() + key.slice(1);
    return values.length === 1 ? [`${name}: ${values[0] ?? ''}`] : [`${name}:`, ...values.map((v) => `   ${v}`)];
  });
  return lines.length === 0 ? '' : `${lines.join('\n')}\n\n`;
}

const SPEECH = new Set(['Parenthetical', 'Dialogue', 'Lyrics']);

/**
 * Fountain text for an FDX document: the title page, then one block per paragraph, dialogue kept attached to its
 * cue. A paragraph holding only notes becomes note lines: an end note below the block it closes, any other above
 * the block that follows, so a draft keeps its place and a speech is not split.
 */
export function fdxToFountain(xml: string): string {
  const { titlePage, body } = readFdx(xml);
  const blocks: string[] = [];
  let joining = false;
  let opening: string[] = [];
  for (const paragraph of body) {
    if (paragraph.startsNewPage) {
      if (opening.length > 0) blocks.push(opening.join('\n'));
      opening = [];
      blocks.push('===');
      joining = false;
    }
    const trimmed = paragraph.text.trim();
    if (trimmed === '') continue;
    if (withoutNotes(trimmed).trim() === '' && !SPEECH.has(paragraph.type) && paragraph.type !== 'Synopsis') {
      if (provenanceNoteKind(trimmed) === 'end' && opening.length === 0 && blocks.length > 0)
        blocks[blocks.length - 1] += `\n${trimmed}`;
      else opening.push(trimmed);
      continue;
    }
    const { text, joinsNext } = fountainBlock(paragraph);
    const block = [...opening, text].join('\n');
    opening = [];
    if (joining && SPEECH.has(paragraph.type)) blocks[blocks.length - 1] += `\n${block}`;
    else blocks.push(block);
    joining = joinsNext;
  }
  if (opening.length > 0) blocks.push(opening.join('\n'));
  const script = blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`;
  return titlePageText(titlePage) + script;
}
