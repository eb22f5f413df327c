import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  requestNames,
  requests,
  SAMPLE_CORPUS_ID,
  type ErrorCode,
  type RequestName,
  type Result,
} from '../../src-main/contract/index.ts';
import type { Runtime } from '../../src-main/services.ts';
import { settingsPatchSchema } from '../../src-main/settings/schema.ts';
import { createInMemoryTransport } from '../../src-main/transport/in-memory.ts';
import { startTestRuntime } from '../support/app-server.ts';
import { recordFigures } from './support/figures.ts';
import { hostileInput } from './support/hostile.ts';
import { changedEntries, createSandbox, releaseFifos, snapshot, type Sandbox } from './support/sandbox.ts';
import { arbitraryFor, type StringHint } from './support/zod-arbitrary.ts';

// Exhaustive by type: a new code must be added here, which is the point.
const KNOWN_CODES: Record<ErrorCode, true> = {
  E_INVALID_INPUT: true,
  E_FORBIDDEN: true,
  E_INTERNAL: true,
  E_NOT_FOUND: true,
  E_UNSUPPORTED_TYPE: true,
  E_EMPTY: true,
  E_BINARY: true,
  E_TOO_LARGE: true,
  E_IO: true,
  E_DUPLICATE: true,
  E_READ_ONLY: true,
  E_CONFLICT: true,
  E_INVALID_SETTINGS: true,
  E_MODEL_CORRUPT: true,
  E_MODEL_VERSION: true,
  E_MODEL_NOT_FOUND: true,
  E_NO_ACTIVE_MODEL: true,
  E_ENGINE_CRASHED: true,
  E_ENGINE_BUSY: true,
  E_CANCELLED: true,
  E_NO_CORPORA: true,
  E_FDX_INVALID: true,
  E_DISK_FULL: true,
  E_PERMISSION: true,
};
const RUNS = Number(process.env.RELIABILITY_FUZZ_RUNS ?? 60);
const CALL_TIMEOUT_MS = 20_000;
// Requests that would start real training on the fuzz's data: they get random ids only, so they never start.
const NO_KNOWN_IDS = new Set<RequestName>(['training:start', 'training:continue']);
// Reading a FIFO or /dev/zero never ends: only requests whose stores check for regular files get those paths.
const HAZARD_SAFE = (name: RequestName) =>
  name.startsWith('corpora:') || name.startsWith('dialogs:') || name.startsWith('documents:');

let box: Sandbox;
let runtime: Runtime;
let stop: () => Promise<void>;
let before: Map<string, string>;
let knownIds: string[] = [];
const cwd = process.cwd();
const named = new Set<string>();
const problems: string[] = [];
let inputsTried = 0;
const answeredOk = new Map<RequestName, number>();
/**
 * Bugs the fuzz found in code this suite does not own, each pinned by an `it.fails` below: counted, not failed on,
 * until the fix lands (then the `it.fails` goes red and the entry goes).
 */
const KNOWN_BUGS: { request: RequestName; message: RegExp }[] = [];
const knownBugHits: string[] = [];

function isTypedResult(result: unknown): result is Result<unknown> {
  if (typeof result !== 'object' || result === null) return false;
  const envelope = result as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  // A void value is dropped by the JSON round trip, so `{ ok: true }` is a whole answer.
  if (envelope.ok === true) return true;
  return (
    envelope.ok === false &&
    typeof envelope.error?.message === 'string' &&
    typeof envelope.error.code === 'string' &&
    Object.hasOwn(KNOWN_CODES, envelope.error.code)
  );
}

/** Every string under a key that names a file, as the file system will see it (lone surrogates become U+FFFD). */
function collectPaths(value: unknown, key = '', depth = 0): void {
  if (depth > 20) return;
  if (typeof value === 'string' && /path/i.test(key)) {
    const resolved = path.resolve(Buffer.from(value).toString());
    for (let at = resolved; at !== path.dirname(at); at = path.dirname(at)) named.add(at);
  } else if (Array.isArray(value)) for (const item of value) collectPaths(item, key, depth + 1);
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) collectPaths(v, k, depth + 1);
}

function hintsFor(name: RequestName): StringHint {
  const paths = [...box.safePaths, ...(HAZARD_SAFE(name) ? box.hazardPaths : [])];
  const generated = fc
    .tuple(fc.string({ maxLength: 24 }), fc.constantFrom('.fountain', '.txt', '.fdx', '.pdf', '.md', ''))
    .map(([stem, ext]) => path.join(box.sandbox, 'gen', `${stem.replaceAll('/', '_')}${ext}`));
  const random = fc.string({ minLength: 1, maxLength: 40 });
  return (key) => {
    if (key !== undefined && /path/i.test(key)) return fc.oneof(fc.constantFrom(...paths), generated);
    if (key === 'url')
      return fc.oneof(fc.constantFrom('https://example.com/', 'file:///etc/passwd', 'javascript:alert(1)'), random);
    if (key === 'base64') return fc.base64String({ maxLength: 400 });
    if (key === 'name' && name === 'corpora:importUploads')
      return fc.oneof(
        fc.constantFrom('scene.fountain', 'notes.txt', 'x.docx', 'y.fdx', '../../up.txt', '..', '.', '/abs.txt'),
        random,
      );
    if (key && ['id', 'modelId', 'runId', 'docKey', 'startFrom', 'corpusIds'].includes(key) && !NO_KNOWN_IDS.has(name))
      return fc.oneof(fc.constantFrom(...knownIds), random);
    return undefined;
  };
}

async function within<T>(promise: Promise<T>, what: string): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), CALL_TIMEOUT_MS)));
  try {
    const outcome = await Promise.race([promise, timeout]);
    if (outcome === 'timeout') problems.push(`${what}: no answer within ${CALL_TIMEOUT_MS} ms`);
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}

/** Stops whatever a successful call started, so the next call meets an idle engine. */
async function settle(name: RequestName, result: Result<unknown>): Promise<void> {
  const dispatch = runtime.dispatch;
  const ctx = { trusted: true, origin: 'fuzz' };
  if (result.ok && typeof result.value === 'object' && result.value !== null && 'runId' in result.value) {
    const runId = (result.value as { runId: string }).runId;
    await dispatch(name.startsWith('generation') ? 'generation:cancel' : 'training:cancel', { runId }, ctx);
  }
  const status = await dispatch('engine:getStatus', undefined, ctx);
  if (status.ok && (status.value as { trainingRunId: string | null }).trainingRunId)
    await dispatch('training:cancel', { runId: (status.value as { trainingRunId: string }).trainingRunId }, ctx);
}

/**
 * Electron's IPC uses the structured clone: NaN, infinities, BigInt and Dates arrive as they are. A value too deep
 * to clone cannot be sent by any client in JavaScript, but a raw socket can send it: it goes in uncloned.
 */
function cloneLikeIpc(input: unknown): unknown {
  try {
    return structuredClone(input);
  } catch {
    return input;
  }
}

/** Never throws: a failure is a problem on the list (fast-check would try to print a 10,000-deep counterexample). */
async function call(name: RequestName, input: unknown, via: 'transport' | 'dispatch'): Promise<void> {
  try {
    await callOnce(name, input, via);
  } catch (error) {
    problems.push(`${name}: the call threw ${String(error).slice(0, 200)}`);
  }
}

async function callOnce(name: RequestName, input: unknown, via: 'transport' | 'dispatch'): Promise<void> {
  inputsTried += 1;
  collectPaths(input);
  const transport = createInMemoryTransport(runtime.dispatch, runtime.services.bus);
  const answer =
    via === 'transport'
      ? transport.invoke(name, input)
      : runtime.dispatch(name, cloneLikeIpc(input), { trusted: true, origin: 'fuzz' });
  const result = await within(answer, name);
  transport.close();
  if (result === 'timeout') {
    releaseFifos(box.fifos);
    return;
  }
  if (!isTypedResult(result)) problems.push(`${name}: untyped result ${JSON.stringify(result)?.slice(0, 200)}`);
  else if (!result.ok && result.error.code === 'E_INTERNAL') {
    const problem = `${name}: E_INTERNAL ${result.error.message.slice(0, 200)}`;
    const known = KNOWN_BUGS.some((bug) => bug.request === name && bug.message.test(problem));
    (known ? knownBugHits : problems).push(problem);
  } else if (result.ok) answeredOk.set(name, (answeredOk.get(name) ?? 0) + 1);
  if (isTypedResult(result)) await settle(name, result);
}

beforeAll(async () => {
  box = await createSandbox();
  await mkdir(path.join(box.sandbox, 'tmp'));
  // Relative paths land in the sandbox, and so do upload temp folders (os.tmpdir() reads TMPDIR on each call).
  process.chdir(path.join(box.sandbox, 'cwd'));
  process.env.TMPDIR = path.join(box.sandbox, 'tmp');
  before = snapshot(box.root);
  const started = await startTestRuntime({ dataDir: box.data, resourcesDir: path.join(cwd, 'resources') });
  runtime = started.runtime;
  stop = started.close;
  const models = await runtime.dispatch('models:list', undefined, { trusted: true, origin: 'fuzz' });
  const modelIds = models.ok ? (models.value as { id: string }[]).map((m) => m.id) : [];
  const corpus = await runtime.dispatch(
    'corpora:importFiles',
    { paths: [path.join(box.sandbox, 'in', 'corpus.txt')] },
    { trusted: true, origin: 'fuzz' },
  );
  const corpusIds = corpus.ok ? (corpus.value as { imported: { id: string }[] }).imported.map((c) => c.id) : [];
  knownIds = [SAMPLE_CORPUS_ID, ...corpusIds, ...modelIds, path.join(box.sandbox, 'docs', 'pilot.fountain'), 'doc-1'];
});

afterAll(async () => {
  process.chdir(cwd);
  await stop?.();
  const neverOk = requestNames.filter((name) => !answeredOk.has(name));
  recordFigures('fuzz-requests', {
    inputsTried,
    notes: [
      `${requestNames.length} requests`,
      `${problems.length} problems`,
      `${knownBugHits.length} hits of known bugs`,
      ...(neverOk.length ? [`never answered ok: ${neverOk.join(', ')}`] : []),
    ],
  });
  if (box) await rm(box.root, { recursive: true, force: true });
});

describe('every request of the contract, fuzzed from its own schema and with hostile mutations', () => {
  it.each(requestNames)('%s answers every payload with a typed result', async (name) => {
    const schema = requests[name].input;
    const options = { strings: hintsFor(name), custom: name === 'settings:update' ? settingsPatchSchema : undefined };
    const valid = arbitraryFor(schema, options);
    const start = problems.length;
    await fc.assert(
      fc.asyncProperty(valid, (input) => call(name, input, 'transport')),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(hostileInput(valid), (input) => call(name, input, 'dispatch')),
      { numRuns: RUNS },
    );
    expect(problems.slice(start)).toEqual([]);
  });

  it('an upload named ".." is refused with a code, not E_INTERNAL (src-main/corpora/uploads.ts)', async () => {
    const result = await runtime.dispatch(
      'corpora:importUploads',
      { files: [{ name: '..', base64: Buffer.from('INT. BAR - NIGHT\n').toString('base64') }] },
      { trusted: true, origin: 'fuzz' },
    );
    expect(result.ok ? 'ok' : result.error.code).not.toBe('E_INTERNAL');
  });

  it('opening a FIFO named .fountain answers instead of blocking a file-system thread forever', async () => {
    const fifo = path.join(box.sandbox, 'docs', 'pipe.fountain');
    const answer = runtime.dispatch('documents:open', { path: fifo }, { trusted: true, origin: 'fuzz' });
    const outcome = await Promise.race([answer, new Promise((resolve) => setTimeout(() => resolve('blocked'), 2000))]);
    // Give the blocked read its end-of-file, so the thread pool gets its thread back either way.
    releaseFifos([fifo]);
    await answer;
    expect(outcome).not.toBe('blocked');
  });

  it('still answers after the fuzz: the process, the engine and the stores work', async () => {
    const ctx = { trusted: true, origin: 'fuzz' };
    expect(await runtime.dispatch('app:ping', { echo: 'alive' }, ctx)).toMatchObject({ ok: true });
    expect(await runtime.dispatch('engine:getStatus', undefined, ctx)).toMatchObject({ ok: true });
    expect(await runtime.dispatch('corpora:list', undefined, ctx)).toMatchObject({ ok: true });
    expect(await runtime.dispatch('settings:get', undefined, ctx)).toMatchObject({ ok: true });
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('created, changed or removed nothing outside the data directory but the files the requests named', () => {
    const after = snapshot(box.root);
    const changed = changedEntries(before, after);
    const outside = changed.filter((entry) => entry === box.outside || entry.startsWith(box.outside + path.sep));
    expect(outside).toEqual([]);
    const stray = changed.filter(
      (entry) => !(entry === box.data || entry.startsWith(box.data + path.sep)) && !named.has(entry),
    );
    expect(stray).toEqual([]);
  });
});
