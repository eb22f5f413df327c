import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnderstudyApi } from '../../src-main/contract/index.ts';
import type { Runtime } from '../../src-main/services.ts';
import { startInMemoryApp } from '../support/app-server.ts';

describe('app domain over the in-memory transport', () => {
  let runtime: Runtime;
  let api: UnderstudyApi;
  let dataDir: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ runtime, api, dataDir, close } = await startInMemoryApp({
      version: '9.9.9',
      launchFiles: ['/scripts/Pilot.fountain'],
      heartbeatMs: 20,
    }));
  });

  afterAll(async () => {
    await close?.();
  });

  it('reports version, data directory and a backend that really loads here', async () => {
    const result = await api.app.getInfo();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ version: '9.9.9', dataDir, shell: 'web' });
    // Where tfjs-node is absent (as on CI) the engine must fall back, never claim native.
    expect(['tensorflow', 'wasm', 'cpu']).toContain(result.value.backend);
  });

  it('answers a ping with the echo and refuses a non-https external link', async () => {
    const ping = await api.app.ping({ echo: 'stage left' });
    expect(ping).toMatchObject({ ok: true, value: { echo: 'stage left' } });
    const link = await api.app.openExternal({ url: 'file:///etc/passwd' });
    expect(link).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
  });

  it('hands out the screenplays the app was launched with exactly once', async () => {
    expect(await api.app.takeLaunchFiles()).toEqual({ ok: true, value: ['/scripts/Pilot.fountain'] });
    expect(await api.app.takeLaunchFiles()).toEqual({ ok: true, value: [] });
  });

  it('delivers heartbeat events until the subscriber unsubscribes', async () => {
    const beats: number[] = [];
    const unsubscribe = api.app.onHeartbeat(({ seq }) => beats.push(seq));
    await new Promise((resolve) => setTimeout(resolve, 120));
    unsubscribe();
    const seen = beats.length;
    expect(seen).toBeGreaterThanOrEqual(2);
    expect(beats).toEqual([...beats].sort((a, b) => a - b));
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(beats.length).toBe(seen);
    expect(runtime.services.bus.size).toBe(0);
  });
});
