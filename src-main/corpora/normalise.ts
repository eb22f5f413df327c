import { withoutDrafts } from '../fountain/provenance.ts';
import type { ExcludedDrafts } from './corpus-meta.ts';

export interface NormalisedText {
  text: string;
  gutenbergStripped: boolean;
}

// Controls other than tab and newline, C1 controls, BOMs / zero-width no-break spaces, and unpaired surrogates.
const UNWANTED =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFEFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const GUTENBERG_START = [
  /^\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK.*$/im,
  /^\*END\*THE SMALL PRINT!.*$/im,
];
const GUTENBERG_END = [
  /^\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK.*$/im,
  /^End of (?:the )?Project Gutenberg(?:'s)? .*$/im,
];

function firstMatch(text: string, patterns: readonly RegExp[]): RegExpExecArray | null {
  const matches = patterns.map((pattern) => pattern.exec(text)).filter((match) => match !== null);
  return matches.reduce<RegExpExecArray | null>(
    (best, match) => (best === null || match.index < best.index ? match : best),
    null,
  );
}

/** Removes the Project Gutenberg header (up to its START line) and licence (from its END line), if present. */
export function stripGutenberg(text: string): NormalisedText {
  if (!/project gutenberg/i.test(text)) return { text, gutenbergStripped: false };
  let body = text;
  let stripped = false;
  const start = firstMatch(body, GUTENBERG_START);
  if (start) {
    body = body.slice(start.index + start[0].length);
    stripped = true;
  }
  const end = firstMatch(body, GUTENBERG_END);
  if (end) {
    body = body.slice(0, end.index);
    stripped = true;
  }
  return { text: body, gutenbergStripped: stripped };
}

/** NFC, LF, no BOM/controls but tab and newline, no Gutenberg boilerplate, one trailing newline. */
export function normaliseText(raw: string): NormalisedText {
  const cleaned = raw.replace(/\r\n?/g, '\n').replace(UNWANTED, '').normalize('NFC');
  const { text, gutenbergStripped } = stripGutenberg(cleaned);
  const trimmed = text.replace(/^(?:[ \t]*\n)+/, '').replace(/\s+$/, '');
  return { text: trimmed === '' ? '' : `${trimmed}\n`, gutenbergStripped };
}

/** A normalised screenplay without the drafts bounded by Understudy's notes: a model must not learn its own output. */
export function excludeGeneratedDrafts(text: string): { text: string; excluded: ExcludedDrafts } {
  const { text: rest, removedChars, drafts } = withoutDrafts(text);
  if (drafts.length === 0) return { text, excluded: { count: 0, chars: 0 } };
  return { text: normaliseText(rest).text, excluded: { count: drafts.length, chars: removedChars } };
}
