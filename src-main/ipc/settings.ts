import type { SettingsStore } from '../settings/settings-store.ts';
import type { DomainHandlers } from './dispatcher.ts';

export function settingsHandlers(settings: SettingsStore) {
  return {
    'settings:get': () => settings.get(),
    'settings:update': (patch) => settings.update(patch),
    'settings:reset': () => settings.reset(),
  } satisfies DomainHandlers<'settings'>;
}
