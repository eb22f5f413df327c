import type { ClientTransport, EventName, RequestName, Result } from '../contract/index.ts';
import type { EventBus } from '../ipc/event-bus.ts';
import type { CallContext, Dispatch } from '../ipc/dispatcher.ts';

/** JSON round trip: payloads must survive serialisation the way they would over IPC or a socket. */
const clone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

/** The same handler table without any wire, for integration tests (the way VS Code tests its IPC). */
export function createInMemoryTransport(
  dispatch: Dispatch,
  bus: EventBus,
  ctx: CallContext = { trusted: true, origin: 'in-memory' },
): ClientTransport & { close(): void } {
  const detachers = new Set<() => void>();
  return {
    async invoke(channel: RequestName, input: unknown): Promise<Result<unknown>> {
      return clone(await dispatch(channel, clone(input), ctx));
    },
    subscribe(channel: EventName, listener: (payload: unknown) => void) {
      const detach = bus.attach((name, payload) => {
        if (name === channel) listener(clone(payload));
      });
      detachers.add(detach);
      return () => {
        detach();
        detachers.delete(detach);
      };
    },
    close() {
      for (const detach of detachers) detach();
      detachers.clear();
    },
  };
}
