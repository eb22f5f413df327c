import { dialog, type BrowserWindow } from 'electron';
import type { DialogService } from './app/dialog-service.ts';

/** Native dialogs attached to the app window. */
export function electronDialogs(getWindow: () => BrowserWindow | undefined): DialogService {
  return {
    async openFiles({ title, filters, multiple, directories }) {
      const window = getWindow();
      const options: Electron.OpenDialogOptions = {
        title,
        filters,
        properties: [directories ? 'openDirectory' : 'openFile', ...(multiple ? (['multiSelections'] as const) : [])],
      };
      const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return { supported: true, value: result.canceled ? [] : result.filePaths };
    },
    async saveFile({ title, defaultPath, filters }) {
      const window = getWindow();
      const options: Electron.SaveDialogOptions = { title, defaultPath, filters };
      const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
      return { supported: true, value: result.canceled || !result.filePath ? null : result.filePath };
    },
  };
}
