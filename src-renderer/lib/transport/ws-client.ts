import type { ClientTransport, EventName, RequestName, Result } from '../../../src-main/contract/index.ts';

type ServerFrame =
  { type: 'result'; id: number; result: Result<unknown> } | { type: 'event'; channel: EventName; payload: unknown };

/** The loopback transport: the same contract over a WebSocket to the local Understudy server. */
export function createWebSocketTransport(url: string): ClientTransport {
  let nextId = 1;
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const socket = new WebSocket(url);
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('Could not connect to Understudy.')), { once: true });
  });
  let closed = false;
  const lost = {
    code: 'E_IO',
    message: 'The connection to Understudy was lost. Reload the page to reconnect.',
  } as const;
  const failAll = () => {
    closed = true;
    for (const settle of pending.values()) {
      settle({ ok: false, error: lost });
    }
    pending.clear();
  };
  socket.addEventListener('close', failAll);
  socket.addEventListener('message', (message) => {
    const frame = JSON.parse(String(message.data)) as ServerFrame;
    if (frame.type === 'result') {
      pending.get(frame.id)?.(frame.result);
      pending.delete(frame.id);
    } else {
      for (const listener of listeners.get(frame.channel) ?? []) listener(frame.payload);
    }
  });

  return {
    async invoke(channel: RequestName, input: unknown) {
      try {
        await opened;
      } catch (error) {
        return { ok: false, error: { code: 'E_IO', message: (error as Error).message } };
      }
      if (closed || socket.readyState !== WebSocket.OPEN) return { ok: false, error: lost };
      const id = nextId++;
      return new Promise<Result<unknown>>((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ type: 'invoke', id, channel, input }));
      });
    },
    subscribe(channel: EventName, listener: (payload: unknown) => void) {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}
