import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError, type ErrorInfo } from '../contract/errors.ts';
import { presetSchema } from '../contract/vocabulary.ts';
import {
  movedAsideFrom,
  randomSuffix,
  replaceDirectory,
  tempPathFor,
  writeFileAtomic,
  writeFileDurable,
} from '../fs/atomic-file.ts';
import { errnoCode } from '../fs/errno.ts';
import { COPY_INDEX_FILE } from './copy-index-store.ts';
import { layersTopology } from './layers-topology.ts';
import { weightSpecs } from './model.ts';
import { BACKEND_NAMES, type ModelSummary } from './types.ts';

export const MODEL_FORMAT_VERSION = 1;

const FILES = {
  metadata: 'metadata.json',
  vocab: 'vocab.json',
  modelJson: 'model.json',
  weights: 'weights.bin',
  trainingState: 'training/state.json',
  trainingWeights: 'training/weights.bin',
  trainingOptimizer: 'training/optimizer.bin',
} as const;

const modelHyperparams = z.object({
  embeddingSize: z.number().int().positive(),
  units: z.number().int().positive(),
  layers: z.number().int().positive(),
  dropout: z.number().min(0).lt(1),
});

const budget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('steps'), steps: z.number().positive() }),
  z.object({ kind: z.literal('epochs'), epochs: z.number().positive() }),
  z.object({ kind: z.literal('minutes'), minutes: z.number().positive() }),
]);

const corpusRefSchema = z.object({ id: z.string(), name: z.string(), sha256: z.string(), chars: z.number().int() });

const metadataSchema = z.object({
  formatVersion: z.literal(MODEL_FORMAT_VERSION),
  id: z.string(),
  name: z.string(),
  preset: presetSchema,
  model: modelHyperparams,
  optimizer: z.object({
    learningRate: z.number().positive(),
    clipNorm: z.number().positive(),
    seqLen: z.number().int().positive(),
    batchSize: z.number().int().positive(),
    warmupSteps: z.number().int().nonnegative().optional(),
    freezeSteps: z.number().int().nonnegative().optional(),
  }),
  training: z.object({
    budget,
    evalEvery: z.number().int().positive(),
    evalSteps: z.array(z.number().int().positive()).optional(),
    earlyStopping: z.object({ enabled: z.boolean(), patience: z.number().int().positive() }),
    seed: z.number(),
    sampleLength: z.number().int().nonnegative(),
  }),
  vocabSize: z.number().int().positive(),
  parameters: z.number().int().positive(),
  corpora: z.array(corpusRefSchema),
  /** The model this one was fine-tuned from (absent in models trained from scratch, and in older files). */
  base: z
    .object({
      id: z.string(),
      name: z.string(),
      step: z.number().int().nonnegative(),
      bestValNatsPerChar: z.number().nullable(),
      corpora: z.array(corpusRefSchema),
    })
    .optional(),
  backend: z.enum(BACKEND_NAMES as [string, ...string[]]).transform((b) => BACKEND_NAMES.find((n) => n === b) ?? 'cpu'),
  createdAt: z.string(),
  updatedAt: z.string(),
  step: z.number().int().nonnegative(),
  bestStep: z.number().int().nonnegative().nullable(),
  bestValNatsPerChar: z.number().nullable(),
  lossCurve: z.array(z.object({ step: z.number(), trainLoss: z.number(), valNatsPerChar: z.number().optional() })),
  status: z.enum(['training', 'stopped', 'finished']),
  /** sha256 and size of every other file, by path relative to the model directory. */
  files: z.record(z.string(), z.object({ sha256: z.string(), bytes: z.number().int().nonnegative() })),
});

export type ModelMetadata = z.output<typeof metadataSchema>;

const trainerStateSchema = z.object({
  step: z.number().int().nonnegative(),
  rng: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  adamStep: z.number().int().nonnegative(),
  evalsWithoutImprovement: z.number().int().nonnegative(),
  elapsedSeconds: z.number().nonnegative(),
});

/** What a run needs besides the weights to continue exactly where it stopped. */
export type TrainerState = z.output<typeof trainerStateSchema>;

const vocabSchema = z.object({
  formatVersion: z.literal(MODEL_FORMAT_VERSION),
  codePoints: z.array(z.number().int().nonnegative()),
});

const layersModelSchema = z.object({
  modelTopology: z.unknown(),
  format: z.literal('layers-model'),
  weightsManifest: z
    .array(
      z.object({
        paths: z.array(z.string()),
        weights: z.array(z.object({ name: z.string(), shape: z.array(z.number()), dtype: z.literal('float32') })),
      }),
    )
    .length(1),
});

export interface TrainingSnapshot {
  weights: readonly Float32Array[];
  m: readonly Float32Array[];
  v: readonly Float32Array[];
  state: TrainerState;
}

export interface ModelSnapshot {
  metadata: Omit<ModelMetadata, 'formatVersion' | 'files'>;
  codePoints: readonly number[];
  /** The weights generation uses: the best validation checkpoint (or the latest before any evaluation). */
  best: readonly Float32Array[];
  training: TrainingSnapshot | null;
}

export interface LoadedModel {
  metadata: ModelMetadata;
  codePoints: number[];
  best: Float32Array[];
}

export interface LoadedTraining extends LoadedModel {
  training: TrainingSnapshot;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function newModelId(): string {
  return `m-${Date.now().toString(36)}-${randomSuffix().slice(0, 6)}`;
}

function corrupt(id: string, detail: string): AppError {
  return new AppError('E_MODEL_CORRUPT', `model ${id} is damaged: ${detail}`);
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function joinArrays(arrays: readonly Float32Array[]): Uint8Array {
  const total = arrays.reduce((n, a) => n + a.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  return out;
}

/** Splits a float32 blob into arrays of the given element counts (copying, so the result is aligned). */
function splitArrays(id: string, data: Uint8Array, sizes: readonly number[], what: string): Float32Array[] {
  const expected = sizes.reduce((a, b) => a + b, 0) * 4;
  if (data.byteLength !== expected) {
    throw corrupt(id, `${what} has ${data.byteLength} bytes, expected ${expected} (truncated or wrong shape)`);
  }
  const copy = new Uint8Array(data);
  let offset = 0;
  return sizes.map((size) => {
    const out = new Float32Array(copy.buffer, offset, size);
    offset += size * 4;
    return out;
  });
}

function parseJson(id: string, text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw corrupt(id, `${file} is not valid JSON`);
  }
}

/** One directory per model under modelsDir, each written whole into a temp directory and renamed into place. */
export class ModelStore {
  private readonly locks = new Map<string, Promise<void>>();

  /** The `files` entry of the metadata each model's files were last verified against. */
  private readonly verified = new Map<string, string>();

  constructor(readonly modelsDir: string) {}

  /** Creates the directory and finishes or discards saves a crash interrupted. Call once before use. */
  async open(): Promise<void> {
    await mkdir(this.modelsDir, { recursive: true });
    const entries = await readdir(this.modelsDir);
    for (const entry of entries) {
      const original = movedAsideFrom(entry);
      if (original !== undefined && !entries.includes(original)) {
        await rename(join(this.modelsDir, entry), join(this.modelsDir, original));
        entries.push(original);
      } else if (entry.startsWith('.')) {
        await rm(join(this.modelsDir, entry), { recursive: true, force: true });
      }
    }
  }

  /** The directory of a model (files that travel with it, such as its copy index, live there too). */
  modelDir(id: string): string {
    return this.dir(id);
  }

  private dir(id: string): string {
    if (!ID_PATTERN.test(id)) throw new AppError('E_MODEL_NOT_FOUND', `no model with id ${JSON.stringify(id)}`);
    return join(this.modelsDir, id);
  }

  /** Runs operations on one model one at a time, so a reader never sees a directory mid-swap. */
  private exclusive<T>(id: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(id) ?? Promise.resolve();
    const result = previous.then(operation, operation);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(id, settled);
    void settled.then(() => {
      if (this.locks.get(id) === settled) this.locks.delete(id);
    });
    return result;
  }

  save(snapshot: ModelSnapshot): Promise<void> {
    return this.exclusive(snapshot.metadata.id, () => this.saveUnlocked(snapshot));
  }

  readMetadata(id: string): Promise<ModelMetadata> {
    return this.exclusive(id, () => this.readMetadataUnlocked(id));
  }

  /** Loads and validates everything generation needs: metadata, vocabulary, model.json and the best weights. */
  load(id: string): Promise<LoadedModel> {
    return this.exclusive(id, () => this.loadUnlocked(id));
  }

  /** Loads the latest checkpoint with optimizer and trainer state, for resuming. */
  loadTraining(id: string): Promise<LoadedTraining> {
    return this.exclusive(id, () => this.loadTrainingUnlocked(id));
  }

  private async saveUnlocked(snapshot: ModelSnapshot): Promise<void> {
    const { metadata } = snapshot;
    const target = this.dir(metadata.id);
    const temp = tempPathFor(target);
    const specs = weightSpecs(metadata.model, metadata.vocabSize);
    const files: Record<string, Uint8Array> = {};
    files[FILES.vocab] = Buffer.from(
      JSON.stringify({ formatVersion: MODEL_FORMAT_VERSION, codePoints: snapshot.codePoints }),
    );
    files[FILES.modelJson] = Buffer.from(
      JSON.stringify({
        modelTopology: layersTopology(metadata.model, metadata.vocabSize),
        format: 'layers-model',
        generatedBy: 'understudy',
        convertedBy: null,
        weightsManifest: [{ paths: [FILES.weights], weights: specs.map((s) => ({ ...s, dtype: 'float32' })) }],
      }),
    );
    files[FILES.weights] = joinArrays(snapshot.best);
    if (snapshot.training !== null) {
      files[FILES.trainingState] = Buffer.from(JSON.stringify(snapshot.training.state));
      files[FILES.trainingWeights] = joinArrays(snapshot.training.weights);
      files[FILES.trainingOptimizer] = joinArrays([...snapshot.training.m, ...snapshot.training.v]);
    }
    const hashes: ModelMetadata['files'] = {};
    for (const [path, data] of Object.entries(files)) hashes[path] = { sha256: sha256(data), bytes: data.byteLength };
    const fullMetadata: ModelMetadata = { ...metadata, formatVersion: MODEL_FORMAT_VERSION, files: hashes };
    try {
      await mkdir(join(temp, 'training'), { recursive: true });
      for (const [path, data] of Object.entries(files)) await writeFileDurable(join(temp, path), data);
      await writeFileDurable(join(temp, FILES.metadata), JSON.stringify(fullMetadata, null, 1));
      // The copy index travels with the model (it checks on load that it still fits the corpora).
      await copyFile(join(target, COPY_INDEX_FILE), join(temp, COPY_INDEX_FILE)).catch(() => undefined);
      await replaceDirectory(temp, target);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      // A full disk or a refused write keeps its own code (E_DISK_FULL, E_PERMISSION).
      throw error instanceof AppError
        ? error
        : new AppError('E_IO', `could not save model ${metadata.id}: ${String(error)}`);
    }
  }

  private async readMetadataUnlocked(id: string): Promise<ModelMetadata> {
    const dir = this.dir(id);
    let text: string;
    try {
      text = await readFile(join(dir, FILES.metadata), 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') {
        const exists = await stat(dir).then(
          () => true,
          () => false,
        );
        if (!exists) throw new AppError('E_MODEL_NOT_FOUND', `no model with id ${id}`);
        throw corrupt(id, 'metadata.json is missing');
      }
      throw error;
    }
    const raw = parseJson(id, text, FILES.metadata);
    const version = typeof raw === 'object' && raw !== null && 'formatVersion' in raw ? raw.formatVersion : undefined;
    if (version !== MODEL_FORMAT_VERSION) {
      throw new AppError(
        'E_MODEL_VERSION',
        `model ${id} has format version ${String(version)}; this app reads version ${MODEL_FORMAT_VERSION}`,
      );
    }
    const parsed = metadataSchema.safeParse(raw);
    if (!parsed.success) throw corrupt(id, `metadata.json is invalid (${parsed.error.issues[0]?.message ?? 'schema'})`);
    if (parsed.data.id !== id) throw corrupt(id, 'metadata.json belongs to another model');
    return parsed.data;
  }

  /** Reads one file and checks its size and hash against the metadata. */
  private async readChecked(id: string, metadata: ModelMetadata, path: string): Promise<Uint8Array> {
    const expected = metadata.files[path];
    if (expected === undefined) throw corrupt(id, `${path} is not listed in metadata.json`);
    let data: Uint8Array;
    try {
      data = await readFile(join(this.dir(id), path));
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') throw corrupt(id, `${path} is missing`);
      throw error;
    }
    if (data.byteLength !== expected.bytes)
      throw corrupt(id, `${path} has ${data.byteLength} bytes, expected ${expected.bytes} (truncated?)`);
    if (sha256(data) !== expected.sha256) throw corrupt(id, `${path} does not match its checksum`);
    return data;
  }

  private async loadUnlocked(id: string): Promise<LoadedModel> {
    const metadata = await this.readMetadataUnlocked(id);
    const vocab = vocabSchema.safeParse(
      parseJson(id, Buffer.from(await this.readChecked(id, metadata, FILES.vocab)).toString('utf8'), FILES.vocab),
    );
    if (
      !vocab.success ||
      vocab.data.codePoints.length !== metadata.vocabSize ||
      new Set(vocab.data.codePoints).size !== metadata.vocabSize
    ) {
      throw corrupt(id, 'vocab.json does not match the model');
    }
    const modelJson = layersModelSchema.safeParse(
      parseJson(
        id,
        Buffer.from(await this.readChecked(id, metadata, FILES.modelJson)).toString('utf8'),
        FILES.modelJson,
      ),
    );
    const specs = weightSpecs(metadata.model, metadata.vocabSize);
    const manifest = modelJson.success ? modelJson.data.weightsManifest[0] : undefined;
    const matches =
      manifest !== undefined &&
      manifest.weights.length === specs.length &&
      manifest.weights.every(
        (w, i) => w.name === specs[i]?.name && JSON.stringify(w.shape) === JSON.stringify(specs[i]?.shape),
      );
    if (!matches) throw corrupt(id, 'model.json does not describe the weights of this model');
    const sizes = specs.map((s) => s.shape.reduce((a, b) => a * b, 1));
    const best = splitArrays(id, await this.readChecked(id, metadata, FILES.weights), sizes, FILES.weights);
    return { metadata, codePoints: vocab.data.codePoints, best };
  }

  private async loadTrainingUnlocked(id: string): Promise<LoadedTraining> {
    const loaded = await this.loadUnlocked(id);
    const { metadata } = loaded;
    if (metadata.files[FILES.trainingState] === undefined) {
      throw new AppError('E_CONFLICT', `model ${id} has no training checkpoint to resume from`);
    }
    const state = trainerStateSchema.safeParse(
      parseJson(
        id,
        Buffer.from(await this.readChecked(id, metadata, FILES.trainingState)).toString('utf8'),
        FILES.trainingState,
      ),
    );
    if (!state.success) throw corrupt(id, 'training/state.json is invalid');
    const sizes = weightSpecs(metadata.model, metadata.vocabSize).map((s) => s.shape.reduce((a, b) => a * b, 1));
    const weights = splitArrays(
      id,
      await this.readChecked(id, metadata, FILES.trainingWeights),
      sizes,
      FILES.trainingWeights,
    );
    const moments = splitArrays(
      id,
      await this.readChecked(id, metadata, FILES.trainingOptimizer),
      [...sizes, ...sizes],
      FILES.trainingOptimizer,
    );
    return {
      ...loaded,
      training: { weights, m: moments.slice(0, sizes.length), v: moments.slice(sizes.length), state: state.data },
    };
  }

  /** Ids of the model directories (unvalidated: list() validates their metadata). */
  async ids(): Promise<string[]> {
    const entries = await readdir(this.modelsDir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && ID_PATTERN.test(e.name))
      .map((e) => e.name)
      .sort();
  }

  /** Metadata, with every file it lists checked against its size and checksum (once per metadata version). */
  private async readVerifiedUnlocked(id: string): Promise<ModelMetadata> {
    const metadata = await this.readMetadataUnlocked(id);
    const key = JSON.stringify(metadata.files);
    if (this.verified.get(id) === key) return metadata;
    for (const file of Object.keys(metadata.files)) await this.readChecked(id, metadata, file);
    this.verified.set(id, key);
    return metadata;
  }

  /** Summaries of every readable model; damaged ones are reported separately rather than hidden. */
  async list(): Promise<{ models: ModelSummary[]; damaged: ({ id: string } & ErrorInfo)[] }> {
    const models: ModelSummary[] = [];
    const damaged: ({ id: string } & ErrorInfo)[] = [];
    for (const id of await this.ids()) {
      try {
        models.push(summaryOf(await this.exclusive(id, () => this.readVerifiedUnlocked(id))));
      } catch (error) {
        // Deleted between listing the directory and reading it.
        if (error instanceof AppError && error.code === 'E_MODEL_NOT_FOUND') continue;
        if (error instanceof AppError) damaged.push({ id, ...error.toInfo() });
        else throw error;
      }
    }
    return { models, damaged };
  }

  rename(id: string, name: string): Promise<ModelSummary> {
    return this.exclusive(id, async () => {
      const metadata = await this.readMetadataUnlocked(id);
      const next: ModelMetadata = { ...metadata, name, updatedAt: new Date().toISOString() };
      await writeFileAtomic(join(this.dir(id), FILES.metadata), JSON.stringify(next, null, 1));
      return summaryOf(next);
    });
  }

  delete(id: string): Promise<void> {
    return this.exclusive(id, async () => {
      const dir = this.dir(id);
      const aside = join(this.modelsDir, `.${id}.deleted-${randomSuffix()}`);
      try {
        await rename(dir, aside);
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') throw new AppError('E_MODEL_NOT_FOUND', `no model with id ${id}`);
        throw error;
      }
      await rm(aside, { recursive: true, force: true });
    });
  }
}

export function summaryOf(m: ModelMetadata): ModelSummary {
  return {
    id: m.id,
    name: m.name,
    preset: m.preset,
    model: m.model,
    optimizer: m.optimizer,
    vocabSize: m.vocabSize,
    parameters: m.parameters,
    corpora: m.corpora,
    backend: m.backend,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    step: m.step,
    bestStep: m.bestStep,
    bestValNatsPerChar: m.bestValNatsPerChar,
    lossCurve: m.lossCurve,
    ...(m.base === undefined ? {} : { base: m.base }),
    resumable: m.files[FILES.trainingState] !== undefined,
    status: m.status,
  };
}
