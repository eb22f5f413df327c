import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Runtime } from '../../src-main/services.ts';
import { startLoopbackServer, type LoopbackServer } from '../../src-main/transport/loopback-server.ts';
import { startTestRuntime } from '../support/app-server.ts';

const MAX_FRAME_BYTES = 4096;
const PING_INTERVAL_MS = 100;
const HEADERS_TIMEOUT_MS = 300;
const MAX_CONNECTIONS = 6;

let runtime: Runtime;
let stopRuntime: () => Promise<void>;
let server: LoopbackServer;
let staticDir: string;

/** GET `path` with a Host header of our choosing (fetch will not send a foreign one). */
function getStatus(urlPath: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: urlPath, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Resolves with the HTTP status of a refused upgrade, or 101 when the socket opened. */
function upgradeStatus(url: string, headers: { origin?: string; host?: string } = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, {
      ...(headers.origin ? { origin: headers.origin } : {}),
      headers: headers.host ? { host: headers.host } : {},
    });
    ws.on('open', () => (ws.close(), resolve(101)));
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(0));
  });
}

function openSocket(options: { autoPong?: boolean } = {}): Promise<WebSocket> {
  const ws = new WebSocket(`${server.origin.replace('http', 'ws')}/ipc?token=${server.token}`, {
    origin: server.origin,
    autoPong: options.autoPong ?? true,
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Sends one invoke frame and resolves with its result. */
function invoke(ws: WebSocket, id: number, channel: string, input?: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { type: string; id?: number; result?: unknown };
      if (frame.type === 'result' && frame.id === id) {
        ws.off('message', onMessage);
        resolve(frame.result);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'invoke', id, channel, input }));
  });
}

function closed(socket: Socket | WebSocket): Promise<number> {
  const started = Date.now();
  return new Promise((resolve) => socket.once('close', () => resolve(Date.now() - started)));
}

beforeAll(async () => {
  staticDir = await mkdtemp(path.join(tmpdir(), 'understudy-loopback-'));
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Understudy</title>');
  ({ runtime, close: stopRuntime } = await startTestRuntime());
  server = await startLoopbackServer({
    dispatch: runtime.dispatch,
    bus: runtime.services.bus,
    staticDir,
    maxFrameBytes: MAX_FRAME_BYTES,
    pingIntervalMs: PING_INTERVAL_MS,
    headersTimeoutMs: HEADERS_TIMEOUT_MS,
    maxConnections: MAX_CONNECTIONS,
  });
});

afterAll(async () => {
  await server?.close();
  await stopRuntime?.();
  await rm(staticDir, { recursive: true, force: true });
});

describe('the loopback server lets in only its own page', () => {
  it('answers static files only under its own Host (DNS rebinding)', async () => {
    const own = `127.0.0.1:${server.port}`;
    expect(await getStatus('/', own)).toBe(200);
    expect(await getStatus('/', `evil.example:${server.port}`)).toBe(421);
    expect(await getStatus('/', 'evil.example')).toBe(421);
    expect(await getStatus('/', `localhost:${server.port}`)).toBe(421);
    expect(await getStatus('/', `127.0.0.1:${server.port + 1}`)).toBe(421);
  });

  it('refuses a socket without the token, with a wrong token, from a foreign Origin or under a foreign Host', async () => {
    const { origin, token } = server;
    const ws = origin.replace('http', 'ws');
    expect(await upgradeStatus(`${ws}/ipc`, { origin })).toBe(403);
    expect(await upgradeStatus(`${ws}/ipc?token=${token}x`, { origin })).toBe(403);
    expect(await upgradeStatus(`${ws}/ipc?token=`, { origin })).toBe(403);
    expect(await upgradeStatus(`${ws}/ipc?token=${token}`, { origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(`${ws}/ipc?token=${token}`)).toBe(403);
    expect(await upgradeStatus(`${ws}/ipc?token=${token}`, { origin, host: `evil.example:${server.port}` })).toBe(403);
    expect(await upgradeStatus(`${ws}/other?token=${token}`, { origin })).toBe(403);
    expect(await upgradeStatus(`${ws}/ipc?token=${token}`, { origin })).toBe(101);
  });

  it('closes a socket that sends an oversized frame (1009) and goes on serving others', async () => {
    const ws = await openSocket();
    ws.on('error', () => undefined);
    const gone = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(MAX_FRAME_BYTES + 1));
    expect(await gone).toBe(1009);
    const next = await openSocket();
    expect(await invoke(next, 1, 'app:ping', { echo: 'still here' })).toMatchObject({ ok: true });
    next.close();
  });

  it('survives hostile frames: not JSON, deep JSON, unknown channels, missing ids', async () => {
    const ws = await openSocket();
    ws.send('not json');
    ws.send('['.repeat(1000) + ']'.repeat(1000));
    ws.send(JSON.stringify({ type: 'invoke', channel: 'app:ping', input: { echo: 'no id' } }));
    expect(await invoke(ws, 2, 'fs:readFile', { path: '/etc/passwd' })).toMatchObject({
      ok: false,
      error: { code: 'E_INVALID_INPUT' },
    });
    expect(await invoke(ws, 3, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'E_INVALID_INPUT' } });
    expect(await invoke(ws, 4, 'app:ping', { echo: 'after' })).toMatchObject({ ok: true });
    ws.close();
  });

  it('drops a socket that stops answering pings (half-open), within a few ping intervals', async () => {
    const ws = await openSocket({ autoPong: false });
    expect(await closed(ws)).toBeLessThan(PING_INTERVAL_MS * 5);
  });

  it('drops a client that never finishes its request headers (slowloris)', async () => {
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    // Flowing, so the server's 408 and end-of-stream are read and 'close' can fire.
    socket.resume();
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    socket.on('error', () => undefined);
    expect(await closed(socket)).toBeLessThan(HEADERS_TIMEOUT_MS + 2500);
  });

  it('holds at most maxConnections connections: the next one is closed at once', async () => {
    const held: Socket[] = [];
    for (let i = 0; i < MAX_CONNECTIONS; i += 1) {
      const socket = connect(server.port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.resume();
      await new Promise((resolve) => socket.once('connect', resolve));
      held.push(socket);
    }
    const extra = connect(server.port, '127.0.0.1');
    extra.on('error', () => undefined);
    extra.resume();
    expect(await closed(extra)).toBeLessThan(1000);
    for (const socket of held) socket.destroy();
  });
});
