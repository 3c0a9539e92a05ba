// The lifecycle (scheduler + refresh + notices) through openCore, against the fake X
// over real HTTP, with a real SQLite file and vault. Time is the fake's clock: the
// core reads it, and its timers are recorded here and fired only when a test moves
// the clock (advance), earliest first, each at its own due time. Between the core
// and the fake sits a small HTTP relay (the "network"), so a test can cut the
// network for real (connections reset) or hold one request in flight.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX, type FakeXOptions } from '../fakes/x.ts';
import type { MethodName, NoticeView, Params, Results } from '../api/contract.ts';
import { openConfPrefs, type Prefs } from '../prefs/prefs.ts';
import { backoffDelay } from '../scheduler/timing.ts';
import { Accounts } from '../store/accounts.ts';
import { Activity } from '../store/activity.ts';
import { DB_FILE, openDatabase } from '../store/db.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { PassphraseKeyWrapper } from '../vault/passphrase-wrapper.ts';
import { Secrets } from '../vault/secrets.ts';
import { Vault } from '../vault/vault.ts';
import type { Clock } from './clock.ts';
import { openCore } from './core.ts';
import { nextTry } from '../scheduler/timing.ts';
import { RECENT_RENEWAL_MS } from './lifecycle.ts';
import { silentLogger } from './logger.ts';
import type { Core } from './types.ts';

const USER = '1500000000000000001';
const OTHER_USER = '1500000000000000002';
const CLIENT_ID = 'lifecycle-test-client';
const CLIENT_SECRET = 'lifecycle-test-secret-7c1d9a';
const REDIRECT = 'plugboard://oauth/callback/x';
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** X's access tokens live 2 h; random() = 0.5 → renew 12 min (10%) + 1 min (half the 2 min jitter) before expiry. */
const RENEW_AFTER = 2 * HOUR - 13 * MINUTE;
const SERVER_ERROR_SENTENCE = 'X (Twitter) answered with a server error (HTTP 500); Plugboard will try again later.';
const wrapper = () => new PassphraseKeyWrapper('lifecycle-test-passphrase', { logN: 14 });

// ---------------------------------------------------------------------------
// The clock: the fake's time, and timers that fire only when a test moves it.

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  live: boolean;
}

class ManualClock implements Clock {
  readonly #timers: Timer[] = [];
  #seq = 0;
  readonly #fake: FakeX;

  constructor(fake: FakeX) {
    this.#fake = fake;
  }

  now = (): number => this.#fake.now();

  setTimeout = (fn: () => void, ms: number): (() => void) => {
    const timer: Timer = { at: this.now() + ms, seq: this.#seq++, fn, live: true };
    this.#timers.push(timer);
    return () => {
      timer.live = false;
    };
  };

  /** The earliest live timer's due time. */
  nextAt(): number | null {
    let at: number | null = null;
    for (const t of this.#timers) if (t.live && (at === null || t.at < at)) at = t.at;
    return at;
  }

  /** Fires every live timer due by now, earliest first (timers they set are fired too when due). Returns how many fired. */
  fireDue(): number {
    let fired = 0;
    for (;;) {
      const now = this.now();
      const due = this.#timers.filter((t) => t.live && t.at <= now).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      due.live = false;
      fired++;
      due.fn();
      if (fired > 10_000) throw new Error('timers keep re-arming at once');
    }
    for (let i = this.#timers.length - 1; i >= 0; i--) if (!this.#timers[i]!.live) this.#timers.splice(i, 1);
    return fired;
  }
}

// ---------------------------------------------------------------------------
// The network between the core and the fake: a relay that can be cut or hold a request.

interface Relayed {
  method: string;
  path: string;
  body: string;
}

interface Network {
  /** http://127.0.0.1:PORT of the relay. */
  readonly origin: string;
  /** Fake-clock times of connections reset while the network was down. */
  readonly refused: number[];
  /** Runs before each request is passed on; may hold it (return a promise). */
  before: ((req: Relayed) => void | Promise<void>) | null;
  setDown(down: boolean): void;
  close(): Promise<void>;
}

async function startNetwork(fake: FakeX): Promise<Network> {
  const upstream = new URL(fake.origin);
  const sockets = new Set<Socket>();
  let down = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void relay(req, res, Buffer.concat(chunks)));
  });
  const cut = (req: IncomingMessage) => {
    network.refused.push(fake.now());
    req.socket.destroy();
  };
  async function relay(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    try {
      await network.before?.({ method: req.method ?? 'GET', path: req.url ?? '/', body: body.toString('utf8') });
    } catch {
      req.socket.destroy();
      return;
    }
    if (down) return cut(req);
    const up = httpRequest({ host: upstream.hostname, port: Number(upstream.port), method: req.method, path: req.url, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => req.socket.destroy());
    up.end(body);
  }
  // While down, every new connection is reset at once: what fetch sees when the network is gone.
  server.on('connection', (socket: Socket) => {
    if (down) {
      network.refused.push(fake.now());
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const network: Network = {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refused: [],
    before: null,
    setDown(value) {
      down = value;
      // Kept-alive connections die with the network too.
      if (value) for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return network;
}

// ---------------------------------------------------------------------------
// The harness: one fake X, one relay, one data folder, one core at a time.

interface Options {
  fakeX?: FakeXOptions;
  /** The OS's word on connectivity; absent: the core is given no isOnline. */
  isOnline?: () => boolean;
  /** Read time-out (default 2 s) and token-request deadline (default four times that), ms. */
  httpTimeoutMs?: number;
  httpTokenTimeoutMs?: number;
}

interface Harness {
  fake: FakeX;
  net: Network;
  clock: ManualClock;
  dataDir: string;
  prefs: Prefs;
  readonly core: Core;
  /** Every desktop notification the core asked for, across restarts. */
  notified: NoticeView[];
  open(): Promise<Core>;
  close(): Promise<void>;
  restart(): Promise<Core>;
  /** Fires due timers and waits until no refresh is running or waiting. */
  settle(): Promise<void>;
  /** Moves the clock by ms, firing each timer at its own due time and letting its work finish. */
  advance(ms: number): Promise<void>;
  /** Moves the clock to t (fake-clock ms), as advance does. */
  advanceTo(t: number): Promise<void>;
  connect(userId?: string): Promise<string>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function setup(opts: Options = {}): Promise<Harness> {
  const fake = await startFakeX(opts.fakeX);
  cleanups.push(() => fake.close());
  const net = await startNetwork(fake);
  cleanups.push(() => net.close());
  fake.registerApp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT] });
  const dataDir = tempDir('plugboard-lifecycle-');
  const prefs = openConfPrefs(dataDir);
  prefs.set('redirect', { x: { kind: 'protocol' } });
  const clock = new ManualClock(fake);
  // Every platform origin goes through the relay, which passes it on to the fake.
  const origins = Object.fromEntries(Object.keys(fake.originMap()).map((k) => [k, net.origin]));
  const notified: NoticeView[] = [];
  let current: Core | null = null;

  const h: Harness = {
    fake,
    net,
    clock,
    dataDir,
    prefs,
    notified,
    get core(): Core {
      if (!current) throw new Error('the core is closed');
      return current;
    },
    async open() {
      if (current) throw new Error('the core is already open');
      const core = await openCore({
        dataDir,
        keyWrapper: wrapper(),
        prefs,
        openExternal: null,
        redirectKinds: ['loopback', 'protocol', 'manual'],
        origins,
        clock,
        logger: silentLogger,
        httpTimeoutMs: opts.httpTimeoutMs ?? 2000,
        ...(opts.httpTokenTimeoutMs ? { httpTokenTimeoutMs: opts.httpTokenTimeoutMs } : {}),
        random: () => 0.5,
        notify: (n) => notified.push(n),
        ...(opts.isOnline ? { isOnline: opts.isOnline } : {}),
      });
      current = core;
      // Start-up catch-up may have launched work; let it finish.
      await h.settle();
      return core;
    },
    async close() {
      const core = current;
      current = null;
      await core?.close();
    },
    async restart() {
      await h.close();
      return h.open();
    },
    async settle() {
      let idle = 0;
      for (let i = 0; i < 20_000; i++) {
        const fired = clock.fireDue();
        const status = await ok(h.core, 'app.status', {});
        if (fired === 0 && status.refreshing === 0) {
          if (++idle >= 3) return;
        } else idle = 0;
        // Real I/O (the HTTP requests to the fake) needs real event-loop turns.
        await new Promise((r) => setTimeout(r, 1));
      }
      throw new Error('the core never became idle');
    },
    async advance(ms) {
      await h.advanceTo(clock.now() + ms);
    },
    async advanceTo(target) {
      for (let guard = 0; ; guard++) {
        if (guard > 100_000) throw new Error('advance: timers keep coming');
        const next = clock.nextAt();
        if (next === null || next > target) break;
        const gap = next - clock.now();
        if (gap > 0) fake.advance(gap / 1000);
        await h.settle();
      }
      const rest = target - clock.now();
      if (rest > 0) fake.advance(rest / 1000);
      await h.settle();
    },
    async connect(userId = USER) {
      fake.autoApprove(userId);
      const start = await ok(h.core, 'connect.start', { platform: 'x' });
      const res = await fetch(start.authorizeUrl, { redirect: 'manual' });
      const landing = res.headers.get('location');
      if (res.status !== 302 || !landing) throw new Error(`the fake did not redirect (HTTP ${res.status}): ${await res.text()}`);
      await h.core.handleProtocolUrl(landing);
      const flow = await ok(h.core, 'connect.status', { flowId: start.flowId });
      if (flow.state !== 'connected' || !flow.accountId) throw new Error(`connect ended ${flow.state}: ${flow.error}`);
      await h.settle();
      return flow.accountId;
    },
  };
  cleanups.push(() => h.close());
  await h.open();
  await ok(h.core, 'credentials.save', { platform: 'x', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  return h;
}

async function ok<M extends MethodName>(core: Core, method: M, params: Params<M>): Promise<Results[M]> {
  const r = await core.call(method, params);
  if (!r.ok) throw new Error(`${method} failed: ${r.error.code}: ${r.error.message}`);
  return r.result as Results[M];
}

async function account(h: Harness, id: string) {
  const found = (await ok(h.core, 'accounts.list', {})).find((a) => a.id === id);
  if (!found) throw new Error(`account ${id} is not listed`);
  return found;
}

const expiry = async (h: Harness, id: string) => Date.parse((await account(h, id)).tokenExpiresAt!);

const requestsTo = (fake: FakeX, endpoint: string) => fake.requests.filter((r) => r.endpoint === endpoint);

/** The visible notices of an account, as "threshold" names (the id is account|threshold|deadline). */
async function noticeKinds(h: Harness, id?: string): Promise<string[]> {
  const list = await ok(h.core, 'notices.list', {});
  return list
    .filter((n) => id === undefined || n.accountId === id)
    .map((n) => n.id.split('|')[1]!)
    .sort();
}

/** Edits the database while the core is closed (as another tool would). */
function withDb<T>(h: Harness, fn: (db: Database.Database) => T): T {
  const db = new Database(`${h.dataDir}/${DB_FILE}`);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** The sealed token bytes as stored, read through a second connection (WAL lets it read while the core runs). */
function sealedTokens(h: Harness, id: string): string {
  const db = new Database(`${h.dataDir}/${DB_FILE}`, { readonly: true });
  try {
    const rows = db.prepare('SELECT field, sealed FROM secrets WHERE owner = ? ORDER BY field').all(`account:${id}`) as { field: string; sealed: Buffer }[];
    return rows.map((r) => `${r.field}:${r.sealed.toString('hex')}`).join(',');
  } finally {
    db.close();
  }
}

/** Another Plugboard process on the same data folder: its own connection, vault and store. */
async function otherProcess(h: Harness) {
  const db = openDatabase(h.dataDir);
  const vault = await Vault.open(db, wrapper(), h.clock.now());
  const secrets = new Secrets(db, vault);
  const accounts = new Accounts(db, secrets, new Activity(db));
  cleanups.push(async () => {
    db.close();
  });
  return { db, accounts };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

// ---------------------------------------------------------------------------

describe('renewal before expiry', () => {
  it('renews a 2-hour token before it expires, all day, and never uses an expired one', async () => {
    const h = await setup();
    const id = await h.connect();
    const connectedAt = h.clock.now();
    let lastExpiry = await expiry(h, id);

    for (let elapsed = 0; elapsed < DAY; elapsed += 5 * MINUTE) {
      await h.advance(5 * MINUTE);
      const a = await account(h, id);
      // The stricter check, at every step: the stored token is still valid and the account is green.
      expect(Date.parse(a.tokenExpiresAt!)).toBeGreaterThan(h.clock.now());
      expect(a.status).toBe('connected');
      expect(Date.parse(a.tokenExpiresAt!)).toBeGreaterThanOrEqual(lastExpiry);
      lastExpiry = Date.parse(a.tokenExpiresAt!);
    }

    const log = h.fake.requests.filter((r) => r.endpoint === 'me' || r.endpoint === 'refresh');
    // X never had to refuse the app: no request with an expired or unknown token.
    expect(log.filter((r) => r.status !== 200)).toEqual([]);
    const refreshes = requestsTo(h.fake, 'refresh');
    // 24 h / (2 h − 13 min) = 13.5
    expect(refreshes).toHaveLength(13);
    let previous = connectedAt;
    for (const r of refreshes) {
      const gap = r.at - previous;
      // Each renewal 1 h 47 min after the token it replaces, well before its 2 h expiry.
      expect(gap).toBeGreaterThan(RENEW_AFTER - MINUTE);
      expect(gap).toBeLessThan(RENEW_AFTER + MINUTE);
      previous = r.at;
    }
    // Every renewal re-read the profile, with the new token.
    expect(requestsTo(h.fake, 'me')).toHaveLength(1 + 13);
    const kinds = (await ok(h.core, 'accounts.activity', { accountId: id })).map((a) => a.kind);
    expect(kinds.filter((k) => k === 'refreshed')).toHaveLength(13);
    expect(kinds).not.toContain('refresh_failed');
    expect(await ok(h.core, 'notices.list', {})).toEqual([]);
  });

  it('catches up at start-up when the app was closed across the renewal time', async () => {
    const h = await setup();
    const id = await h.connect();
    await h.close();
    h.fake.advance(5 * 3600);
    await h.open();
    const refreshes = requestsTo(h.fake, 'refresh');
    expect(refreshes.map((r) => r.status)).toEqual([200]);
    expect(await expiry(h, id)).toBeGreaterThan(h.clock.now() + HOUR);
    expect((await account(h, id)).status).toBe('connected');
  });
});

describe('one flight per account', () => {
  it('20 refresh clicks in the same tick as the timer make exactly 1 platform request', async () => {
    const h = await setup();
    const id = await h.connect();
    await h.advance(RENEW_AFTER - MINUTE);
    expect(requestsTo(h.fake, 'refresh')).toHaveLength(0);
    // Move the clock onto the renewal time without firing the timer yet.
    const due = h.clock.nextAt()!;
    h.fake.advance((due - h.clock.now()) / 1000);

    const clicks: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) clicks.push(h.core.call('accounts.refresh', { accountId: id }));
    expect(h.clock.fireDue()).toBe(1);
    for (let i = 0; i < 10; i++) clicks.push(h.core.call('accounts.refresh', { accountId: id }));
    clicks.push(h.core.call('accounts.refreshAll', {}));
    const replies = (await Promise.all(clicks)) as { ok: boolean; result?: { tokenExpiresAt?: string } }[];
    await h.settle();

    expect(replies.every((r) => r.ok)).toBe(true);
    expect(requestsTo(h.fake, 'refresh').map((r) => r.status)).toEqual([200]);
    // Everyone was answered with the one renewed token.
    const expiries = new Set(replies.slice(0, 20).map((r) => r.result!.tokenExpiresAt));
    expect([...expiries]).toEqual([(await account(h, id)).tokenExpiresAt]);
    expect(await ok(h.core, 'accounts.refreshAll', {})).toEqual({ refreshed: 1, needReconnect: [], failed: [], noExpiry: 0, notRenewable: 0 });
  });

  it('triggers arriving while the request is out (clicks, Refresh all, timer, resume, back online) join it', async () => {
    const h = await setup();
    const id = await h.connect();
    const arrived = deferred();
    const release = deferred();
    h.net.before = async (req) => {
      if (req.body.includes('grant_type=refresh_token')) {
        arrived.resolve();
        await release.promise;
      }
    };
    // The timer starts the refresh; the relay holds it in flight.
    await h.advance(RENEW_AFTER - MINUTE);
    h.fake.advance((h.clock.nextAt()! - h.clock.now()) / 1000);
    h.clock.fireDue();
    await arrived.promise;

    const clicks: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      clicks.push(h.core.call('accounts.refresh', { accountId: id }));
      if (i % 5 === 0) await new Promise((r) => setImmediate(r));
    }
    clicks.push(h.core.call('accounts.refreshAll', {}));
    h.core.resume();
    h.core.setOnline(true);
    h.clock.fireDue();
    expect((await account(h, id)).status).toBe('refreshing');
    release.resolve();
    const replies = (await Promise.all(clicks)) as { ok: boolean }[];
    await h.settle();

    expect(replies.every((r) => r.ok)).toBe(true);
    expect(requestsTo(h.fake, 'refresh').map((r) => r.status)).toEqual([200]);
    expect((await account(h, id)).status).toBe('connected');
    // And nothing renews again until the new token's own renewal time.
    await h.advance(RENEW_AFTER - 2 * MINUTE);
    expect(requestsTo(h.fake, 'refresh')).toHaveLength(1);
  });
  // Regression: a burst of clicks made 3–5 requests, because every click arriving just after the
  // renewal finished started a new one.
  it('a burst of 20 clicks, most arriving after the renewal finished, makes exactly 1 platform request', async () => {
    const h = await setup();
    const id = await h.connect();
    await h.advance(10 * MINUTE);
    const burst: Promise<{ ok: boolean; result?: { tokenExpiresAt?: string } }>[] = [];
    for (let i = 0; i < 5; i++) burst.push(h.core.call('accounts.refresh', { accountId: id }) as never);
    expect((await burst[0]!).ok).toBe(true);
    // The rest of the burst comes after the renewal was stored, a few clicks at a time.
    for (let i = 0; i < 15; i++) {
      burst.push(h.core.call('accounts.refresh', { accountId: id }) as never);
      if (i % 4 === 3) await new Promise((r) => setTimeout(r, 10));
    }
    const all = await ok(h.core, 'accounts.refreshAll', {});
    const replies = await Promise.all(burst);
    await h.settle();

    expect(replies.map((r) => r.ok)).toEqual(Array(20).fill(true));
    expect(all).toEqual({ refreshed: 1, needReconnect: [], failed: [], noExpiry: 0, notRenewable: 0 });
    expect(requestsTo(h.fake, 'refresh').map((r) => r.status)).toEqual([200]);
    // Every click was answered with that one renewal.
    expect(new Set(replies.map((r) => r.result!.tokenExpiresAt))).toEqual(new Set([(await account(h, id)).tokenExpiresAt]));

    // Once the window has passed, a click renews again.
    await h.advance(RECENT_RENEWAL_MS + SECOND);
    await ok(h.core, 'accounts.refresh', { accountId: id });
    expect(requestsTo(h.fake, 'refresh').map((r) => r.status)).toEqual([200, 200]);
  });

  // Regression: a click that joins a run already under way adds the account to Lifecycle.#forced
  // after that run consumed its mark; a stale mark would force the next scheduler run (here a
  // notice threshold three days later) to renew a token that is nowhere near due.
  it('a click that joins a refresh in flight leaves no forced renewal behind', async () => {
    const h = await setup({ fakeX: { accessTokenLifetimeSec: 30 * 24 * 3600, refreshTokenLifetimeSec: 10 * 24 * 3600 } });
    const id = await h.connect();
    const deadline = Date.parse((await account(h, id)).connectionExpiresAt!);
    const arrived = deferred();
    const release = deferred();
    h.net.before = async (req) => {
      if (req.body.includes('grant_type=refresh_token')) {
        arrived.resolve();
        await release.promise;
      }
    };
    const first = h.core.call('accounts.refresh', { accountId: id });
    await arrived.promise;
    const second = h.core.call('accounts.refresh', { accountId: id });
    release.resolve();
    expect((await Promise.all([first, second])).map((r) => r.ok)).toEqual([true, true]);
    h.net.before = null;
    await h.settle();
    expect(requestsTo(h.fake, 'refresh')).toHaveLength(1);

    // The 7-day threshold wakes the scheduler; the 30-day token is not due.
    await h.advanceTo(deadline - 7 * DAY + MINUTE);
    expect(h.notified.map((n) => n.title)).toEqual(['X (Twitter) @plugboard_demo expires in 7 days']);
    // The date in words, as the window writes it ("Jun 22"), never an ISO date in a sentence.
    const day = new Date(deadline).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
    expect(h.notified[0]!.body).toBe(`X (Twitter) cannot renew this connection by itself; it ends ${day}. Reconnect before then.`);
    expect(requestsTo(h.fake, 'refresh')).toHaveLength(1);
  });
});

describe('a refused refresh', () => {
  for (const how of ['revoked at X', 'invalid_grant injected'] as const) {
    it(`(${how}) turns the account red with one notice, no retries, until Reconnect`, async () => {
      const h = await setup();
      const id = await h.connect();
      if (how === 'revoked at X') h.fake.revokeUser(USER);
      else h.fake.failNext('refresh', 'invalid_grant');

      await h.advance(2 * HOUR);
      const red = await account(h, id);
      expect(red.status).toBe('expired');
      expect(red.lastError?.kind).toBe('auth');
      expect(red.statusReason).toMatch(/Reconnect/);
      expect(await noticeKinds(h, id)).toEqual(['refused']);
      expect(h.notified).toHaveLength(1);
      expect(h.notified[0]).toMatchObject({ accountId: id, title: 'X (Twitter) @plugboard_demo needs you' });
      // The platform's own sentence, which ends in what to do; the window puts its Reconnect button beside it.
      expect(h.notified[0]!.body).toBe(red.lastError!.message);
      expect(requestsTo(h.fake, 'refresh')).toHaveLength(1);
      expect(h.core.attention().map((a) => [a.accountId, a.status])).toEqual([[id, 'expired']]);

      // Two days later: no retry storm, no second notice.
      for (let i = 0; i < 48; i++) await h.advance(HOUR);
      expect(requestsTo(h.fake, 'refresh')).toHaveLength(1);
      expect(await noticeKinds(h, id)).toEqual(['refused']);
      expect(h.notified).toHaveLength(1);

      // A restart neither retries nor notifies again.
      await h.restart();
      await h.advance(HOUR);
      expect(requestsTo(h.fake, 'refresh')).toHaveLength(1);
      expect(h.notified).toHaveLength(1);

      // The user may ask (the refresh icon); when X refuses again, still the one notice.
      if (how === 'invalid_grant injected') h.fake.failNext('refresh', 'invalid_grant');
      const again = await h.core.call('accounts.refresh', { accountId: id });
      expect(again.ok).toBe(false);
      expect(!again.ok && again.error).toMatchObject({ code: 'platform', kind: 'auth' });
      expect(requestsTo(h.fake, 'refresh')).toHaveLength(2);
      expect(await noticeKinds(h, id)).toEqual(['refused']);
      expect(h.notified).toHaveLength(1);

      // Reconnect as the same user: the same account, green, and renewing on time again.
      expect(await h.connect(USER)).toBe(id);
      const green = await account(h, id);
      expect(green.status).toBe('connected');
      expect(green.lastError).toBeNull();
      expect((await ok(h.core, 'app.status', {})).scheduled).toBe(1);
      const before = requestsTo(h.fake, 'refresh').length;
      await h.advance(2 * HOUR);
      expect(requestsTo(h.fake, 'refresh').slice(before).map((r) => r.status)).toEqual([200]);
      expect((await account(h, id)).status).toBe('connected');
      expect(h.notified).toHaveLength(1);

      // A new refusal of the new grant is news: one more notice.
      h.fake.revokeUser(USER);
      await h.advance(2 * HOUR);
      expect((await account(h, id)).status).toBe('expired');
      expect(h.notified).toHaveLength(2);
      expect(await noticeKinds(h, id)).toEqual(['refused', 'refused']);
    });
  }
});

describe('network outage', () => {
  it('leaves the status unchanged over two days, backs off, and catches up when the network returns', async () => {
    const h = await setup();
    const id = await h.connect();
    const events: string[] = [];
    h.core.subscribe((e) => events.push(e.type));
    await h.advance(HOUR);
    const tokensBefore = sealedTokens(h, id);
    const expiryBefore = (await account(h, id)).tokenExpiresAt;

    h.net.setDown(true);
    const statuses = new Set<string>();
    for (let elapsed = 0; elapsed < 2 * DAY; elapsed += 15 * MINUTE) {
      await h.advance(15 * MINUTE);
      const a = await account(h, id);
      statuses.add(a.status);
      expect(a.tokenExpiresAt).toBe(expiryBefore);
    }
    // Never red: "offline — will retry".
    expect([...statuses].sort()).toEqual(['connected', 'offline']);
    const offline = await account(h, id);
    expect(offline.status).toBe('offline');
    expect(offline.lastError?.kind).toBe('network');
    expect(sealedTokens(h, id)).toBe(tokensBefore);
    expect((await ok(h.core, 'app.status', {})).online).toBe(false);
    expect(events).toContain('app.changed');
    expect(await ok(h.core, 'notices.list', {})).toEqual([]);
    expect(h.core.attention()).toEqual([]);

    // Backoff: 22.5 s, 45 s, 90 s … up to 45 min (random = 0.5), not hundreds of attempts.
    const attempts = h.net.refused;
    expect(attempts.length).toBeGreaterThan(5);
    expect(attempts.length).toBeLessThan(80);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    gaps.forEach((gap, i) => {
      expect(Math.abs(gap - backoffDelay(i, () => 0.5))).toBeLessThan(2 * SECOND);
    });
    expect(Math.max(...gaps)).toBeLessThanOrEqual(HOUR);
    expect(requestsTo(h.fake, 'refresh')).toHaveLength(0);

    // The network is back: the next scheduled retry renews, and the account says it recovered.
    h.net.setDown(false);
    const nextRetry = h.clock.nextAt()!;
    await h.advanceTo(nextRetry - SECOND);
    expect(requestsTo(h.fake, 'refresh')).toHaveLength(0);
    await h.advanceTo(nextRetry + SECOND);
    expect(requestsTo(h.fake, 'refresh').map((r) => r.status)).toEqual([200]);
    const back = await account(h, id);
    expect(back.status).toBe('connected');
    expect(back.lastError).toBeNull();
    expect(Date.parse(back.tokenExpiresAt!)).toBeGreaterThan(h.clock.now() + HOUR);
    expect((await ok(h.core, 'accounts.activity', { accountId: id }))[0]!.kind).toBe('recovered');
    expect((await ok(h.core, 'app.status', {})).online).toBe(true);
    // And renewing on time from there.
    await h.advance(RENEW_AFTER + MINUTE);
    expect(requestsTo(h.fake, 'refresh').map((r) => r.status)).toEqual([200, 200]);
  });

  it('sends nothing while the OS says offline, and renews at once when it says online again', async () => {
    let osOnline = true;
    const h = await setup({ isOnline: () => osOnline });
    const id = await h.connect();
    await h.advance(HOUR);
    const before = h.fake.requests.length;
    const tokensBefore = sealedTokens(h, id);

    osOnline = false;
    h.core.setOnline(false);
    const statuses = new Set<string>();
    for (let elapsed = 0; elapsed < 6 * HOUR; elapsed += 5 * MINUTE) {
      await h.advance(5 * MINUTE);
      statuses.add((await account(h, id)).status);
    }
    expect(h.fake.requests.length).toBe(before);
    expect(h.net.refused).toEqual([]);
    expect([...statuses].sort()).toEqual(['connected', 'offline']);
    expect((await ok(h.core, 'app.status', {})).online).toBe(false);
    expect(sealedTokens(h, id)).toBe(tokensBefore);
    // A click while the OS says offline says so, and sends nothing.
    const click = await h.core.call('accounts.refresh', { accountId: id });
    expect(!click.ok && click.error.code).toBe('offline');
    expect(h.fake.requests.length).toBe(before);

    osOnline = true;
    h.core.setOnline(true);
    await h.settle();
    expect(requestsTo(h.fake, 'refresh').map((r) => r.status)).toEqual([200]);
    const back = await account(h, id);
    expect(back.status).toBe('connected');
    expect(Date.parse(back.tokenExpiresAt!)).toBeGreaterThan(h.clock.now() + HOUR);
    expect((await ok(h.core, 'app.status', {})).online).toBe(true);
  });
});

describe('rate limits', () => {
  it("keeps the status, says when it tries next, answers clicks with the wait, and retries after the platform's reset time", async () => {
    const h = await setup();
    const id = await h.connect();
    h.fake.failNext('refresh', 'rate_limited', { retryAfterSec: 900 });
    await h.advance(RENEW_AFTER + MINUTE);
    const limited = requestsTo(h.fake, 'refresh');
    expect(limited.map((r) => r.status)).toEqual([429]);
    // X's x-rate-limit-reset: epoch seconds on its clock.
    const resetAt = (Math.floor(limited[0]!.at / 1000) + 900) * 1000;
    // Worded when the 429 came, not now: the advance above can cross midnight ("Tuesday at 12:14 AM" then).
    const when = nextTry(resetAt, limited[0]!.at);
    expect(when).toMatch(/^Next try (at|\w+ at) \d{1,2}[:.]\d{2}/);

    // Not grey: still green, with the wait named where the account is shown.
    const waiting = await account(h, id);
    expect(waiting.status).toBe('connected');
    expect(waiting.statusReason).toContain(when);
    expect(waiting.lastError).toMatchObject({ kind: 'rate_limited', message: expect.stringContaining(when) });
    expect(h.core.attention()).toEqual([]);

    // A click (or Refresh all) during the wait asks X nothing and answers with the wait.
    const click = await h.core.call('accounts.refresh', { accountId: id });
    expect(!click.ok && click.error).toMatchObject({ code: 'platform', kind: 'rate_limited', message: expect.stringContaining(when) });
    const all = await ok(h.core, 'accounts.refreshAll', {});
    expect(all.failed).toEqual([{ accountId: id, handle: waiting.handle, message: expect.stringContaining(when) }]);
    expect(requestsTo(h.fake, 'refresh')).toHaveLength(1);

    while (h.clock.now() < resetAt - MINUTE) await h.advance(MINUTE);
    await h.advanceTo(resetAt - SECOND);
    expect(requestsTo(h.fake, 'refresh')).toHaveLength(1);
    await h.advanceTo(resetAt + MINUTE);
    const after = requestsTo(h.fake, 'refresh');
    expect(after.map((r) => r.status)).toEqual([429, 200]);
    expect(after[1]!.at).toBeGreaterThanOrEqual(resetAt);
    expect(after[1]!.at).toBeLessThan(resetAt + 5 * SECOND);
    expect((await account(h, id)).status).toBe('connected');
  });
});

describe('a token answer that comes late or never', () => {
  it('waits for a token answer slower than a read time-out, so the rotation is kept', { timeout: 30_000 }, async () => {
    // Reads give up after 1 s; token requests, by default, after 4 s.
    const h = await setup({ httpTimeoutMs: 1000 });
    const id = await h.connect();
    await h.advance(10 * MINUTE);
    h.fake.answerLate('refresh', { afterMs: 2000 });
    const renewed = await ok(h.core, 'accounts.refresh', { accountId: id });
    expect(renewed.status).toBe('connected');
    expect(renewed.lastError).toBeNull();
    // The rotated refresh token was kept: the next renewal works.
    await h.advance(RENEW_AFTER + MINUTE);
    expect(requestsTo(h.fake, 'refresh').map((r) => r.status)).toEqual([200, 200]);
    expect((await account(h, id)).status).toBe('connected');
  });

  it('after a rotation whose answer never came, the refusal says what happened, not "revoked"', { timeout: 30_000 }, async () => {
    const h = await setup({ httpTokenTimeoutMs: 1000 });
    const id = await h.connect();
    await h.advance(10 * MINUTE);
    // X rotates the refresh token, and its answer never arrives.
    h.fake.answerLate('refresh', { afterMs: null });
    const lost = await h.core.call('accounts.refresh', { accountId: id });
    expect(!lost.ok && lost.error).toMatchObject({ code: 'platform', kind: 'network' });
    expect((await account(h, id)).status).toBe('offline');

    // The retry presents the refresh token X has already replaced.
    await h.advance(MINUTE);
    expect(requestsTo(h.fake, 'refresh').map((r) => r.status)).toEqual([200, 400]);
    const red = await account(h, id);
    expect(red.status).toBe('expired');
    expect(red.statusReason).toMatch(/answer never arrived/);
    expect(red.statusReason).toMatch(/Reconnect to get a new one\.$/);
    expect(red.statusReason).not.toMatch(/revoked, used elsewhere/);
    expect(h.notified.map((n) => n.body)).toEqual([expect.stringMatching(/answer never arrived/)]);

    // Reconnected in place, a later refusal is the platform's own again.
    expect(await h.connect(USER)).toBe(id);
    h.fake.revokeUser(USER);
    await h.advance(2 * HOUR);
    expect((await account(h, id)).statusReason).toMatch(/revoked, used elsewhere/);
  });
});

describe('notices across restarts', () => {
  // X has no connection deadline; a long-lived token keeps the one written here from
  // being replaced by a refresh (X's refresh replies carry no refresh-token expiry).
  const longLived: Options = { fakeX: { accessTokenLifetimeSec: 30 * 24 * 3600 } };

  async function withDeadline(h: Harness, id: string, deadline: number): Promise<void> {
    await h.close();
    withDb(h, (db) => db.prepare('UPDATE accounts SET connection_expires_at = ? WHERE id = ?').run(deadline, id));
  }

  it('sends each threshold once: 7 days, 1 day, expired — and a restart sends nothing new', async () => {
    const h = await setup(longLived);
    const id = await h.connect();
    const deadline = h.clock.now() + 6 * DAY;
    await withDeadline(h, id, deadline);

    await h.open();
    expect(await noticeKinds(h, id)).toEqual(['warn_window']);
    expect(h.notified.map((n) => n.title)).toEqual(['X (Twitter) @plugboard_demo expires in 6 days']);
    expect((await account(h, id)).status).toBe('expiring');
    expect(h.core.attention().map((a) => a.status)).toEqual(['expiring']);

    await h.restart();
    expect(await noticeKinds(h, id)).toEqual(['warn_window']);
    expect(h.notified).toHaveLength(1);

    await h.advanceTo(deadline - 12 * HOUR);
    expect(await noticeKinds(h, id)).toEqual(['warn_1d', 'warn_window']);
    expect(h.notified).toHaveLength(2);
    expect(h.notified[1]!.title).toBe('X (Twitter) @plugboard_demo expires within a day');
    expect(h.notified[1]!.body).toMatch(/^X \(Twitter\) cannot renew this connection by itself; it ends .+\. Reconnect now\.$/);

    await h.restart();
    expect(h.notified).toHaveLength(2);

    await h.advanceTo(deadline + HOUR);
    expect(await noticeKinds(h, id)).toEqual(['expired', 'warn_1d', 'warn_window']);
    expect(h.notified).toHaveLength(3);
    expect(h.notified[2]!.title).toBe('X (Twitter) @plugboard_demo has expired');
    expect(h.notified[2]!.body).toMatch(/^The connection ended on .+\. Reconnect to use it again\.$/);
    expect((await account(h, id)).status).toBe('expired');

    await h.restart();
    await h.advance(DAY);
    await h.restart();
    expect(h.notified).toHaveLength(3);
    expect(await noticeKinds(h, id)).toEqual(['expired', 'warn_1d', 'warn_window']);
    // The long-lived token was never due: only the threshold wake-ups ran.
    expect(requestsTo(h.fake, 'refresh')).toHaveLength(0);
  });

  it('an app closed for 10 days past every threshold sends only the most severe notice', async () => {
    const h = await setup(longLived);
    const id = await h.connect();
    await withDeadline(h, id, h.clock.now() + 6 * DAY);
    h.fake.advance(10 * 24 * 3600);

    await h.open();
    expect(await noticeKinds(h, id)).toEqual(['expired']);
    expect(h.notified.map((n) => n.title)).toEqual(['X (Twitter) @plugboard_demo has expired']);
    expect((await account(h, id)).status).toBe('expired');

    await h.restart();
    await h.advance(DAY);
    expect(h.notified).toHaveLength(1);
    expect(await noticeKinds(h, id)).toEqual(['expired']);
  });

  // Regression: every rotation re-states the deadline in whole seconds (refresh_token_expires_in),
  // so a stored deadline taken as is moves by a few hundred ms each time; notices are keyed by the
  // exact deadline, which made a new "expires in N days" per renewal (69 in 5 days).
  it('the window threshold fires once while a rotating token with a refresh-token deadline keeps renewing', async () => {
    // The deadline comes from the platform here (refresh_token_expires_in, counting down
    // in whole seconds on every rotation), not from the test.
    const h = await setup({ fakeX: { refreshTokenLifetimeSec: 6 * 24 * 3600 + 3600 } });
    const id = await h.connect();
    const deadline = Date.parse((await account(h, id)).connectionExpiresAt!);
    expect(deadline).toBeGreaterThan(h.clock.now() + 6 * DAY);
    // The first run after Connect (the first renewal) sends the window notice.
    await h.advance(2 * HOUR);
    expect(await noticeKinds(h, id)).toEqual(['warn_window']);

    // Four days of renewals every 1 h 47 min, inside the window and more than a day from the deadline.
    for (let i = 0; i < 4 * 24; i++) await h.advance(HOUR);
    const refreshes = requestsTo(h.fake, 'refresh');
    expect(refreshes.length).toBeGreaterThan(50);
    expect(refreshes.every((r) => r.status === 200)).toBe(true);
    // The deadline is the platform's: it may not drift by more than the second it is rounded to.
    expect(Math.abs(Date.parse((await account(h, id)).connectionExpiresAt!) - deadline)).toBeLessThan(2 * SECOND);
    expect(await noticeKinds(h, id)).toEqual(['warn_window']);
    expect(h.notified).toHaveLength(1);

    // The last day: one more notice, however many renewals.
    while (h.clock.now() < deadline - 2 * HOUR) await h.advance(HOUR);
    expect(await noticeKinds(h, id)).toEqual(['warn_1d', 'warn_window']);
    expect(h.notified).toHaveLength(2);
  });

  // Regression: past the deadline the scheduler renewed with the dead refresh token; the platform
  // refused and a second red notice ("needs you") followed "has expired".
  it('a connection reaching its refresh-token deadline raises one red notice, not "expired" and then "refused"', async () => {
    const h = await setup({ fakeX: { refreshTokenLifetimeSec: 3 * 24 * 3600 } });
    const id = await h.connect();
    const deadline = Date.parse((await account(h, id)).connectionExpiresAt!);
    while (h.clock.now() < deadline + 6 * HOUR) await h.advance(HOUR);

    expect((await account(h, id)).status).toBe('expired');
    const red = (await noticeKinds(h, id)).filter((k) => k === 'expired' || k === 'refused');
    expect(red).toEqual(['expired']);
    expect(h.notified.filter((n) => /has expired|needs you/.test(n.title))).toHaveLength(1);
    // The refresh token is known to be past its deadline: asking X again cannot help.
    expect(requestsTo(h.fake, 'refresh').filter((r) => r.at >= deadline)).toEqual([]);
  });
});

describe('the refresh race between two processes', () => {
  it('an invalid_grant for a token another process already rotated does not mark the account dead', async () => {
    const h = await setup();
    const id = await h.connect();
    const other = await otherProcess(h);
    const oldRefreshToken = other.accounts.readTokens(id).refreshToken!;

    // Our refresh goes out with the old refresh token; the relay holds it in flight…
    const arrived = deferred();
    const release = deferred();
    h.net.before = async (req) => {
      if (req.body.includes('grant_type=refresh_token')) {
        arrived.resolve();
        await release.promise;
      }
    };
    await h.advance(RENEW_AFTER - MINUTE);
    h.fake.advance((h.clock.nextAt()! - h.clock.now()) / 1000);
    h.clock.fireDue();
    await arrived.promise;

    // …while the other process renews with the same token at X and stores the rotated one.
    const res = await fetch(`${h.fake.origin}/2/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: oldRefreshToken }),
    });
    expect(res.status).toBe(200);
    const rotated = (await res.json()) as { access_token: string; refresh_token: string; expires_in: number; scope: string };
    const now = h.clock.now();
    other.accounts.saveRefreshed(
      id,
      { accessToken: rotated.access_token, refreshToken: rotated.refresh_token, accessTokenExpiresAt: now + rotated.expires_in * 1000, scopes: rotated.scope.split(' ') },
      null,
      now,
    );

    // X now refuses our (old) token: invalid_grant.
    release.resolve();
    await h.settle();
    expect(requestsTo(h.fake, 'refresh').map((r) => r.status)).toEqual([200, 400]);
    const a = await account(h, id);
    expect(a.status).toBe('connected');
    expect(a.lastError).toBeNull();
    expect(await ok(h.core, 'notices.list', {})).toEqual([]);
    expect(h.notified).toEqual([]);
    expect(other.accounts.readTokens(id).refreshToken).toBe(rotated.refresh_token);

    // The account goes on with the other process's token.
    h.net.before = null;
    await h.advance(RENEW_AFTER + MINUTE);
    expect(requestsTo(h.fake, 'refresh').map((r) => r.status)).toEqual([200, 400, 200]);
    expect((await account(h, id)).status).toBe('connected');
  });
});

describe('Refresh all', () => {
  it('goes on past a failing account and names it with a sentence', async () => {
    const h = await setup();
    const first = await h.connect(USER);
    const second = await h.connect(OTHER_USER);
    const expiries = { [first]: await expiry(h, first), [second]: await expiry(h, second) };
    await h.advance(10 * MINUTE);
    h.fake.failNext('refresh', 'server_error');

    const result = await ok(h.core, 'accounts.refreshAll', {});
    expect(result.refreshed).toBe(1);
    expect(result.failed).toHaveLength(1);
    const failedId = result.failed[0]!.accountId;
    const okId = failedId === first ? second : first;
    expect([first, second]).toContain(failedId);
    const failedAccount = await account(h, failedId);
    expect(result.failed[0]).toEqual({ accountId: failedId, handle: failedAccount.handle, message: SERVER_ERROR_SENTENCE });
    expect(requestsTo(h.fake, 'refresh').map((r) => r.status).sort()).toEqual([200, 500]);

    expect(failedAccount.status).toBe('offline');
    expect(await expiry(h, failedId)).toBe(expiries[failedId]);
    const renewed = await account(h, okId);
    expect(renewed.status).toBe('connected');
    expect(Date.parse(renewed.tokenExpiresAt!)).toBeGreaterThan(expiries[okId]!);

  });
});

describe('Refresh all says what it did not do', () => {
  it('counts only real renewals; names the account that needs Reconnect; counts those that do not expire or cannot renew', async () => {
    const h = await setup();
    await h.connect(USER);
    const refused = await h.connect(OTHER_USER);
    const lasting = await h.connect('1500000000000000003');
    await h.close();
    // A stand-in for a connection that cannot renew itself and ends in 30 days.
    withDb(h, (db) => db.prepare("UPDATE accounts SET renewal = 'none', token_expires_at = ? WHERE id = ?").run(h.clock.now() + 30 * DAY, lasting));
    await h.open();
    h.fake.revokeUser(OTHER_USER);
    await h.advance(10 * MINUTE);

    const summary = await ok(h.core, 'accounts.refreshAll', {});
    expect(summary).toEqual({
      refreshed: 1,
      needReconnect: [{ accountId: refused, handle: 'alice_creates', message: expect.stringContaining('Reconnect') }],
      failed: [],
      noExpiry: 0,
      notRenewable: 1,
    });
    // The account that cannot renew did not ask X.
    expect(requestsTo(h.fake, 'refresh').map((r) => r.status).sort()).toEqual([200, 400]);

    await h.close();
    withDb(h, (db) => db.prepare("UPDATE accounts SET renewal = 'none', token_expires_at = NULL, connection_expires_at = NULL WHERE id = ?").run(lasting));
    await h.open();
    expect(await ok(h.core, 'accounts.refreshAll', {})).toMatchObject({ noExpiry: 1, notRenewable: 0 });
  });
});

describe('retries after a failed manual refresh', () => {
  // Regression: the retry the scheduler plans after a transient failure of a forced refresh
  // (a click, Refresh all) runs unforced; when it renewed only tokens already due, it sent
  // nothing, kept the error and reported success, so the account stayed "offline — will retry"
  // (and app.status offline) until its normal renewal time.
  it('an account that failed in Refresh all retries after its backoff and turns green again', async () => {
    const h = await setup();
    const first = await h.connect(USER);
    const second = await h.connect(OTHER_USER);
    await h.advance(10 * MINUTE);
    h.fake.failNext('refresh', 'server_error');
    const result = await ok(h.core, 'accounts.refreshAll', {});
    expect(result.failed).toHaveLength(1);
    const failedId = result.failed[0]!.accountId;
    expect([first, second]).toContain(failedId);
    expect((await account(h, failedId)).status).toBe('offline');

    // The backoff's first step is 22.5 s (random = 0.5).
    await h.advance(MINUTE);
    expect(requestsTo(h.fake, 'refresh').map((r) => r.status).sort()).toEqual([200, 200, 500]);
    expect((await account(h, failedId)).status).toBe('connected');
  });

  it('a click that failed for want of network retries when the network is back, and the app is online again', async () => {
    const h = await setup();
    const id = await h.connect();
    await h.advance(10 * MINUTE);
    h.net.setDown(true);
    const failed = await h.core.call('accounts.refresh', { accountId: id });
    expect(!failed.ok && failed.error).toMatchObject({ code: 'platform', kind: 'network' });
    h.net.setDown(false);

    await h.advance(5 * MINUTE);
    expect(requestsTo(h.fake, 'refresh').map((r) => r.status)).toEqual([200]);
    expect((await account(h, id)).status).toBe('connected');
    expect((await ok(h.core, 'app.status', {})).online).toBe(true);
  });
});

describe('app status and settings', () => {
  it('online turns false after a network failure and true after the next success', async () => {
    const h = await setup();
    const id = await h.connect();
    expect((await ok(h.core, 'app.status', {})).online).toBe(true);

    h.net.setDown(true);
    const failed = await h.core.call('accounts.refresh', { accountId: id });
    expect(!failed.ok && failed.error).toMatchObject({ code: 'platform', kind: 'network' });
    expect((await ok(h.core, 'app.status', {})).online).toBe(false);
    expect((await account(h, id)).status).toBe('offline');

    h.net.setDown(false);
    expect((await ok(h.core, 'accounts.refresh', { accountId: id })).status).toBe('connected');
    expect((await ok(h.core, 'app.status', {})).online).toBe(true);
  });

  it('warningWindowDays moves the yellow threshold, and the notices with it', async () => {
    const h = await setup({ fakeX: { accessTokenLifetimeSec: 30 * 24 * 3600 } });
    const near = await h.connect(USER);
    const far = await h.connect(OTHER_USER);
    await h.close();
    const nearDeadline = h.clock.now() + 10 * DAY;
    const farDeadline = h.clock.now() + 20 * DAY;
    withDb(h, (db) => {
      db.prepare('UPDATE accounts SET connection_expires_at = ? WHERE id = ?').run(nearDeadline, near);
      db.prepare('UPDATE accounts SET connection_expires_at = ? WHERE id = ?').run(farDeadline, far);
    });
    await h.open();

    expect((await ok(h.core, 'app.status', {})).warningWindowDays).toBe(7);
    expect((await account(h, near)).status).toBe('connected');
    expect(h.notified).toEqual([]);

    // 14 days: the account 10 days from its deadline turns yellow, and its notice is due at once.
    expect((await ok(h.core, 'settings.update', { warningWindowDays: 14 })).warningWindowDays).toBe(14);
    expect(h.prefs.get('warningWindowDays')).toBe(14);
    expect((await account(h, near)).status).toBe('expiring');
    expect((await account(h, far)).status).toBe('connected');
    expect(h.notified.map((n) => [n.accountId, n.title])).toEqual([[near, 'X (Twitter) @plugboard_demo expires in 10 days']]);

    // Back to 7: green again; widening once more does not repeat the notice for the same deadline.
    await ok(h.core, 'settings.update', { warningWindowDays: 7 });
    expect((await account(h, near)).status).toBe('connected');
    await ok(h.core, 'settings.update', { warningWindowDays: 14 });
    expect((await account(h, near)).status).toBe('expiring');
    expect(h.notified).toHaveLength(1);

    // 19 days: the far account (20 days) is still green, and the scheduler now wakes in 1 day, not 13, for its notice.
    await ok(h.core, 'settings.update', { warningWindowDays: 19 });
    expect((await account(h, far)).status).toBe('connected');
    await h.advanceTo(farDeadline - 19 * DAY - MINUTE);
    expect(h.notified).toHaveLength(1);
    await h.advanceTo(farDeadline - 19 * DAY + MINUTE);
    expect((await account(h, far)).status).toBe('expiring');
    expect(await noticeKinds(h, far)).toEqual(['warn_window']);
    expect(h.notified.map((n) => [n.accountId, n.title])[1]).toEqual([far, 'X (Twitter) @alice_creates expires in 19 days']);
    expect(h.notified).toHaveLength(2);
  });
});

describe('verify on refresh', () => {
  it('a renewal re-reads the profile: a new name and a new picture show up, an unchanged picture is not fetched again', async () => {
    const h = await setup();
    const id = await h.connect(USER);
    const before = await account(h, id);
    expect(before.avatar).toMatch(/^\/avatars\/.+\?v=/);
    const beforePicture = h.core.avatar(id, null).body;

    // Clicks further apart than a burst, so each one renews.
    const click = async () => {
      await h.advance(RECENT_RENEWAL_MS + SECOND);
      return ok(h.core, 'accounts.refresh', { accountId: id });
    };
    await click();
    const pictureFetches = () => h.fake.requests.filter((r) => r.path.startsWith('/profile_images/')).length;
    const fetchesAfterFirstRefresh = pictureFetches();
    await click();
    expect(pictureFetches()).toBe(fetchesAfterFirstRefresh);

    h.fake.changeProfile(USER, { name: 'Renamed Person', color: [10, 160, 60] });
    const after = await click();
    expect(requestsTo(h.fake, 'refresh')).toHaveLength(3);
    expect(after.displayName).toBe('Renamed Person');
    // A new picture is a new address, so a window that kept the old one asks again.
    expect(after.avatar).toMatch(/^\/avatars\/.+\?v=/);
    expect(after.avatar).not.toBe(before.avatar);
    const afterPicture = h.core.avatar(id, null);
    expect(afterPicture.headers['Content-Type']).toBe('image/png');
    expect(afterPicture.body!.equals(beforePicture!)).toBe(false);
    expect(Date.parse(after.lastSyncedAt!)).toBeGreaterThanOrEqual(Date.parse(before.lastSyncedAt!));
  });
});

describe('notices that resolve', () => {
  const longLived: Options = { fakeX: { accessTokenLifetimeSec: 30 * 24 * 3600 } };
  const visible = async (h: Harness, id: string) => (await ok(h.core, 'notices.list', {})).filter((n) => n.accountId === id);

  it('a refusal mended by Reconnect is marked resolved, and a later refusal is a new open notice', async () => {
    const h = await setup();
    const id = await h.connect();
    h.fake.revokeUser(USER);
    await h.advance(2 * HOUR);
    const [red] = await visible(h, id);
    expect(red).toMatchObject({ severity: 'urgent', resolved: null });

    await h.advance(MINUTE);
    const before = h.clock.now();
    expect(await h.connect(USER)).toBe(id);
    const [mended] = await visible(h, id);
    expect(mended).toEqual({ ...red, severity: 'resolved', resolved: { at: expect.any(String), how: 'reconnected' } });
    expect(Date.parse(mended!.resolved!.at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(mended!.resolved!.at)).toBeLessThanOrEqual(h.clock.now());
    // Survives a restart: the resolution is stored, not worked out again.
    await h.restart();
    expect((await visible(h, id))[0]!.resolved).toEqual(mended!.resolved);

    h.fake.revokeUser(USER);
    await h.advance(2 * HOUR);
    expect((await visible(h, id)).map((n) => n.severity).sort()).toEqual(['resolved', 'urgent']);
  });

  it('a renewal that ends the connection deadline resolves its warning as renewed', async () => {
    const h = await setup(longLived);
    const id = await h.connect();
    await h.close();
    withDb(h, (db) => db.prepare('UPDATE accounts SET connection_expires_at = ? WHERE id = ?').run(h.clock.now() + 3 * DAY, id));
    await h.open();
    expect((await visible(h, id)).map((n) => [n.severity, n.resolved])).toEqual([['soon', null]]);

    // X's renewal hands out a new refresh token without a deadline: the connection no longer ends.
    await ok(h.core, 'accounts.refresh', { accountId: id });
    expect((await account(h, id)).status).toBe('connected');
    expect((await visible(h, id)).map((n) => [n.severity, n.resolved?.how])).toEqual([['resolved', 'renewed']]);
  });

  it('a warning followed by a worse one for the same deadline stays open; Disconnect resolves both', async () => {
    const h = await setup(longLived);
    const id = await h.connect();
    const deadline = h.clock.now() + 3 * DAY;
    await h.close();
    withDb(h, (db) => db.prepare('UPDATE accounts SET connection_expires_at = ? WHERE id = ?').run(deadline, id));
    await h.open();
    await h.advanceTo(deadline + HOUR);
    // 3 days, then a day, then expired: each later one is worse news about the same deadline.
    expect((await visible(h, id)).map((n) => n.severity).sort()).toEqual(['soon', 'soon', 'urgent']);

    await ok(h.core, 'accounts.disconnect', { accountId: id });
    const after = await visible(h, id);
    expect(after.map((n) => [n.severity, n.resolved?.how])).toEqual(Array(3).fill(['resolved', 'disconnected']));
    // Still unread: the user has not seen that they ended.
    expect((await ok(h.core, 'app.status', {})).unreadNotices).toBe(3);
  });
});
