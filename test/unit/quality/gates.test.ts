import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs a project check as a child process; its output becomes the failure message. */
function check(command: string, args: string[]) {
  const result = spawnSync(command, args, { encoding: 'utf8', shell: false, timeout: 240_000 });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.slice(-6000) };
}

describe('quality gates', () => {
  it('tsc is clean on the main-process, test and tool code', { timeout: 240_000 }, () => {
    const { status, output } = check('npx', ['tsc', '-p', 'tsconfig.json']);
    expect(status, output).toBe(0);
  });

  it('svelte-check is clean on the renderer', { timeout: 240_000 }, () => {
    const { status, output } = check('npx', [
      'svelte-check',
      '--tsconfig',
      'src-renderer/tsconfig.json',
      '--fail-on-warnings',
      '--output',
      'human',
    ]);
    expect(status, output).toBe(0);
  });

  it('eslint passes, layering rules included', { timeout: 240_000 }, () => {
    const { status, output } = check('npx', ['eslint', '.']);
    expect(status, output).toBe(0);
  });

  it('the code is formatted (prettier --check)', { timeout: 240_000 }, () => {
    const { status, output } = check('npx', ['prettier', '--check', '.']);
    expect(status, output).toBe(0);
  });
});
