import type { EventName, RequestName, Result } from '../contract/index.ts';

/** Frames of the loopback WebSocket protocol (JSON text frames). */
export type ClientFrame = { type: 'invoke'; id: number; channel: RequestName; input?: unknown };
export type ServerFrame =
  { type: 'result'; id: number; result: Result<unknown> } | { type: 'event'; channel: EventName; payload: unknown };
