import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import {
  activeBackend,
  backendOrderFromEnv,
  initBackend,
  recommendedPreset,
} from '../../../src-main/engine/backend.ts';

describe('backend chain', () => {
  test('falls through to a backend that loads and reports it', async () => {
    // tfjs-node is optional; where it is missing the chain continues to wasm.
    const name = await initBackend(['tensorflow', 'wasm', 'cpu']);
    expect(['tensorflow', 'wasm']).toContain(name);
    expect(activeBackend()).toBe(name);
    expect(tf.getBackend()).toBe(name);
  });

  test('the wasm backend can train an embedding (UnsortedSegmentSum is registered)', async () => {
    await initBackend(['wasm']);
    const table = tf.variable(tf.ones([5, 3]));
    const grads = tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, tf.tensor1d([0, 2, 2], 'int32'))))(table);
    expect(Array.from(await grads.data())).toEqual([1, 1, 1, 0, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0]);
    tf.dispose([table, grads]);
  });

  test('UNDERSTUDY_BACKEND restricts the chain to one backend', () => {
    expect(backendOrderFromEnv({ UNDERSTUDY_BACKEND: 'cpu' })).toEqual(['cpu']);
    expect(backendOrderFromEnv({})).toBeUndefined();
    expect(() => backendOrderFromEnv({ UNDERSTUDY_BACKEND: 'gpu' })).toThrow(/not one of/);
  });

  test('before a measurement, recommends a smaller preset on slower backends', () => {
    expect(recommendedPreset('tensorflow')).toBe('medium');
    expect(recommendedPreset('cpu')).toBe('small');
    expect(recommendedPreset('wasm', null)).toBe('small');
  });

  test('with a measured speed, recommends the largest preset that reaches its best in about 10 minutes', () => {
    // Medium needs 9.6 M characters (16,000 chars/s for 10 minutes), Large 12.8 M (21,334 chars/s).
    expect(recommendedPreset('wasm', { small: 25_000, medium: 8_800, large: 2_200 })).toBe('small');
    expect(recommendedPreset('wasm', { small: 60_000, medium: 16_000, large: 5_000 })).toBe('medium');
    expect(recommendedPreset('tensorflow', { small: 60_000, medium: 15_999, large: 5_000 })).toBe('small');
    expect(recommendedPreset('tensorflow', { small: 200_000, medium: 80_000, large: 21_334 })).toBe('large');
  });
});
