/** Keys the editor handles, for the app's help sheet (`Mod` is Cmd on macOS, Ctrl elsewhere). */
export const EDITOR_SHORTCUTS: readonly { keys: string; action: string }[] = [
  { keys: 'Mod-Enter', action: 'Generate a scene from the cursor' },
  { keys: 'Mod-Z', action: 'Undo' },
  { keys: 'Mod-Shift-Z or Mod-Y', action: 'Redo' },
  { keys: 'Mod-F', action: 'Find and replace' },
  { keys: 'Mod-G or F3', action: 'Find next' },
  { keys: 'Mod-Shift-G or Shift-F3', action: 'Find previous' },
  { keys: 'Mod-Alt-G', action: 'Go to line' },
  { keys: 'Ctrl-Space', action: 'Suggest character names' },
  { keys: 'Alt-Shift-ArrowUp', action: 'Move the scene (or section) above the one before it' },
  { keys: 'Alt-Shift-ArrowDown', action: 'Move the scene (or section) below the one after it' },
  { keys: 'Escape', action: 'Close the find panel or suggestions' },
];
