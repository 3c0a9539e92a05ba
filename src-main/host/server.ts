// The browser host: serves the renderer build and the API to a tab on this computer.
// Loopback is reachable from every web page the user visits, so each request has to
// prove it is ours: Host and Origin pinned to our own origin (DNS rebinding), a bearer
// token only the printed URL carries, and a JSON content type (no cross-site form posts).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { bodyLimit, METHOD_NAMES, type ApiErrorCode, type Envelope } from '../api/contract.ts';
import { parseAvatarPath } from '../core/avatars.ts';
import type { Logger } from '../core/logger.ts';
import type { Core } from '../core/types.ts';

export interface HostServerOptions {
  core: Pick<Core, 'call' | 'subscribe' | 'avatar'>;
  /** The renderer build (Vite's outDir). */
  staticDir: string;
  /** 0 = a free port chosen by the OS. */
  port?: number;
  /** Default: 32 random bytes, base64url. */
  token?: string;
  logger: Logger;
}

export interface HostServer {
  /** Carries the token in the fragment, which browsers never send to the server or in a Referer. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const PING_MS = 15_000;
// A tab that stops reading its event stream must not make us buffer events forever.
const MAX_STREAM_BACKLOG_BYTES = 1024 * 1024;

const HTML_HEADERS: OutgoingHttpHeaders = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

// Vite names every built file under assets/ by its content's hash, so such a name never changes its
// bytes and the browser may keep it (a reload then reads the bundle from its cache); anything else is
// asked for anew.
const HASHED_ASSET = /^\/assets\/[^/]+-[\w-]{8}\.[a-z0-9]+$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

const UNAUTHORIZED =
  'The access token is missing or wrong. Open the URL the Plugboard host printed when it started (it ends with #token=…).';

export async function startHostServer(opts: HostServerOptions): Promise<HostServer> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  if (!token) throw new Error('The host token must not be empty.');
  const tokenDigest = sha256(token);
  const root = resolve(opts.staticDir);
  const { core, logger } = opts;
  const streams = new Set<ServerResponse>();
  let selfOrigin = '';
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      logger.error('host request failed', { error: e instanceof Error ? e.name : 'unknown' });
      if (!res.headersSent) sendPlain(res, 500, 'Internal error.');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host?.toLowerCase();
    if (!host || !allowedHosts.has(host)) {
      return sendPlain(res, 403, `Forbidden: this server only answers requests addressed to ${selfOrigin}.`);
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) {
      return sendPlain(res, 403, 'Forbidden: requests from other web pages are refused.');
    }
    const target = req.url ?? '';
    if (!target.startsWith('/')) return sendPlain(res, 400, 'Bad request.');
    const pathname = target.split('?', 1)[0];
    if (pathname.startsWith('/api/')) return serveApi(req, res, pathname.slice('/api/'.length));
    const avatar = parseAvatarPath(target);
    if (avatar) return serveAvatar(req, res, avatar.accountId, avatar.version);
    return serveStatic(req, res, pathname);
  }

  async function serveApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const started = performance.now();
    const reply = (status: number, envelope: Envelope<unknown>, headers?: OutgoingHttpHeaders) => {
      sendJson(res, status, envelope, headers);
      logger.info('api', { method: loggableMethod(method), status, ms: Math.round(performance.now() - started) });
    };
    if (!authorized(req.headers.authorization)) return reply(401, transportError(UNAUTHORIZED));
    if (req.method === 'GET' && method === 'events') return openEventStream(res, started);
    if (req.method !== 'POST') return reply(405, transportError('API calls use POST.'), { Allow: 'POST' });
    if (mediaType(req.headers['content-type']) !== 'application/json') {
      return reply(415, transportError('The request body must be sent as Content-Type: application/json.'));
    }
    // The contract's table, so what its schemas accept (an import file of megabytes) also gets through here.
    const limit = bodyLimit(method);
    let body: Buffer | null;
    try {
      body = await readBody(req, limit);
    } catch {
      return;
    }
    if (body === null) {
      return reply(413, transportError(`The request body is larger than ${sizeInWords(limit)}.`), { Connection: 'close' });
    }
    let params: unknown;
    try {
      params = JSON.parse(body.toString('utf8'));
    } catch {
      return reply(400, transportError('The request body is not valid JSON.'));
    }
    let envelope: Envelope<unknown>;
    try {
      envelope = await core.call(method, params);
    } catch (e) {
      logger.error('core.call threw', { method: loggableMethod(method), error: e instanceof Error ? e.name : 'unknown' });
      envelope = { ok: false, error: { code: 'internal', message: 'Plugboard hit an internal error. Try again.' } };
    }
    reply(envelope.ok ? 200 : statusFor(envelope.error.code), envelope);
  }

  function openEventStream(res: ServerResponse, started: number): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.flushHeaders();
    logger.info('api', { method: 'events', status: 200, ms: Math.round(performance.now() - started) });
    const send = (chunk: string) => {
      if (res.destroyed) return;
      if (res.writableLength > MAX_STREAM_BACKLOG_BYTES) res.destroy();
      else res.write(chunk);
    };
    const unsubscribe = core.subscribe((event) => send(`data: ${JSON.stringify(event)}\n\n`));
    const ping = setInterval(() => send(': ping\n\n'), PING_MS);
    ping.unref();
    streams.add(res);
    res.once('close', () => {
      clearInterval(ping);
      unsubscribe();
      streams.delete(res);
      logger.info('events closed', { ms: Math.round(performance.now() - started) });
    });
  }

  // An <img> sends no bearer token: the Host and Origin checks above, an unguessable account id and
  // same-origin CORP (no other page may embed it) are what guard a picture.
  function serveAvatar(req: IncomingMessage, res: ServerResponse, accountId: string, version: string | null): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendPlain(res, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });
    const reply = core.avatar(accountId, version);
    res.writeHead(reply.status, reply.headers);
    res.end(req.method === 'HEAD' ? undefined : reply.body);
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendPlain(res, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return sendPlain(res, 400, 'Bad request.');
    }
    if (decoded.includes('\0')) return sendPlain(res, 400, 'Bad request.');
    // Decoding first means %2e%2e and %2f cannot smuggle a '..' past the check below.
    const file = resolve(root, '.' + (decoded === '/' ? '/index.html' : decoded));
    if (!file.startsWith(root + sep)) return sendPlain(res, 403, 'Forbidden.');
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch {
      return sendPlain(res, 404, 'Not found.');
    }
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Length': data.length,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': HASHED_ASSET.test(decoded) ? IMMUTABLE : 'no-cache',
      ...(type.startsWith('text/html') ? HTML_HEADERS : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : data);
  }

  function authorized(header: string | undefined): boolean {
    const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
    // Comparing fixed-length digests keeps the comparison constant-time whatever the length sent.
    return match !== null && timingSafeEqual(sha256(match[1]), tokenDigest);
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen({ host: '127.0.0.1', port: opts.port ?? 0 }, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE') {
      throw new Error(`Port ${opts.port} on this computer is already in use by another program. Stop it or start the Plugboard host on another port.`, { cause: e });
    }
    throw e;
  });
  server.on('error', (e) => logger.error('host server error', { error: e.name }));

  const port = (server.address() as AddressInfo).port;
  selfOrigin = `http://127.0.0.1:${port}`;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([selfOrigin, `http://localhost:${port}`]);
  logger.info('host listening', { port });

  return {
    url: `${selfOrigin}/#token=${encodeURIComponent(token)}`,
    origin: selfOrigin,
    port,
    token,
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const res of streams) res.end();
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}

function statusFor(code: ApiErrorCode): number {
  switch (code) {
    case 'bad_request':
    case 'unknown_method':
      return 400;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'locked':
      return 423;
    case 'not_configured':
      return 409;
    case 'platform':
      return 502;
    case 'offline':
      return 503;
    default:
      return 500;
  }
}

function transportError(message: string): Envelope<never> {
  return { ok: false, error: { code: 'bad_request', message } };
}

// The method comes from the request path; only known names reach the log verbatim.
function loggableMethod(method: string): string {
  return (METHOD_NAMES as string[]).includes(method) || method === 'events' ? method : '(unknown)';
}

function sizeInWords(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.floor(bytes / (1024 * 1024))} MiB` : `${Math.floor(bytes / 1024)} KiB`;
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';', 1)[0].trim().toLowerCase();
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Resolves null once the body exceeds `limit`; rejects when the client goes away mid-body. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  if (Number(req.headers['content-length']) > limit) return Promise.resolve(null);
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      resolveBody(null);
    };
    req.on('data', onData);
    req.once('end', () => resolveBody(Buffer.concat(chunks)));
    req.once('error', rejectBody);
    req.once('close', () => {
      if (!req.complete) rejectBody(new Error('client went away'));
    });
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers?: OutgoingHttpHeaders): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

function sendPlain(res: ServerResponse, status: number, message: string, headers?: OutgoingHttpHeaders): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(message),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(message);
}
