import { PRESET_NAMES, type CorpusKind, type PresetName } from '../contract/vocabulary.ts';
import { cueName } from '../fountain/classify.ts';
import { parseFountain } from '../fountain/parse.ts';
import { stageSpeakers } from '../fountain/stage-play.ts';

export type { CorpusKind };

export interface CorpusStats {
  /** Unicode code points. */
  chars: number;
  words: number;
  lines: number;
  distinctChars: number;
  kind: CorpusKind;
  /** Speaker names by how often they speak (screenplay cues or stage-play speaker lines), at most 50. */
  characterNames: string[];
}

/**
 * Chars/s per preset until this machine's own speed is measured (a few seconds after the first start): what that
 * probe measured on the project's 2-core machine with wasm (Large scaled from Medium by parameter count).
 */
export const DEFAULT_CHARS_PER_SECOND: Readonly<Record<PresetName, number>> = {
  small: 14_000,
  medium: 7_000,
  large: 1_900,
};

const MAX_NAMES = 50;

function rankByFrequency(names: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_NAMES)
    .map(([name]) => name);
}

interface KindEvidence {
  kind: CorpusKind;
  characterNames: string[];
}

/**
 * Screenplay: scene headings plus character cues (read by the Fountain core); stage play: speaker lines
 * (`HAMLET:`) or cues without scenes.
 */
export function detectKind(text: string, hint: 'screenplay' | null = null): KindEvidence {
  const document = parseFountain(text);
  const contentLines = document.lines.filter((line) => line.type !== 'blank');
  const nonBlank = contentLines.length || 1;
  const cues = contentLines.filter((line) => line.type === 'character').map((line) => cueName(line.text));
  const speakers = stageSpeakers(document.lines.map((line) => line.source));
  if (cues.length >= 2 && (document.scenes.length >= 1 || hint === 'screenplay')) {
    return { kind: 'screenplay', characterNames: rankByFrequency(cues) };
  }
  if (speakers.length >= 3 && speakers.length / nonBlank > 0.03) {
    return { kind: 'stage play', characterNames: rankByFrequency(speakers) };
  }
  if (cues.length >= 3 && cues.length / nonBlank > 0.03) {
    return { kind: 'stage play', characterNames: rankByFrequency(cues) };
  }
  return { kind: 'prose', characterNames: [] };
}

/** The code points JavaScript's `\s` matches (a hand loop is ~20x faster than `/\S+/g` on large texts). */
function isSpace(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Code points, distinct code points and whitespace-separated words, in one pass over UTF-16 units. */
function countText(text: string): { chars: number; words: number; distinctChars: number } {
  const seenBmp = new Uint8Array(0x10000);
  const seenAstral = new Set<number>();
  let chars = 0;
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const low = code >= 0xd800 && code <= 0xdbff ? text.charCodeAt(i + 1) : NaN;
    if (low >= 0xdc00 && low <= 0xdfff) {
      seenAstral.add(code * 0x400 + low);
      i += 1;
    } else seenBmp[code] = 1;
    chars += 1;
    const space = isSpace(code);
    if (!space && !inWord) words += 1;
    inWord = !space;
  }
  return { chars, words, distinctChars: seenBmp.reduce((sum, seen) => sum + seen, 0) + seenAstral.size };
}

/** Counts and kind of a normalised corpus text (LF line endings). */
export function computeStats(text: string, hint: 'screenplay' | null = null): CorpusStats {
  const lines = text === '' ? 0 : text.replace(/\n$/, '').split('\n').length;
  return { ...countText(text), lines, ...detectKind(text, hint) };
}

/** Seconds to make `epochs` passes over `chars` characters with each preset; one pass by default. */
export function estimateTrainingSeconds(
  chars: number,
  charsPerSecondByPreset: Readonly<Record<PresetName, number>> = DEFAULT_CHARS_PER_SECOND,
  epochs = 1,
): Record<PresetName, number> {
  const estimate = (preset: PresetName): number =>
    Math.ceil((chars * epochs) / Math.max(charsPerSecondByPreset[preset], Number.EPSILON));
  return Object.fromEntries(PRESET_NAMES.map((preset) => [preset, estimate(preset)])) as Record<PresetName, number>;
}
