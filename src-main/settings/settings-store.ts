import path from 'node:path';
import type { z } from 'zod';
import { AppError } from '../contract/errors.ts';
import type { DamagedItem } from '../contract/app.ts';
import type { RecentFilesStore } from '../documents/document-store.ts';
import { JsonFileBackend, type KeyValueBackend } from './key-value-backend.ts';
import { migrateSettings } from './migrations.ts';
import {
  DEFAULT_SETTINGS,
  SETTINGS_VERSION,
  settingsFields,
  settingsPatchSchema,
  type SettingKey,
  type Settings,
} from './schema.ts';

export const SETTINGS_FILE = 'settings.json';

type Listener = (settings: Readonly<Settings>) => void;

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`).join('; ');
}

/** Keeps each stored field that is still valid; anything else falls back to its default. */
function readFields(values: Record<string, unknown>): { settings: Settings; repaired: SettingKey[] } {
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const repaired: SettingKey[] = [];
  for (const key of Object.keys(settingsFields) as SettingKey[]) {
    if (!(key in values)) continue;
    const parsed = settingsFields[key].safeParse(values[key]);
    if (parsed.success) settings[key] = parsed.data;
    else repaired.push(key);
  }
  return { settings: settings as Settings, repaired };
}

function settingsDamage(why: string): DamagedItem {
  return { kind: 'settings', id: 'settings', code: 'E_INVALID_SETTINGS', message: `The settings were ${why}.` };
}

/** Validated, versioned settings: an invalid change is refused with `E_INVALID_SETTINGS` and nothing is stored. */
export class SettingsStore {
  readonly #backend: KeyValueBackend;
  #settings: Readonly<Settings>;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #listeners = new Set<Listener>();
  /** Stored values that were invalid when loaded and were replaced by their defaults. */
  readonly repairedKeys: readonly SettingKey[];
  /** The schema version found on disk before migration (`null` on first launch). */
  readonly migratedFrom: number | null;

  private constructor(
    backend: KeyValueBackend,
    settings: Settings,
    repaired: SettingKey[],
    migratedFrom: number | null,
  ) {
    this.#backend = backend;
    this.#settings = Object.freeze(settings);
    this.repairedKeys = repaired;
    this.migratedFrom = migratedFrom;
  }

  /** What a writer should be told about the stored settings: set aside, repaired or from a newer version. */
  damaged: readonly DamagedItem[] = [];

  /** Loads, migrates and validates; writes back when anything had to change. */
  static async open(backend: KeyValueBackend): Promise<SettingsStore> {
    const stored = await backend.read();
    if (stored === null) {
      const store = new SettingsStore(backend, { ...DEFAULT_SETTINGS }, [], null);
      if (backend.setAside) store.damaged = [settingsDamage(`unreadable; kept as ${path.basename(backend.setAside)}`)];
      await backend.write(store.#document());
      return store;
    }
    const { values, fromVersion } = migrateSettings(stored);
    const { settings, repaired } = readFields(values);
    const store = new SettingsStore(backend, settings, repaired, fromVersion);
    if (fromVersion > SETTINGS_VERSION)
      store.damaged = [settingsDamage(`from a newer Understudy (version ${fromVersion}); unknown fields were dropped`)];
    else if (repaired.length > 0) store.damaged = [settingsDamage(`invalid ${repaired.join(', ')}; defaults restored`)];
    if (fromVersion !== SETTINGS_VERSION || repaired.length > 0) await backend.write(store.#document());
    return store;
  }

  /** Settings in `<dataDir>/settings.json` (plain Node, tests and `npm run web`). */
  static async openInDirectory(dataDir: string): Promise<SettingsStore> {
    return SettingsStore.open(new JsonFileBackend(path.join(dataDir, SETTINGS_FILE)));
  }

  get(): Readonly<Settings> {
    return this.#settings;
  }

  /** Applies a partial change after validating it whole; `E_INVALID_SETTINGS` names every bad field. */
  async update(patch: unknown): Promise<Readonly<Settings>> {
    const parsed = settingsPatchSchema.safeParse(patch);
    if (!parsed.success) throw new AppError('E_INVALID_SETTINGS', `Invalid settings: ${describeIssues(parsed.error)}.`);
    return this.#commit(() => ({ ...this.#settings, ...parsed.data }));
  }

  async reset(): Promise<Readonly<Settings>> {
    return this.#commit(() => ({ ...DEFAULT_SETTINGS }));
  }

  /** Calls `listener` after every stored change; returns its unsubscribe function. */
  onChange(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The recent-files list kept in these settings, in the shape the document store takes. */
  recentFilesStore(): RecentFilesStore {
    return {
      read: async () => [...this.#settings.recentFiles],
      write: async (paths) => {
        await this.update({ recentFiles: paths });
      },
    };
  }

  #document(): Record<string, unknown> {
    return { schemaVersion: SETTINGS_VERSION, ...this.#settings };
  }

  #commit(next: () => Settings): Promise<Readonly<Settings>> {
    const run = this.#queue.then(async () => {
      const settings = Object.freeze(next());
      await this.#backend.write({ schemaVersion: SETTINGS_VERSION, ...settings });
      this.#settings = settings;
      for (const listener of this.#listeners) listener(settings);
      return settings;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
