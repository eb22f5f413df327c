import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  GENERATION_DEFAULTS,
  generationRequest,
  generationSchema,
  generationSettingsSchema,
} from '../../../../src-main/contract/index.ts';
import { settingsSchema } from '../../../../src-main/settings/schema.ts';
import { UI_DEFAULTS } from '../../../../src-renderer/lib/state/settings.svelte.ts';

/**
 * A generation option is declared once, in contract/generation.ts: these tests hold every other place to that
 * declaration, so adding an option touches its schema, the sampler that reads it and the control that sets it.
 */
describe('generation options are declared once', () => {
  const keys = Object.keys(generationSettingsSchema.shape);

  it('every option has a default that its own schema accepts', () => {
    expect(Object.keys(GENERATION_DEFAULTS).sort()).toEqual([...keys].sort());
    expect(generationSettingsSchema.parse(GENERATION_DEFAULTS)).toEqual(GENERATION_DEFAULTS);
  });

  it('the settings store keeps every option with the same range and default', () => {
    for (const key of keys) {
      expect(Object.keys(settingsSchema.shape), key).toContain(key);
      expect(DEFAULT_SETTINGS[key as keyof typeof DEFAULT_SETTINGS], key).toEqual(
        GENERATION_DEFAULTS[key as keyof typeof GENERATION_DEFAULTS],
      );
    }
    expect(settingsSchema.shape.temperature.maxValue).toBe(generationSettingsSchema.shape.temperature.maxValue);
    expect(generationSchema.shape.temperature.maxValue).toBe(generationSettingsSchema.shape.temperature.maxValue);
  });

  it("the UI keeps every option, with main's defaults", () => {
    for (const key of keys)
      expect(UI_DEFAULTS[key as keyof typeof UI_DEFAULTS], key).toEqual(
        DEFAULT_SETTINGS[key as keyof typeof DEFAULT_SETTINGS],
      );
  });

  it('a request carries every option the writer set (length as maxLength, the seed as drawn)', () => {
    const request = generationRequest({ ...GENERATION_DEFAULTS, seed: 7 }, { prime: 'x', seed: 42 });
    const parsed = generationSchema.parse(request);
    for (const key of keys.filter((k) => k !== 'length' && k !== 'seed')) {
      expect(parsed[key as keyof typeof parsed], key).toEqual(
        GENERATION_DEFAULTS[key as keyof typeof GENERATION_DEFAULTS],
      );
    }
    expect(parsed.maxLength).toBe(GENERATION_DEFAULTS.length);
    expect(parsed.seed).toBe(42);
  });
});
