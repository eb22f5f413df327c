#!/usr/bin/env node
// Prints the reliability suite's report from the figures each test wrote to test-results/reliability/.
// `--clear` empties that folder first, so a report never mixes two runs.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const clear = process.argv[2] === '--clear';
const dir = (clear ? process.argv[3] : process.argv[2]) ?? 'test-results/reliability';
if (clear) {
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
const files = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.json')) : [];
if (files.length === 0) {
  console.log(`reliability: no figures in ${dir} (the suite did not run)`);
  process.exit(1);
}
const parts = files.map((name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')));
const sum = (key) => parts.reduce((total, part) => total + (part[key] ?? 0), 0);
const latencies = parts.flatMap((part) => part.latenciesMs ?? []).sort((a, b) => a - b);
const rank = (p) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))];
const ms = (value) => (value === undefined ? 'n/a' : `${value.toFixed(2)} ms`);
const peak = Math.max(...parts.map((part) => part.peakRssBytes ?? 0));

console.log('Reliability report');
for (const part of parts.sort((a, b) => a.name.localeCompare(b.name))) {
  const figures = ['inputsTried', 'crashesInjected', 'itemsLost', 'tornFiles']
    .filter((key) => part[key] !== undefined)
    .map((key) => `${key} ${part[key]}`);
  console.log(`  ${part.name}: ${figures.join(', ')}${part.notes?.length ? ` (${part.notes.join('; ')})` : ''}`);
}
console.log(`  inputs tried:     ${sum('inputsTried')}`);
console.log(`  crashes injected: ${sum('crashesInjected')}`);
console.log(`  items lost:       ${sum('itemsLost')}`);
console.log(`  torn files:       ${sum('tornFiles')}`);
console.log(`  peak RSS:         ${(peak / 1024 / 1024).toFixed(0)} MB`);
console.log(`  request p50/p99:  ${ms(rank(50))} / ${ms(rank(99))} over ${latencies.length} requests`);
process.exit(sum('itemsLost') + sum('tornFiles') > 0 ? 1 : 0);
