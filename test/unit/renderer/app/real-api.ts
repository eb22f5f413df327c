import { cleanup } from '@testing-library/svelte';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createApi, type Result, type UnderstudyApi } from '../../../../src-main/contract/index.ts';
import type { Runtime } from '../../../../src-main/services.ts';
import { createInMemoryTransport } from '../../../../src-main/transport/in-memory.ts';
import { startTestRuntime } from '../../../support/app-server.ts';

export interface RealApi {
  api: UnderstudyApi;
  runtime: Runtime;
  /** A scratch directory next to the data directory, for files the writer "picks". */
  work: string;
  dataDir: string;
  /** A second runtime on the same data directory: what the app finds after a restart or crash. */
  restart(): Promise<RealApi>;
  close(): Promise<void>;
}

async function open(root: string, owner: boolean): Promise<RealApi> {
  const dataDir = join(root, 'data');
  const { runtime, close } = await startTestRuntime({ dataDir });
  const transport = createInMemoryTransport(runtime.dispatch, runtime.services.bus);
  return {
    api: createApi(transport),
    runtime,
    work: root,
    dataDir,
    restart: () => open(root, false),
    async close() {
      transport.close();
      await close();
      if (owner) await rm(root, { recursive: true, force: true });
    },
  };
}

/** The real main-process services (stores and the engine in its worker) behind the in-memory transport. */
export async function startRealApi(): Promise<RealApi> {
  return open(await mkdtemp(join(tmpdir(), 'understudy-renderer-')), true);
}

export function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

/**
 * For a describe block over the real services: starts them before its tests, unmounts the rendered app after
 * each and closes them after all. Returns a getter (the services exist only once beforeAll has run).
 */
export function useRealApi(): () => RealApi {
  let real: RealApi | undefined;
  beforeAll(async () => {
    real = await startRealApi();
  });
  afterEach(() => cleanup());
  afterAll(async () => {
    await real?.close();
  });
  return () => {
    if (real === undefined) throw new Error('the real services start in beforeAll');
    return real;
  };
}
