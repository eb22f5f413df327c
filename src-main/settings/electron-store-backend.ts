import ElectronStore from 'electron-store';
import type { KeyValueBackend } from './key-value-backend.ts';

/** The settings backend inside Electron; electron-store writes atomically. Never imported by Node-only code. */
export class ElectronStoreBackend implements KeyValueBackend {
  readonly #store: ElectronStore<Record<string, unknown>>;

  constructor(options: { cwd?: string; name?: string } = {}) {
    this.#store = new ElectronStore<Record<string, unknown>>({
      name: options.name ?? 'settings',
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
  }

  async read(): Promise<Record<string, unknown> | null> {
    const values = this.#store.store;
    return Object.keys(values).length === 0 ? null : { ...values };
  }

  async write(values: Record<string, unknown>): Promise<void> {
    this.#store.store = values;
  }
}
