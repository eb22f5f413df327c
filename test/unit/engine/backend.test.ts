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

  test('recommends a smaller preset on slower backends', () => {
    expect(recommendedPreset('tensorflow')).toBe('medium');
    expect(recommendedPreset('cpu')).toBe('small');
  });
});
