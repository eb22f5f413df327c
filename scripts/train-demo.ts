import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Engine } from '../src-main/engine/engine.ts';
import { writeFileAtomic } from '../src-main/fs/atomic-file.ts';
import type { TrainingConfig, TrainingEvent } from '../src-main/engine/types.ts';

/**
 * `npm run train:demo`: trains the Small preset on the bundled sample corpus with a fixed seed and step budget,
 * and writes the model to resources/models/, which the first launch installs and makes active.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
const STEPS = Number(process.env.DEMO_STEPS ?? 1500);
const CORPUS = join(ROOT, 'resources', 'corpora', 'shakespeare.txt');
const OUT = join(ROOT, 'resources', 'models');

async function main() {
  const text = await readFile(CORPUS, 'utf8');
  const workDir = await mkdtemp(join(tmpdir(), 'understudy-demo-'));
  let onTraining: (event: TrainingEvent) => void = () => undefined;
  const engine = await Engine.create({
    modelsDir: workDir,
    emit: (e) => (e.kind === 'training' ? onTraining(e.event) : undefined),
  });
  const config: TrainingConfig = {
    name: 'Shakespeare demo (Small)',
    preset: 'small',
    budget: { kind: 'steps', steps: STEPS },
    evalEvery: 250,
    earlyStopping: { enabled: true, patience: 3 },
    seed: 20261127,
    sampleLength: 200,
  };
  const finished = new Promise<Extract<TrainingEvent, { type: 'done' }>>((resolveDone, reject) => {
    onTraining = (event) => {
      if (event.type === 'progress' && event.step % 50 === 0) {
        process.stderr.write(
          `step ${event.step}/${STEPS} loss ${event.trainLoss.toFixed(3)} ${Math.round(event.charsPerSecond)} chars/s\n`,
        );
      }
      if (event.type === 'evaluation') {
        process.stderr.write(
          `  validation ${event.valNatsPerChar.toFixed(4)} nats/char${event.isBest ? ' (best)' : ''}\n`,
        );
      }
      if (event.type === 'done') resolveDone(event);
      if (event.type === 'error') reject(new Error(event.error.message));
    };
    void engine.startTraining({
      runId: 'demo',
      config,
      corpora: [{ id: 'sample-shakespeare', name: 'Shakespeare (sample)', text }],
    });
  });
  const done = await finished;
  await rm(OUT, { recursive: true, force: true });
  await cp(join(workDir, done.modelId), join(OUT, done.modelId), { recursive: true });
  const record = {
    modelId: done.modelId,
    backend: engine.backend,
    steps: done.step,
    bestValNatsPerChar: done.bestValNatsPerChar,
    config,
  };
  await writeFileAtomic(join(OUT, 'demo.json'), `${JSON.stringify(record, null, 2)}\n`);
  await rm(workDir, { recursive: true, force: true });
  console.log(JSON.stringify(record));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
