import { PRESET_NAMES, type CorpusKind, type PresetName } from '../contract/vocabulary.ts';

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

const SCENE_HEADING = /^(?:\.[A-Za-z0-9]|(?:INT|EXT|EST|INT\.?\/EXT|I\/E)[.\s])/i;
const CUE_EXTENSION = /\s*(\([^)]*\)|\^)\s*$/;
const STAGE_SPEAKER = /^([A-Z][A-Za-z'’.-]*(?: [A-Za-z'’.-]+){0,4}):\s*$/;
const MAX_NAMES = 50;

function isCue(line: string, previous: string | undefined, next: string | undefined): boolean {
  if (previous === undefined || previous.trim() !== '' || next === undefined || next.trim() === '') return false;
  const trimmed = line.trim();
  if (trimmed.startsWith('@')) return trimmed.length > 1;
  const name = trimmed.replace(CUE_EXTENSION, '').replace(CUE_EXTENSION, '');
  return (
    name.length > 0 &&
    name.length <= 40 &&
    /\p{Lu}/u.test(name) &&
    name === name.toUpperCase() &&
    !/TO:$/.test(name) &&
    !SCENE_HEADING.test(name) &&
    !/[!?:]$/.test(name)
  );
}

function cueName(line: string): string {
  return line.trim().replace(/^@/, '').replace(CUE_EXTENSION, '').replace(CUE_EXTENSION, '').trim();
}

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

/** Screenplay: scene headings plus character cues; stage play: speaker lines (`HAMLET:`) or cues without scenes. */
export function detectKind(lines: readonly string[], hint: 'screenplay' | null = null): KindEvidence {
  const nonBlank = lines.filter((line) => line.trim() !== '').length || 1;
  let headings = 0;
  const cues: string[] = [];
  const speakers: string[] = [];
  lines.forEach((line, i) => {
    const previous = i === 0 ? '' : lines[i - 1];
    if (SCENE_HEADING.test(line) && (previous ?? '').trim() === '') headings += 1;
    else if (isCue(line, previous, lines[i + 1])) cues.push(cueName(line));
    const speaker = STAGE_SPEAKER.exec(line.trim());
    if (speaker?.[1] && (lines[i + 1] ?? '').trim() !== '') speakers.push(speaker[1]);
  });
  if (cues.length >= 2 && (headings >= 1 || hint === 'screenplay')) {
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
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  return { ...countText(text), lines: lines.length, ...detectKind(lines, hint) };
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
