import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { Result } from '../../../src-main/contract/index.ts';
import { REPO_ROOT, startTestRuntime } from '../../support/app-server.ts';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const SAMPLE_MS = Number(process.env.SOAK_SAMPLE_MS ?? 10_000);
const ctx = { trusted: true, origin: 'soak' };

/** Least-squares slope of `y` against `x`. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? 0 : points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
}

it(`mixed load for ${MINUTES} minutes: every request answered, RSS slope reported`, { timeout: 0 }, async () => {
  const { runtime, close } = await startTestRuntime();
  const samples: { minute: number; rssBytes: number }[] = [];
  const counts = new Map<string, number>();
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const call = async (channel: string, input?: unknown): Promise<Result<unknown>> => {
    const result = await runtime.dispatch(channel, input, ctx);
    count(result.ok ? channel : `${channel} ${result.error.code}`);
    return result;
  };
  const started = Date.now();
  const minute = () => (Date.now() - started) / 60_000;
  const sample = () => samples.push({ minute: minute(), rssBytes: process.memoryUsage().rss });
  const sampler = setInterval(sample, SAMPLE_MS);
  try {
    sample();
    for (let round = 0; minute() < MINUTES; round += 1) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => call('app:ping', { echo: `r${round}-${i}` })));
      await Promise.all(
        ['corpora:list', 'models:list', 'settings:get', 'documents:listRecoveries'].map((c) => call(c)),
      );
      await call('settings:update', { theme: round % 2 ? 'dark' : 'light' });
      await call('documents:writeRecovery', { docKey: `soak-${round % 5}`, text: `INT. ROUND ${round}\n`.repeat(50) });
      const generation = await call('generation:start', {
        prime: 'INT. ',
        temperature: 0.8,
        maxLength: 200,
        seed: round,
      });
      if (generation.ok) {
        const { runId } = generation.value as { runId: string };
        if (round % 2) await call('generation:cancel', { runId });
        else await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    sample();
  } finally {
    clearInterval(sampler);
    await close();
  }
  const report = {
    minutes: Number(minute().toFixed(2)),
    samples: samples.length,
    rssSlopeBytesPerMinute: Math.round(slope(samples.map((s) => ({ x: s.minute, y: s.rssBytes })))),
    rssFirstBytes: samples[0]?.rssBytes,
    rssLastBytes: samples.at(-1)?.rssBytes,
    peakRssBytes: Math.max(...samples.map((s) => s.rssBytes)),
    requests: Object.fromEntries([...counts].sort()),
  };
  const out = path.join(REPO_ROOT, 'test-results', 'soak.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report));
  // Only a busy engine, or a cancel that comes after its run ended, may answer with an error.
  const expected = /^(generation:start E_ENGINE_BUSY|generation:cancel E_NOT_FOUND)$/;
  const failures = [...counts.keys()].filter((key) => key.includes(' E_') && !expected.test(key));
  expect(failures).toEqual([]);
});
