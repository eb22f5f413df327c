import { z } from 'zod';
import type { Settings, SettingsPatch } from '../settings/schema.ts';
import { event, request } from './define.ts';

export type { SettingKey, Settings, SettingsPatch } from '../settings/schema.ts';
export { DEFAULT_SETTINGS, SETTINGS_VERSION } from '../settings/schema.ts';

/** Only the shape is checked here; the store validates every value and answers `E_INVALID_SETTINGS`. */
const patch = z.custom<SettingsPatch>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'Settings changes must be an object.',
);

export const settingsRequests = {
  'settings:get': request<Settings>()(z.undefined()),
  'settings:update': request<Settings>()(patch),
  'settings:reset': request<Settings>()(z.undefined()),
};

export const settingsEvents = {
  /** After every stored change, whoever made it (the renderer, the engine setting the active model, ...). */
  'settings:changed': event<Settings>(),
};
