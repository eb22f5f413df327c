const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

// Private-use placeholders keep `\*` and `\_` literal while the emphasis patterns run.
const STAR = '\uE000';
const UNDERSCORE = '\uE001';

const EMPHASIS: [RegExp, string][] = [
  [/\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*/g, '<strong><em>$1</em></strong>'],
  [/\*\*(?=\S)(.+?)(?<=\S)\*\*/g, '<strong>$1</strong>'],
  [/\*(?=\S)(.+?)(?<=\S)\*/g, '<em>$1</em>'],
  [/_(?=\S)(.+?)(?<=\S)_/g, '<u>$1</u>'],
];

/** Fountain inline markup (`***bold italic***`, `**bold**`, `*italic*`, `_underline_`, `\*` escapes) to HTML. */
export function inlineHtml(text: string): string {
  let html = escapeHtml(text.replace(/\\\*/g, STAR).replace(/\\_/g, UNDERSCORE));
  for (const [pattern, replacement] of EMPHASIS) html = html.replace(pattern, replacement);
  return html.replaceAll(STAR, '*').replaceAll(UNDERSCORE, '_');
}
