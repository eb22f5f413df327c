import { contextBridge, ipcRenderer } from 'electron';
import { createApi, type ClientTransport, type Result } from '../contract/index.ts';

/** Transport only: one invoke per request and one listener per event, never the raw ipcRenderer or its event. */
const transport: ClientTransport = {
  invoke: (channel, input) => ipcRenderer.invoke(channel, input) as Promise<Result<unknown>>,
  subscribe(channel, listener) {
    const forward = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
};

contextBridge.exposeInMainWorld('understudy', createApi(transport));
