import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BASE_CORPUS_ID_PREFIX } from '../src-main/contract/engine.ts';
import { corpusRef } from '../src-main/engine/corpus-hash.ts';
import { Engine } from '../src-main/engine/engine.ts';
import { ModelStore } from '../src-main/engine/model-store.ts';
import { writeFileAtomic } from '../src-main/fs/atomic-file.ts';
import type { CorpusInput, TrainingConfig, TrainingEvent } from '../src-main/engine/types.ts';

/**
 * `npm run train:demo`: trains the bundled base model (Medium) on resources/corpora/base/ (`npm run corpus:base`)
 * with a fixed seed and step budget, and writes its best-validation weights, without optimizer or trainer state,
 * to resources/models/, which the first launch installs and makes active. The curve goes to bench/results/.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
const STEPS = Number(process.env.DEMO_STEPS ?? 5000);
const BASE = join(ROOT, 'resources', 'corpora', 'base');
const OUT = join(ROOT, 'resources', 'models');
const CURVE = join(ROOT, 'bench', 'results', 'base-model-curve.json');

async function baseCorpora(): Promise<CorpusInput[]> {
  const files = (await readdir(BASE)).filter((f) => f.endsWith('.fountain')).sort();
  if (files.length === 0) throw new Error(`no corpora in ${BASE}: run npm run corpus:base`);
  return Promise.all(
    files.map(async (file) => ({
      id: `${BASE_CORPUS_ID_PREFIX}${file.replace(/\.fountain$/, '')}`,
      name: file,
      text: await readFile(join(BASE, file), 'utf8'),
    })),
  );
}

async function main() {
  const corpora = await baseCorpora();
  const workDir = await mkdtemp(join(tmpdir(), 'understudy-base-'));
  let onTraining: (event: TrainingEvent) => void = () => undefined;
  const engine = await Engine.create({
    modelsDir: workDir,
    emit: (e) => (e.kind === 'training' ? onTraining(e.event) : undefined),
  });
  const config: TrainingConfig = {
    // The app's tests and tour find the bundled model by the word demo.
    name: 'Base (demo): Shakespeare and Austen, Medium',
    preset: 'medium',
    budget: { kind: 'steps', steps: STEPS },
    evalEvery: Number(process.env.DEMO_EVAL_EVERY ?? 500),
    // A fixed budget, so the result does not depend on when the curve flattens.
    earlyStopping: { enabled: false, patience: 3 },
    seed: 20261201,
    sampleLength: 200,
  };
  const started = Date.now();
  const finished = new Promise<Extract<TrainingEvent, { type: 'done' }>>((resolveDone, reject) => {
    onTraining = (event) => {
      if (event.type === 'progress' && event.step % 25 === 0) {
        process.stderr.write(
          `step ${event.step}/${STEPS} loss ${event.trainLoss.toFixed(3)} ${Math.round(event.charsPerSecond)} chars/s ` +
            `${Math.round(event.elapsedSeconds)} s\n`,
        );
      }
      if (event.type === 'evaluation') {
        process.stderr.write(
          `  validation ${event.valNatsPerChar.toFixed(4)} nats/char${event.isBest ? ' (best)' : ''} at ${event.step}\n`,
        );
      }
      if (event.type === 'done') resolveDone(event);
      if (event.type === 'error') reject(new Error(event.error.message));
    };
    void engine.startTraining({ runId: 'base', config, corpora });
  });
  const done = await finished;
  const loaded = await new ModelStore(workDir).load(done.modelId);
  const { formatVersion: _version, files: _files, ...metadata } = loaded.metadata;
  await rm(OUT, { recursive: true, force: true });
  const out = new ModelStore(OUT);
  await out.open();
  // Only the best weights ship: a writer fine-tunes from them with a fresh optimizer.
  await out.save({
    metadata: { ...metadata, status: 'finished' },
    codePoints: loaded.codePoints,
    best: loaded.best,
    training: null,
  });
  await rm(join(OUT, done.modelId, 'training'), { recursive: true, force: true });
  const record = {
    modelId: done.modelId,
    name: config.name,
    backend: engine.backend,
    steps: done.step,
    bestStep: metadata.bestStep,
    bestValNatsPerChar: done.bestValNatsPerChar,
    // One hash over the corpora's own, in file order.
    corpusSha256: createHash('sha256')
      .update(corpora.map((c) => corpusRef(c).sha256).join('\n'))
      .digest('hex'),
    corpora: metadata.corpora,
    wallSeconds: Math.round((Date.now() - started) / 1000),
    config,
  };
  await writeFileAtomic(join(OUT, 'demo.json'), `${JSON.stringify(record, null, 2)}\n`);
  await writeFileAtomic(CURVE, `${JSON.stringify({ ...record, lossCurve: metadata.lossCurve }, null, 1)}\n`);
  await rm(workDir, { recursive: true, force: true });
  console.log(JSON.stringify(record));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
