import * as tf from '@tensorflow/tfjs';
import type { ModelHyperparams } from './types.ts';

const cache = new Map<string, unknown>();

/**
 * The tfjs-layers Sequential topology equivalent to our functional model (sigmoid gates, no unit forget bias,
 * Dropout after each LSTM), so model.json loads with tf.loadLayersModel. Built once per shape with zero
 * initialisers, which are instant (orthogonal init takes seconds).
 */
export function layersTopology(hp: ModelHyperparams, vocabSize: number): unknown {
  const key = JSON.stringify([hp, vocabSize]);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const model = tf.sequential({ name: 'understudy_char_lstm' });
  model.add(
    tf.layers.embedding({
      name: 'embedding',
      inputDim: vocabSize,
      outputDim: hp.embeddingSize,
      batchInputShape: [null, null],
      embeddingsInitializer: 'zeros',
    }),
  );
  for (let l = 0; l < hp.layers; l++) {
    model.add(
      tf.layers.lstm({
        name: `lstm_${l + 1}`,
        units: hp.units,
        returnSequences: true,
        recurrentActivation: 'sigmoid',
        unitForgetBias: false,
        kernelInitializer: 'zeros',
        recurrentInitializer: 'zeros',
        biasInitializer: 'zeros',
      }),
    );
    model.add(tf.layers.dropout({ name: `dropout_${l + 1}`, rate: hp.dropout }));
  }
  model.add(tf.layers.dense({ name: 'dense', units: vocabSize, kernelInitializer: 'zeros' }));
  const topology: unknown = model.toJSON(undefined, false);
  model.dispose();
  cache.set(key, topology);
  return topology;
}
