import type { z } from 'zod';
import { appEvents, appRequests } from './app.ts';
import { corporaRequests } from './corpora.ts';
import { documentsRequests } from './documents.ts';
import { dialogRequests } from './dialogs.ts';
import { engineEvents, engineRequests } from './engine.ts';
import { settingsEvents, settingsRequests } from './settings.ts';
import type { EventSpec, RequestSpec } from './define.ts';
import type { Result } from './result.ts';

export * from './app.ts';
export * from './corpora.ts';
export * from './documents.ts';
export * from './dialogs.ts';
export * from './engine.ts';
export * from './errors.ts';
export * from './generation.ts';
export * from './result.ts';
export * from './settings.ts';
export * from './vocabulary.ts';

/** Every request the renderer can make, by `domain:action` channel. */
export const requests = {
  ...appRequests,
  ...engineRequests,
  ...corporaRequests,
  ...documentsRequests,
  ...settingsRequests,
  ...dialogRequests,
};

/** Every event main can push, by `domain:event` channel. */
export const events = {
  ...appEvents,
  ...engineEvents,
  ...settingsEvents,
};

export type Requests = typeof requests;
export type Events = typeof events;
export type RequestName = keyof Requests;
export type EventName = keyof Events;

/** What the caller passes (before schema defaults). */
export type RequestInput<K extends RequestName> = z.input<Requests[K]['input']>;
/** What the handler receives (after the schema parsed it). */
export type ParsedInput<K extends RequestName> = z.output<Requests[K]['input']>;
export type RequestOutput<K extends RequestName> = Requests[K] extends RequestSpec<z.ZodType, infer O> ? O : never;
export type EventPayload<K extends EventName> = Events[K] extends EventSpec<infer P> ? P : never;

export const requestNames = Object.keys(requests) as RequestName[];
export const eventNames = Object.keys(events) as EventName[];

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

type DomainOf<K> = K extends `${infer D}:${string}` ? D : never;
type ActionOf<K> = K extends `${string}:${infer A}` ? A : never;
type Domain = DomainOf<RequestName | EventName>;
type InputArgs<K extends RequestName> =
  undefined extends RequestInput<K> ? [input?: RequestInput<K>] : [input: RequestInput<K>];

export type Unsubscribe = () => void;

/** `window.understudy`: `api.corpora.importFiles(...)` for `corpora:importFiles`, `api.app.onHeartbeat(cb)` for `app:heartbeat`. */
export type UnderstudyApi = {
  [D in Domain]: {
    [K in RequestName as DomainOf<K> extends D ? ActionOf<K> : never]: (
      ...args: InputArgs<K>
    ) => Promise<Result<RequestOutput<K>>>;
  } & {
    [K in EventName as DomainOf<K> extends D ? `on${Capitalize<ActionOf<K>>}` : never]: (
      listener: (payload: EventPayload<K>) => void,
    ) => Unsubscribe;
  };
};

/** The two operations a transport must offer; Electron IPC, the loopback WebSocket and tests implement it. */
export interface ClientTransport {
  invoke(channel: RequestName, input: unknown): Promise<Result<unknown>>;
  subscribe(channel: EventName, listener: (payload: unknown) => void): Unsubscribe;
}

/** Builds the typed API, one function per message, over any transport. */
export function createApi(transport: ClientTransport): UnderstudyApi {
  const api: Record<string, Record<string, unknown>> = {};
  const domain = (name: string) => (api[name] ??= {});
  for (const name of requestNames) {
    const [d = '', action = ''] = name.split(':');
    domain(d)[action] = (input?: unknown) => transport.invoke(name, input);
  }
  for (const name of eventNames) {
    const [d = '', action = ''] = name.split(':');
    const method = `on${action.charAt(0).toUpperCase()}${action.slice(1)}`;
    domain(d)[method] = (listener: (payload: unknown) => void) => transport.subscribe(name, listener);
  }
  return api as unknown as UnderstudyApi;
}
