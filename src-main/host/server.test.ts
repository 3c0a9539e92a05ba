import { request } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { bodyLimit, DEFAULT_BODY_LIMIT, MAX_IMPORT_BASE64, type ApiErrorCode, type ApiEvent, type Envelope } from '../api/contract.ts';
import { avatarReply } from '../core/avatars.ts';
import type { Core } from '../core/types.ts';
import type { Logger } from '../core/logger.ts';
import { startHostServer, type HostServer } from './server.ts';

const TOKEN = 'test-token-0123456789abcdefghijklmnop';

function testCore() {
  const listeners = new Set<(event: ApiEvent) => void>();
  const calls: { method: string; params: unknown }[] = [];
  let answer: (method: string, params: unknown) => Envelope<unknown> = (method) => ({ ok: true, result: { echoed: method } });
  const core: Pick<Core, 'call' | 'subscribe' | 'avatar'> & {
    calls: typeof calls;
    listeners: typeof listeners;
    answerWith(fn: typeof answer): void;
    emit(event: ApiEvent): void;
  } = {
    calls,
    listeners,
    answerWith(fn) {
      answer = fn;
    },
    emit(event) {
      for (const l of listeners) l(event);
    },
    async call(method, params) {
      calls.push({ method, params });
      return answer(method, params);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    // The route itself is tested against a real core (avatar-route.test.ts).
    avatar: () => avatarReply(null, null),
  };
  return core;
}

function recordingLogger() {
  const lines: string[] = [];
  const log = (message: string, fields?: Record<string, unknown>) => void lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
  const logger: Logger = { info: log, warn: log, error: log };
  return { logger, lines };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http rather than fetch: the tests need to forge Host and send paths fetch would normalise. */
function send(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: { Host: `127.0.0.1:${port}`, ...opts.headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

function api(port: number, method: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return send(port, {
    method: 'POST',
    path: `/api/${method}`,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', ...headers },
    body,
  });
}

let staticRoot: string;
let staticDir: string;

beforeAll(async () => {
  staticRoot = await mkdtemp(join(tmpdir(), 'plugboard-host-'));
  staticDir = join(staticRoot, 'www');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Plugboard</title>');
  await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(staticDir, 'assets', 'app.css'), 'body{}');
  await writeFile(join(staticDir, 'assets', 'index-B4q51M_0.js'), 'console.log(2)');
  await writeFile(join(staticRoot, 'secret.txt'), 'TOP SECRET');
});

afterAll(async () => {
  await rm(staticRoot, { recursive: true, force: true });
});

let host: HostServer | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

async function start(core = testCore(), logger = recordingLogger().logger) {
  host = await startHostServer({ core, staticDir, port: 0, token: TOKEN, logger });
  return host;
}

describe('startHostServer', () => {
  it('answers on 127.0.0.1 with the token in the URL fragment', async () => {
    const h = await start();
    expect(h.origin).toBe(`http://127.0.0.1:${h.port}`);
    expect(h.url).toBe(`http://127.0.0.1:${h.port}/#token=${TOKEN}`);
    expect(h.token).toBe(TOKEN);
  });

  it('makes up a 32-byte base64url token when none is given', async () => {
    host = await startHostServer({ core: testCore(), staticDir, logger: recordingLogger().logger });
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is not reachable on other loopback addresses', async () => {
    const h = await start();
    await expect(fetch(`http://127.0.0.2:${h.port}/`)).rejects.toThrow();
  });

  it('passes the method and params to the core and answers its envelope', async () => {
    const core = testCore();
    const h = await start(core);
    const res = await api(h.port, 'platforms.list', '{}');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(res.body)).toEqual({ ok: true, result: { echoed: 'platforms.list' } });
    expect(core.calls).toEqual([{ method: 'platforms.list', params: {} }]);
  });

  it('accepts a charset on the JSON content type', async () => {
    const h = await start();
    const res = await api(h.port, 'platforms.list', '{}', { 'Content-Type': 'application/json; charset=utf-8' });
    expect(res.status).toBe(200);
  });

  it.each([
    ['missing', undefined],
    ['wrong', 'Bearer not-the-token'],
    ['a prefix of the', `Bearer ${TOKEN.slice(0, -1)}`],
    ['not a bearer', `Basic ${TOKEN}`],
  ])('refuses a %s token with 401 and does not call the core', async (_, authorization) => {
    const core = testCore();
    const h = await start(core);
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (authorization) headers.Authorization = authorization;
    const res = await send(h.port, { method: 'POST', path: '/api/platforms.list', headers, body: '{}' });
    expect(res.status).toBe(401);
    const body = JSON.parse(res.body);
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toMatch(/token is missing or wrong.*Open the URL/);
    expect(core.calls).toEqual([]);
  });

  it.each(['evil.example', 'evil.example:PORT', '127.0.0.1', '127.0.0.1:1', 'localhost.evil.example:PORT'])(
    'refuses Host %s with 403',
    async (hostHeader) => {
      const core = testCore();
      const h = await start(core);
      const res = await api(h.port, 'platforms.list', '{}', { Host: hostHeader.replace('PORT', String(h.port)) });
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toMatch(/^Forbidden/);
      expect(core.calls).toEqual([]);
    },
  );

  it('refuses a foreign Host on static files too', async () => {
    const h = await start();
    const res = await send(h.port, { path: '/', headers: { Host: `evil.example:${h.port}` } });
    expect(res.status).toBe(403);
    expect(res.body).not.toContain('Plugboard</title>');
  });

  it('accepts localhost:PORT as Host and a same-origin Origin', async () => {
    const h = await start();
    expect((await api(h.port, 'platforms.list', '{}', { Host: `localhost:${h.port}` })).status).toBe(200);
    expect((await api(h.port, 'platforms.list', '{}', { Origin: h.origin })).status).toBe(200);
    expect((await api(h.port, 'platforms.list', '{}', { Origin: `http://localhost:${h.port}` })).status).toBe(200);
  });

  it.each(['https://evil.example', 'null', 'http://127.0.0.1:1', 'https://127.0.0.1:PORT'])('refuses Origin %s with 403', async (origin) => {
    const core = testCore();
    const h = await start(core);
    const res = await api(h.port, 'platforms.list', '{}', { Origin: origin.replace('PORT', String(h.port)) });
    expect(res.status).toBe(403);
    expect(core.calls).toEqual([]);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'refuses Content-Type %s with 415',
    async (type) => {
      const core = testCore();
      const h = await start(core);
      const res = await api(h.port, 'platforms.list', '{}', { 'Content-Type': type });
      expect(res.status).toBe(415);
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      expect(core.calls).toEqual([]);
    },
  );

  it('refuses a request without a content type with 415', async () => {
    const h = await start();
    const res = await send(h.port, { method: 'POST', path: '/api/platforms.list', headers: { Authorization: `Bearer ${TOKEN}` }, body: '{}' });
    expect(res.status).toBe(415);
  });

  it.each(['{not json', '', '{"a":1'])('answers malformed JSON %j with a 400 envelope', async (body) => {
    const core = testCore();
    const h = await start(core);
    const res = await api(h.port, 'platforms.list', body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toEqual({ ok: false, error: { code: 'bad_request', message: 'The request body is not valid JSON.' } });
    expect(core.calls).toEqual([]);
  });

  it('accepts a body of exactly 64 KiB and refuses a larger one with 413', async () => {
    const core = testCore();
    const h = await start(core);
    const json = (size: number) => `"${'a'.repeat(size - 2)}"`;
    expect((await api(h.port, 'platforms.list', json(64 * 1024))).status).toBe(200);
    const res = await api(h.port, 'platforms.list', json(64 * 1024 + 1));
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(core.calls).toHaveLength(1);
  });

  it('reads each method up to its limit in the contract’s table: an import file far over 64 KiB reaches the core, other methods still stop at 64 KiB', async () => {
    const core = testCore();
    const h = await start(core);
    const content = 'A'.repeat(2 * 1024 * 1024);
    expect((await api(h.port, 'data.import', JSON.stringify({ content, passphrase: 'pw' }))).status).toBe(200);
    expect(core.calls).toEqual([{ method: 'data.import', params: { content, passphrase: 'pw' } }]);
    const refused = await api(h.port, 'platforms.list', JSON.stringify({ content }));
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body)).toEqual({ ok: false, error: { code: 'bad_request', message: 'The request body is larger than 64 KiB.' } });
    // Past data.import's own limit it is refused from the announced length, before a byte of the body is read.
    const tooBig = await send(h.port, {
      method: 'POST',
      path: '/api/data.import',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', 'Content-Length': String(bodyLimit('data.import') + 1) },
    });
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(tooBig.body).error.message).toBe('The request body is larger than 200 MiB.');
    expect(core.calls).toHaveLength(1);
  });

  it('gives data.import room for the largest content its schema takes, with the longest passphrase escaped at worst', () => {
    const envelope = JSON.stringify({ content: '', passphrase: '\u0001'.repeat(1024) }).length;
    expect(envelope + MAX_IMPORT_BASE64).toBeLessThanOrEqual(bodyLimit('data.import'));
    expect(bodyLimit('platforms.list')).toBe(DEFAULT_BODY_LIMIT);
    expect(bodyLimit('no.such.method')).toBe(DEFAULT_BODY_LIMIT);
  });

  it('refuses an oversized chunked body (no Content-Length) with 413', async () => {
    const h = await start();
    const res = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: h.port,
          method: 'POST',
          path: '/api/platforms.list',
          headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
          agent: false,
        },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 5; i++) req.write('a'.repeat(20 * 1024));
      req.end();
    });
    expect(res).toBe(413);
  });

  it.each([
    ['bad_request', 400],
    ['unknown_method', 400],
    ['not_found', 404],
    ['conflict', 409],
    ['locked', 423],
    ['platform', 502],
    ['not_configured', 409],
    ['offline', 503],
    ['internal', 500],
  ] as [ApiErrorCode, number][])("passes the core's %s envelope through with %i", async (code, status) => {
    const core = testCore();
    const envelope: Envelope<unknown> = { ok: false, error: { code, message: 'Something plain.', issues: [{ path: 'x', message: 'y' }] } };
    core.answerWith(() => envelope);
    const h = await start(core);
    const res = await api(h.port, 'accounts.refresh', '{"accountId":"a1"}');
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body)).toEqual(envelope);
  });

  it('answers 500 with an internal envelope if the core throws', async () => {
    const core = testCore();
    core.answerWith(() => {
      throw new Error('boom');
    });
    const h = await start(core);
    const res = await api(h.port, 'platforms.list', '{}');
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('refuses other verbs on API methods with 405', async () => {
    const h = await start();
    const res = await send(h.port, { path: '/api/platforms.list', headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });

  it('logs method, status and duration but never the token', async () => {
    const { logger, lines } = recordingLogger();
    const h = await start(testCore(), logger);
    await api(h.port, 'platforms.list', '{}');
    await api(h.port, 'platforms.list', '{}', { Authorization: 'Bearer wrong-token-value' });
    await api(h.port, `evil${TOKEN}`, '{}');
    const apiLines = lines.filter((l) => l.startsWith('api '));
    expect(apiLines).toHaveLength(3);
    expect(apiLines[0]).toMatch(/"method":"platforms.list","status":200,"ms":\d+/);
    expect(apiLines[1]).toMatch(/"status":401/);
    expect(apiLines[2]).toMatch(/"method":"\(unknown\)"/);
    for (const line of lines) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain('wrong-token-value');
    }
  });

  describe('event stream', () => {
    async function openStream(h: HostServer, signal?: AbortSignal) {
      const res = await fetch(`${h.origin}/api/events`, { headers: { Authorization: `Bearer ${TOKEN}` }, signal });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffered = '';
      return {
        res,
        reader,
        async next(): Promise<string> {
          while (!buffered.includes('\n\n')) {
            const { value, done } = await reader.read();
            if (done) throw new Error('stream ended');
            buffered += decoder.decode(value, { stream: true });
          }
          const end = buffered.indexOf('\n\n');
          const frame = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          return frame;
        },
      };
    }

    async function until(check: () => boolean) {
      const deadline = Date.now() + 3000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error('timed out waiting');
        await new Promise((r) => setTimeout(r, 10));
      }
    }

    it('delivers core events as data frames and unsubscribes on disconnect', async () => {
      const core = testCore();
      const h = await start(core);
      const abort = new AbortController();
      const stream = await openStream(h, abort.signal);
      expect(stream.res.status).toBe(200);
      expect(stream.res.headers.get('content-type')).toBe('text/event-stream');
      expect(stream.res.headers.get('cache-control')).toBe('no-store');
      await until(() => core.listeners.size === 1);

      core.emit({ type: 'accounts.changed' });
      core.emit({ type: 'platforms.changed' });
      expect(await stream.next()).toBe('data: {"type":"accounts.changed"}');
      expect(await stream.next()).toBe('data: {"type":"platforms.changed"}');

      abort.abort();
      await until(() => core.listeners.size === 0);
    });

    it('needs the token', async () => {
      const core = testCore();
      const h = await start(core);
      const res = await fetch(`${h.origin}/api/events`);
      expect(res.status).toBe(401);
      expect(core.listeners.size).toBe(0);
    });

    it('close() with an open stream is prompt and ends the stream', async () => {
      const core = testCore();
      const h = await start(core);
      const stream = await openStream(h);
      await until(() => core.listeners.size === 1);
      const started = performance.now();
      await h.close();
      host = undefined;
      expect(performance.now() - started).toBeLessThan(1000);
      expect(core.listeners.size).toBe(0);
      await expect(stream.reader.read().then((r) => r.done)).resolves.toBe(true);
      await expect(fetch(`${h.origin}/`)).rejects.toThrow();
    });
  });

  describe('static files', () => {
    it('serves index.html at / with the security headers', async () => {
      const h = await start();
      const res = await send(h.port, { path: '/' });
      expect(res.status).toBe(200);
      expect(res.body).toContain('<title>Plugboard</title>');
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      );
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
    });

    it('serves index.html with the headers when named, and ignores the query', async () => {
      const h = await start();
      const res = await send(h.port, { path: '/index.html?x=1' });
      expect(res.status).toBe(200);
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    });

    it.each([
      ['/assets/app.js', 'text/javascript; charset=utf-8'],
      ['/assets/app.css', 'text/css; charset=utf-8'],
    ])('serves %s as %s', async (path, type) => {
      const h = await start();
      const res = await send(h.port, { path });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(type);
    });

    it('lets the browser keep a file named by its content hash, and asks it to check anything else', async () => {
      const h = await start();
      expect((await send(h.port, { path: '/assets/index-B4q51M_0.js' })).headers['cache-control']).toBe('public, max-age=31536000, immutable');
      for (const path of ['/', '/index.html', '/assets/app.js', '/assets/app.css']) {
        expect((await send(h.port, { path })).headers['cache-control'], path).toBe('no-cache');
      }
    });

    it('answers HEAD without a body', async () => {
      const h = await start();
      const res = await send(h.port, { method: 'HEAD', path: '/assets/app.js' });
      expect(res.status).toBe(200);
      expect(res.headers['content-length']).toBe('14');
      expect(res.body).toBe('');
    });

    it.each(['/nope.js', '/assets/', '/assets'])('answers 404 for %s', async (path) => {
      const h = await start();
      expect((await send(h.port, { path })).status).toBe(404);
    });

    it.each([
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    ])('refuses the traversal %s with 403', async (path) => {
      const h = await start();
      const res = await send(h.port, { path });
      expect(res.status).toBe(403);
      expect(res.body).not.toContain('TOP SECRET');
    });

    it('does not serve a backslash traversal', async () => {
      const h = await start();
      const res = await send(h.port, { path: '/..%5csecret.txt' });
      expect(res.status).not.toBe(200);
      expect(res.body).not.toContain('TOP SECRET');
    });

    it('refuses a NUL byte and malformed escapes', async () => {
      const h = await start();
      expect((await send(h.port, { path: '/index.html%00.js' })).status).toBe(400);
      expect((await send(h.port, { path: '/%E0%A4%A' })).status).toBe(400);
    });
  });
});
