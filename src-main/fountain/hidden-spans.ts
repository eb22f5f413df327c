import type { HiddenSpan } from './types.ts';

/**
 * Finds closed `[[notes]]` and `/* boneyard *\/` spans. A note may wrap lines but not cross an empty
 * line (Fountain spec); boneyard may cross anything. Unclosed openers are left as text.
 */
export function findHiddenSpans(text: string): HiddenSpan[] {
  const spans: HiddenSpan[] = [];
  const opener = /\/\*|\[\[/g;
  let match: RegExpExecArray | null;
  while ((match = opener.exec(text)) !== null) {
    const from = match.index;
    if (match[0] === '/*') {
      const close = text.indexOf('*/', from + 2);
      if (close === -1) continue;
      spans.push({ kind: 'boneyard', from, to: close + 2 });
      opener.lastIndex = close + 2;
    } else {
      const close = text.indexOf(']]', from + 2);
      if (close === -1 || /\n[ \t]?\n/.test(text.slice(from, close))) continue;
      spans.push({ kind: 'note', from, to: close + 2 });
      opener.lastIndex = close + 2;
    }
  }
  return spans;
}

/** The line with every hidden span cut out; `spans` must be sorted and `lineFrom` is the line's offset. */
export function stripHidden(line: string, lineFrom: number, spans: readonly HiddenSpan[]): string {
  let out = '';
  let cursor = lineFrom;
  const lineTo = lineFrom + line.length;
  for (const span of spans) {
    if (span.to <= cursor || span.from >= lineTo) continue;
    if (span.from > cursor) out += line.slice(cursor - lineFrom, span.from - lineFrom);
    cursor = Math.min(lineTo, span.to);
  }
  return out + line.slice(cursor - lineFrom);
}
