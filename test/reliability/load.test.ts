import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Result } from '../../src-main/contract/index.ts';
import type { Runtime } from '../../src-main/services.ts';
import { startLoopbackServer, type LoopbackServer } from '../../src-main/transport/loopback-server.ts';
import type { ServerFrame } from '../../src-main/transport/wire.ts';
import { startTestRuntime } from '../support/app-server.ts';
import { percentile, recordFigures } from './support/figures.ts';

const REQUESTS = Number(process.env.RELIABILITY_LOAD_REQUESTS ?? 10_000);
const BURST = 100;
const CYCLES = Number(process.env.RELIABILITY_LOAD_CYCLES ?? 200);
const CHEAP = ['app:ping', 'settings:get', 'corpora:list', 'engine:getStatus', 'documents:listRecent'] as const;

let runtime: Runtime;
let stopRuntime: () => Promise<void>;
let server: LoopbackServer;
let staticDir: string;
let ws: WebSocket;
let nextId = 1;
const pending = new Map<number, (result: Result<unknown>) => void>();
const events: ServerFrame[] = [];
const latenciesMs: number[] = [];
const notes: string[] = [];
let inputsTried = 0;

function invoke(channel: string, input?: unknown): Promise<Result<unknown>> {
  const id = nextId++;
  inputsTried += 1;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    ws.send(JSON.stringify({ type: 'invoke', id, channel, input }));
  });
}

/** Waits until `predicate` holds for an event frame seen so far, or fails after `timeoutMs`. */
async function eventually(predicate: (frame: ServerFrame) => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!events.some(predicate)) {
    if (Date.now() > deadline) throw new Error('the awaited event never came');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const rssMb = () => process.memoryUsage().rss / 1024 / 1024;

beforeAll(async () => {
  staticDir = await mkdtemp(path.join(tmpdir(), 'understudy-load-'));
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Understudy</title>');
  ({ runtime, close: stopRuntime } = await startTestRuntime());
  server = await startLoopbackServer({ dispatch: runtime.dispatch, bus: runtime.services.bus, staticDir });
  ws = new WebSocket(`${server.origin.replace('http', 'ws')}/ipc?token=${server.token}`, { origin: server.origin });
  ws.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString()) as ServerFrame;
    if (frame.type === 'result') {
      pending.get(frame.id)?.(frame.result);
      pending.delete(frame.id);
    } else events.push(frame);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
});

afterAll(async () => {
  ws?.close();
  await server?.close();
  await stopRuntime?.();
  await rm(staticDir, { recursive: true, force: true });
  recordFigures('load', { inputsTried, latenciesMs, notes });
});

describe('load over the loopback transport', () => {
  it(`answers ${REQUESTS} requests sent in bursts of ${BURST}, every one typed, memory flat`, async () => {
    for (let i = 0; i < 500; i += 1) await invoke('app:ping', { echo: 'warm' });
    const rssBefore = rssMb();
    const listenersBefore = runtime.services.bus.size;
    for (let sent = 0; sent < REQUESTS; sent += BURST) {
      const burst = Array.from({ length: BURST }, async (_, i) => {
        const channel = CHEAP[(sent + i) % CHEAP.length] ?? 'app:ping';
        const start = performance.now();
        const result = await invoke(channel, channel === 'app:ping' ? { echo: `n${sent + i}` } : undefined);
        latenciesMs.push(performance.now() - start);
        return result;
      });
      const results = await Promise.all(burst);
      expect(results.every((result) => result.ok)).toBe(true);
    }
    const growth = rssMb() - rssBefore;
    notes.push(
      `p50 ${percentile(latenciesMs, 50).toFixed(2)} ms, p99 ${percentile(latenciesMs, 99).toFixed(2)} ms over ${latenciesMs.length}`,
      `RSS growth ${growth.toFixed(0)} MB over the burst run`,
    );
    expect(growth).toBeLessThan(150);
    expect(runtime.services.bus.size).toBe(listenersBefore);
  });

  it(`survives ${CYCLES} rapid generate/cancel cycles, then generates to the end`, async () => {
    const status = await invoke('engine:getStatus');
    expect(status).toMatchObject({ ok: true, value: { activeModelId: expect.any(String) } });
    const rssBefore = rssMb();
    const codes = new Map<string, number>();
    for (let cycle = 0; cycle < CYCLES; cycle += 1) {
      const started = await invoke('generation:start', {
        prime: 'INT. ',
        temperature: 0.8,
        maxLength: 400,
        seed: cycle,
      });
      const key = started.ok ? 'ok' : started.error.code;
      codes.set(key, (codes.get(key) ?? 0) + 1);
      if (!started.ok) {
        expect(started.error.code).toBe('E_ENGINE_BUSY');
        continue;
      }
      const { runId } = started.value as { runId: string };
      const cancelled = await invoke('generation:cancel', { runId });
      expect(cancelled.ok || ['E_NOT_FOUND', 'E_CANCELLED'].includes(cancelled.error.code)).toBe(true);
    }
    notes.push(`generate/cancel: ${[...codes].map(([code, n]) => `${code} ${n}`).join(', ')}`);
    expect(codes.get('ok') ?? 0).toBeGreaterThan(CYCLES / 2);
    const final = await invoke('generation:start', { prime: 'INT. ', temperature: 0.8, maxLength: 200, seed: 1 });
    expect(final.ok).toBe(true);
    const { runId } = (final as { ok: true; value: { runId: string } }).value;
    await eventually(
      (frame) =>
        frame.type === 'event' &&
        frame.channel === 'generation:event' &&
        (frame.payload as { type: string; runId: string }).type === 'done' &&
        (frame.payload as { runId: string }).runId === runId,
    );
    notes.push(`RSS growth ${(rssMb() - rssBefore).toFixed(0)} MB over the cycles`);
    expect(rssMb() - rssBefore).toBeLessThan(150);
  });
});
