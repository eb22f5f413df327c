import {
  generationRequest,
  type CopyReport,
  type ErrorInfo,
  type GenerationEvent,
  type GenerationSettings,
  type UnderstudyApi,
} from '../../../src-main/contract/index.ts';
import type { DraftProvenance } from '../../../src-main/fountain/provenance.ts';
import { nowIso } from '../format.ts';
import { startStream } from '../run-stream.ts';

export type GenerationControls = GenerationSettings;

/** What the script itself tells a generation: who may speak, where scenes may be, who speaks a line. */
export interface ScriptFacts {
  cast: string[];
  locations: string[];
  speaker?: string;
}

export interface GenerationModel {
  id: string;
  name: string;
}

interface Request {
  prime: string;
  controls: GenerationControls;
  script: ScriptFacts;
  seed: number;
  model: GenerationModel;
  startedAt: string;
}

export type GenerationPhase = 'idle' | 'running' | 'done' | 'stopped' | 'error';

/** Characters of script before the cursor sent as the prime; the model only needs recent context. */
export const PRIME_CHARS = 4000;
const MAX_SEED = 2 ** 31 - 1;

export function randomSeed(): number {
  return Math.floor(Math.random() * MAX_SEED);
}

/** One Generate-scene request at a time: streams 1-4 alternatives, and can stop, retry or discard them. */
export class Generation {
  #phase = $state<GenerationPhase>('idle');
  #texts = $state.raw<string[]>([]);
  #copies = $state.raw<(CopyReport | null)[]>([]);
  #error = $state.raw<ErrorInfo | null>(null);
  #request = $state.raw<Request | null>(null);
  #charsPerSecond = $state<number | null>(null);
  #runId: string | null = null;
  #detach: (() => void) | null = null;
  /** Bumped per run so a superseded run's ending cannot touch the new one. */
  #token = 0;
  #stopRequested = false;

  constructor(private readonly api: UnderstudyApi) {}

  get phase(): GenerationPhase {
    return this.#phase;
  }
  get running(): boolean {
    return this.#phase === 'running';
  }
  get texts(): readonly string[] {
    return this.#texts;
  }
  /** Per alternative, once it is done: where it repeats the corpora and how much is new (null: not checked). */
  get copies(): readonly (CopyReport | null)[] {
    return this.#copies;
  }
  get error(): ErrorInfo | null {
    return this.#error;
  }
  get charsPerSecond(): number | null {
    return this.#charsPerSecond;
  }
  /** The seed and model of the shown drafts. */
  get request(): Readonly<Request> | null {
    return this.#request;
  }

  /** Continues `prime` (the script before the cursor); resolves when the run ends. */
  async generate(
    prime: string,
    controls: GenerationControls,
    model: GenerationModel,
    script: ScriptFacts = { cast: [], locations: [] },
  ): Promise<void> {
    const seed = controls.seed ?? randomSeed();
    await this.#run({ prime, controls: { ...controls }, script, seed, model, startedAt: nowIso() });
  }

  /** Same prime and settings; a fresh seed unless the writer fixed one. */
  async retry(): Promise<void> {
    const last = this.#request;
    if (!last) return;
    const seed = last.controls.seed ?? randomSeed();
    await this.#run({ ...last, seed, startedAt: nowIso() });
  }

  async stop(): Promise<void> {
    if (this.#phase !== 'running') return;
    const runId = this.#runId;
    // Stop pressed before main answered the start: cancel as soon as the run has an id.
    if (runId === null) this.#stopRequested = true;
    else await this.api.generation.cancel({ runId });
  }

  discard(): void {
    if (this.running) void this.stop();
    this.#token++;
    this.#detach?.();
    this.#texts = [];
    this.#copies = [];
    this.#error = null;
    this.#phase = 'idle';
  }

  /** The chosen alternative and where it came from, for the editor to insert. */
  draft(index: number): { text: string; provenance: DraftProvenance } | null {
    const text = this.#texts[index];
    const request = this.#request;
    if (text === undefined || text.length === 0 || !request) return null;
    return {
      text,
      provenance: {
        model: request.model.name,
        mode: request.controls.mode,
        temperature: request.controls.temperature,
        seed: request.seed,
        date: request.startedAt,
      },
    };
  }

  async #run(request: Request): Promise<void> {
    if (this.running) await this.stop();
    this.#detach?.();
    const token = ++this.#token;
    this.#request = request;
    this.#texts = Array.from({ length: request.controls.alternatives }, () => '');
    this.#copies = [];
    this.#error = null;
    this.#charsPerSecond = null;
    this.#stopRequested = false;
    this.#phase = 'running';
    const { controls } = request;
    const started = await startStream<GenerationEvent, { runId: string }>(
      (listener) => this.api.generation.onEvent(listener),
      () =>
        this.api.generation.start(
          generationRequest(controls, {
            ...request.script,
            modelId: request.model.id,
            prime: request.prime.slice(-PRIME_CHARS),
            seed: request.seed,
          }),
        ),
      (event) => {
        if (token === this.#token) this.#apply(event);
      },
      (event) => event.type === 'done' || event.type === 'error',
    );
    if (token !== this.#token) {
      if (started.ok) {
        started.value.detach();
        void this.api.generation.cancel({ runId: started.value.value.runId });
      }
      return;
    }
    if (!started.ok) {
      this.#error = started.error;
      this.#phase = 'error';
      return;
    }
    this.#runId = started.value.value.runId;
    this.#detach = started.value.detach;
    if (this.#stopRequested) void this.stop();
    await started.value.finished;
    if (token !== this.#token) return;
    if (this.#phase === 'running') this.#phase = 'stopped';
    this.#runId = null;
  }

  #apply(event: GenerationEvent): void {
    switch (event.type) {
      case 'started':
        if (event.alternatives !== this.#texts.length)
          this.#texts = Array.from({ length: event.alternatives }, () => '');
        break;
      case 'chunk':
        this.#texts = this.#texts.map((text, i) => text + (event.deltas[i] ?? ''));
        break;
      case 'done':
        this.#texts = event.texts;
        this.#copies = event.copies;
        this.#charsPerSecond = event.charsPerSecond;
        this.#phase = event.reasons.every((reason) => reason === 'cancelled') ? 'stopped' : 'done';
        break;
      case 'error':
        this.#error = event.error;
        this.#phase = event.error.code === 'E_CANCELLED' ? 'stopped' : 'error';
        break;
    }
  }
}
