import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../fakes/free-port.ts';
import { PlatformError } from '../errors/platform-error.ts';
import { createFileLogger, scrub } from '../core/file-logger.ts';
import type { Logger } from '../core/logger.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { createHttp } from './http.ts';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          // A hanging handler never ends its response; close would wait for it forever.
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function recordingLogger() {
  const calls: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const logger: Logger = {
    info: (message, fields) => calls.push({ level: 'info', message, fields }),
    warn: (message, fields) => calls.push({ level: 'warn', message, fields }),
    error: (message, fields) => calls.push({ level: 'error', message, fields }),
  };
  return { logger, calls };
}

async function platformError(p: Promise<unknown>): Promise<PlatformError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PlatformError);
  return e as PlatformError;
}

describe('createHttp', () => {
  it('sends a platform request to the replacement origin, path and query intact', async () => {
    const { origin, seen } = await serve((_req, res) => res.end('ok'));
    const http = createHttp({ origins: { 'https://api.example.test': origin }, logger: recordingLogger().logger });
    const res = await http.fetch('https://api.example.test/2/users/me?user.fields=name', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect(seen).toEqual([{ method: 'POST', url: '/2/users/me?user.fields=name', authorization: undefined }]);
    expect(http.rewrite('https://api.example.test/a?b#c')).toBe(`${origin}/a?b#c`);
    expect(http.isRewritten('https://api.example.test/x')).toBe(true);
    expect(http.isRewritten('https://other.example.test/x')).toBe(false);
  });

  it('turns a server that never answers into a network error after timeoutMs', async () => {
    const { origin } = await serve(() => {});
    const http = createHttp({ origins: { 'https://slow.example.test': origin }, timeoutMs: 150, logger: recordingLogger().logger });
    const started = performance.now();
    const e = await platformError(http.fetch('https://slow.example.test/2/oauth2/token'));
    const took = performance.now() - started;
    expect(e.kind).toBe('network');
    expect(e.message).toMatch(/^slow\.example\.test did not answer within \d+ (s|ms)\.$/);
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(5_000);
  });

  it('turns a server that stalls after its headers into a network error too', async () => {
    const { origin } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"access_token":');
    });
    const http = createHttp({ origins: { 'https://slow.example.test': origin }, timeoutMs: 150, logger: recordingLogger().logger });
    const e = await platformError(http.fetch('https://slow.example.test/2/oauth2/token'));
    expect(e.kind).toBe('network');
    expect(e.message).toMatch(/did not answer within/);
  });

  it('refuses a reply larger than it could be, without reading it all', async () => {
    const { origin } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(Buffer.alloc(5 * 1024 * 1024, 0x20));
    });
    const http = createHttp({ origins: { 'https://big.example.test': origin }, logger: recordingLogger().logger });
    const e = await platformError(http.fetch('https://big.example.test/'));
    expect(e.kind).toBe('malformed');
    expect(e.message).toMatch(/larger than 4 MiB/);
  });

  it('lets one request override the default time-out', async () => {
    const { origin } = await serve(() => {});
    const http = createHttp({ origins: { 'https://slow.example.test': origin }, timeoutMs: 60_000, logger: recordingLogger().logger });
    const started = performance.now();
    const e = await platformError(http.fetch('https://slow.example.test/', { timeoutMs: 100 }));
    expect(e.message).toMatch(/did not answer within/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('gives a token request four times the read time-out: a slow rotation is kept, not given up on', async () => {
    // Answers after 600 ms: too slow for a 300 ms read, in time for a token request (1.2 s).
    const { origin } = await serve((_req, res) => void setTimeout(() => res.end('{"access_token":"a"}'), 600));
    const http = createHttp({ origins: { 'https://api.example.test': origin }, timeoutMs: 300, logger: recordingLogger().logger });
    const read = await platformError(http.fetch('https://api.example.test/2/users/me'));
    expect(read.message).toMatch(/did not answer within 300 ms/);
    const token = await http.fetch('https://api.example.test/2/oauth2/token', { method: 'POST', tokenRequest: true });
    expect(await token.text()).toBe('{"access_token":"a"}');
  });

  it('waits the token deadline before giving up on a token request, and says so', async () => {
    const { origin } = await serve(() => {});
    const http = createHttp({ origins: { 'https://api.example.test': origin }, timeoutMs: 250, logger: recordingLogger().logger });
    const started = performance.now();
    const e = await platformError(http.fetch('https://api.example.test/2/oauth2/token', { method: 'POST', tokenRequest: true }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(e.message).toBe('api.example.test did not answer within 1 s.');
    // Given explicitly, the token deadline is that.
    const explicit = createHttp({ origins: { 'https://api.example.test': origin }, timeoutMs: 250, tokenTimeoutMs: 400, logger: recordingLogger().logger });
    expect((await platformError(explicit.fetch('https://api.example.test/2/oauth2/token', { tokenRequest: true }))).message).toBe('api.example.test did not answer within 400 ms.');
  });

  it('says whether a failed request may have reached the platform', async () => {
    const http = (origin: string) => createHttp({ origins: { 'https://api.example.test': origin }, timeoutMs: 300, logger: recordingLogger().logger });
    // Nothing listens: the request never left.
    const refused = await platformError(http(`http://127.0.0.1:${await freePort()}`).fetch('https://api.example.test/t', { method: 'POST' }));
    expect(refused.mayHaveArrived).toBe(false);
    // Received, then the connection dropped before an answer: the platform may have acted.
    const dropped = await serve((req) => req.on('end', () => req.socket.destroy()).resume());
    expect((await platformError(http(dropped.origin).fetch('https://api.example.test/t', { method: 'POST', body: 'x=1' }))).mayHaveArrived).toBe(true);
    // No answer in time: the same.
    const silent = await serve(() => {});
    expect((await platformError(http(silent.origin).fetch('https://api.example.test/t', { method: 'POST' }))).mayHaveArrived).toBe(true);
  });

  it('turns a refused connection into a network error that says it could not reach the host', async () => {
    const port = await freePort();
    const http = createHttp({ origins: { 'https://api.example.test': `http://127.0.0.1:${port}` }, timeoutMs: 5_000, logger: recordingLogger().logger });
    const e = await platformError(http.fetch('https://api.example.test/2/users/me'));
    expect(e.kind).toBe('network');
    // The sentence names the platform's host, not the fake or proxy behind the rewrite.
    expect(e.message).toBe('Could not reach api.example.test. Check your internet connection.');
  });

  it('does not follow redirects unless asked to', async () => {
    const { origin, seen } = await serve((req, res) => {
      if (req.url === '/start') {
        res.writeHead(302, { location: '/elsewhere' });
        res.end();
      } else res.end('followed');
    });
    const http = createHttp({ origins: { 'https://api.example.test': origin }, logger: recordingLogger().logger });
    const res = await http.fetch('https://api.example.test/start');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/elsewhere');
    expect(seen.map((s) => s.url)).toEqual(['/start']);

    const followed = await http.fetch('https://api.example.test/start', { redirect: 'follow' });
    expect(await followed.text()).toBe('followed');
  });

  it('logs method, host, path, status and duration, never the query or the Authorization header', async () => {
    const { origin, seen } = await serve((_req, res) => {
      res.statusCode = 201;
      res.end();
    });
    const { logger, calls } = recordingLogger();
    const http = createHttp({ origins: { 'https://api.example.test': origin }, logger });
    await http.fetch('https://api.example.test/2/users/me?access_token=SECRET-q', { method: 'post', headers: { authorization: 'Bearer SECRET-h' } });
    // The header did reach the platform; only the log must not have it.
    expect(seen[0]!.authorization).toBe('Bearer SECRET-h');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ level: 'info', message: 'http', fields: { method: 'POST', url: 'api.example.test/2/users/me', status: 201 } });
    expect(calls[0]!.fields!.ms).toEqual(expect.any(Number));
    expect(JSON.stringify(calls)).not.toContain('SECRET');
  });

  it('logs a failed request without the query or the Authorization header either', async () => {
    const port = await freePort();
    const { logger, calls } = recordingLogger();
    const http = createHttp({ origins: { 'https://api.example.test': `http://127.0.0.1:${port}` }, logger });
    await platformError(http.fetch('https://api.example.test/2/oauth2/token?code=SECRET-q', { headers: { authorization: 'Basic SECRET-h' } }));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ level: 'warn', fields: { method: 'GET', url: 'api.example.test/2/oauth2/token' } });
    expect(JSON.stringify(calls)).not.toContain('SECRET');
  });
});

describe('file logger', () => {
  it('scrub masks token-shaped query parameters and Authorization values', () => {
    const out = scrub('GET /cb?code=abc123&state=st4te&x=1 access_token=tok.en-1 refresh_token=rt client_secret=cs Bearer eyJ.abc-_~+/= Basic dXNlcjpwdw==');
    expect(out).toBe(
      'GET /cb?code=[redacted]&state=[redacted]&x=1 access_token=[redacted] refresh_token=[redacted] client_secret=[redacted] Bearer [redacted] Basic [redacted]',
    );
  });

  it('scrub stops at a JSON quote, so the line stays parseable', () => {
    const line = scrub(JSON.stringify({ url: '/cb?code=abc', auth: 'Bearer xyz' }));
    expect(JSON.parse(line)).toEqual({ url: '/cb?code=[redacted]', auth: 'Bearer [redacted]' });
  });

  it('scrub leaves words that merely end in a secret name alone', () => {
    expect(scrub('error_code=42 postcode=AB1')).toBe('error_code=42 postcode=AB1');
  });

  it('writes one scrubbed JSON line per call to <dir>/plugboard.log, creating the folder', () => {
    const dir = join(tempDir(), 'logs', 'nested');
    const logger = createFileLogger(dir);
    logger.info('http', { method: 'GET', url: 'api.x.com/2/users/me', status: 200 });
    logger.warn('odd reply', { body: 'access_token=LEAKED-1' });
    logger.error('failed', { header: 'Bearer LEAKED-2' });
    const file = join(dir, 'plugboard.log');
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('LEAKED');
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      { at: expect.any(String), level: 'info', message: 'http', method: 'GET', url: 'api.x.com/2/users/me', status: 200 },
      { at: expect.any(String), level: 'warn', message: 'odd reply', body: 'access_token=[redacted]' },
      { at: expect.any(String), level: 'error', message: 'failed', header: 'Bearer [redacted]' },
    ]);
    expect(Number.isNaN(Date.parse(lines[0]!.at as string))).toBe(false);
  });
});

describe('createHttp().stream', () => {
  async function* chunks(count: number, size: number): AsyncIterable<Uint8Array> {
    for (let i = 0; i < count; i++) yield new Uint8Array(size).fill(i % 251);
  }

  it('streams a body over the 4 MiB cap both ways, through the origin map, and logs no query', async () => {
    const { origin, seen } = await serve((req, res) => {
      let received = 0;
      req.on('data', (c: Buffer) => (received += c.length));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-received': String(received) });
        res.end(Buffer.alloc(6 * 1024 * 1024, 1));
      });
    });
    const { logger, calls } = recordingLogger();
    const http = createHttp({ origins: { 'https://upload.example.test': origin }, logger });
    const res = await http.stream('https://upload.example.test/media?token=secret', { method: 'put', headers: new Headers({ 'content-length': String(6 * 1024 * 1024) }), body: chunks(96, 64 * 1024) });
    expect(res.headers.get('x-received')).toBe(String(6 * 1024 * 1024));
    expect((await res.arrayBuffer()).byteLength).toBe(6 * 1024 * 1024);
    expect(seen).toEqual([{ method: 'PUT', url: '/media?token=secret', authorization: undefined }]);
    expect(JSON.stringify(calls)).not.toContain('secret');
    expect(calls.at(-1)).toMatchObject({ message: 'http', fields: { method: 'PUT', url: 'upload.example.test/media', status: 200 } });
  });

  it('waits for the headers only: a body slower than the time-out still arrives whole', async () => {
    const { origin } = await serve((_req, res) => {
      res.writeHead(200);
      res.write('first ');
      setTimeout(() => res.end('and last'), 400);
    });
    const http = createHttp({ origins: { 'https://slow.example.test': origin }, timeoutMs: 150, logger: recordingLogger().logger });
    const res = await http.stream('https://slow.example.test/', { method: 'GET', headers: new Headers(), body: null });
    expect(await res.text()).toBe('first and last');
  });

  it('gives up when the headers do not come in time, as a network error', async () => {
    const { origin } = await serve(() => {});
    const http = createHttp({ origins: { 'https://slow.example.test': origin }, timeoutMs: 150, logger: recordingLogger().logger });
    const e = await platformError(http.stream('https://slow.example.test/', { method: 'GET', headers: new Headers(), body: null }));
    expect(e.kind).toBe('network');
    expect(e.message).toMatch(/did not answer within 150 ms/);
  });

  it('hands a redirect back instead of following it', async () => {
    const { origin, seen } = await serve((_req, res) => {
      res.writeHead(302, { location: 'https://elsewhere.example.test/landing' });
      res.end();
    });
    const http = createHttp({ origins: { 'https://api.example.test': origin }, logger: recordingLogger().logger });
    const res = await http.stream('https://api.example.test/go', { method: 'GET', headers: new Headers(), body: null });
    expect([res.status, res.headers.get('location')]).toEqual([302, 'https://elsewhere.example.test/landing']);
    expect(seen).toHaveLength(1);
  });
});
