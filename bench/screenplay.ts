import { readFile } from 'node:fs/promises';
import { Fountain, type Token } from 'fountain-js';
import { generationSchema } from '../src-main/contract/generation.ts';
import { initBackend } from '../src-main/engine/backend.ts';
import { CopyIndex, DEFAULT_COPY_WINDOW } from '../src-main/engine/copy-index.ts';
import { disposeWeights, weightsFromValues } from '../src-main/engine/model.ts';
import { ModelStore } from '../src-main/engine/model-store.ts';
import { sample, sampleRequestFrom, type SampleRequest } from '../src-main/engine/sampler.ts';
import type { BackendName } from '../src-main/engine/types.ts';
import { Vocab } from '../src-main/engine/vocab.ts';
import { cueName } from '../src-main/fountain/classify.ts';
import { DRAFT_MODES, nextSpeaker, type DraftMode } from '../src-main/fountain/draft-form.ts';
import { parseFountain } from '../src-main/fountain/parse.ts';

export interface ScreenplayBenchOptions {
  script: string;
  /** The model's training texts, for the copy index. */
  corpora: string[];
  modelsDir: string;
  modelId: string;
  count: number;
  temperature: number;
  scenePages: number;
  /** Characters per timed draft in the speed comparison. */
  speedChars: number;
  backendOrder?: BackendName[];
}

/** Token kinds that only delimit others in fountain-js's output. */
const DELIMITERS = new Set(['dialogue_begin', 'dialogue_end', 'dual_dialogue_begin', 'dual_dialogue_end', 'spaces']);
const SPEECH = new Set(['dialogue', 'parenthetical']);

function tokensOf(text: string): Token[] {
  return new Fountain().parse(text, true).tokens.filter((token) => !DELIMITERS.has(token.type));
}

/** Whether fountain-js reads the draft as exactly the element structure its mode asks for. */
function hasShape(mode: DraftMode, draft: string, speaker: string | undefined): boolean {
  const tokens = tokensOf(draft);
  const kinds = tokens.map((token) => token.type);
  const body = new Set(['scene_heading', 'action', 'character', 'dialogue', 'parenthetical', 'transition']);
  if (!kinds.every((kind) => body.has(kind))) return false;
  // A cue is always followed by speech.
  if (kinds.some((kind, i) => kind === 'character' && !SPEECH.has(kinds[i + 1] ?? ''))) return false;
  switch (mode) {
    case 'scene':
      return kinds[0] === 'scene_heading' && kinds.filter((kind) => kind === 'scene_heading').length === 1;
    case 'heading':
      return kinds.length === 1 && kinds[0] === 'scene_heading';
    case 'line':
      return (
        kinds[0] === 'character' &&
        cueName(tokens[0]?.text ?? '') === speaker &&
        kinds.length > 1 &&
        kinds.slice(1).every((kind) => SPEECH.has(kind))
      );
    case 'action':
      return kinds.length > 0 && kinds.every((kind) => kind === 'action');
    case 'continue':
      return true;
  }
}

/** Block starts in the script (after a blank line, before a heading or an action paragraph), spread through it. */
function draftPoints(script: string, count: number): number[] {
  const points: number[] = [];
  const pattern = /\n\n(?=[A-Z])/g;
  for (const match of script.matchAll(pattern)) points.push(match.index + 2);
  const step = Math.max(1, Math.floor(points.length / count));
  return Array.from({ length: count }, (_, i) => points[(i * step) % Math.max(1, points.length)] ?? script.length);
}

/**
 * `npm run bench -- --screenplay`: drafts in every mode from points in a script, checked by an independent parser
 * (fountain-js) for the requested shape, cues against the cast, verbatim copies against the model's corpora, and
 * generation speed with and without the form, cast lock and copy avoidance, in the same run.
 */
export async function screenplayBench(opts: ScreenplayBenchOptions) {
  const backend = await initBackend(opts.backendOrder);
  const store = new ModelStore(opts.modelsDir);
  await store.open();
  const loaded = await store.load(opts.modelId);
  const model = {
    weights: weightsFromValues(loaded.metadata.model, loaded.metadata.vocabSize, loaded.best),
    vocab: Vocab.fromCodePoints(loaded.codePoints),
  };
  const built = performance.now();
  const copies = CopyIndex.build(opts.corpora, DEFAULT_COPY_WINDOW);
  const buildSeconds = (performance.now() - built) / 1000;
  const corpusMb = opts.corpora.reduce((sum, text) => sum + Buffer.byteLength(text), 0) / 1e6;
  const document = parseFountain(opts.script);
  const cast = document.characters;
  const points = draftPoints(opts.script, opts.count);

  const request = (mode: DraftMode, prime: string, seed: number, constrained: boolean): SampleRequest => {
    const options = generationSchema.parse({
      prime,
      temperature: opts.temperature,
      maxLength: opts.speedChars,
      seed,
      mode,
      cast,
      locations: document.locations,
      castLock: true,
      scenePages: opts.scenePages,
    });
    const req = sampleRequestFrom(options);
    if (!constrained) {
      delete req.form;
      return req;
    }
    req.copyGuard = (context) => copies.matcher(context);
    return req;
  };

  const modes: Record<string, unknown> = {};
  for (const mode of DRAFT_MODES) {
    let shaped = 0;
    let cues = 0;
    let cuesInCast = 0;
    let longest = 0;
    let completed = 0;
    const novelty: number[] = [];
    for (const [i, point] of points.entries()) {
      const prime = opts.script.slice(0, point);
      const speaker = mode === 'line' ? nextSpeaker(prime, cast) : undefined;
      const result = await sample(model, request(mode, prime, i + 1, true));
      const draft = result.texts[0] ?? '';
      if (result.reasons[0] === 'complete') completed += 1;
      if (hasShape(mode, mode === 'continue' ? draft : draft.replace(/^\n+/, ''), speaker)) shaped += 1;
      for (const token of tokensOf(draft).filter((t) => t.type === 'character')) {
        cues += 1;
        if (cast.includes(cueName(token.text ?? ''))) cuesInCast += 1;
      }
      const spans = copies.markSpans(draft);
      novelty.push(copies.novelty(draft, spans));
      for (const span of spans) longest = Math.max(longest, span.to - span.from);
    }
    modes[mode] = {
      drafts: points.length,
      structurallyValid: shaped / points.length,
      completed: completed / points.length,
      cuesInCast: cues === 0 ? null : cuesInCast / cues,
      cues,
      meanNovelty: novelty.reduce((a, b) => a + b, 0) / novelty.length,
      minNovelty: Math.min(...novelty),
      longestVerbatimSpan: longest,
    };
    process.stderr.write(`${mode}: ${JSON.stringify(modes[mode])}\n`);
  }

  // Speed: the same continuation requests (same length, seeds, primes) with and without every constraint.
  const speed = { constrained: [] as number[], unconstrained: [] as number[], firstCharMs: [] as number[] };
  for (let round = 0; round < 3; round++) {
    for (const [i, point] of points.slice(0, 4).entries()) {
      const prime = opts.script.slice(0, point);
      for (const constrained of round % 2 === 0 ? [true, false] : [false, true]) {
        const req = request('continue', prime, 100 + i, constrained);
        req.stopStrings = [];
        const result = await sample(model, req);
        (constrained ? speed.constrained : speed.unconstrained).push(result.charsPerSecond);
        if (constrained && result.timeToFirstCharMs !== null) speed.firstCharMs.push(result.timeToFirstCharMs);
      }
    }
  }
  disposeWeights(model.weights);
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const constrained = median(speed.constrained);
  const unconstrained = median(speed.unconstrained);
  return {
    backend,
    model: { id: opts.modelId, name: loaded.metadata.name, preset: loaded.metadata.preset },
    cast,
    copyWindow: DEFAULT_COPY_WINDOW,
    modes,
    speed: {
      charsPerSecondConstrained: Math.round(constrained),
      charsPerSecondUnconstrained: Math.round(unconstrained),
      constraintCost: unconstrained > 0 ? Number((1 - constrained / unconstrained).toFixed(3)) : null,
      timeToFirstCharMsColdMedian: Number(median(speed.firstCharMs).toFixed(1)),
    },
    copyIndex: {
      corpusMb: Number(corpusMb.toFixed(3)),
      buildSecondsPerMb: Number((buildSeconds / Math.max(corpusMb, 1e-9)).toFixed(3)),
      bytesPerCorpusByte: Number((copies.serialize().byteLength / Math.max(corpusMb * 1e6, 1)).toFixed(2)),
    },
  };
}

export async function readCorpora(files: readonly string[]): Promise<string[]> {
  return Promise.all(files.map((file) => readFile(file, 'utf8')));
}
