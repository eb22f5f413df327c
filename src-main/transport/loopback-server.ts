import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventBus } from '../ipc/event-bus.ts';
import type { Dispatch } from '../ipc/dispatcher.ts';
import { contentSecurityPolicy } from '../security-policy.ts';
import type { ClientFrame, ServerFrame } from './wire.ts';

export interface LoopbackServerOptions {
  dispatch: Dispatch;
  bus: EventBus;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Largest WebSocket frame accepted; a larger one closes the socket with 1009 (default: room for any request). */
  maxFrameBytes?: number;
  /** A socket that does not answer a ping within this long is dropped: half-open connections do not pile up. */
  pingIntervalMs?: number;
  /** Milliseconds a client may take to send a request's headers (slowloris). */
  headersTimeoutMs?: number;
  /** Open TCP connections at most; a browser tab needs a handful. */
  maxConnections?: number;
}

export interface LoopbackServer {
  origin: string;
  /** The address to open: the token travels in the fragment, so it never reaches a server log. */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
// Room for the largest request (64 MB of base64 uploads) plus its JSON envelope.
const MAX_FRAME_BYTES = 80 * 1024 * 1024;
const PING_INTERVAL_MS = 30_000;
const HEADERS_TIMEOUT_MS = 10_000;
const MAX_CONNECTIONS = 64;
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

async function serveStatic(staticDir: string, req: IncomingMessage, res: ServerResponse, csp: string) {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const relative = normalize(path === '/' ? '/index.html' : path).replace(/^([/\\])+/, '');
  const file = join(staticDir, relative);
  if (!file.startsWith(staticDir + sep) || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(404).end();
    return;
  }
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  createReadStream(file).pipe(res);
}

/** Serves the renderer and the contract over a WebSocket bound to 127.0.0.1, guarded by a per-launch token and the Origin. */
export async function startLoopbackServer(options: LoopbackServerOptions): Promise<LoopbackServer> {
  const token = randomBytes(24).toString('base64url');
  const sockets = new Set<WebSocket>();
  const alive = new WeakSet<WebSocket>();
  const headersTimeout = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const http = createServer({
    headersTimeout,
    requestTimeout: headersTimeout * 3,
    // How often those timeouts are checked (Node's default, 30 s, would let a stalled client linger that long).
    connectionsCheckingInterval: Math.min(1000, headersTimeout),
  });
  http.maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? MAX_FRAME_BYTES });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, HOST, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const origin = `http://${HOST}:${port}`;
  const csp = contentSecurityPolicy([`ws://${HOST}:${port}`]);
  const staticDir = normalize(options.staticDir);
  // DNS rebinding: a page on evil.example resolved to 127.0.0.1 reaches this port with its own name as the Host.
  const ownHost = (req: IncomingMessage) => req.headers.host === `${HOST}:${port}`;

  http.on('request', (req, res) => {
    if (!ownHost(req)) {
      res.writeHead(421, { 'Content-Type': 'text/plain', Connection: 'close' }).end('Misdirected request');
      return;
    }
    serveStatic(staticDir, req, res, csp).catch(() => res.writeHead(500).end());
  });

  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const given = url.searchParams.get('token') ?? '';
    if (!ownHost(req) || url.pathname !== '/ipc' || req.headers.origin !== origin || !sameSecret(given, token)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const send = (ws: WebSocket, frame: ServerFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    // An oversized or malformed frame arrives as an error event: without a listener it would end the process.
    ws.on('error', () => ws.terminate());
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', async (data) => {
      let frame: ClientFrame;
      try {
        frame = JSON.parse(data.toString()) as ClientFrame;
      } catch {
        return;
      }
      if (frame?.type !== 'invoke' || typeof frame.id !== 'number') return;
      const result = await options.dispatch(frame.channel, frame.input, { trusted: true, origin });
      send(ws, { type: 'result', id: frame.id, result });
    });
  });

  const detach = options.bus.attach((channel, payload) => {
    for (const ws of sockets) send(ws, { type: 'event', channel, payload });
  });

  // A socket that missed the previous ping is gone (a sleeping laptop, a killed tab): drop it.
  const pinger = setInterval(() => {
    for (const ws of sockets) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, options.pingIntervalMs ?? PING_INTERVAL_MS);
  pinger.unref();

  return {
    origin,
    url: `${origin}/#token=${token}`,
    token,
    port,
    async close() {
      clearInterval(pinger);
      detach();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
