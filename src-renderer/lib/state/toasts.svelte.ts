export interface Toast {
  id: number;
  message: string;
  tone: 'info' | 'error';
  /** An action offered next to the message, e.g. Undo. */
  action?: { label: string; run: () => void | Promise<void> };
}

/** Short messages at the bottom of the window; one with an Undo action stays until it times out or is used. */
export class Toasts {
  #items = $state.raw<Toast[]>([]);
  #nextId = 1;
  #timers: Record<number, ReturnType<typeof setTimeout>> = {};

  constructor(private readonly lifetimeMs = 8000) {}

  get items(): readonly Toast[] {
    return this.#items;
  }

  show(message: string, options: Omit<Toast, 'id' | 'message'> = { tone: 'info' }): number {
    const id = this.#nextId++;
    this.#items = [...this.#items, { id, message, ...options }];
    this.#timers[id] = setTimeout(() => this.dismiss(id), this.lifetimeMs);
    return id;
  }

  error(message: string): number {
    return this.show(message, { tone: 'error' });
  }

  async act(id: number): Promise<void> {
    const toast = this.#items.find((item) => item.id === id);
    this.dismiss(id);
    await toast?.action?.run();
  }

  dismiss(id: number): void {
    clearTimeout(this.#timers[id]);
    delete this.#timers[id];
    this.#items = this.#items.filter((item) => item.id !== id);
  }
}
