// The proxy (`POST /v1/request`) over the real socket, against the fakes: the token put where each platform wants
// it (X's Bearer, WordPress's Basic app password, Bluesky's session at the user's PDS, Threads' access_token), a
// renewal before a call that is due and after a 401 that says the token expired (once), the platform's 429 and
// redirects passed back as they are, origins outside the platform's list refused, and 100 MiB each way streamed
// without the core's memory growing by anything like it. No refresh token, app password or client secret crosses.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeBluesky } from '../../src-main/fakes/bluesky.ts';
import { startFakeThreads } from '../../src-main/fakes/threads.ts';
import { startFakeWordPress } from '../../src-main/fakes/wordpress.ts';
import { relayFileName } from '../../src-main/oauth/relay-page.ts';
import { harnessPool } from '../kit/core-harness.ts';
import { ALICE, BOB, GatewayHarness, X_APP, type SocketReply } from './gateway-harness.ts';

const harnesses = harnessPool<GatewayHarness>();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await harnesses.closeAll();
  await Promise.all(closers.splice(0).map((close) => close()));
});
const setup = async (extraOrigins?: Record<string, string>) => harnesses.track(await GatewayHarness.open({ extraOrigins }));

const MIB = 1024 * 1024;

function requestPath(account: string, method: string, url: string): string {
  return `/v1/request?${new URLSearchParams({ account, method, url })}`;
}

function proxy(h: GatewayHarness, key: string, account: string, method: string, url: string, opts: { headers?: Record<string, string>; body?: unknown } = {}): Promise<SocketReply> {
  return h.send('POST', requestPath(account, method, url), { key, ...opts });
}

/** Every reply the socket gave, headers included, holds none of these. */
function expectNoneOf(h: GatewayHarness, secrets: (string | null | undefined)[]): void {
  const said = JSON.stringify(h.replies);
  for (const secret of secrets) {
    expect(secret).toBeTruthy();
    expect(said.includes(secret!)).toBe(false);
  }
}

/**
 * One renewal, and the call after it: a renewal also re-reads the profile (X's /2/users/me, Bluesky's getProfile),
 * so what lies between is the core's own.
 */
function expectRenewedOnceThenCalled(log: { endpoint: string | null; status: number | null }[], renewal: string, call: string): void {
  expect(log[0]).toMatchObject({ endpoint: renewal, status: 200 });
  expect(log.filter((r) => r.endpoint === renewal)).toHaveLength(1);
  expect(log.at(-1)).toMatchObject({ endpoint: call, status: 200 });
}

/**
 * A 100 MiB body held whole grows both figures by at least 100 MiB. Array buffers are exact after a full
 * collection (at most 21–45 MiB in runs at full speed); the resident size also holds V8's young generation, which
 * grows with the rate of allocation (at most 37–58 MiB once the sampler stopped slowing the transfer), so its limit
 * sits just under the body.
 */
const RSS_LIMIT = 96 * MIB;

async function* bytes(total: number, chunk = 256 * 1024): AsyncIterable<Uint8Array> {
  const block = new Uint8Array(chunk).fill(0x62);
  for (let left = total; left > 0; left -= chunk) yield left >= chunk ? block : block.subarray(0, left);
}

// A full collection on demand, so what is measured is memory held, not garbage the collector has yet to reach.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options: object) => void;
/** Everything collectable, array buffers' memory swept too (an ordinary gc() frees those later, on another thread). */
const collect = () => gc({ type: 'major', execution: 'sync' });

/**
 * The most this process's live memory (core, fake and client alike) grew while `run` ran, sampled after a full
 * collection every 50 ms or, when a collection is slow, twice its own length after it. A body held whole shows as at
 * least its own size, more with the copies made joining it, for as long as the transfer lasts.
 */
async function peakGrowth<T>(run: () => Promise<T>): Promise<{ result: T; rss: number; arrayBuffers: number }> {
  collect();
  const base = process.memoryUsage();
  let rss = 0;
  let arrayBuffers = 0;
  // Not a fixed interval: on a busy machine a full collection of this process took longer than 50 ms, the next
  // sample began at once, and the collections took nearly all the time the transfer needed (one 100 MiB upload in
  // 60 s, where alone the whole test takes 5 s). Waiting twice a sample's length keeps them to a third at most.
  let timer: NodeJS.Timeout;
  const sample = () => {
    const started = performance.now();
    collect();
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss - base.rss);
    arrayBuffers = Math.max(arrayBuffers, now.arrayBuffers - base.arrayBuffers);
    timer = setTimeout(sample, Math.max(50, 2 * (performance.now() - started)));
  };
  timer = setTimeout(sample, 50);
  try {
    return { result: await run(), rss, arrayBuffers };
  } finally {
    clearTimeout(timer);
  }
}

describe('the proxy, against the fake X', () => {
  it('calls the platform with the account’s token and none of the tool’s credentials, and puts "METHOD path → status" on the record', async () => {
    const h = await setup();
    const alice = await h.connect(ALICE);
    const { key, toolId } = await h.pair('weekly-report', { accounts: [alice], capabilities: ['request'] });
    h.fake.clearRequests();

    const reply = await proxy(h, key, alice, 'GET', '/2/users/me?user.fields=subscription_type', {
      headers: { cookie: 'session=the-tools-own', 'x-tool-note': 'kept', 'plugboard-debug': '1', connection: 'keep-alive, x-hop', 'x-hop': 'dropped' },
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.headers['plugboard-answered-by']).toBe('platform');
    expect(reply.json).toEqual({ data: { id: ALICE, name: 'Alice Example', username: 'alice_creates', subscription_type: 'Premium' } });

    // The tool's key (its Authorization) went nowhere: X accepted the account's token instead.
    const [seen] = h.fake.requests;
    expect(seen).toMatchObject({ method: 'GET', path: '/2/users/me', status: 200 });
    expect(seen!.headerNames).toEqual(expect.arrayContaining(['authorization', 'x-tool-note']));
    for (const name of ['cookie', 'plugboard-debug', 'x-hop']) expect(seen!.headerNames).not.toContain(name);

    const history = await h.ok('accounts.activity', { accountId: alice });
    expect(history.filter((e) => e.kind === 'tool_request').map((e) => e.detail)).toEqual(['used by weekly-report: GET /2/users/me → 200']);
    expect((await h.ok('tools.list', {})).find((t) => t.id === toolId)!.lastUsed).toMatchObject({ account: { id: alice }, what: 'GET /2/users/me → 200' });
    const stored = await h.stored(alice);
    expectNoneOf(h, [stored.refreshToken, X_APP.clientSecret]);
  });

  it('takes a full URL on the platform’s API origins and refuses any other before a byte leaves', async () => {
    const h = await setup();
    const alice = await h.connect(ALICE);
    const { key } = await h.pair('script', { accounts: 'all', capabilities: ['request'] });
    h.fake.clearRequests();

    const full = await proxy(h, key, 'x:@alice_creates', 'GET', 'https://api.x.com/2/users/me');
    expect([full.status, full.json.data.id]).toEqual([200, ALICE]);
    h.fake.clearRequests();

    for (const url of ['https://evil.example/2/users/me', 'http://api.x.com/2/users/me', 'https://api.x.com:8443/2/users/me', 'https://x.com/i/oauth2/authorize']) {
      const refused = await proxy(h, key, alice, 'GET', url);
      expect([refused.status, refused.json.error.code], url).toEqual([403, 'origin_not_allowed']);
      expect(refused.headers['plugboard-answered-by']).toBe('plugboard');
    }
    for (const url of ['https://someone:pw@api.x.com/2/users/me', '//evil.example/2/users/me', '/\\evil.example/x', 'users/me', '']) {
      const refused = await proxy(h, key, alice, 'GET', url);
      expect([refused.status, refused.json.error.code], url).toEqual([400, 'bad_request']);
    }
    const method = await proxy(h, key, alice, 'TRACE', '/2/users/me');
    expect([method.status, method.json.error.code]).toEqual([400, 'bad_request']);
    expect(h.fake.requests).toEqual([]);
  });

  it('refuses a tool without the capability, or with another account, and reaches nothing', async () => {
    const h = await setup();
    const alice = await h.connect(ALICE);
    const bob = await h.connect(BOB);
    const { key: reader } = await h.pair('reader', { accounts: 'all', capabilities: ['token'] });
    const { key: aliceOnly } = await h.pair('alice-only', { accounts: [alice], capabilities: ['request'] });
    h.fake.clearRequests();

    const noCapability = await proxy(h, reader, alice, 'GET', '/2/users/me');
    expect([noCapability.status, noCapability.json.error.code]).toEqual([403, 'capability_not_granted']);
    const notGranted = await proxy(h, aliceOnly, bob, 'GET', '/2/users/me');
    expect([notGranted.status, notGranted.json.error.code]).toEqual([403, 'account_not_granted']);
    const noKey = await h.send('POST', requestPath(alice, 'GET', '/2/users/me'));
    expect([noKey.status, noKey.json.error.code]).toEqual([401, 'no_key']);
    expect(h.fake.requests).toEqual([]);
  });

  it('renews a token within its margin first, and after a 401 for an expired one renews once and retries once', async () => {
    const h = await setup();
    const alice = await h.connect(ALICE);
    const { key } = await h.pair('script', { accounts: 'all', capabilities: ['request'] });

    h.fake.advance(2 * 3600 - 60);
    h.fake.clearRequests();
    const due = await proxy(h, key, alice, 'GET', '/2/users/me');
    expect(due.status, due.text).toBe(200);
    expectRenewedOnceThenCalled(h.fake.requests, 'refresh', 'me');

    // X ended the token early (Plugboard still thinks it good): the 401 is answered by one renewal and one retry.
    h.fake.advance(60);
    h.fake.expireAccessTokens(ALICE);
    h.fake.clearRequests();
    const expired = await proxy(h, key, alice, 'GET', '/2/users/me');
    expect(expired.status, expired.text).toBe(200);
    expect(h.fake.requests[0]).toMatchObject({ endpoint: 'me', status: 401 });
    expectRenewedOnceThenCalled(h.fake.requests.slice(1), 'refresh', 'me');

    // Seconds after a renewal, another is not tried (the same token would be refused again): the 401 goes to the tool.
    h.fake.expireAccessTokens(ALICE);
    h.fake.clearRequests();
    const again = await proxy(h, key, alice, 'GET', '/2/users/me');
    expect([again.status, again.json.title, again.headers['plugboard-answered-by']]).toEqual([401, 'Unauthorized', 'platform']);
    expect(h.fake.requests.map((r) => r.endpoint)).toEqual(['me']);

    // A 401 that a renewal cannot cure (the user removed the app): one renewal tried, then Plugboard says why.
    h.fake.advance(60);
    h.fake.revokeUser(ALICE);
    h.fake.clearRequests();
    const revoked = await proxy(h, key, alice, 'GET', '/2/users/me');
    expect([revoked.status, revoked.json.error.code, revoked.headers['plugboard-answered-by']]).toEqual([502, 'platform', 'plugboard']);
    expect(h.fake.requests.map((r) => r.endpoint)).toEqual(['me', 'refresh']);
    expectNoneOf(h, [(await h.stored(alice)).refreshToken, X_APP.clientSecret]);
  });

  it('passes a 429 through with X’s reset headers, and a redirect back unfollowed', async () => {
    const h = await setup();
    const alice = await h.connect(ALICE);
    const { key } = await h.pair('script', { accounts: 'all', capabilities: ['request'] });
    h.fake.clearRequests();

    h.fake.failNext('me', 'rate_limited', { retryAfterSec: 600 });
    const limited = await proxy(h, key, alice, 'GET', '/2/users/me');
    expect(limited.status).toBe(429);
    expect(limited.headers).toMatchObject({ 'plugboard-answered-by': 'platform', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.floor(h.fake.now() / 1000) + 600) });
    expect(limited.json.title).toBe('Too Many Requests');
    expect(h.fake.requests).toHaveLength(1);

    h.fake.clearRequests();
    const moved = await proxy(h, key, alice, 'GET', `/__stream/redirect?to=${encodeURIComponent('https://elsewhere.example/landing')}`);
    expect([moved.status, moved.headers.location, moved.headers['plugboard-answered-by']]).toEqual([302, 'https://elsewhere.example/landing', 'platform']);
    expect(h.fake.requests).toHaveLength(1);
  });

  it('streams 100 MiB up and 100 MiB down without holding either in memory, and refuses more', async () => {
    const h = await setup();
    const alice = await h.connect(ALICE);
    const { key } = await h.pair('uploader', { accounts: 'all', capabilities: ['request'] });

    // Declared (as curl -T sends it) and chunked (a length nobody knew up front).
    const uploads: Record<string, string>[] = [{ 'content-type': 'video/mp4' }, { 'content-length': String(100 * MIB), 'content-type': 'video/mp4' }];
    for (const headers of uploads) {
      const up = await peakGrowth(() => h.stream(requestPath(alice, 'POST', '/__stream/sink'), { key, body: bytes(100 * MIB), headers }));
      expect(up.result.status, up.result.text).toBe(200);
      expect(JSON.parse(up.result.text)).toEqual({ bytes: 100 * MIB });
      console.info(`proxy upload 100 MiB (${headers['content-length'] ? 'declared' : 'chunked'}): peak growth rss ${(up.rss / MIB).toFixed(1)} MiB, arrayBuffers ${(up.arrayBuffers / MIB).toFixed(1)} MiB`);
      expect(up.rss).toBeLessThan(RSS_LIMIT);
      expect(up.arrayBuffers).toBeLessThan(64 * MIB);
    }

    const down = await peakGrowth(() => h.stream(requestPath(alice, 'GET', `/__stream/source?bytes=${100 * MIB}`), { key }));
    expect(down.result.status).toBe(200);
    expect(down.result.bytes).toBe(100 * MIB);
    expect(down.result.headers['content-length']).toBe(String(100 * MIB));
    console.info(`proxy download 100 MiB: peak growth rss ${(down.rss / MIB).toFixed(1)} MiB, arrayBuffers ${(down.arrayBuffers / MIB).toFixed(1)} MiB`);
    expect(down.rss).toBeLessThan(RSS_LIMIT);
    expect(down.arrayBuffers).toBeLessThan(64 * MIB);

    h.fake.clearRequests();
    const declared = await h.stream(requestPath(alice, 'POST', '/__stream/sink'), { key, headers: { 'content-length': String(100 * MIB + 1) } });
    expect([declared.status, JSON.parse(declared.text).error.code]).toEqual([413, 'too_large']);
    expect(h.fake.requests).toEqual([]);
    const history = await h.ok('accounts.activity', { accountId: alice });
    expect(history.filter((e) => e.kind === 'tool_request').map((e) => e.detail)).toEqual([
      'used by uploader: GET /__stream/source → 200',
      'used by uploader: POST /__stream/sink → 200',
      'used by uploader: POST /__stream/sink → 200',
    ]);
    // 3–3.5 s alone, 6.6–7.4 s beside two busy loops (it timed out there while the sampler collected back to back):
    // the default 20 s is still too tight for 300 MiB through two hops in a loaded CI run.
  }, 60_000);

  it('ends the platform request when the tool hangs up mid-download', async () => {
    const h = await setup();
    const alice = await h.connect(ALICE);
    const { key } = await h.pair('impatient', { accounts: 'all', capabilities: ['request'] });
    h.fake.clearRequests();
    const { request } = await import('node:http');
    await new Promise<void>((resolve, reject) => {
      const req = request({ socketPath: h.socketPath, method: 'POST', path: requestPath(alice, 'GET', `/__stream/source?bytes=${100 * MIB}`), headers: { authorization: `Bearer ${key}` } }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (e) => (req.destroyed ? resolve() : reject(e)));
      req.end();
    });
    // The fake stops writing once its reader is gone: far from all 100 MiB went out.
    await expect.poll(() => h.fake.requests[0]?.note, { timeout: 5000 }).toBe(`sourced ${100 * MIB} bytes`);
  });
});

describe('the proxy, where each platform wants its credential', () => {
  it('WordPress: HTTP Basic with the login and the application password, under the site’s REST root (pretty and plain permalinks)', async () => {
    for (const permalinks of ['pretty', 'plain'] as const) {
      const wp = await startFakeWordPress({ permalinks });
      closers.push(() => wp.close());
      const h = await setup(wp.originMap());
      const user = wp.users[0]!;
      const account = await h.ok('appPassword.save', { platform: 'wordpress', values: { siteUrl: wp.siteUrl, username: user.login, applicationPassword: user.appPasswords[0]! } });
      const { key } = await h.pair('blogger', { accounts: 'all', capabilities: ['request'] });

      const me = await proxy(h, key, `wordpress:@${account.handle}`, 'GET', '/wp/v2/users/me?context=edit');
      expect(me.status, me.text).toBe(200);
      expect(me.json).toMatchObject({ id: user.id, slug: user.slug });
      const other = await proxy(h, key, account.id, 'GET', 'https://elsewhere.example/wp-json/wp/v2/users/me');
      expect([other.status, other.json.error.code]).toEqual([403, 'origin_not_allowed']);
      expectNoneOf(h, [user.appPasswords[0], user.appPasswords[0]!.replaceAll(' ', ''), Buffer.from(`${user.login}:${user.appPasswords[0]}`).toString('base64')]);
    }
  });

  it('Bluesky: the session’s access JWT at the account’s own PDS, renewed once after the PDS says ExpiredToken', async () => {
    const pds = await startFakeBluesky();
    closers.push(() => pds.close());
    const h = await setup(pds.originMap());
    const user = pds.users[0]!;
    const account = await h.ok('appPassword.save', { platform: 'bluesky', values: { identifier: user.handle, appPassword: user.appPasswords[0]! } });
    const { key } = await h.pair('skeeter', { accounts: 'all', capabilities: ['request'] });
    pds.clearRequests();

    const session = await proxy(h, key, account.id, 'GET', '/xrpc/com.atproto.server.getSession');
    expect(session.status, session.text).toBe(200);
    expect(session.json).toMatchObject({ did: user.did, handle: user.handle });

    // The PDS's clock runs ahead of Plugboard's: it answers 400 ExpiredToken to a token Plugboard thought good.
    pds.expireAccessTokens();
    pds.clearRequests();
    const renewed = await proxy(h, key, account.id, 'GET', '/xrpc/com.atproto.server.getSession');
    expect(renewed.status, renewed.text).toBe(200);
    expect(pds.requests[0]).toMatchObject({ endpoint: 'getSession', status: 400, note: 'expired token' });
    expectRenewedOnceThenCalled(pds.requests.slice(1), 'refreshSession', 'getSession');
    const stored = await h.stored(account.id);
    expectNoneOf(h, [stored.refreshToken, stored.appPassword]);
  });

  it('Threads: the access token as the access_token parameter Meta documents, the tool’s own replaced', async () => {
    const threads = await startFakeThreads();
    closers.push(() => threads.close());
    const h = await setup(threads.originMap());
    const relay = `https://relay.example/${relayFileName('threads')}`;
    const app = { clientId: '1290000000000001', clientSecret: 'threads-gateway-secret-5e2a' };
    threads.registerApp({ ...app, redirectUris: [relay], live: true });
    await h.ok('platforms.setRedirect', { platform: 'threads', kind: 'https-relay', httpsUrl: relay });
    await h.ok('credentials.save', { platform: 'threads', ...app });
    threads.autoApprove('26000000000000001');
    const start = await h.ok('connect.start', { platform: 'threads' });
    const landing = new URL((await fetch(start.authorizeUrl, { redirect: 'manual' })).headers.get('location')!);
    await h.core.handleProtocolUrl(`plugboard://oauth/callback/threads${landing.search}`);
    const flow = await h.ok('connect.status', { flowId: start.flowId });
    expect(flow.state).toBe('connected');
    const { key } = await h.pair('threader', { accounts: 'all', capabilities: ['request'] });

    const me = await proxy(h, key, flow.accountId!, 'GET', '/v1.0/me?fields=id,username&access_token=the-tools-guess');
    expect(me.status, me.text).toBe(200);
    expect(me.json).toMatchObject({ id: '26000000000000001' });
    const history = await h.ok('accounts.activity', { accountId: flow.accountId! });
    expect(history.filter((e) => e.kind === 'tool_request').map((e) => e.detail)).toEqual(['used by threader: GET /v1.0/me → 200']);
    expectNoneOf(h, [app.clientSecret, (await h.stored(flow.accountId!)).accessToken]);
  });
});
