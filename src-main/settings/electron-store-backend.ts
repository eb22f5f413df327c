import { app } from 'electron';
import ElectronStore from 'electron-store';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyValueBackend } from './key-value-backend.ts';

type Store = ElectronStore<Record<string, unknown>>;

/**
 * The settings backend inside Electron; electron-store writes atomically. A file that no longer parses is kept
 * aside as `*.corrupt-<time>` (as the JSON backend does) so the app still starts. Never imported by Node-only code.
 */
export class ElectronStoreBackend implements KeyValueBackend {
  readonly #store: Store;

  constructor(options: { cwd?: string; name?: string } = {}) {
    const name = options.name ?? 'settings';
    const open = (): Store =>
      new ElectronStore<Record<string, unknown>>({ name, ...(options.cwd ? { cwd: options.cwd } : {}) });
    try {
      this.#store = open();
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      const file = join(options.cwd ?? app.getPath('userData'), `${name}.json`);
      renameSync(file, `${file}.corrupt-${Date.now()}`);
      this.#store = open();
    }
  }

  async read(): Promise<Record<string, unknown> | null> {
    const values = this.#store.store;
    return Object.keys(values).length === 0 ? null : { ...values };
  }

  async write(values: Record<string, unknown>): Promise<void> {
    this.#store.store = values;
  }
}
