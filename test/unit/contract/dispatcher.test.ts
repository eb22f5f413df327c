import { describe, expect, it } from 'vitest';
import {
  AppError,
  createApi,
  requestNames,
  eventNames,
  type ClientTransport,
} from '../../../src-main/contract/index.ts';
import { createDispatcher, type Handlers } from '../../../src-main/ipc/dispatcher.ts';

const trusted = { trusted: true, origin: 'test' };

function handlersWith(overrides: Partial<Handlers>): Handlers {
  const table: Record<string, unknown> = {};
  for (const name of requestNames) table[name] = () => Promise.reject(new Error(`${name} not under test`));
  return { ...(table as Handlers), ...overrides };
}

describe('the one IPC wrapper', () => {
  it('returns the handler value in an ok envelope', async () => {
    const dispatch = createDispatcher(
      handlersWith({ 'app:ping': ({ echo }) => ({ echo: echo.toUpperCase(), at: 1 }) }),
    );
    await expect(dispatch('app:ping', { echo: 'hi' }, trusted)).resolves.toEqual({
      ok: true,
      value: { echo: 'HI', at: 1 },
    });
  });

  it('rejects a payload that fails the schema with E_INVALID_INPUT naming the field', async () => {
    let called = false;
    const dispatch = createDispatcher(handlersWith({ 'app:ping': () => ((called = true), { echo: '', at: 0 }) }));
    const result = await dispatch('app:ping', { echo: 42 }, trusted);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('E_INVALID_INPUT');
      expect(result.error.message).toContain('echo');
    }
    expect(called).toBe(false);
  });

  it('refuses unknown channels and untrusted senders before any handler runs', async () => {
    const dispatch = createDispatcher(handlersWith({}));
    const unknown = await dispatch('fs:readEverything', {}, trusted);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'E_INVALID_INPUT' } });
    const foreign = await dispatch('app:ping', { echo: 'x' }, { trusted: false, origin: 'https://evil.example' });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
    expect(!foreign.ok && foreign.error.message).toContain('https://evil.example');
  });

  it('keeps the stable code of an AppError and hides nothing else but the code of an unexpected one', async () => {
    const seen: unknown[] = [];
    const dispatch = createDispatcher(
      handlersWith({
        'app:openExternal': () => Promise.reject(new AppError('E_FORBIDDEN', 'no')),
        'app:getInfo': () => Promise.reject(new TypeError('boom')),
      }),
      (_channel, error) => seen.push(error),
    );
    await expect(dispatch('app:openExternal', { url: 'x' }, trusted)).resolves.toEqual({
      ok: false,
      error: { code: 'E_FORBIDDEN', message: 'no' },
    });
    const internal = await dispatch('app:getInfo', undefined, trusted);
    expect(internal).toMatchObject({ ok: false, error: { code: 'E_INTERNAL' } });
    expect(seen).toHaveLength(1);
  });
});

describe('createApi', () => {
  it('builds one function per request and one onX per event, over any transport', async () => {
    const calls: [string, unknown][] = [];
    const subscribed: string[] = [];
    const transport: ClientTransport = {
      invoke: async (channel, input) => (calls.push([channel, input]), { ok: true, value: channel }),
      subscribe: (channel) => (subscribed.push(channel), () => undefined),
    };
    const api = createApi(transport);
    await expect(api.app.ping({ echo: 'x' })).resolves.toEqual({ ok: true, value: 'app:ping' });
    expect(calls).toEqual([['app:ping', { echo: 'x' }]]);
    const unsubscribe = api.app.onHeartbeat(() => undefined);
    expect(typeof unsubscribe).toBe('function');
    expect(subscribed).toEqual(['app:heartbeat']);
    for (const name of requestNames) {
      const [domain = '', action = ''] = name.split(':');
      expect(typeof (api as unknown as Record<string, Record<string, unknown>>)[domain]?.[action]).toBe('function');
    }
    expect(eventNames.every((name) => name.includes(':'))).toBe(true);
  });
});
