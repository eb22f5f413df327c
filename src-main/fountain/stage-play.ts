import { classifyLine, START_CONTEXT } from './classify.ts';

/**
 * A stage play's speaker line, alone on its line: `HAMLET:` or `First Citizen:` (the Shakespeare sample's layout),
 * or an upper-case `HAMLET.` (many printed plays).
 */
const SPEAKER_COLON = /^([\p{Lu}][\p{L}'’.-]*(?: [\p{L}'’.-]+){0,4}):\s*$/u;
const SPEAKER_DOT = /^([\p{Lu}][\p{Lu}'’-]*(?: [\p{Lu}'’-]+){0,3})\.\s*$/u;

/** The speaker a stage-play line names, or undefined. */
export function stageSpeaker(line: string): string | undefined {
  const trimmed = line.trim();
  return SPEAKER_COLON.exec(trimmed)?.[1] ?? SPEAKER_DOT.exec(trimmed)?.[1];
}

/** The speaker of `lines[index]` when it opens a speech: a speaker line at a paragraph's start, with speech below. */
export function stageSpeakerAt(lines: readonly string[], index: number): string | undefined {
  const paragraphStart = index === 0 || (lines[index - 1] ?? '').trim() === '';
  if (!paragraphStart || (lines[index + 1] ?? '').trim() === '') return undefined;
  return stageSpeaker(lines[index] ?? '');
}

/** The speaker of every speech, in order of appearance (repeats kept). */
export function stageSpeakers(lines: readonly string[]): string[] {
  return lines.flatMap((_, index) => stageSpeakerAt(lines, index) ?? []);
}

/**
 * A stage play as a Fountain screenplay: each speaker line becomes a cue (upper case, blank line above) and the
 * lines below it its dialogue; every other paragraph becomes action, forced with `!` where Fountain would read it
 * as something else. Line breaks are `\n`.
 */
export function stagePlayToFountain(text: string): string {
  const out: string[] = [];
  let inSpeech = false;
  let paragraphStart = true;
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trimEnd();
    if (line.trim() === '') {
      if (out.length > 0 && out.at(-1) !== '') out.push('');
      inSpeech = false;
      paragraphStart = true;
      return;
    }
    const speaker = stageSpeakerAt(lines, index);
    if (speaker !== undefined) {
      out.push(speaker.toUpperCase());
      inSpeech = true;
      paragraphStart = false;
      return;
    }
    // Speech keeps its text (a line inside a speech is dialogue whatever it starts with); `(` would open a
    // parenthetical and `~` lyrics, so those are kept as written only when they read as such.
    if (inSpeech) out.push(line.trim());
    else out.push(asAction(line.trim(), paragraphStart));
    paragraphStart = false;
  });
  while (out.at(-1) === '') out.pop();
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** Forces an action line that Fountain would read as another element (after a blank line: any element). */
function asAction(line: string, afterBlank: boolean): string {
  const context = afterBlank ? START_CONTEXT : { afterBlank: false, inDialogue: false };
  const readsAsAction =
    classifyLine(line, context, false).type === 'action' && classifyLine(line, context, true).type === 'action';
  return readsAsAction && !line.startsWith('!') ? line : `!${line}`;
}
