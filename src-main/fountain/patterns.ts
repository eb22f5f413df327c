/** The Fountain spec's line patterns, each written once; every reader of Fountain in the app uses these. */

/** `INT.`, `EXT.`, `EST.`, `INT./EXT.`, `INT/EXT`, `I/E` followed by a dot or a space (any case). */
export const SCENE_HEADING = /^(?:int|ext|est|int\.?\/ext|i\.?\/e)[.\s]/i;
/** The prefixes a generated or typed heading may start with, in the spec's order. */
export const SCENE_HEADING_PREFIXES: readonly string[] = ['INT. ', 'EXT. ', 'EST. ', 'INT./EXT. ', 'I/E '];
/** A trailing scene number: `INT. HOUSE - DAY #1A#`. */
export const SCENE_NUMBER = /\s*#([\w.-]+)#\s*$/;
export const TITLE_KEY =
  /^\s*(title|credit|authors?|source|draft date|date|contact(?: info)?|copyright|notes|revision|watermark|font)\s*:/i;
export const PAGE_BREAK = /^\s*={3,}\s*$/;
export const CENTERED = /^\s*>.*<\s*$/;
export const PARENTHETICAL = /^\s*\(.*\)\s*$/;
/** A cue's extension or dual-dialogue mark at its end: `(V.O.)`, `(CONT'D)`, `^`. */
export const CUE_EXTENSION = /\s*(\([^)]*\)|\^)\s*$/;
