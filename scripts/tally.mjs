#!/usr/bin/env node
// Prints the real tally from vitest's JSON reports: "N passed, N failed, N skipped" (a missing report counts as a failure).
import { existsSync, readFileSync } from 'node:fs';

// Several reports (the main run, the reliability suite) add up to one tally.
const files = process.argv.length > 2 ? process.argv.slice(2) : ['test-results/vitest.json'];
const missing = files.filter((file) => !existsSync(file));
const reports = files.filter((file) => existsSync(file)).map((file) => JSON.parse(readFileSync(file, 'utf8')));
const sum = (key) => reports.reduce((total, report) => total + (report[key] ?? 0), 0);
const passed = sum('numPassedTests');
// A file that failed outside its tests (it did not load, or a beforeAll threw: its tests show as skipped) counts as
// one failure.
const failedSetups = reports
  .flatMap((report) => report.testResults ?? [])
  .filter((file) => file.status === 'failed' && !(file.assertionResults ?? []).some((a) => a.status === 'failed'));
for (const file of failedSetups) console.error(`tally: ${file.name} failed before its tests ran`);
const failed = sum('numFailedTests') + failedSetups.length + missing.length;
const skipped = sum('numPendingTests') + sum('numTodoTests');
for (const file of missing)
  console.error(`tally: no test report at ${file} (the build or the runner failed before any test ran)`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
