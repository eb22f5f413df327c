import { SETTINGS_VERSION } from './schema.ts';

type Raw = Record<string, unknown>;

/** Upgrades from each stored version to the next; the keys are the version a migration starts from. */
const MIGRATIONS: Readonly<Record<number, (raw: Raw) => Raw>> = {
  // v1 had `version`, theme 'auto', `model` and `recent`.
  1: ({ version: _version, model, recent, theme, ...rest }) => ({
    ...rest,
    ...(theme === undefined ? {} : { theme: theme === 'auto' ? 'system' : theme }),
    ...(model === undefined ? {} : { activeModelId: model }),
    ...(recent === undefined ? {} : { recentFiles: recent }),
    schemaVersion: 2,
  }),
  // v2 stored the corpus size limit in megabytes; v3 adds topP, seed, dataDirectory and tourSeen with defaults.
  2: ({ maxCorpusMb, ...rest }) => ({
    ...rest,
    ...(typeof maxCorpusMb === 'number' ? { maxCorpusBytes: Math.round(maxCorpusMb * 1024 * 1024) } : {}),
    schemaVersion: 3,
  }),
};

export function storedVersion(raw: Raw): number {
  const version = raw['schemaVersion'] ?? raw['version'] ?? 1;
  return typeof version === 'number' && Number.isInteger(version) && version >= 1 ? version : 1;
}

/** Applies every migration from the stored version to the current one; newer versions are left as they are. */
export function migrateSettings(raw: Raw): { values: Raw; fromVersion: number } {
  const fromVersion = storedVersion(raw);
  let values = raw;
  for (let version = fromVersion; version < SETTINGS_VERSION; version += 1) {
    const migrate = MIGRATIONS[version];
    if (migrate) values = migrate(values);
  }
  return { values, fromVersion };
}
