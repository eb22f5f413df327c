import { classifyFountain, cueName } from './classify.ts';
import { SCENE_HEADING } from './patterns.ts';
import type { ClassifiedLine, FountainDocument, Scene, TitleField } from './types.ts';

/** Parses a Fountain script. Offsets refer to the text with line breaks normalised to `\n`. */
export function parseFountain(text: string): FountainDocument {
  const { lines, hidden } = classifyFountain(normalizeLineBreaks(text));
  return {
    titlePage: titleFields(lines),
    lines,
    hidden,
    scenes: scenesOf(lines),
    characters: charactersOf(lines),
    locations: locationsOf(lines),
  };
}

/** `EXT. HARROW POINT BUS DEPOT - NIGHT` -> `HARROW POINT BUS DEPOT`: the heading without its prefix and time. */
export function sceneLocation(heading: string): string {
  const prefix = SCENE_HEADING.exec(heading)?.[0] ?? '';
  return heading
    .slice(prefix.length)
    .replace(/\s+[-–—]\s+[^-–—]*$/, '')
    .trim()
    .toUpperCase();
}

function locationsOf(lines: readonly ClassifiedLine[]): string[] {
  const locations = lines.filter((line) => line.type === 'scene-heading').map((line) => sceneLocation(line.text));
  return [...new Set(locations.filter((location) => location !== ''))];
}

export function normalizeLineBreaks(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

function titleFields(lines: readonly ClassifiedLine[]): TitleField[] {
  const fields: TitleField[] = [];
  for (const line of lines) {
    if (line.type !== 'title-page') break;
    const keyed = /^([A-Za-z][A-Za-z ]*?)\s*:(.*)$/.exec(line.text);
    const indented = /^(\t| {3})/.test(line.source);
    const last = fields.at(-1);
    if (keyed && !indented) {
      const value = (keyed[2] ?? '').trim();
      fields.push({ key: (keyed[1] ?? '').toLowerCase(), lines: value === '' ? [] : [value] });
    } else if (last && line.text !== '') {
      last.lines.push(line.text);
    }
  }
  return fields;
}

function scenesOf(lines: readonly ClassifiedLine[]): Scene[] {
  const scenes: Scene[] = [];
  for (const line of lines) {
    if (line.type !== 'scene-heading') continue;
    const scene: Scene = { index: scenes.length, heading: line.text, line: line.index, from: line.from };
    if (line.sceneNumber !== undefined) scene.sceneNumber = line.sceneNumber;
    scenes.push(scene);
  }
  return scenes;
}

function charactersOf(lines: readonly ClassifiedLine[]): string[] {
  const counts = new Map<string, number>();
  for (const line of lines) {
    if (line.type !== 'character') continue;
    const name = cueName(line.text);
    if (name !== '') counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
}

/** The scene containing a 0-based line, or undefined before the first heading. */
export function sceneAtLine(scenes: readonly Scene[], line: number): Scene | undefined {
  let found: Scene | undefined;
  for (const scene of scenes) {
    if (scene.line > line) break;
    found = scene;
  }
  return found;
}
