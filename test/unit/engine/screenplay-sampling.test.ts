import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generationSchema } from '../../../src-main/contract/generation.ts';
import { initBackend } from '../../../src-main/engine/backend.ts';
import { disposeWeights } from '../../../src-main/engine/model.ts';
import { sample, sampleRequestFrom } from '../../../src-main/engine/sampler.ts';
import { classifyFountain, cueName } from '../../../src-main/fountain/classify.ts';
import { DRAFT_MODES } from '../../../src-main/fountain/draft-form.ts';
import { parseFountain } from '../../../src-main/fountain/parse.ts';
import { randomModel, TINY } from './helpers.ts';

const sample_ = readFileSync(
  resolve(import.meta.dirname, '../../../resources/samples/sample-screenplay.fountain'),
  'utf8',
);
const shakespeare = readFileSync(resolve(import.meta.dirname, '../../../resources/corpora/shakespeare.txt'), 'utf8');
const CAST = parseFountain(sample_).characters;
const PRIME = sample_.slice(0, sample_.indexOf('INT. BUS - CONTINUOUS'));

beforeAll(async () => {
  await initBackend(['wasm', 'cpu']);
});

/** Untrained models over two vocabularies: a screenplay's and a stage play's (another layout entirely). */
const models = [randomModel(sample_, TINY, 3), randomModel(shakespeare.slice(0, 50_000), { ...TINY, units: 24 }, 9)];
afterAll(() => models.forEach((model) => disposeWeights(model.weights)));

describe('sampling keeps screenplay form with any model', () => {
  for (const mode of DRAFT_MODES) {
    test(`${mode}: untrained models, random seeds and temperatures give drafts of the requested shape`, async () => {
      const before = tf.memory().numTensors;
      let completed = 0;
      for (let seed = 1; seed <= 6; seed++) {
        const model = models[seed % models.length];
        if (model === undefined) continue;
        const options = generationSchema.parse({
          prime: PRIME,
          temperature: [0.3, 0.8, 1.2, 2][seed % 4],
          maxLength: 1500,
          seed,
          alternatives: 2,
          mode,
          cast: CAST,
          castLock: true,
          scenePages: 0.25,
          speaker: 'THEO',
        });
        const result = await sample(model, sampleRequestFrom(options));
        result.texts.forEach((draft, a) => {
          const where = `${mode} seed ${seed} alternative ${a}: ${JSON.stringify(draft.slice(0, 200))}`;
          const lines = classifyFountain(PRIME + draft).lines.filter(
            (line) => line.from >= PRIME.length && line.type !== 'blank',
          );
          for (const line of lines) {
            expect(['scene-heading', 'action', 'character', 'dialogue', 'parenthetical'], where).toContain(line.type);
            if (line.type === 'character') expect(CAST, where).toContain(cueName(line.text));
          }
          if (result.reasons[a] !== 'complete') return;
          completed += 1;
          if (mode === 'scene') expect(lines[0]?.type, where).toBe('scene-heading');
          if (mode === 'heading')
            expect(
              lines.map((line) => line.type),
              where,
            ).toEqual(['scene-heading']);
          if (mode === 'line') expect(cueName(lines[0]?.text ?? ''), where).toBe('THEO');
          if (mode === 'action') expect(new Set(lines.map((line) => line.type)), where).toEqual(new Set(['action']));
          if (mode !== 'continue') expect(draft.endsWith('\n\n'), where).toBe(true);
        });
      }
      expect(tf.memory().numTensors).toBe(before);
      // Even noise ends in shape: the form wraps a long draft up (a continuation has no end of its own).
      expect(completed).toBe(mode === 'continue' ? 0 : 12);
    });
  }

  test('a scene ends itself at about the length asked for, with the script cast only', async () => {
    const model = models[0];
    if (model === undefined) throw new Error('no model');
    const options = generationSchema.parse({
      prime: PRIME,
      temperature: 0.8,
      maxLength: 600,
      seed: 5,
      mode: 'scene',
      cast: CAST,
      castLock: true,
      scenePages: 0.25,
    });
    const request = sampleRequestFrom(options);
    expect(request.maxLength, 'a scene gets the characters its pages need').toBeGreaterThan(600);
    const result = await sample(model, request);
    expect(result.reasons).toEqual(['complete']);
    const draft = result.texts[0] ?? '';
    expect(draft).toMatch(/^(INT\. |EXT\. |EST\. |INT\.\/EXT\. |I\/E )/);
    const lines = classifyFountain(PRIME + draft).lines.filter((line) => line.from >= PRIME.length);
    const printed = lines.filter((line) => line.type !== 'blank').length;
    expect(printed).toBeGreaterThan(2);
    for (const line of lines.filter((l) => l.type === 'character')) expect(CAST).toContain(cueName(line.text));
  });

  test('line mode needs someone to speak', () => {
    const options = generationSchema.parse({ prime: 'He waits.\n\n', temperature: 1, maxLength: 50, mode: 'line' });
    expect(() => sampleRequestFrom(options)).toThrow(/needs a character/);
  });
});
