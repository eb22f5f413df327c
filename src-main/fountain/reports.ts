import { cueName } from './classify.ts';
import { paginate, PAPERS, type Pagination, type Paper } from './paginate.ts';
import { sceneLocation } from './parse.ts';
import { SCENE_HEADING } from './patterns.ts';
import { sceneNumbers } from './scene-numbers.ts';
import { countWords } from './stats.ts';
import type { FountainDocument, LineType } from './types.ts';

/** Where a character first speaks. */
export interface Appearance {
  /** 1-based printed page. */
  page: number;
  /** The scene's printed number, or undefined before the first heading. */
  scene: string | undefined;
}

export interface CharacterReport {
  /** The cue without extensions: `MARA (V.O.)` and `MARA (CONT'D)` are both MARA. */
  name: string;
  speeches: number;
  /** Words spoken (dialogue and sung lyrics; parentheticals are direction, not counted). */
  words: number;
  /** Scenes the character speaks in. */
  scenes: number;
  first: Appearance;
}

export type Setting = 'INT' | 'EXT' | 'INT/EXT';

export interface LocationReport {
  /** As `sceneLocation` gives it: `HARROW POINT BUS DEPOT`. */
  name: string;
  scenes: number;
  /** Interior, exterior or both, in order of first use. */
  settings: Setting[];
  /** Times of day from the headings (`DAY`, `NIGHT`, `LATER`), in order of first use. */
  times: string[];
  eighths: number;
}

export interface SceneReport {
  /** The printed scene number (see scene-numbers.ts). */
  number: string;
  heading: string;
  location: string;
  setting: Setting | undefined;
  time: string | undefined;
  /** 0-based heading line and 1-based page it prints on. */
  line: number;
  page: number;
  /** Length in eighths of a page, at least 1. */
  eighths: number;
  /** Characters who speak in it, in order of first speech. */
  characters: string[];
}

export interface ScriptReport {
  characters: CharacterReport[];
  locations: LocationReport[];
  scenes: SceneReport[];
  pages: number;
  /** The printed body in eighths of a page (title page excluded). */
  eighths: number;
  /** A page a minute, from the printed page count (as the status bar gives it). */
  screenMinutes: number;
}

/** Industry breakdowns measure scenes in eighths: 55 lines a page on Letter makes an eighth about 7 lines. */
export function eighthsOf(rows: number, linesPerPage: number): number {
  return Math.max(1, Math.round(rows / (linesPerPage / 8)));
}

/** 11 -> `1 3/8`, 8 -> `1`, 3 -> `3/8`. */
export function formatEighths(eighths: number): string {
  const pages = Math.floor(eighths / 8);
  const rest = eighths % 8;
  if (rest === 0) return String(pages);
  return pages === 0 ? `${rest}/8` : `${pages} ${rest}/8`;
}

/** Per character, location and scene, from the core's parse and its one paginator. */
export function scriptReport(document: FountainDocument, paper: Paper = 'letter'): ScriptReport {
  const pagination = paginate(document, { paper });
  const { linesPerPage } = PAPERS[paper];
  const positions = linePositions(pagination);
  const numbers = sceneNumbers(document.scenes);
  const scenes = document.scenes.map((scene, index): SceneReport => {
    const start = positions.get(scene.line);
    const nextLine = document.scenes[index + 1]?.line;
    const end = nextLine === undefined ? undefined : positions.get(nextLine);
    const rows = start === undefined ? 0 : (end?.row ?? positions.total) - start.row;
    return {
      number: numbers[index] ?? String(index + 1),
      heading: scene.heading,
      location: sceneLocation(scene.heading),
      setting: settingOf(scene.heading),
      time: timeOf(scene.heading),
      line: scene.line,
      page: start?.page ?? 1,
      eighths: eighthsOf(rows, linesPerPage),
      characters: [],
    };
  });
  const characters = charactersOf(document, scenes, positions);
  const bodyEighths = positions.total === 0 ? 0 : eighthsOf(positions.total, linesPerPage);
  return {
    characters,
    locations: locationsOf(scenes),
    scenes,
    pages: pagination.pages.length,
    eighths: bodyEighths,
    screenMinutes: pagination.pages.length,
  };
}

interface Position {
  page: number;
  /** Printed rows before this one, counted over every page (a page's unused foot is not counted). */
  row: number;
}

/** Where each source line first prints, and the body's printed rows in all. */
function linePositions(pagination: Pagination): Map<number, Position> & { total: number } {
  const positions = new Map<number, Position>() as Map<number, Position> & { total: number };
  let row = 0;
  for (const page of pagination.pages) {
    for (const cells of page.rows) {
      for (const cell of cells) {
        if (cell.line !== undefined && !positions.has(cell.line)) positions.set(cell.line, { page: page.number, row });
      }
      row++;
    }
  }
  positions.total = row;
  return positions;
}

function settingOf(heading: string): Setting | undefined {
  const prefix = SCENE_HEADING.exec(heading)?.[0].trim().toUpperCase().replace(/\.$/, '');
  if (prefix === undefined) return undefined;
  if (prefix.includes('/')) return 'INT/EXT';
  return prefix === 'INT' ? 'INT' : 'EXT';
}

/** What follows the location: `EXT. DEPOT - NIGHT` -> `NIGHT`. */
function timeOf(heading: string): string | undefined {
  const prefix = SCENE_HEADING.exec(heading)?.[0] ?? '';
  const rest = heading.slice(prefix.length).trim().toUpperCase();
  const location = sceneLocation(heading);
  if (!rest.startsWith(location)) return undefined;
  const time = rest
    .slice(location.length)
    .replace(/^[\s\-–—]+/, '')
    .trim();
  return time === '' ? undefined : time;
}

/** Lines that neither end a speech nor add words to it. */
const SPEECH_TRANSPARENT: ReadonlySet<LineType> = new Set(['parenthetical', 'note', 'boneyard']);

function charactersOf(
  document: FountainDocument,
  scenes: SceneReport[],
  positions: ReadonlyMap<number, Position>,
): CharacterReport[] {
  const byName = new Map<string, CharacterReport & { sceneSet: Set<number> }>();
  let sceneIndex = -1;
  let speaker: (CharacterReport & { sceneSet: Set<number> }) | undefined;
  for (const line of document.lines) {
    if (line.type === 'scene-heading') {
      sceneIndex++;
      speaker = undefined;
    } else if (line.type === 'character') {
      const name = cueName(line.text);
      if (name === '') continue;
      const scene = scenes[sceneIndex];
      let report = byName.get(name);
      if (!report) {
        const first = { page: positions.get(line.index)?.page ?? 1, scene: scene?.number };
        report = { name, speeches: 0, words: 0, scenes: 0, first, sceneSet: new Set() };
        byName.set(name, report);
      }
      report.speeches++;
      if (scene && !report.sceneSet.has(sceneIndex)) {
        report.sceneSet.add(sceneIndex);
        scene.characters.push(name);
      }
      speaker = report;
    } else if (speaker && (line.type === 'dialogue' || line.type === 'lyrics')) {
      speaker.words += countWords(line.text);
    } else if (!SPEECH_TRANSPARENT.has(line.type)) {
      speaker = undefined;
    }
  }
  return [...byName.values()].map(({ sceneSet, ...report }) => ({ ...report, scenes: sceneSet.size }));
}

function locationsOf(scenes: readonly SceneReport[]): LocationReport[] {
  const byName = new Map<string, LocationReport>();
  for (const scene of scenes) {
    if (scene.location === '') continue;
    let report = byName.get(scene.location);
    if (!report) {
      report = { name: scene.location, scenes: 0, settings: [], times: [], eighths: 0 };
      byName.set(scene.location, report);
    }
    report.scenes++;
    report.eighths += scene.eighths;
    if (scene.setting && !report.settings.includes(scene.setting)) report.settings.push(scene.setting);
    if (scene.time && !report.times.includes(scene.time)) report.times.push(scene.time);
  }
  return [...byName.values()];
}
