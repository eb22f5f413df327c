import type { DialogResult, ParsedInput } from '../contract/index.ts';

/** Native dialogs: Electron provides them; the loopback server has none. */
export interface DialogService {
  openFiles(input: ParsedInput<'dialogs:openFiles'>): Promise<DialogResult<string[]>>;
  saveFile(input: ParsedInput<'dialogs:saveFile'>): Promise<DialogResult<string | null>>;
}

/** Used by `npm run web` and the tests: the renderer falls back to its own path prompt. */
export const noDialogs: DialogService = {
  openFiles: async () => ({ supported: false }),
  saveFile: async () => ({ supported: false }),
};
