import { BrowserWindow, dialog } from 'electron';
import { writeFileAtomic } from './fs/atomic-file.ts';
import type { DialogService } from './app/dialog-service.ts';

/** Native dialogs attached to the app window, and print-to-PDF through an offscreen, script-less window. */
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
    async printToPdf({ html, path, paper }) {
      const printer = new BrowserWindow({
        show: false,
        webPreferences: { sandbox: true, contextIsolation: true, javascript: false, nodeIntegration: false },
      });
      try {
        await printer.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
        const pdf = await printer.webContents.printToPDF({
          pageSize: paper === 'a4' ? 'A4' : 'Letter',
          printBackground: false,
          preferCSSPageSize: true,
        });
        await writeFileAtomic(path, pdf);
        return { supported: true, value: { path, bytes: pdf.byteLength } };
      } finally {
        printer.destroy();
      }
    },
  };
}
