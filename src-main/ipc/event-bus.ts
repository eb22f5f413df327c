import type { EventName, EventPayload } from '../contract/index.ts';

type Listener = (name: EventName, payload: unknown) => void;

/** Main-side events fan out to every attached transport (the window, loopback sockets, tests). */
export class EventBus {
  readonly #listeners = new Set<Listener>();

  emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    for (const listener of this.#listeners) listener(name, payload);
  }

  /** Returns its own detach function. */
  attach(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#listeners.size;
  }
}
