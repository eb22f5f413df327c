#!/usr/bin/env node
// `npm run soak [-- --minutes N]`: mixed load against the real services for N minutes (default 30); prints the RSS
// slope (bytes per minute, least squares) as JSON and writes it to test-results/soak.json.
import { spawnSync } from 'node:child_process';

const at = process.argv.indexOf('--minutes');
const minutes = at > 0 ? Number(process.argv[at + 1]) : 30;
if (!(minutes > 0)) {
  console.error('soak: --minutes takes a positive number');
  process.exit(2);
}
const run = spawnSync('npx', ['vitest', 'run', '-c', 'scripts/soak.config.ts'], {
  stdio: 'inherit',
  env: { ...process.env, SOAK_MINUTES: String(minutes), SOAK_SAMPLE_MS: String(Math.min(10_000, minutes * 2000)) },
});
process.exit(run.status ?? 1);
