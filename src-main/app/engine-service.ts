import { randomUUID } from 'node:crypto';
import {
  AppError,
  type DamagedItem,
  type EngineStatus,
  type ModelSummary,
  type ParsedInput,
  type PresetName,
  type TrainingEvent,
} from '../contract/index.ts';
import type { CorpusStore } from '../corpora/corpus-store.ts';
import { recommendedPreset } from '../engine/presets.ts';
import type { SpeedProbeSettings } from '../engine/speed-probe.ts';
import {
  DEFAULT_TRAINING_CONFIG,
  type CorpusInput,
  type ResumeConfig,
  type TrainingBudget,
  type TrainingConfig,
} from '../engine/types.ts';
import type { EngineClient, EngineHost } from '../engine-host/engine-host.ts';
import type { EventBus } from '../ipc/event-bus.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import {
  machineId,
  readTrainingSpeed,
  speedStatus,
  writeTrainingSpeed,
  type TrainingSpeedRecord,
} from './training-speed-record.ts';

/** Steps before a run's reported speed counts (the first ones include warm-up). */
const RUN_SPEED_MIN_STEPS = 10;

/** What the service needs from the engine host: its requests and its events (the EngineHost offers them). */
export type EngineConnection = Pick<EngineHost, 'engine' | 'onTraining' | 'onGeneration' | 'onReady' | 'stop'>;

interface EngineServiceDeps {
  host: EngineConnection;
  corpora: CorpusStore;
  settings: SettingsStore;
  bus: EventBus;
  /** Where the measured training speed is kept (training-speed.json in the data directory). */
  speedFile: string;
  /** How to measure the training speed when no valid measurement is stored; false never measures (tests). */
  speedProbe: SpeedProbeSettings | false;
  /** Milliseconds between start-up and the measurement, so the window opens on an idle engine. */
  speedProbeDelayMs: number;
}

/** Training, generation and models for the contract: resolves corpora and settings, streams events by run id. */
export class EngineService {
  readonly #engine: EngineClient;
  #trainingRunId: string | null = null;
  /** The model the engine worker holds, as far as this service made it load one. */
  #loadedModelId: string | null = null;
  /** The model whose copy index the engine holds (a restarted engine holds none). */
  #indexedModelId: string | null = null;

  readonly #detach: (() => void)[];
  #speed: TrainingSpeedRecord | null = null;
  #measuring: Promise<void> | null = null;
  #probeTimer: ReturnType<typeof setTimeout> | undefined;
  #endProbeDelay: () => void = () => undefined;
  #disposed = false;
  /** The run in progress, when it trains a preset unchanged: its speed refines the measured one. */
  #presetRun: { runId: string; preset: PresetName; charsPerSecond: number | null } | null = null;

  constructor(private readonly deps: EngineServiceDeps) {
    this.#engine = deps.host.engine;
    this.#detach = [
      deps.host.onTraining((event) => this.#onTraining(event)),
      deps.host.onGeneration((event) => deps.bus.emit('generation:event', event)),
      deps.host.onReady(() => (this.#indexedModelId = null)),
    ];
  }

  /** Loads the stored training speed, or measures it in the background when there is none for this machine. */
  async start(): Promise<void> {
    const backend = await this.#engine.getBackend();
    this.#speed = await readTrainingSpeed(this.deps.speedFile, backend);
    if (this.#speed !== null) this.deps.corpora.setThroughput(this.#speed.charsPerSecond);
    else this.#scheduleMeasurement(this.deps.speedProbeDelayMs);
  }

  /** Resolves when a scheduled or running measurement (if any) has finished. */
  async speedMeasured(): Promise<void> {
    await this.#measuring;
  }

  /** Measures the training speed after `delayMs`, unless one is already scheduled or running. */
  #scheduleMeasurement(delayMs: number): void {
    if (this.deps.speedProbe === false || this.#measuring !== null || this.#disposed) return;
    const delay = new Promise<void>((resolve) => {
      this.#probeTimer = setTimeout(resolve, delayMs);
      this.#endProbeDelay = resolve;
    });
    this.#measuring = delay
      .then(() => this.#measureSpeed())
      .catch((error: unknown) => {
        // Busy: a training run started first (its end tries again). Cancelled: the app is quitting.
        const expected = error instanceof AppError && (error.code === 'E_ENGINE_BUSY' || error.code === 'E_CANCELLED');
        if (!expected && !this.#disposed) console.error('[understudy] measuring the training speed failed:', error);
      })
      .finally(() => {
        this.#measuring = null;
      });
  }

  async #measureSpeed(): Promise<void> {
    const probe = this.deps.speedProbe;
    // A run that started meanwhile has the engine; its end schedules the measurement again.
    if (probe === false || this.#disposed || this.#trainingRunId !== null) return;
    const backend = await this.#engine.getBackend();
    const speed = await this.#engine.measureTrainingSpeed(probe);
    // Null: a training run took the engine; the next run's end tries again.
    if (speed === null) return;
    await this.#adoptSpeed({
      version: 1,
      backend,
      machine: machineId(),
      measuredAt: new Date().toISOString(),
      ...speed,
    });
  }

  /** Makes a measurement the one in use: estimates, the stored file and the status the renderer shows. */
  async #adoptSpeed(record: TrainingSpeedRecord): Promise<void> {
    this.#speed = record;
    this.deps.corpora.setThroughput(record.charsPerSecond);
    await writeTrainingSpeed(this.deps.speedFile, record);
    this.deps.bus.emit('engine:statusChanged', await this.status());
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    clearTimeout(this.#probeTimer);
    this.#endProbeDelay();
    for (const detach of this.#detach) detach();
    await this.deps.host.stop();
  }

  async status(): Promise<EngineStatus> {
    const backend = await this.#engine.getBackend();
    return {
      backend,
      activeModelId: this.deps.settings.get().activeModelId,
      trainingRunId: this.#trainingRunId,
      recommendedPreset: recommendedPreset(backend, this.#speed?.charsPerSecond),
      trainingSpeed: this.#speed === null ? null : speedStatus(this.#speed),
    };
  }

  async startTraining(input: ParsedInput<'training:start'>): Promise<{ runId: string; modelId: string }> {
    const corpora = await this.#readCorpora(input.corpusIds);
    const backend = await this.#engine.getBackend();
    const config: TrainingConfig = {
      ...DEFAULT_TRAINING_CONFIG,
      name: input.name ?? `${corpora.map((c) => c.name).join(' + ')} (${new Date().toLocaleDateString('en-GB')})`,
      preset: input.preset ?? recommendedPreset(backend, this.#speed?.charsPerSecond),
      model: input.model,
      optimizer: input.optimizer,
      budget: input.budget ?? DEFAULT_TRAINING_CONFIG.budget,
      evalEvery: input.evalEvery ?? DEFAULT_TRAINING_CONFIG.evalEvery,
      earlyStopping: input.earlyStopping ?? DEFAULT_TRAINING_CONFIG.earlyStopping,
      seed: input.seed ?? DEFAULT_TRAINING_CONFIG.seed,
      sampleLength: input.sampleLength ?? DEFAULT_TRAINING_CONFIG.sampleLength,
    };
    const startFrom = input.startFrom === undefined ? {} : { startFrom: input.startFrom };
    const run = await this.#engine.startTraining({ runId: randomUUID(), config, corpora, ...startFrom });
    this.#trainingRunId = run.runId;
    // A fine-tune has its base's preset and shape, so it says nothing about the speed of config.preset.
    const unchanged = input.model === undefined && input.optimizer === undefined && input.startFrom === undefined;
    this.#presetRun = unchanged ? { runId: run.runId, preset: config.preset, charsPerSecond: null } : null;
    return run;
  }

  async continueTraining(modelId: string, budget?: TrainingBudget): Promise<{ runId: string; modelId: string }> {
    const { models } = await this.#engine.listModels();
    const model = models.find((m) => m.id === modelId);
    if (!model) throw new AppError('E_MODEL_NOT_FOUND', `There is no model ${modelId}.`);
    const corpora = await this.#readCorpora(model.corpora.map((c) => c.id));
    // The writer's budget is more training on top of what the model has had.
    const resume: ResumeConfig = budget ? { modelId, extend: budget } : { modelId };
    const run = await this.#engine.continueTraining({ runId: randomUUID(), resume, corpora });
    this.#trainingRunId = run.runId;
    return run;
  }

  pauseTraining(run: { runId: string }): Promise<void> {
    return this.#engine.pauseTraining(run);
  }
  resumeTraining(run: { runId: string }): Promise<void> {
    return this.#engine.resumeTraining(run);
  }
  cancelTraining(run: { runId: string }): Promise<void> {
    return this.#engine.cancelTraining(run);
  }

  async generate(options: ParsedInput<'generation:start'>): Promise<{ runId: string }> {
    const modelId = options.modelId ?? this.deps.settings.get().activeModelId;
    if (!modelId) throw new AppError('E_NO_ACTIVE_MODEL', 'Choose a model in the Models panel (or train one) first.');
    await this.#holdModel(modelId);
    return this.#engine.generate({ runId: randomUUID(), options: { ...options, modelId } });
  }

  /** Makes the engine hold the model, with its copy index over the corpora it was trained on (as far as they exist). */
  async #holdModel(modelId: string): Promise<void> {
    if (this.#loadedModelId !== modelId) {
      await this.#engine.loadModel({ modelId });
      this.#loadedModelId = modelId;
      this.#indexedModelId = null;
    }
    if (this.#indexedModelId === modelId) return;
    const model = (await this.#engine.listModels()).models.find((m) => m.id === modelId);
    const present = new Set(this.deps.corpora.list().map((corpus) => corpus.id));
    const kept = (model?.corpora ?? []).filter((ref) => present.has(ref.id));
    const corpora = await Promise.all(
      kept.map(async (ref) => ({ id: ref.id, name: ref.name, text: await this.deps.corpora.readText(ref.id) })),
    );
    // Without the index a draft is only not checked for copies: generation goes on either way.
    await this.#engine.indexCorpora({ modelId, corpora }).catch(() => undefined);
    this.#indexedModelId = modelId;
  }

  /** Warms the prime cache of the active model (loading it first if the engine holds another one). */
  async prepareGeneration(input: { prime: string; primeChars?: number }): Promise<{ primedChars: number }> {
    const modelId = this.deps.settings.get().activeModelId;
    if (!modelId) throw new AppError('E_NO_ACTIVE_MODEL', 'Choose a model in the Models panel (or train one) first.');
    await this.#holdModel(modelId);
    return this.#engine.prepareGeneration(input);
  }

  cancelGeneration(run: { runId: string }): Promise<void> {
    return this.#engine.cancelGeneration(run);
  }

  async listModels(): Promise<ModelSummary[]> {
    return (await this.#engine.listModels()).models;
  }

  async listDamagedModels(): Promise<DamagedItem[]> {
    return (await this.#engine.listModels()).damaged.map((d) => ({ kind: 'model', ...d }));
  }

  async setActive(id: string): Promise<ModelSummary> {
    const summary = await this.#engine.loadModel({ modelId: id });
    this.#loadedModelId = id;
    await this.deps.settings.update({ activeModelId: id });
    this.deps.bus.emit('models:changed', { activeModelId: id });
    return summary;
  }

  async rename(id: string, name: string): Promise<ModelSummary> {
    const summary = await this.#engine.renameModel({ modelId: id, name });
    this.deps.bus.emit('models:changed', { activeModelId: this.deps.settings.get().activeModelId });
    return summary;
  }

  async delete(id: string): Promise<void> {
    await this.#engine.deleteModel({ modelId: id });
    if (this.#loadedModelId === id) this.#loadedModelId = null;
    if (this.deps.settings.get().activeModelId === id) await this.deps.settings.update({ activeModelId: null });
    this.deps.bus.emit('models:changed', { activeModelId: this.deps.settings.get().activeModelId });
  }

  async #readCorpora(ids: readonly string[]): Promise<CorpusInput[]> {
    if (ids.length === 0) throw new AppError('E_NO_CORPORA', 'Pick at least one corpus to train on.');
    return Promise.all(
      ids.map(async (id) => {
        const summary = this.deps.corpora.get(id);
        return { id, name: summary.name, text: await this.deps.corpora.readText(id) };
      }),
    );
  }

  /** A finished run's steady training speed replaces the probe's figure for its preset (real work beats a probe). */
  async #recordRunSpeed(preset: PresetName, charsPerSecond: number): Promise<void> {
    const current = this.#speed;
    if (current === null || current.backend !== (await this.#engine.getBackend())) return;
    await this.#adoptSpeed({
      ...current,
      measuredAt: new Date().toISOString(),
      charsPerSecond: { ...current.charsPerSecond, [preset]: charsPerSecond },
      measured: current.measured.includes(preset) ? current.measured : [...current.measured, preset],
    });
  }

  #onTraining(event: TrainingEvent): void {
    if (event.type === 'started') this.#trainingRunId = event.runId;
    const run = this.#presetRun;
    if (run !== null && event.runId === run.runId) {
      if (event.type === 'progress' && event.step >= RUN_SPEED_MIN_STEPS) run.charsPerSecond = event.charsPerSecond;
      if (event.type === 'done' || event.type === 'error') {
        this.#presetRun = null;
        if (event.type === 'done' && run.charsPerSecond !== null && run.charsPerSecond > 0)
          void this.#recordRunSpeed(run.preset, run.charsPerSecond).catch((error: unknown) =>
            console.error('[understudy] recording the training speed failed:', error),
          );
      }
    }
    if ((event.type === 'done' || event.type === 'error') && event.runId === this.#trainingRunId) {
      this.#trainingRunId = null;
      if (this.#speed === null) this.#scheduleMeasurement(this.deps.speedProbeDelayMs);
    }
    if (event.type === 'done' && event.reason !== 'cancelled' && !this.deps.settings.get().activeModelId) {
      // A writer's first trained model becomes the one Generate uses, before anyone hears the run is done.
      void this.setActive(event.modelId)
        .catch(() => undefined)
        .finally(() => this.deps.bus.emit('training:event', event));
      return;
    }
    this.deps.bus.emit('training:event', event);
  }
}
