import { describe, expect, test } from 'vitest';
import type { EngineStatus } from '../../../src-main/contract/index.ts';
import { recommendationText } from '../../../src-renderer/lib/recommendation.ts';

const base: EngineStatus = {
  backend: 'wasm',
  activeModelId: null,
  trainingRunId: null,
  recommendedPreset: 'small',
  trainingSpeed: null,
};

describe('why a preset is recommended', () => {
  test('before a measurement: the backend, and that a measurement is on its way', () => {
    const text = recommendationText(base);
    expect(text).toMatch(/^Small is recommended because the engine runs on wasm here \(WebAssembly/);
    expect(text).toMatch(/measuring how fast this computer trains/);
  });

  test('after one: the measured speeds, and how long the next preset up would need', () => {
    const status: EngineStatus = {
      ...base,
      trainingSpeed: {
        charsPerSecond: { small: 24_512.4, medium: 8_823, large: 2_150.7 },
        measured: ['small', 'medium'],
        measuredAt: '2026-11-27T11:00:00.000Z',
        minutesToBest: { medium: 18.13, large: 99.2 },
      },
    };
    expect(recommendationText(status)).toBe(
      'Small is recommended: this computer trains Small at 24,512, Medium at 8,823 and Large at about 2,151 ' +
        'characters a second (wasm), so Medium would need about 18 minutes to reach its best on a 1 MB text; ' +
        'the aim is about 10.',
    );
    expect(recommendationText({ ...status, backend: 'tensorflow', recommendedPreset: 'medium' })).toMatch(
      /Medium reaches its best on a 1 MB text in about 18 minutes; Large would need about 99\.$/,
    );
  });
});
