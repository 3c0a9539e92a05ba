import { request } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import { freePort } from '../fakes/free-port.ts';
import { createHash } from 'node:crypto';
import { LANDING_CSP, isOpenAppUrl } from './landing-page.ts';
import { startLoopbackListener, type CallbackPage, type LoopbackCloseReason, type LoopbackListener, type LoopbackListenerOptions } from './loopback-listener.ts';

const STATE = 'st4te_0123456789-abcdef';
const PATH = '/callback/x';
const CONNECTED: CallbackPage = { done: true, ok: true, title: 'Connected', message: 'You can close this tab and return to Plugboard.' };

function manualClock() {
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  let now = 0;
  const clock: Clock & { advance(ms: number): void; pending(): number } = {
    now: () => now,
    setTimeout(fn, ms) {
      const timer = { at: now + ms, fn, live: true };
      timers.push(timer);
      return () => {
        timer.live = false;
      };
    },
    advance(ms) {
      now += ms;
      for (const t of timers) {
        if (t.live && t.at <= now) {
          t.live = false;
          t.fn();
        }
      }
    },
    pending: () => timers.filter((t) => t.live).length,
  };
  return clock;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

interface Page {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, opts: { method?: string; host?: string; hostHeader?: string } = {}): Promise<Page> {
  return new Promise((resolve, reject) => {
    const headers = opts.hostHeader ? { host: opts.hostHeader } : undefined;
    const req = request({ host: opts.host ?? '127.0.0.1', port, path, method: opts.method ?? 'GET', agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function refuses(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      reject(new Error(`${host}:${port} accepted a connection`));
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

function occupy(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolve(server));
  });
}

function release(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

const query = (params: Record<string, string>) => `${PATH}?${new URLSearchParams(params)}`;

const open: LoopbackListener[] = [];
afterEach(() => {
  for (const l of open.splice(0)) l.close();
});

async function listen(overrides: Partial<LoopbackListenerOptions> = {}) {
  const received: URLSearchParams[] = [];
  const closedWith: LoopbackCloseReason[] = [];
  const closed = deferred<LoopbackCloseReason>();
  const listener = await startLoopbackListener({
    port: 0,
    path: PATH,
    timeoutMs: 60_000,
    logger: silentLogger,
    clock: manualClock(),
    back: { kind: 'close-tab' },
    async onCallback(params) {
      received.push(params);
      return CONNECTED;
    },
    onClosed(reason) {
      closedWith.push(reason);
      closed.resolve(reason);
    },
    ...overrides,
  });
  open.push(listener);
  return { listener, received, closedWith, closed: closed.promise };
}

describe('startLoopbackListener', () => {
  it('hands a code+state callback to onCallback, answers the page and closes itself', async () => {
    const { listener, received, closedWith, closed } = await listen();
    expect(listener.redirectUri).toBe(`http://127.0.0.1:${listener.port}${PATH}`);

    const page = await get(listener.port, query({ code: 'abc.DEF-123_~+/=%', state: STATE, iss: 'https://x.com', scope: 'a b' }));
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Connected</h1>');
    expect(page.body).toContain('You can close this tab and return to Plugboard.');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(LANDING_CSP);
    expect(LANDING_CSP).toMatch(/^default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-[A-Za-z0-9+/]{43}='$/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    // Nothing is loaded from anywhere: the one inline script is the Back button's.
    expect(page.body).not.toMatch(/<(link|img)\b|https?:\/\/|<script\s+src/);

    expect(received).toHaveLength(1);
    expect(received[0].get('code')).toBe('abc.DEF-123_~+/=%');
    expect(received[0].get('state')).toBe(STATE);
    expect(received[0].get('iss')).toBe('https://x.com');

    expect(await closed).toBe('done');
    expect(closedWith).toEqual(['done']);
    expect(await refuses(listener.port)).toBe('ECONNREFUSED');
  });

  it('refuses a callback whose Host header names another site (DNS rebinding), and still takes the real one', async () => {
    const { listener: l, received: seen } = await listen();
    for (const hostHeader of ['evil.example:' + l.port, `127.0.0.1.evil.example:${l.port}`, '127.0.0.1', `127.0.0.1:${l.port + 1}`]) {
      const page = await get(l.port, `${PATH}?code=c0de&state=${STATE}`, { hostHeader });
      expect({ hostHeader, status: page.status }).toEqual({ hostHeader, status: 421 });
      expect(page.body).toContain('only answers sign-ins sent to 127.0.0.1 or localhost');
    }
    expect(seen).toHaveLength(0);
    const viaName = await get(l.port, `${PATH}?code=c0de&state=${STATE}`, { hostHeader: `LocalHost:${l.port}` });
    expect(viaName.status).toBe(200);
    expect(seen.map((p) => p.get('code'))).toEqual(['c0de']);
  });

  it('answers 409 to a second callback while the first is being processed', async () => {
    const gate = deferred<CallbackPage>();
    const received: URLSearchParams[] = [];
    const { listener } = await listen({
      onCallback: (params) => {
        received.push(params);
        return gate.promise;
      },
    });
    const first = get(listener.port, query({ code: 'first', state: STATE }));
    await expect.poll(() => received.length).toBe(1);

    const second = await get(listener.port, query({ code: 'second', state: STATE }));
    expect(second.status).toBe(409);
    expect(second.body).toContain('This sign-in link was already used');
    expect(received).toHaveLength(1);

    gate.resolve(CONNECTED);
    expect((await first).status).toBe(200);
  });

  it('refuses connections once a callback has settled the flow', async () => {
    const { listener, closed } = await listen();
    await get(listener.port, query({ code: 'c', state: STATE }));
    await closed;
    await expect(get(listener.port, query({ code: 'again', state: STATE }))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it.each([
    ['no state', { code: 'c' }],
    ['a short state', { code: 'c', state: 'abc' }],
    ['a long state', { code: 'c', state: 'a'.repeat(129) }],
    ['a state outside base64url', { code: 'c', state: `${STATE}=` }],
    ['neither code nor error', { state: STATE }],
    ['an empty code', { code: '', state: STATE }],
    ['a code with a space', { code: 'a b', state: STATE }],
    ['a code with markup', { code: '<script>', state: STATE }],
    ['a code over 2048 chars', { code: 'a'.repeat(2049), state: STATE }],
    ['both code and error', { code: 'c', error: 'access_denied', state: STATE }],
    ['an error in capitals', { error: 'Access_Denied', state: STATE }],
    ['an error with a newline', { error: 'access_denied\n', state: STATE }],
    ['an error over 64 chars', { error: 'a'.repeat(65), state: STATE }],
    ['an error_description over 1024 chars', { error: 'access_denied', error_description: 'x'.repeat(1025), state: STATE }],
  ])('answers 400 to a callback with %s, without calling onCallback', async (_, params) => {
    const { listener, received, closedWith } = await listen();
    const page = await get(listener.port, query(params));
    expect(page.status).toBe(400);
    expect(page.body).toContain('This sign-in link is incomplete');
    expect(received).toEqual([]);
    expect(closedWith).toEqual([]);
    expect((await get(listener.port, query({ code: 'c', state: STATE }))).status).toBe(200);
  });

  it('answers 400 to a repeated state or code', async () => {
    const { listener, received } = await listen();
    expect((await get(listener.port, `${PATH}?code=c&state=${STATE}&state=${STATE}x`)).status).toBe(400);
    expect((await get(listener.port, `${PATH}?code=c&code=d&state=${STATE}`)).status).toBe(400);
    expect(received).toEqual([]);
  });

  it('accepts the longest code and state the shape allows', async () => {
    const { listener, received } = await listen();
    const page = await get(listener.port, query({ code: 'c'.repeat(2048), state: 's'.repeat(128) }));
    expect(page.status).toBe(200);
    expect(received).toHaveLength(1);
  });

  it('passes error=access_denied through to onCallback and escapes the page', async () => {
    const received: URLSearchParams[] = [];
    const { listener, closed } = await listen({
      async onCallback(params) {
        received.push(params);
        return { done: true, ok: false, title: 'Access denied', message: `The platform said: ${params.get('error_description')}` };
      },
    });
    const page = await get(listener.port, query({ error: 'access_denied', error_description: '<b>"No" & \'never\'</b>', state: STATE }));
    expect(received[0].get('error')).toBe('access_denied');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Access denied</h1>');
    expect(page.body).toContain('&#60;b&#62;&#34;No&#34; &#38; &#39;never&#39;&#60;/b&#62;');
    expect(page.body).not.toContain('<b>');
    expect(await closed).toBe('done');
  });

  it('offers Back to Plugboard: closing the tab in the browser host, whose script the CSP allows by its hash', async () => {
    const { listener } = await listen();
    const page = await get(listener.port, query({ code: 'c', state: STATE }));
    expect(page.body).toContain('<button type="button" class="back" id="back">Back to Plugboard</button>');
    const script = /<script>([^<]*)<\/script>/.exec(page.body)?.[1];
    expect(script).toContain('window.close()');
    expect(LANDING_CSP).toContain(`'sha256-${createHash('sha256').update(script!).digest('base64')}'`);
  });

  it('offers Back to Plugboard as a plugboard:// link in the desktop app, on every kind of page', async () => {
    const answers: CallbackPage[] = [
      { done: false, ok: false, title: 'Unknown sign-in', message: 'Nothing was changed.' },
      { done: true, ok: false, cancelled: true, title: 'You cancelled — nothing changed', message: 'You declined.' },
    ];
    const { listener } = await listen({ back: { kind: 'link', url: 'plugboard://open' }, onCallback: async () => answers.shift()! });
    const notFound = await get(listener.port, '/elsewhere');
    const unknown = await get(listener.port, query({ code: 'c', state: STATE }));
    const declined = await get(listener.port, query({ error: 'access_denied', state: STATE }));
    for (const page of [notFound, unknown, declined]) {
      expect(page.body).toContain('<a class="back" href="plugboard://open">Back to Plugboard</a>');
      expect(page.body).not.toContain('<script');
    }
    // The user's own Cancel is grey, not the red of a failure.
    expect(declined.body).toContain('border-top: 4px solid #57606a');
    expect(unknown.body).toContain('border-top: 4px solid #b42318');
    // The shell shows its window for that address, whatever case or trailing slash the OS hands on.
    expect(isOpenAppUrl('PLUGBOARD://open/')).toBe(true);
    expect(isOpenAppUrl('plugboard://oauth/callback/x?code=c&state=s')).toBe(false);
  });

  it('stays open for the real callback after a done:false answer', async () => {
    const answers: CallbackPage[] = [
      { done: false, ok: false, title: 'This sign-in is out of date', message: 'Close this tab.' },
      CONNECTED,
    ];
    const received: URLSearchParams[] = [];
    const { listener, closedWith, closed } = await listen({
      async onCallback(params) {
        received.push(params);
        return answers[received.length - 1];
      },
    });
    const stale = await get(listener.port, query({ code: 'old', state: 'stale-state-0123456789' }));
    expect(stale.body).toContain('out of date');
    expect(closedWith).toEqual([]);

    const real = await get(listener.port, query({ code: 'new', state: STATE }));
    expect(real.body).toContain('Connected');
    expect(received.map((p) => p.get('code'))).toEqual(['old', 'new']);
    expect(await closed).toBe('done');
  });

  it('answers a failure page and stays open when onCallback throws', async () => {
    let calls = 0;
    const { listener, closedWith } = await listen({
      async onCallback() {
        calls++;
        throw new Error('exchange blew up');
      },
    });
    const page = await get(listener.port, query({ code: 'c', state: STATE }));
    expect(page.body).toContain('Sign-in failed');
    expect(page.body).not.toContain('blew up');
    expect(closedWith).toEqual([]);
    await get(listener.port, query({ code: 'c', state: STATE }));
    expect(calls).toBe(2);
  });

  it.each([
    ['GET', '/favicon.ico'],
    ['GET', '/'],
    ['GET', '/callback/x/'],
    ['GET', '/callback/y?code=c&state=' + STATE],
    ['POST', query({ code: 'c', state: STATE })],
    ['HEAD', query({ code: 'c', state: STATE })],
  ])('answers 404 to %s %s without touching the flow', async (method, path) => {
    const { listener, received, closedWith } = await listen();
    expect((await get(listener.port, path, { method })).status).toBe(404);
    expect(received).toEqual([]);
    expect(closedWith).toEqual([]);
  });

  it('times out after timeoutMs and reports it', async () => {
    const clock = manualClock();
    const { listener, received, closedWith, closed } = await listen({ clock, timeoutMs: 5000 });
    clock.advance(4999);
    expect(closedWith).toEqual([]);
    clock.advance(1);
    expect(await closed).toBe('timeout');
    expect(await refuses(listener.port)).toBe('ECONNREFUSED');
    expect(received).toEqual([]);
  });

  it('lets a callback that arrived in time finish, then reports the timeout if it did not settle the flow', async () => {
    const clock = manualClock();
    const gate = deferred<CallbackPage>();
    const { listener, received, closedWith, closed } = await listen({
      clock,
      timeoutMs: 5000,
      onCallback: (params) => {
        received.push(params);
        return gate.promise;
      },
    });
    const pending = get(listener.port, query({ code: 'c', state: STATE }));
    await expect.poll(() => received.length).toBe(1);
    clock.advance(5000);
    expect(closedWith).toEqual([]);

    gate.resolve({ done: false, ok: false, title: 'Not this one', message: 'Stale.' });
    expect((await pending).body).toContain('Not this one');
    expect(await closed).toBe('timeout');
  });

  it('close() cancels: reports closed, refuses later connections and frees the port', async () => {
    const port = await freePort();
    const clock = manualClock();
    const { listener, closedWith } = await listen({ port, clock });
    expect(listener.port).toBe(port);
    listener.close();
    listener.close();
    expect(closedWith).toEqual(['closed']);
    expect(clock.pending()).toBe(0);
    expect(await refuses(port)).toBe('ECONNREFUSED');

    const again = await listen({ port });
    expect(again.listener.port).toBe(port);
  });

  it('close() drops idle keep-alive connections promptly', async () => {
    const { listener } = await listen();
    const socket = connect({ host: '127.0.0.1', port: listener.port });
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('data', () => {});
    socket.write(`GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1:${listener.port}\r\nConnection: keep-alive\r\n\r\n`);
    await new Promise((r) => socket.once('data', r));
    const started = performance.now();
    listener.close();
    await ended;
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('answers a callback that is still being processed when close() is called', async () => {
    const gate = deferred<CallbackPage>();
    const received: URLSearchParams[] = [];
    const { listener, closedWith } = await listen({
      onCallback: (params) => {
        received.push(params);
        return gate.promise;
      },
    });
    const pending = get(listener.port, query({ code: 'c', state: STATE }));
    await expect.poll(() => received.length).toBe(1);
    listener.close();
    expect(await refuses(listener.port)).toBe('ECONNREFUSED');
    gate.resolve({ done: true, ok: false, title: 'Cancelled', message: 'You cancelled this connection in Plugboard.' });
    const page = await pending;
    expect(page.body).toContain('Cancelled');
    expect(page.headers.connection).toBe('close');
    expect(closedWith).toEqual(['closed']);
  });

  it('rejects with a plain sentence when the port is taken', async () => {
    const occupant = await occupy();
    const { port } = occupant.address() as { port: number };
    try {
      await expect(listen({ port })).rejects.toThrow(
        new Error(
          `Port ${port} on this computer is already in use by another program, so Plugboard cannot receive the sign-in. Close that program or choose another port for this platform.`,
        ),
      );
    } finally {
      await release(occupant);
    }
  });

  it('listens on 127.0.0.1 only', async () => {
    const { listener } = await listen();
    expect(await refuses(listener.port, '127.0.0.2')).toBe('ECONNREFUSED');
    expect(await refuses(listener.port, '::1')).toMatch(/ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH/);
  });

  it('survives a request target that is not a valid URL', async () => {
    const { listener } = await listen();
    const reply = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: listener.port });
      let text = '';
      socket.on('data', (c) => (text += c));
      socket.on('close', () => resolve(text));
      socket.end(`GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${listener.port}\r\nConnection: close\r\n\r\n`);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 404/);
    expect((await get(listener.port, query({ code: 'c', state: STATE }))).status).toBe(200);
  });

  it('refuses a path that does not start with /', async () => {
    await expect(listen({ path: 'callback/x' })).rejects.toThrow(/must start with '\/'/);
  });
});
