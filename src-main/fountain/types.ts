/** Every kind of line the Fountain classifier can report. */
export type LineType =
  | 'title-page'
  | 'scene-heading'
  | 'action'
  | 'character'
  | 'dialogue'
  | 'parenthetical'
  | 'transition'
  | 'centered'
  | 'lyrics'
  | 'section'
  | 'synopsis'
  | 'note'
  | 'boneyard'
  | 'page-break'
  | 'blank';

export const LINE_TYPES: readonly LineType[] = [
  'title-page',
  'scene-heading',
  'action',
  'character',
  'dialogue',
  'parenthetical',
  'transition',
  'centered',
  'lyrics',
  'section',
  'synopsis',
  'note',
  'boneyard',
  'page-break',
  'blank',
];

/** A span inside the document that is not printed: `[[note]]` or `/* boneyard *\/`. */
export interface HiddenSpan {
  kind: 'note' | 'boneyard';
  /** Document offsets, `to` exclusive, delimiters included. */
  from: number;
  to: number;
}

export interface ClassifiedLine {
  /** 0-based line number. */
  index: number;
  /** Document offsets of the line, `to` exclusive and before the line break. */
  from: number;
  to: number;
  type: LineType;
  /** The raw source line. */
  source: string;
  /** What prints: notes, boneyard and forcing marks removed, trimmed. */
  text: string;
  /** Section depth (number of `#`), only for sections. */
  depth?: number;
  /** Scene number from a trailing `#12A#`, only for scene headings. */
  sceneNumber?: string;
  /** True for a character cue ending in `^` (dual dialogue). */
  dual?: boolean;
  /** True when a mark forced the element (`.`, `!`, `@`, `>`): its text keeps the writer's case. */
  forced?: boolean;
}

export interface TitleField {
  /** Lower-cased key, e.g. `title`, `draft date`. */
  key: string;
  /** Value lines, inline or indented below the key. */
  lines: string[];
}

export interface Scene {
  /** 0-based position among scenes. */
  index: number;
  heading: string;
  sceneNumber?: string;
  /** 0-based line of the heading and its document offset. */
  line: number;
  from: number;
}

export interface FountainDocument {
  titlePage: TitleField[];
  lines: ClassifiedLine[];
  hidden: HiddenSpan[];
  scenes: Scene[];
  /** Character names (extensions removed), most frequent first. */
  characters: string[];
  /** Scene locations (`BUS`, `HARROW POINT BUS DEPOT`), in order of first appearance. */
  locations: string[];
}
