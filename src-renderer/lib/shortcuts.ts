import { DRAFT_MODES, MODE_INFO, type DraftMode } from './draft-modes.ts';

/** Every app-level keyboard shortcut, in one table the help sheet lists and the key handler matches. */
export type ShortcutId =
  | `mode:${DraftMode}`
  | 'generate'
  | 'stopGeneration'
  | 'save'
  | 'saveAs'
  | 'open'
  | 'newDocument'
  | 'help'
  | 'insertDraft'
  | 'showGenerate'
  | 'showTraining'
  | 'showModels'
  | 'focusEditor'
  | 'togglePageMarkers';

export interface Shortcut {
  id: ShortcutId;
  /** CodeMirror-style key spec: `Mod-Shift-s`; Mod is Cmd on macOS, Ctrl elsewhere. */
  keys: string;
  label: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { id: 'generate', keys: 'Mod-Enter', label: 'Generate scene from the cursor' },
  { id: 'stopGeneration', keys: 'Escape', label: 'Stop generating' },
  { id: 'insertDraft', keys: 'Mod-Shift-Enter', label: 'Insert the first draft at the cursor' },
  { id: 'save', keys: 'Mod-s', label: 'Save' },
  { id: 'saveAs', keys: 'Mod-Shift-s', label: 'Save as…' },
  { id: 'open', keys: 'Mod-o', label: 'Open…' },
  { id: 'newDocument', keys: 'Mod-n', label: 'New screenplay' },
  { id: 'showGenerate', keys: 'Mod-1', label: 'Show the Generate panel' },
  { id: 'showTraining', keys: 'Mod-2', label: 'Show the Training panel' },
  { id: 'showModels', keys: 'Mod-3', label: 'Show the Models panel' },
  { id: 'focusEditor', keys: 'Mod-e', label: 'Focus the editor' },
  { id: 'togglePageMarkers', keys: 'Mod-Shift-b', label: 'Show or hide page breaks in the editor' },
  { id: 'help', keys: 'Mod-/', label: 'Show this help sheet' },
  // Alt-1 ... Alt-5 pick what Generate writes, in the order of the Write control.
  ...DRAFT_MODES.map((mode, index) => ({
    id: `mode:${mode}` as const,
    keys: `Alt-${index + 1}`,
    label: `Generate writes: ${MODE_INFO[mode].label.toLowerCase()}`,
  })),
];

/** The shortcut that picks a Generate mode. */
export function modeShortcut(mode: DraftMode): Shortcut {
  const shortcut = SHORTCUTS.find((candidate) => candidate.id === `mode:${mode}`);
  if (shortcut === undefined) throw new Error(`no shortcut for mode ${mode}`);
  return shortcut;
}

/** Editor keys handled by CodeMirror itself, listed for the help sheet. */
export const EDITOR_SHORTCUTS: readonly Omit<Shortcut, 'id'>[] = [
  { keys: 'Mod-z', label: 'Undo' },
  { keys: 'Mod-Shift-z', label: 'Redo' },
  { keys: 'Mod-f', label: 'Find and replace' },
  { keys: 'Ctrl-Space', label: 'Suggest character names' },
];

export function isMac(platform = typeof navigator === 'undefined' ? '' : navigator.platform): boolean {
  return /Mac|iPhone|iPad/.test(platform);
}

/** `Mod-Shift-s` -> `Ctrl+Shift+S` (or `⌘⇧S` on a Mac). */
export function describeKeys(keys: string, mac = isMac()): string {
  const parts = keys.split('-').map((part) => (part === '' ? '-' : part));
  const names = parts.map((part) => {
    if (part === 'Mod') return mac ? '⌘' : 'Ctrl';
    if (part === 'Shift') return mac ? '⇧' : 'Shift';
    if (part === 'Alt') return mac ? '⌥' : 'Alt';
    if (part === 'Ctrl') return mac ? '⌃' : 'Ctrl';
    if (part === 'Escape') return 'Esc';
    return part.length === 1 ? part.toUpperCase() : part;
  });
  return names.join(mac ? '' : '+');
}

/** True when a keyboard event is exactly this key spec (no extra modifiers). */
export function matchesKeys(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'> & { code?: string },
  keys: string,
  mac = isMac(),
): boolean {
  const parts = keys.split('-');
  const key = parts.at(-1) ?? '';
  const want = { mod: parts.includes('Mod'), shift: parts.includes('Shift'), alt: parts.includes('Alt') };
  const mod = mac ? event.metaKey : event.ctrlKey;
  const stray = mac ? event.ctrlKey : event.metaKey;
  if (mod !== want.mod || event.shiftKey !== want.shift || event.altKey !== want.alt || stray) return false;
  // Option+digit types another character on a Mac: a digit key is matched by its position too.
  const digit = /^\d$/.test(key) && event.code === `Digit${key}`;
  return event.key.toLowerCase() === key.toLowerCase() || (key === '/' && event.key === '?') || digit;
}

export function findShortcut(event: KeyboardEvent, mac = isMac()): Shortcut | undefined {
  return SHORTCUTS.find((shortcut) => matchesKeys(event, shortcut.keys, mac));
}
