import { AppError } from '../contract/errors.ts';
import {
  DRAFT_LINES_PER_PAGE,
  DraftForm,
  nextSpeaker,
  type DraftMode,
  type DraftSpec,
} from '../fountain/draft-form.ts';
import { createStepper, type StepperKind } from './inference/create-stepper.ts';
import type { LayerState } from './inference/stepper.ts';
import type { CharLstmWeights } from './model.ts';
import { Rng } from './rng.ts';
import type { GenerationOptions, GenerationStopReason } from './types.ts';
import type { Vocab } from './vocab.ts';

/**
 * Characters of text before the cursor that condition a generation. Models train on 100-character windows, and
 * `npm run bench -- --context` shows the loss of what follows stops improving well before 300 characters of prime.
 */
export const DEFAULT_PRIME_CHARS = 300;
const CHUNK_INTERVAL_MS = 30;

export interface SamplerModel {
  weights: CharLstmWeights;
  vocab: Vocab;
}

/** GenerationOptions with one temperature per alternative (evaluation samples use 0.5 / 0.8 / 1.0 together). */
export interface SampleRequest {
  prime: string;
  primeChars: number;
  temperatures: number[];
  topK: number;
  topP: number;
  maxLength: number;
  stopStrings: string[];
  seed: number;
  /** The screenplay form every alternative keeps (absent: unconstrained characters, as training samples are). */
  form?: DraftSpec;
  /** Says, per alternative, whether a character would extend a verbatim copy of the training text too far. */
  copyGuard?: (context: string) => CopyGuard;
}

/** One alternative's view of the copy index: see engine/copy-index.ts. */
export interface CopyGuard {
  wouldCopy(ch: string): boolean;
  push(ch: string): void;
}

/** Characters a scene may take per page at most (its form wraps up past 1.5 pages' worth of lines). */
const SCENE_CHARS_PER_PAGE = 6000;
/** Characters the other modes may take at most before their form has wrapped them up (see DraftForm). */
const MODE_CHARS: Readonly<Record<Exclude<DraftMode, 'scene'>, number>> = {
  continue: 0,
  line: 3000,
  action: 3000,
  heading: 400,
};

export interface SampleCallbacks {
  /** Text added to each alternative since the previous chunk. */
  onChunk?: (deltas: string[]) => void;
  signal?: AbortSignal;
  /** Reuses the state of an earlier prime this one extends (one cache per loaded model). */
  primeCache?: PrimeCache;
  /** Forces the step kernel or tensor ops (the bench times both); by default the backend decides. */
  stepper?: StepperKind;
}

export interface SampleResult {
  texts: string[];
  reasons: GenerationStopReason[];
  unknownPrimeChars: number;
  timeToFirstCharMs: number | null;
  charsPerSecond: number;
}

export function sampleRequestFrom(opts: GenerationOptions): SampleRequest {
  const alternatives = Math.max(1, Math.floor(opts.alternatives ?? 1));
  const form = draftSpecFrom(opts);
  const modeChars =
    form.mode === 'scene' ? Math.ceil((opts.scenePages ?? 1) * SCENE_CHARS_PER_PAGE) : MODE_CHARS[form.mode];
  return {
    prime: opts.prime,
    primeChars: opts.primeChars ?? DEFAULT_PRIME_CHARS,
    temperatures: new Array<number>(alternatives).fill(opts.temperature),
    topK: opts.topK ?? 0,
    topP: opts.topP ?? 1,
    maxLength: Math.max(opts.maxLength, modeChars),
    stopStrings: (opts.stopStrings ?? []).filter((s) => s.length > 0),
    seed: opts.seed ?? Math.floor(Math.random() * 2 ** 32),
    form,
  };
}

/** The form a request asks for; a request without a mode continues the text, always as valid Fountain. */
function draftSpecFrom(opts: GenerationOptions): DraftSpec {
  const mode = opts.mode ?? 'continue';
  const cast = opts.cast ?? [];
  const spec: DraftSpec = {
    mode,
    cast,
    // With no names to keep to, a locked cast would forbid every cue.
    castLock: (opts.castLock ?? true) && cast.length > 0,
    locations: opts.locations ?? [],
    locationLock: opts.locationLock ?? false,
    targetLines: Math.round((opts.scenePages ?? 1) * DRAFT_LINES_PER_PAGE),
  };
  if (mode === 'line') {
    const speaker = opts.speaker ?? nextSpeaker(opts.prime, cast);
    if (speaker === undefined)
      throw new AppError('E_INVALID_INPUT', 'A line needs a character: the script has no characters yet.');
    spec.speaker = speaker;
  }
  return spec;
}

/**
 * Picks the next character from one row of logits [V]: temperature first (0 = greedy), then top-k, then top-p
 * over the renormalised remainder, then a draw from rng.
 */
export function pickIndex(
  logits: ArrayLike<number>,
  temperature: number,
  topK: number,
  topP: number,
  rng: Rng,
): number {
  const n = logits.length;
  if (temperature <= 0) {
    let best = 0;
    for (let i = 1; i < n; i++) if ((logits[i] ?? -Infinity) > (logits[best] ?? -Infinity)) best = i;
    return best;
  }
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, (logits[i] ?? -Infinity) / temperature);
  const probs = new Float64Array(n);
  for (let i = 0; i < n; i++) probs[i] = Math.exp((logits[i] ?? -Infinity) / temperature - max);
  const truncate = (topK > 0 && topK < n) || topP < 1;
  return draw(probs, truncate ? truncated(probs, topK, topP) : null, rng);
}

/**
 * `pickIndex`, but never a character the copy guard refuses (it would extend a verbatim copy past the limit):
 * such a character is masked and the draw repeated, unless nothing else is left.
 */
function pickAvoiding(
  row: Float32Array,
  temperature: number,
  topK: number,
  topP: number,
  rng: Rng,
  vocab: Vocab,
  guard: CopyGuard | undefined,
): number {
  let next = pickIndex(row, temperature, topK, topP, rng);
  if (guard === undefined || !guard.wouldCopy(vocab.char(next))) return next;
  const masked = row.slice();
  let left = masked.reduce((count, value) => count + (value === -Infinity ? 0 : 1), 0);
  while (left > 1 && guard.wouldCopy(vocab.char(next))) {
    masked[next] = -Infinity;
    left -= 1;
    next = pickIndex(masked, temperature, topK, topP, rng);
  }
  return next;
}

/**
 * One DraftForm per alternative and the logit masks their states call for, cached by mask key: after the first
 * few characters nearly every step finds its mask in the cache.
 */
class FormMasks {
  readonly #forms: DraftForm[];
  readonly #masks = new Map<string, Uint8Array | null>();
  readonly #vocab: Vocab;
  readonly #scratch: Float32Array;

  constructor(vocab: Vocab, prime: string, spec: DraftSpec, alternatives: number) {
    this.#vocab = vocab;
    const alphabet = new Set(Array.from({ length: vocab.size }, (_, i) => vocab.char(i)));
    this.#forms = Array.from({ length: alternatives }, () => new DraftForm(prime, spec, alphabet));
    this.#scratch = new Float32Array(vocab.size);
  }

  /** The row with every character the form forbids at -Infinity (a scratch buffer), or null if none is allowed. */
  masked(alternative: number, row: Float32Array): Float32Array | null {
    const form = this.#forms[alternative];
    if (form === undefined) return row;
    const key = form.maskKey();
    let mask = this.#masks.get(key);
    if (mask === undefined) {
      const allowed = Uint8Array.from({ length: this.#vocab.size }, (_, i) =>
        form.allows(this.#vocab.char(i)) ? 1 : 0,
      );
      mask = allowed.includes(1) ? allowed : null;
      this.#masks.set(key, mask);
    }
    if (mask === null) return null;
    const out = this.#scratch;
    for (let i = 0; i < out.length; i++) out[i] = mask[i] === 1 ? (row[i] ?? -Infinity) : -Infinity;
    return out;
  }

  feed(alternative: number, ch: string): void {
    this.#forms[alternative]?.feed(ch);
  }

  done(alternative: number): boolean {
    return this.#forms[alternative]?.done ?? false;
  }

  /** What an alternative keeps: a continuation all it wrote, another mode its last complete element. */
  complete(alternative: number, text: string): string {
    const form = this.#forms[alternative];
    if (form === undefined || form.done || form.mode === 'continue') return text;
    return form.complete;
  }
}

/** Indices kept by top-k and then top-p (over the renormalised top-k), most likely first. */
function truncated(probs: Float64Array, topK: number, topP: number): number[] {
  let candidates = Array.from({ length: probs.length }, (_, i) => i);
  candidates.sort((a, b) => (probs[b] ?? 0) - (probs[a] ?? 0) || a - b);
  if (topK > 0) candidates = candidates.slice(0, topK);
  if (topP < 1) {
    const total = candidates.reduce((sum, i) => sum + (probs[i] ?? 0), 0);
    let cumulative = 0;
    let keep = 0;
    while (keep < candidates.length && cumulative < topP * total) cumulative += probs[candidates[keep++] ?? 0] ?? 0;
    candidates = candidates.slice(0, Math.max(1, keep));
  }
  return candidates;
}

/** A draw proportional to the unnormalised probs, over the candidates (all indices when null). */
function draw(probs: Float64Array, candidates: number[] | null, rng: Rng): number {
  const count = candidates?.length ?? probs.length;
  const index = (k: number): number => (candidates === null ? k : (candidates[k] ?? 0));
  let total = 0;
  for (let k = 0; k < count; k++) total += probs[index(k)] ?? 0;
  let r = rng.next() * total;
  for (let k = 0; k < count; k++) {
    r -= probs[index(k)] ?? 0;
    if (r < 0) return index(k);
  }
  return index(count - 1);
}

/** The last `count` code points of text, never starting inside a surrogate pair. */
export function lastCodePoints(text: string, count: number): string {
  if (count <= 0) return '';
  let start = Math.max(0, text.length - 2 * count);
  const code = text.charCodeAt(start);
  if (start > 0 && code >= 0xdc00 && code <= 0xdfff) start += 1;
  const chars = Array.from(text.slice(start));
  return chars.slice(Math.max(0, chars.length - count)).join('');
}

/** Length of the prefix that cannot be part of a stop string still being completed (never splits a pair). */
function safeLength(text: string, holdback: number): number {
  let end = Math.max(0, text.length - holdback);
  const code = text.charCodeAt(end);
  if (end > 0 && end < text.length && code >= 0xdc00 && code <= 0xdfff) end -= 1;
  return end;
}

/** Number of code points in text (a surrogate pair counts once). */
function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xdc00 || code > 0xdfff || i === 0) n++;
  }
  return n;
}

/** Granularity of the prime window's start, so that text typed at its end keeps the same start (see PrimeCache). */
export const PRIME_ALIGN = 64;

/**
 * The prime window: at least the last `primeChars` code points, starting at a multiple of PRIME_ALIGN counted
 * from the start of the text, so consecutive generations at a growing cursor share a prefix.
 */
export function primeWindow(text: string, primeChars: number): string {
  if (primeChars <= 0) return '';
  const total = codePointLength(text);
  const start = Math.floor(Math.max(0, total - primeChars) / PRIME_ALIGN) * PRIME_ALIGN;
  return lastCodePoints(text, total - start);
}

/**
 * Remembers the state after the last prime, so a generation whose prime extends it (the writer typed or
 * accepted text at the cursor) only runs the new characters: time to first character stays small.
 */
export class PrimeCache {
  private ids: Int32Array = new Int32Array(0);
  private state: LayerState[] | null = null;

  /** The state after feeding ids [n] from a zero state, for one sequence (treat it as read-only). */
  stateAfter(weights: CharLstmWeights, ids: Int32Array, kind?: StepperKind): LayerState[] {
    const cached = this.state;
    const reusable = cached !== null && this.ids.length <= ids.length && this.ids.every((id, i) => id === ids[i]);
    const stepper = createStepper(weights, 1, kind);
    try {
      stepper.setState(reusable ? cached : null);
      stepper.advance(ids.subarray(reusable ? this.ids.length : 0));
      this.state = stepper.getState();
    } finally {
      stepper.dispose();
    }
    this.ids = ids.slice();
    return this.state;
  }

  dispose(): void {
    this.state = null;
    this.ids = new Int32Array(0);
  }
}

/** Runs a prime into the cache ahead of a generation (e.g. while the writer pauses), returning its length. */
export function warmPrime(model: SamplerModel, text: string, primeChars: number, cache: PrimeCache): number {
  const ids = model.vocab.encode(primeWindow(text, primeChars)).ids;
  if (ids.length > 1) cache.stateAfter(model.weights, ids.subarray(0, ids.length - 1));
  return ids.length;
}

/** Runs the prime through the model; the state is for batch 1, `last` is the first input of generation. */
function prime(
  model: SamplerModel,
  text: string,
  primeChars: number,
  cache: PrimeCache | undefined,
  kind: StepperKind | undefined,
): { state: LayerState[]; last: number; unknown: number } {
  const encoded = model.vocab.encode(primeWindow(text, primeChars));
  let ids = encoded.ids;
  // An empty prime starts from a line break when the vocabulary has one: the start of a fresh paragraph.
  if (ids.length === 0) ids = Int32Array.of(model.vocab.indexOf('\n') ?? 0);
  const last = ids[ids.length - 1] ?? 0;
  const body = ids.subarray(0, ids.length - 1);
  const state = (cache ?? new PrimeCache()).stateAfter(model.weights, body, kind);
  return { state, last, unknown: encoded.unknown };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Generates all alternatives together in one batch, carrying h and c from step to step. */
export async function sample(model: SamplerModel, req: SampleRequest, cb: SampleCallbacks = {}): Promise<SampleResult> {
  const started = performance.now();
  const n = req.temperatures.length;
  const rng = Rng.fromSeed(req.seed);
  const primed = prime(model, req.prime, req.primeChars, cb.primeCache, cb.stepper);
  const stepper = createStepper(model.weights, n, cb.stepper);
  const vocabSize = model.vocab.size;
  const holdback = Math.max(0, ...req.stopStrings.map((s) => s.length)) - (req.stopStrings.length > 0 ? 1 : 0);
  const texts = new Array<string>(n).fill('');
  const emitted = new Array<number>(n).fill(0);
  const reasons = new Array<GenerationStopReason | null>(n).fill(null);
  let inputs = new Array<number>(n).fill(primed.last);
  const constraints = req.form === undefined ? null : new FormMasks(model.vocab, req.prime, req.form, n);
  const guards = req.copyGuard === undefined ? null : req.temperatures.map(() => req.copyGuard?.(req.prime));
  let generated = 0;
  let firstCharAt: number | null = null;
  let lastEmit = 0;
  const loopStart = performance.now();

  const flush = (): void => {
    const deltas = texts.map((t, a) => {
      const end = reasons[a] === null ? safeLength(t, holdback) : t.length;
      const delta = t.slice(emitted[a] ?? 0, end);
      emitted[a] = end;
      return delta;
    });
    if (deltas.some((d) => d.length > 0)) cb.onChunk?.(deltas);
    lastEmit = performance.now();
  };

  try {
    stepper.setState(primed.state);
    for (let i = 0; i < req.maxLength && reasons.some((r) => r === null); i++) {
      if (cb.signal?.aborted) break;
      const logits = await stepper.step(inputs);
      inputs = req.temperatures.map((temperature, a) => {
        const raw = logits.subarray(a * vocabSize, (a + 1) * vocabSize);
        if (reasons[a] !== null) return inputs[a] ?? 0;
        const row = constraints === null ? raw : constraints.masked(a, raw);
        if (row === null) {
          // Nothing the form allows is in this model's vocabulary: the draft ends where it is.
          reasons[a] = 'length';
          return inputs[a] ?? 0;
        }
        const next = pickAvoiding(row, temperature, req.topK, req.topP, rng, model.vocab, guards?.[a]);
        const ch = model.vocab.char(next);
        constraints?.feed(a, ch);
        guards?.[a]?.push(ch);
        texts[a] += ch;
        generated += 1;
        if (constraints?.done(a)) {
          reasons[a] = 'complete';
          return next;
        }
        const stop = req.stopStrings.find((s) => (texts[a] ?? '').endsWith(s));
        if (stop !== undefined) {
          texts[a] = (texts[a] ?? '').slice(0, -stop.length);
          reasons[a] = 'stop';
        }
        return next;
      });
      if (firstCharAt === null) firstCharAt = performance.now();
      if (i === 0 || performance.now() - lastEmit >= CHUNK_INTERVAL_MS) {
        flush();
        // Lets a cancel message reach the worker between chunks.
        await yieldToEventLoop();
      }
    }
  } finally {
    stepper.dispose();
  }
  const finalReasons = reasons.map((r) => r ?? (cb.signal?.aborted ? 'cancelled' : 'length'));
  reasons.splice(0, n, ...finalReasons);
  flush();
  // A draft that ran out of length keeps its last complete element (a scene never ends on half a speech).
  if (constraints !== null) texts.forEach((_, a) => (texts[a] = constraints.complete(a, texts[a] ?? '')));
  const seconds = (performance.now() - loopStart) / 1000;
  return {
    texts,
    reasons: finalReasons,
    unknownPrimeChars: primed.unknown,
    timeToFirstCharMs: firstCharAt === null ? null : firstCharAt - started,
    charsPerSecond: seconds > 0 ? generated / seconds : 0,
  };
}
