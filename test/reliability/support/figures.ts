import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../support/app-server.ts';

/** What one reliability test contributes to the final report (scripts/reliability-report.mjs adds them up). */
export interface Figures {
  inputsTried?: number;
  crashesInjected?: number;
  itemsLost?: number;
  tornFiles?: number;
  /** Latencies of single requests, in milliseconds; the report takes percentiles over all of them. */
  latenciesMs?: number[];
  notes?: string[];
}

export const FIGURES_DIR = path.join(REPO_ROOT, 'test-results', 'reliability');

/** Writes `name`'s figures with this process's peak RSS (the test workers are forks, one per file). */
export function recordFigures(name: string, figures: Figures, extraPeakRssBytes = 0): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  const peakRssBytes = Math.max(process.resourceUsage().maxRSS * 1024, extraPeakRssBytes);
  writeFileSync(path.join(FIGURES_DIR, `${name}.json`), JSON.stringify({ name, ...figures, peakRssBytes }));
}

/** The `p`-th percentile (0..100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}
