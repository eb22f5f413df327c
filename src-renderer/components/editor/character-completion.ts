import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { Facet } from '@codemirror/state';
import { fountainOf } from './fountain-language.ts';

/** Character names from outside the script (the corpora); the app reconfigures it as they change. */
export const externalCharacterNames = Facet.define<readonly string[], readonly string[]>({
  combine: (lists) => [...new Set(lists.flat())],
});

/** Two or more capitals (a cue being typed), or anything after a forcing `@`. */
const TYPED_CUE = /^(\s*)(@?)([\p{Lu}\p{N}][\p{Lu}\p{N} .'’-]+|(?<=@)[^\n]*)$/u;

/**
 * Offers character names on a line that can become a cue: the line above is blank (or absent) and
 * what is typed so far is in capitals, or forced with `@`; Ctrl-Space asks on any such line.
 */
export function characterCompletions(context: CompletionContext): CompletionResult | null {
  const { state, pos } = context;
  const line = state.doc.lineAt(pos);
  const typed = state.sliceDoc(line.from, pos);
  const above = line.number > 1 ? fountainOf(state).lines[line.number - 2] : undefined;
  if (above && above.type !== 'blank') return null;
  const match = TYPED_CUE.exec(typed) ?? (context.explicit ? /^(\s*)(@?)([^\n]*)$/u.exec(typed) : null);
  if (!match) return null;
  const word = match[3] ?? '';
  const from = line.from + (match[1]?.length ?? 0) + (match[2]?.length ?? 0);
  const inScript = fountainOf(state).characters;
  const options: Completion[] = inScript.map((name, rank) => ({
    label: name,
    type: 'character',
    detail: 'in this script',
    boost: Math.max(0, 50 - rank),
  }));
  for (const name of state.facet(externalCharacterNames)) {
    const upper = name.trim().toUpperCase();
    if (upper !== '' && !inScript.includes(upper))
      options.push({ label: upper, type: 'character', detail: 'from your corpora' });
  }
  const remaining = options.filter((option) => option.label !== word.toUpperCase() || word === '');
  if (remaining.length === 0) return null;
  return { from, options: remaining, validFor: /^[\p{L}\p{N} .'’-]*$/u };
}
