import { ipcMain, type BrowserWindow } from 'electron';
import { requestNames } from '../contract/index.ts';
import type { Dispatch } from '../ipc/dispatcher.ts';
import type { EventBus } from '../ipc/event-bus.ts';
import { APP_ORIGIN, isTrustedOrigin } from '../security-policy.ts';

/** Electron IPC over the shared handler table: one `handle` per request, events forwarded to the live window. */
export function attachElectronIpc(dispatch: Dispatch, bus: EventBus, getWindow: () => BrowserWindow | undefined) {
  for (const channel of requestNames) {
    ipcMain.handle(channel, (event, input: unknown) => {
      const origin = event.senderFrame?.url ?? '';
      return dispatch(channel, input, { trusted: isTrustedOrigin(origin, [APP_ORIGIN]), origin });
    });
  }
  const detach = bus.attach((channel, payload) => {
    const window = getWindow();
    if (window && !window.isDestroyed() && !window.webContents.isDestroyed()) window.webContents.send(channel, payload);
  });
  return () => {
    detach();
    for (const channel of requestNames) ipcMain.removeHandler(channel);
  };
}
