/** The small XML reader behind Final Draft import: pure (no Node or DOM), bounded, errors naming the line. */
import { AppError } from '../contract/errors.ts';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  /** 1-based line of the start tag. */
  line: number;
}
export type XmlNode = XmlElement | string;

/** Real Final Draft files nest about eight deep; far deeper is a hostile file, refused before any recursion. */
const MAX_DEPTH = 64;
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** `E_FDX_INVALID` naming the line, so a writer can find the damage in a text editor. */
export function fdxInvalid(reason: string, line?: number): AppError {
  const where = line === undefined ? '' : ` (line ${line})`;
  return new AppError('E_FDX_INVALID', `Not a valid Final Draft file${where}: ${reason}.`);
}

/** Predefined and numeric references only: a DOCTYPE's own entities are never expanded, so an entity bomb is inert. */
function decodeEntities(text: string, line: number): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, body: string) => {
    if (!body.startsWith('#')) return ENTITIES[body] ?? whole;
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    if (!(code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) throw fdxInvalid(`&${body}; is no character`, line);
    return String.fromCodePoint(code);
  });
}

function parseAttributes(source: string, line: number): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of source.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    attributes[match[1] ?? ''] = decodeEntities(match[2] ?? match[3] ?? '', line);
  }
  return attributes;
}

const TOKEN =
  /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE(?:[^>[]|\[[\s\S]*?\])*>|<(\/?)([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;

function countLines(text: string, from: number, to: number): number {
  let lines = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/** Elements, attributes, text and CDATA; comments, processing instructions and the DOCTYPE skipped. */
export function parseXml(source: string): XmlElement {
  const root: XmlElement = { name: '#document', attributes: {}, children: [], line: 1 };
  const stack: XmlElement[] = [root];
  let last = 0;
  let line = 1;
  for (const match of source.matchAll(TOKEN)) {
    const parent = stack[stack.length - 1] ?? root;
    if (match.index > last) {
      const text = source.slice(last, match.index);
      if (text.includes('<'))
        throw fdxInvalid('a tag is not well formed', line + countLines(source, last, last + text.indexOf('<')));
      parent.children.push(decodeEntities(text, line));
    }
    line += countLines(source, last, match.index);
    last = match.index + match[0].length;
    const [, cdata, closing, name, attributes, selfClosing] = match;
    if (cdata !== undefined) parent.children.push(cdata);
    else if (name !== undefined && closing) {
      if (parent.name !== name) throw fdxInvalid(`</${name}> does not close <${parent.name}>`, line);
      stack.pop();
    } else if (name !== undefined) {
      const element: XmlElement = { name, attributes: parseAttributes(attributes ?? '', line), children: [], line };
      parent.children.push(element);
      if (!selfClosing) stack.push(element);
      if (stack.length > MAX_DEPTH) throw fdxInvalid(`elements nest more than ${MAX_DEPTH} deep`, line);
    }
    line += countLines(source, match.index, last);
  }
  const tail = source.slice(last);
  if (tail.includes('<'))
    throw fdxInvalid('a tag is not well formed', line + countLines(source, last, last + tail.indexOf('<')));
  const open = stack[stack.length - 1];
  if (stack.length !== 1 && open) throw fdxInvalid(`<${open.name}> is never closed`, open.line);
  return root;
}

/** The child elements called `name`, in order. */
export function childElements(node: XmlElement, name: string): XmlElement[] {
  return node.children.filter((child): child is XmlElement => typeof child !== 'string' && child.name === name);
}
