import { z } from 'zod';
import { event, request } from './define.ts';
import type { ErrorCode } from './errors.ts';

import type { BackendName } from '../engine/types.ts';

export type { BackendName };

export interface AppInfo {
  name: string;
  version: string;
  /** The TensorFlow.js backend the engine runs on, probed for real. */
  backend: BackendName;
  dataDir: string;
  platform: string;
  /** 'electron' in the desktop app, 'web' when the UI is served over the loopback transport. */
  shell: 'electron' | 'web';
}

/** A stored item that could not be read at start-up: left on disk untouched (settings: set aside) and named here. */
export interface DamagedItem {
  kind: 'corpus' | 'model' | 'recovery copy' | 'settings';
  /** The corpus or model id, the recovery copy's document key (its file name when unreadable), or 'settings'. */
  id: string;
  code: ErrorCode;
  message: string;
}

export interface Heartbeat {
  seq: number;
  at: number;
}

export const appRequests = {
  'app:getInfo': request<AppInfo>()(z.undefined()),
  /** Round trip of a trivial request: used to measure responsiveness while the engine works. */
  'app:ping': request<{ echo: string; at: number }>()(z.object({ echo: z.string().max(1000) })),
  'app:openExternal': request<void>()(z.object({ url: z.string().max(4096) })),
  /** `.fountain` files the app was launched with (file association, command line); each is handed out once. */
  'app:takeLaunchFiles': request<string[]>()(z.undefined()),
  /** Everything stored that is damaged, so the writer is told rather than finding it missing. */
  'app:listDamaged': request<DamagedItem[]>()(z.undefined()),
};

export const appEvents = {
  'app:heartbeat': event<Heartbeat>(),
  /** The OS asked the running app to open a file (double-click on a `.fountain`, second launch). */
  'app:openFileRequested': event<{ path: string }>(),
};
