import type { Settings } from '../../src-main/contract/index.ts';
import type { UiSettings } from './state/settings.svelte.ts';

/** The part of main's settings the UI keeps. */
export function uiSettings(settings: Settings): Partial<UiSettings> {
  const { temperature, length, alternatives, topP, seed, preset, theme, tourSeen } = settings;
  return { temperature, length, alternatives, topP, seed, preset, theme, tourSeen };
}
