import { createApi, type UnderstudyApi } from '../../src-main/contract/index.ts';
import { createWebSocketTransport } from './transport/ws-client.ts';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent when the UI runs in a browser over the loopback transport. */
    understudy?: UnderstudyApi;
  }
}

/** The preload's API in Electron; otherwise the loopback WebSocket, authorised by the token in the URL fragment. */
export function connectApi(): UnderstudyApi {
  if (window.understudy) return window.understudy;
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ipc?token=${encodeURIComponent(token)}`;
  return createApi(createWebSocketTransport(wsUrl));
}
