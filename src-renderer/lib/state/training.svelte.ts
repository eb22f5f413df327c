import {
  isBaseModel,
  type BackendName,
  type ErrorInfo,
  type ModelSummary,
  type PresetName,
  type Result,
  type StartTrainingInput,
  type TrainingEvent,
  type UnderstudyApi,
} from '../../../src-main/contract/index.ts';
import { natsToBits } from '../format.ts';
import { followRun, startStream } from '../run-stream.ts';

export type TrainingPhase = 'idle' | 'starting' | 'running' | 'paused' | 'done' | 'cancelled' | 'error';
export type BudgetKind = 'minutes' | 'epochs' | 'steps';

export interface LossSample {
  step: number;
  bits: number;
}

export interface EvaluationSamples {
  step: number;
  isBest: boolean;
  samples: { temperature: number; text: string; novelty: number }[];
  /** Share of the samples not copied verbatim from the corpora: memorisation shows as it falls. */
  novelty: number;
}

/** A corpus as the Training panel lists it; `included` is the corpus library's include toggle. */
export interface TrainingCorpus {
  id: string;
  name: string;
  chars: number;
  included: boolean;
  /** Seconds for one pass over the text with each preset, when known. */
  secondsPerEpoch?: Partial<Record<PresetName, number>>;
}

export interface TrainingProgress {
  step: number;
  totalSteps: number | null;
  epoch: number;
  charsPerSecond: number;
  etaSeconds: number | null;
  elapsedSeconds: number;
}

export const PRESET_INFO: Readonly<Record<PresetName, { label: string; blurb: string }>> = {
  small: { label: 'Small', blurb: '2 layers of 128 units: quick, fine for a first try or a slow computer.' },
  medium: { label: 'Medium', blurb: '2 layers of 256 units: a good balance once you have a few novels or scripts.' },
  large: { label: 'Large', blurb: '2 layers of 512 units: the best drafts, needs a fast computer and hours.' },
};

/** Below this much included text a run starts from the bundled base model unless the writer picks otherwise. */
export const FINE_TUNE_BELOW_CHARS = 2_000_000;

/** The Training panel's form and the live state of the one run it drives. */
export class Training {
  #preset = $state<PresetName>('small');
  /** The writer picked the preset; a suggestion (the recommended one) no longer replaces it. */
  #presetChosen = false;
  #budgetKind = $state<BudgetKind>('minutes');
  #budgetValue = $state(10);
  #name = $state('');
  #evalEvery = $state(250);
  /** Models a run may start from. */
  #models = $state.raw<ModelSummary[]>([]);
  /** The writer's pick: a model id, null for random weights, undefined for the default. */
  #startFrom = $state<string | null | undefined>(undefined);
  #corpusChars = $state(0);

  #phase = $state<TrainingPhase>('idle');
  #runId = $state<string | null>(null);
  #modelId = $state<string | null>(null);
  #backend = $state<BackendName | null>(null);
  #parameters = $state<number | null>(null);
  #progress = $state.raw<TrainingProgress | null>(null);
  #trainLoss = $state.raw<LossSample[]>([]);
  #valLoss = $state.raw<LossSample[]>([]);
  #evaluations = $state.raw<EvaluationSamples[]>([]);
  #bestStep = $state<number | null>(null);
  #doneReason = $state<string | null>(null);
  #error = $state.raw<ErrorInfo | null>(null);
  #detach: (() => void) | null = null;

  readonly percent = $derived.by(() => {
    const progress = this.#progress;
    if (!progress) return 0;
    if (this.#phase === 'done') return 100;
    if (progress.totalSteps) return Math.min(100, (100 * progress.step) / progress.totalSteps);
    if (progress.etaSeconds !== null) {
      const total = progress.elapsedSeconds + progress.etaSeconds;
      return total > 0 ? Math.min(100, (100 * progress.elapsedSeconds) / total) : 0;
    }
    return 0;
  });

  /** The bundled base model, when it is installed. */
  readonly baseModel = $derived(this.#models.find((model) => isBaseModel(model)) ?? null);

  /** The model the next run fine-tunes (null: random weights); small corpora default to the base. */
  readonly startFromId = $derived.by(() => {
    const picked = this.#startFrom;
    if (picked === null) return null;
    if (picked !== undefined && this.#models.some((model) => model.id === picked)) return picked;
    return this.#corpusChars < FINE_TUNE_BELOW_CHARS ? (this.baseModel?.id ?? null) : null;
  });

  /** What a run may start from: the base first, then the writer's models, newest first. */
  readonly startChoices = $derived([
    ...(this.baseModel ? [this.baseModel] : []),
    ...this.#models
      .filter((model) => model !== this.baseModel && model.status !== 'training')
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)),
  ]);

  readonly active = $derived(this.#phase === 'starting' || this.#phase === 'running' || this.#phase === 'paused');

  constructor(
    private readonly api: UnderstudyApi,
    /** Told about every event of the followed run, after the state has taken it in. */
    private readonly onRunEvent: (event: TrainingEvent) => void = () => {},
  ) {}

  get preset(): PresetName {
    return this.#preset;
  }
  /** The writer's choice. */
  set preset(value: PresetName) {
    this.#preset = value;
    this.#presetChosen = true;
  }
  /** The app's suggestion (the recommended preset), taken unless the writer has chosen one. */
  suggestPreset(value: PresetName): void {
    if (!this.#presetChosen) this.#preset = value;
  }
  get budgetKind(): BudgetKind {
    return this.#budgetKind;
  }
  set budgetKind(value: BudgetKind) {
    this.#budgetKind = value;
    this.#budgetValue = value === 'minutes' ? 10 : value === 'epochs' ? 1 : 500;
  }
  get budgetValue(): number {
    return this.#budgetValue;
  }
  set budgetValue(value: number) {
    this.#budgetValue = value;
  }
  get name(): string {
    return this.#name;
  }
  set name(value: string) {
    this.#name = value;
  }
  get evalEvery(): number {
    return this.#evalEvery;
  }
  set evalEvery(value: number) {
    this.#evalEvery = value;
  }
  /** The writer's pick of what to start from (null: random weights). */
  set startFrom(value: string | null) {
    this.#startFrom = value;
  }
  /** Characters of the included corpora, which decide the default starting point. */
  set corpusChars(value: number) {
    this.#corpusChars = value;
  }
  get corpusChars(): number {
    return this.#corpusChars;
  }

  /** Loads the models a run may start from. */
  async loadModels(): Promise<void> {
    const list = await this.api.models.list();
    if (list.ok) this.#models = list.value;
  }

  get phase(): TrainingPhase {
    return this.#phase;
  }
  get runId(): string | null {
    return this.#runId;
  }
  get modelId(): string | null {
    return this.#modelId;
  }
  get backend(): BackendName | null {
    return this.#backend;
  }
  get parameters(): number | null {
    return this.#parameters;
  }
  get progress(): TrainingProgress | null {
    return this.#progress;
  }
  get trainLoss(): readonly LossSample[] {
    return this.#trainLoss;
  }
  get valLoss(): readonly LossSample[] {
    return this.#valLoss;
  }
  get evaluations(): readonly EvaluationSamples[] {
    return this.#evaluations;
  }
  get latestSamples(): EvaluationSamples | null {
    return this.#evaluations.at(-1) ?? null;
  }
  get bestStep(): number | null {
    return this.#bestStep;
  }
  get bestBits(): number | null {
    return this.#valLoss.find((point) => point.step === this.#bestStep)?.bits ?? null;
  }
  get doneReason(): string | null {
    return this.#doneReason;
  }
  get error(): ErrorInfo | null {
    return this.#error;
  }

  budget(): NonNullable<StartTrainingInput['budget']> {
    const value = this.#budgetValue;
    if (this.#budgetKind === 'minutes') return { kind: 'minutes', minutes: value };
    if (this.#budgetKind === 'epochs') return { kind: 'epochs', epochs: value };
    return { kind: 'steps', steps: Math.max(1, Math.round(value)) };
  }

  /**
   * Starts training on these corpora; resolves once the run has started (or failed to). An `extra.model` shape
   * trains from random weights, since a model to start from fixes the shape.
   */
  async start(corpusIds: readonly string[], extra: Partial<StartTrainingInput> = {}): Promise<boolean> {
    const name = this.#name.trim();
    const startFrom = extra.model === undefined ? this.startFromId : null;
    return this.#launch(() =>
      this.api.training.start({
        corpusIds: [...corpusIds],
        preset: this.#preset,
        budget: this.budget(),
        evalEvery: Math.max(1, Math.round(this.#evalEvery)),
        ...(name === '' ? {} : { name }),
        ...(startFrom === null ? {} : { startFrom }),
        ...extra,
      }),
    );
  }

  /** Continues a stopped model from its latest checkpoint for the budget in the form, on top of what it has had. */
  async continueModel(modelId: string): Promise<boolean> {
    return this.#launch(() => this.api.training.continue({ modelId, budget: this.budget() }));
  }

  async #launch(request: () => Promise<Result<{ runId: string; modelId: string }>>): Promise<boolean> {
    if (this.active) return false;
    this.#reset();
    this.#phase = 'starting';
    const started = await startStream<TrainingEvent, { runId: string; modelId: string }>(
      (listener) => this.api.training.onEvent(listener),
      request,
      (event) => this.#apply(event),
      isFinal,
    );
    if (!started.ok) {
      this.#error = started.error;
      this.#phase = 'error';
      return false;
    }
    this.#runId = started.value.value.runId;
    this.#modelId = started.value.value.modelId;
    if (this.#phase === 'starting') this.#phase = 'running';
    this.#detach = started.value.detach;
    return true;
  }

  /** Picks up a run that was already going when the window opened. */
  follow(runId: string): void {
    if (this.#runId === runId) return;
    this.#reset();
    this.#runId = runId;
    this.#phase = 'running';
    this.#detach = followRun<TrainingEvent>(
      (l) => this.api.training.onEvent(l),
      runId,
      (e) => this.#apply(e),
      isFinal,
    ).detach;
  }

  async pause(): Promise<void> {
    if (this.#runId && this.#phase === 'running') this.#report(await this.api.training.pause({ runId: this.#runId }));
  }

  async resume(): Promise<void> {
    if (this.#runId && this.#phase === 'paused') this.#report(await this.api.training.resume({ runId: this.#runId }));
  }

  async cancel(): Promise<void> {
    if (this.#runId && this.active) this.#report(await this.api.training.cancel({ runId: this.#runId }));
  }

  /** Stops listening (the run goes on in main). */
  detach(): void {
    this.#detach?.();
    this.#detach = null;
  }

  #report(result: { ok: true } | { ok: false; error: ErrorInfo }): void {
    if (!result.ok) this.#error = result.error;
  }

  #reset(): void {
    this.detach();
    this.#runId = null;
    this.#modelId = null;
    this.#progress = null;
    this.#trainLoss = [];
    this.#valLoss = [];
    this.#evaluations = [];
    this.#bestStep = null;
    this.#doneReason = null;
    this.#error = null;
  }

  #apply(event: TrainingEvent): void {
    this.#take(event);
    this.onRunEvent(event);
  }

  #take(event: TrainingEvent): void {
    switch (event.type) {
      case 'started':
        this.#modelId = event.modelId;
        this.#backend = event.backend;
        this.#parameters = event.parameters;
        if (this.#phase === 'starting') this.#phase = 'running';
        break;
      case 'progress':
        this.#progress = {
          step: event.step,
          totalSteps: event.totalSteps,
          epoch: event.epoch,
          charsPerSecond: event.charsPerSecond,
          etaSeconds: event.etaSeconds,
          elapsedSeconds: event.elapsedSeconds,
        };
        this.#trainLoss = appendThinned(this.#trainLoss, { step: event.step, bits: natsToBits(event.trainLoss) });
        break;
      case 'evaluation':
        this.#valLoss = [...this.#valLoss, { step: event.step, bits: event.valBitsPerChar }];
        this.#evaluations = [
          ...this.#evaluations,
          { step: event.step, isBest: event.isBest, samples: event.samples, novelty: event.novelty },
        ];
        if (event.isBest) this.#bestStep = event.step;
        break;
      case 'paused':
        this.#phase = 'paused';
        break;
      case 'resumed':
        this.#phase = 'running';
        break;
      case 'done':
        this.#phase = event.reason === 'cancelled' ? 'cancelled' : 'done';
        this.#doneReason = event.reason;
        if (this.#progress) this.#progress = { ...this.#progress, step: event.step, etaSeconds: 0 };
        void this.loadModels();
        break;
      case 'error':
        this.#error = event.error;
        this.#phase = 'error';
        break;
      case 'checkpoint':
        break;
    }
  }
}

/** Loss points kept for the chart; beyond this every other old point is dropped, so hours of training stay cheap. */
export const MAX_LOSS_POINTS = 1200;

export function appendThinned(points: readonly LossSample[], next: LossSample, max = MAX_LOSS_POINTS): LossSample[] {
  const kept = points.length >= max ? points.filter((_, index) => index % 2 === 0) : points;
  return [...kept, next];
}

function isFinal(event: TrainingEvent): boolean {
  return event.type === 'done' || event.type === 'error';
}
