import { EditorView } from '@codemirror/view';
import type { LineType } from '../../../src-main/fountain/types.ts';

/**
 * Where each element sits in the 60-character column, in Courier characters (cue 3.7in, parenthetical 3.1in,
 * dialogue 2.5in from the paper's edge): the editor and the draft view both lay lines out by this table.
 */
export const ELEMENT_INDENTS: Readonly<
  Partial<Record<LineType, { left?: number; right?: number; align?: 'right' | 'center' }>>
> = {
  character: { left: 22 },
  parenthetical: { left: 16, right: 19 },
  dialogue: { left: 10, right: 15 },
  lyrics: { left: 10, right: 15 },
  transition: { align: 'right' },
  centered: { align: 'center' },
};

/** The CSS for an element's place in the column (`padding-left: 22ch` ...). */
export function indentStyle(type: LineType): Record<string, string> {
  const indent = ELEMENT_INDENTS[type] ?? {};
  const style: Record<string, string> = {};
  if (indent.left !== undefined) style['paddingLeft'] = `${indent.left}ch`;
  if (indent.right !== undefined) style['paddingRight'] = `${indent.right}ch`;
  if (indent.align !== undefined) style['textAlign'] = indent.align;
  return style;
}

const FONT = `"Courier Prime", "Courier Final Draft", "Courier New", Courier, "Liberation Mono", "Nimbus Mono PS", monospace`;

/** Indents in `ch` from the 1.5in left margin: 10 Courier characters an inch, as on the printed page. */
const line = (name: string): string => `&.cm-editor .cm-line.cm-fountain-${name}`;

/**
 * The page look: a 60-character column in 12pt Courier with cue, parenthetical and dialogue indents
 * (3.7in, 3.1in, 2.5in from the paper's edge) and right-aligned transitions. Colours use
 * `light-dark()`, so they follow the inherited `color-scheme`; `--editor-*` variables override them.
 */
export const screenplayTheme = EditorView.theme({
  '&': {
    height: '100%',
    backgroundColor: 'var(--editor-desk, light-dark(#e9e9ec, #111114))',
    color: 'var(--editor-ink, light-dark(#111, #e6e6e6))',
    fontSize: '12pt',
  },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { fontFamily: FONT, lineHeight: '1.35', overflow: 'auto' },
  '.cm-content': {
    boxSizing: 'content-box',
    flex: '0 1 auto',
    width: '60ch',
    maxWidth: 'calc(100% - 4ch)',
    margin: '2em auto',
    padding: '1in 1in 1in 1.5in',
    backgroundColor: 'var(--editor-paper, light-dark(#fff, #1c1c20))',
    boxShadow: '0 1px 4px light-dark(rgba(0,0,0,0.18), rgba(0,0,0,0.6))',
    caretColor: 'var(--editor-caret, light-dark(#000, #fff))',
  },
  '.cm-line': { padding: '0' },
  [line('scene-heading')]: { color: 'light-dark(#0b4fa8, #8ab4f8)', fontWeight: 'bold', textTransform: 'none' },
  [line('character')]: { ...indentStyle('character'), color: 'light-dark(#7a2e8a, #d7aefb)' },
  [line('parenthetical')]: { ...indentStyle('parenthetical'), color: 'light-dark(#555, #b0b0b0)' },
  [line('dialogue')]: indentStyle('dialogue'),
  [line('lyrics')]: { ...indentStyle('lyrics'), fontStyle: 'italic' },
  [line('transition')]: { ...indentStyle('transition'), color: 'light-dark(#8a4b08, #f3b562)' },
  [line('centered')]: indentStyle('centered'),
  [line('section')]: { color: 'light-dark(#0f766e, #5eead4)', fontWeight: 'bold' },
  [line('synopsis')]: { color: 'light-dark(#4d7c0f, #a3e635)', fontStyle: 'italic' },
  [line('page-break')]: { color: 'light-dark(#999, #666)', borderBottom: '1px dashed currentColor' },
  [line('title-page')]: { color: 'light-dark(#333, #ccc)' },
  '.cm-fountain-title-key': { color: 'light-dark(#0b4fa8, #8ab4f8)', fontWeight: 'bold' },
  '.cm-fountain-note-span': {
    color: 'light-dark(#6b5900, #e5c07b)',
    backgroundColor: 'light-dark(#fff7cc, #3a3320)',
    fontStyle: 'italic',
  },
  '.cm-fountain-boneyard-span': { color: 'light-dark(#9a9a9a, #6b6b6b)', textDecoration: 'line-through' },
  '.cm-fountain-marker': { color: 'light-dark(#a0a0a0, #707070)' },
  '.cm-fountain-scene-number': { color: 'light-dark(#a0a0a0, #707070)' },
  '.cm-fountain-extension': { fontWeight: 'normal', opacity: '0.85' },
  '.cm-fountain-bold': { fontWeight: 'bold' },
  '.cm-fountain-italic': { fontStyle: 'italic' },
  '.cm-fountain-underline': { textDecoration: 'underline' },
  '.cm-page-marker': {
    display: 'flex',
    justifyContent: 'flex-end',
    margin: '0.6em -1in 0.6em -1.5in',
    padding: '0 1in 0 0',
    borderTop: '1px solid light-dark(#c8c8cc, #3a3a40)',
    color: 'light-dark(#888, #777)',
    fontSize: '10pt',
    lineHeight: '1.6',
    userSelect: 'none',
  },
  '.cm-panels': { fontFamily: 'system-ui, sans-serif', fontSize: '10pt' },
  '.cm-tooltip-autocomplete': { fontFamily: FONT },
});
