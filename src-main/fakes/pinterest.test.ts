import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_KINDS } from './fake-server.ts';
import {
  PINTEREST_ACCESS_LIFETIME_SEC,
  PINTEREST_CONTINUOUS_REFRESH_SEC,
  PINTEREST_ENDPOINTS,
  PINTEREST_LEGACY_REFRESH_SEC,
  startFakePinterest,
  type FakePinterest,
  type FakePinterestOptions,
} from './pinterest.ts';

const CLIENT_ID = '1509876';
const CLIENT_SECRET = 'pin-secret:with+odd chars&=';
const REDIRECT = 'http://127.0.0.1:8765/callback/pinterest';
const SCOPES = 'boards:read,pins:read,pins:write,user_accounts:read';
const STUDIO = '1123581321345589144';
const ALICE = '1123581321345589233';
const BOB = '1123581321345589377';

let p: FakePinterest;

interface TokenReply {
  access_token: string;
  refresh_token?: string;
  response_type: string;
  token_type: string;
  expires_in: number;
  refresh_token_expires_in?: number;
  refresh_token_expires_at?: number;
  scope: string;
}

async function start(opts: FakePinterestOptions = {}) {
  p = await startFakePinterest(opts);
  p.registerApp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT], name: 'Plugboard Test' });
}

beforeEach(async () => {
  await start();
});

afterEach(async () => {
  await p.close();
});

const www = () => p.originMap()['https://www.pinterest.com']!;
const api = () => p.originMap()['https://api.pinterest.com']!;

function basic(id = CLIENT_ID, secret = CLIENT_SECRET): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

function authorizeUrl(params: Record<string, string | null> = {}): string {
  const base: Record<string, string | null> = { response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT, scope: SCOPES, state: 'state-123' };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...base, ...params })) if (v !== null) q.set(k, v);
  return `${www()}/oauth/?${q}`;
}

async function getCode(opts: { userId?: string; scope?: string } = {}): Promise<string> {
  p.autoApprove(opts.userId ?? STUDIO);
  const res = await fetch(authorizeUrl({ scope: opts.scope ?? SCOPES }), { redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(location.origin + location.pathname).toBe(REDIRECT);
  expect(location.searchParams.get('state')).toBe('state-123');
  return location.searchParams.get('code')!;
}

function tokenRequest(form: Record<string, string>, auth: string | null = basic(), signal?: AbortSignal) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth) headers.authorization = auth;
  return fetch(`${api()}/v5/oauth/token`, { method: 'POST', headers, body: new URLSearchParams(form), signal });
}

async function connect(userId = STUDIO, scope = SCOPES): Promise<TokenReply> {
  const code = await getCode({ userId, scope });
  const res = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
  expect(res.status).toBe(200);
  return (await res.json()) as TokenReply;
}

const me = (token?: string) => fetch(`${api()}/v5/user_account`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('authorize', () => {
  it('shows a consent page with the app, the users and the comma-separated scopes', async () => {
    const res = await fetch(authorizeUrl());
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Plugboard Test wants to access your Pinterest account');
    expect(page).toContain('@plugboard_pins');
    expect(page).toContain('pins:write');
    expect(page).toContain('user_accounts:read');
  });

  it('approves and denies through the consent form', async () => {
    const page = await (await fetch(authorizeUrl())).text();
    const txn = /name="txn" value="([^"]+)"/.exec(page)![1]!;
    const approve = await fetch(`${www()}/oauth/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ txn, decision: 'approve', user_id: ALICE }),
      redirect: 'manual',
    });
    expect(approve.status).toBe(302);
    expect(new URL(approve.headers.get('location')!).searchParams.get('code')).toBeTruthy();

    const again = /name="txn" value="([^"]+)"/.exec(await (await fetch(authorizeUrl())).text())![1]!;
    const deny = await fetch(`${www()}/oauth/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ txn: again, decision: 'deny' }),
      redirect: 'manual',
    });
    const denied = new URL(deny.headers.get('location')!);
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('state-123');
  });

  it('refuses an unknown client, an unregistered or inexact redirect URI, bad scopes and a missing state', async () => {
    const cases: [Record<string, string | null>, RegExp][] = [
      [{ client_id: 'nope' }, /Invalid Application ID/],
      [{ redirect_uri: 'http://127.0.0.1:8766/callback/pinterest' }, /does not match any of the registered redirect URIs/],
      [{ redirect_uri: `${REDIRECT}/` }, /does not match/],
      [{ redirect_uri: REDIRECT.replace('127.0.0.1', 'localhost') }, /does not match/],
      [{ scope: 'boards:read pins:read' }, /unknown scope/],
      [{ scope: 'boards:read,tweet.read' }, /unknown scope: tweet.read/],
      [{ scope: null }, /scope is missing/],
      [{ state: null }, /state is missing/],
      [{ response_type: 'token' }, /response_type/],
    ];
    for (const [params, detail] of cases) {
      const res = await fetch(authorizeUrl(params), { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(detail);
    }
  });
});

describe('token exchange', () => {
  it('gives a 30-day access token and a continuous refresh token with a 60-day window', async () => {
    const before = Math.floor(p.now() / 1000);
    const t = await connect();
    expect(t.access_token).toMatch(/^pina_/);
    expect(t.refresh_token).toMatch(/^pinr_/);
    expect(t.token_type).toBe('bearer');
    expect(t.expires_in).toBe(PINTEREST_ACCESS_LIFETIME_SEC);
    expect(t.refresh_token_expires_in).toBe(PINTEREST_CONTINUOUS_REFRESH_SEC);
    expect(t.refresh_token_expires_at! - before - PINTEREST_CONTINUOUS_REFRESH_SEC).toBeLessThanOrEqual(1);
    expect(t.scope).toBe(SCOPES);
  });

  it('refuses a wrong redirect_uri, a replayed, an expired and an unknown code, in Pinterest\'s error shape', async () => {
    const code = await getCode();
    const wrong = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: `${REDIRECT}x` });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ code: 283, message: 'The authorization grant is invalid' });

    const fresh = await getCode();
    expect((await tokenRequest({ grant_type: 'authorization_code', code: fresh, redirect_uri: REDIRECT })).status).toBe(200);
    expect((await tokenRequest({ grant_type: 'authorization_code', code: fresh, redirect_uri: REDIRECT })).status).toBe(401);

    const old = await getCode();
    p.advance(11 * 60);
    expect((await tokenRequest({ grant_type: 'authorization_code', code: old, redirect_uri: REDIRECT })).status).toBe(401);
    expect((await tokenRequest({ grant_type: 'authorization_code', code: 'made-up', redirect_uri: REDIRECT })).status).toBe(401);
  });

  it('needs HTTP Basic client authentication; body credentials are not enough', async () => {
    const code = await getCode();
    const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT };
    for (const auth of [null, basic(CLIENT_ID, 'wrong'), basic('other', CLIENT_SECRET), 'Bearer abc']) {
      const res = await tokenRequest(form, auth);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ code: 2, message: 'Authentication failed.' });
    }
    const inBody = await tokenRequest({ ...form, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }, null);
    expect(inBody.status).toBe(401);
    expect((await tokenRequest(form)).status).toBe(200);
  });

  it('refuses an unknown grant type', async () => {
    const res = await tokenRequest({ grant_type: 'password' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: number }).code).toBe(1);
  });
});

describe('continuous refresh', () => {
  it('returns a new refresh token with a fresh 60-day window every time', async () => {
    const first = await connect();
    p.advance(20 * 86_400);
    const res = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token! });
    expect(res.status).toBe(200);
    const second = (await res.json()) as TokenReply;
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).toMatch(/^pinr_/);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.refresh_token_expires_in).toBe(PINTEREST_CONTINUOUS_REFRESH_SEC);
    expect(second.expires_in).toBe(PINTEREST_ACCESS_LIFETIME_SEC);
    // Refreshing at least every 60 days keeps the connection alive indefinitely.
    let current = second.refresh_token!;
    for (let i = 0; i < 8; i++) {
      p.advance(50 * 86_400);
      const r = (await (await tokenRequest({ grant_type: 'refresh_token', refresh_token: current })).json()) as TokenReply;
      expect(r.refresh_token).toBeTruthy();
      current = r.refresh_token!;
    }
  });

  it('refuses a refresh token past its 60 days, one of another client, and any after revokeUser()', async () => {
    const t = await connect();
    p.registerApp({ clientId: 'other-app', clientSecret: 'other-secret', redirectUris: [REDIRECT] });
    const foreign = await tokenRequest({ grant_type: 'refresh_token', refresh_token: t.refresh_token! }, basic('other-app', 'other-secret'));
    expect(foreign.status).toBe(401);
    expect(await foreign.json()).toEqual({ code: 283, message: 'The authorization grant is invalid' });

    p.advance(PINTEREST_CONTINUOUS_REFRESH_SEC + 1);
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: t.refresh_token! })).status).toBe(401);

    const u = await connect(ALICE);
    expect(p.liveGrants(ALICE)).toBe(1);
    p.revokeUser(ALICE);
    expect(p.liveGrants(ALICE)).toBe(0);
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: u.refresh_token! })).status).toBe(401);
    expect((await me(u.access_token)).status).toBe(401);
  });
});

describe('a refresh whose answer comes late or never', () => {
  it('rotates at once; the answer arrives after the delay, or never', async () => {
    const t = await connect();
    p.answerLate('refresh', { afterMs: 300 });
    const started = performance.now();
    const late = await tokenRequest({ grant_type: 'refresh_token', refresh_token: t.refresh_token! });
    expect(late.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(p.requests.at(-1)).toMatchObject({ endpoint: 'refresh', status: 200, note: expect.stringMatching(/answered 300 ms late/) });

    p.answerLate('refresh', { afterMs: null });
    const never = await tokenRequest({ grant_type: 'refresh_token', refresh_token: t.refresh_token! }, undefined, AbortSignal.timeout(300)).catch((e: unknown) => e);
    expect(never).toBeInstanceOf(Error);
    // Served all the same: the grant has a refresh token the client never saw.
    expect(p.requests.at(-1)).toMatchObject({ endpoint: 'refresh', status: 200, note: expect.stringMatching(/answer withheld/) });
  });

  it('retireReplacedRefreshTokens: the refresh token a renewal replaced is refused with 401 and code 283', async () => {
    await p.close();
    await start({ retireReplacedRefreshTokens: true });
    const t = await connect();
    const next = (await (await tokenRequest({ grant_type: 'refresh_token', refresh_token: t.refresh_token! })).json()) as TokenReply;
    const again = await tokenRequest({ grant_type: 'refresh_token', refresh_token: t.refresh_token! });
    expect(again.status).toBe(401);
    expect(await again.json()).toEqual({ code: 283, message: 'The authorization grant is invalid' });
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: next.refresh_token! })).status).toBe(200);
  });
});

describe('legacy refresh model', () => {
  it('counts refresh_token_expires_in down from a 365-day deadline and returns no new refresh token', async () => {
    await p.close();
    await start({ refreshModel: 'legacy' });
    const t = await connect();
    expect(t.refresh_token_expires_in).toBe(PINTEREST_LEGACY_REFRESH_SEC);
    p.advance(100 * 86_400);
    const r = (await (await tokenRequest({ grant_type: 'refresh_token', refresh_token: t.refresh_token! })).json()) as TokenReply;
    expect(r.refresh_token).toBeUndefined();
    expect(r.access_token).toMatch(/^pina_/);
    p.advance(266 * 86_400);
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: t.refresh_token! })).status).toBe(401);
  });
});

describe('user_account and profile images', () => {
  it('answers the account and serves the avatar as a PNG from i.pinimg.com', async () => {
    const t = await connect();
    const res = await me(t.access_token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ id: STUDIO, username: 'plugboard_pins', business_name: 'Plugboard Studio', account_type: 'BUSINESS' });
    const image = new URL(body.profile_image as string);
    expect(image.origin).toBe('https://i.pinimg.com');
    const img = await fetch(`${p.originMap()['https://i.pinimg.com']}${image.pathname}`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await img.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
  });

  it('has a personal account without business_name, and a user whose picture 404s', async () => {
    const alice = (await (await me((await connect(ALICE)).access_token)).json()) as Record<string, unknown>;
    expect(alice).toMatchObject({ account_type: 'PINNER', business_name: null, username: 'alice_pins' });
    const bob = (await (await me((await connect(BOB)).access_token)).json()) as Record<string, unknown>;
    const img = await fetch(`${api()}${new URL(bob.profile_image as string).pathname}`);
    expect(img.status).toBe(404);
  });

  it('401s with code 2 without a token, with an unknown or expired one; 403s without user_accounts:read', async () => {
    for (const res of [await me(), await me('pina_made_up')]) {
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ code: 2, message: 'Authentication failed.' });
    }
    const t = await connect();
    p.advance(PINTEREST_ACCESS_LIFETIME_SEC + 1);
    expect((await me(t.access_token)).status).toBe(401);
    const u = await connect(STUDIO);
    p.expireAccessTokens(STUDIO);
    expect((await me(u.access_token)).status).toBe(401);
    const narrow = await connect(STUDIO, 'boards:read,pins:read');
    expect((await me(narrow.access_token)).status).toBe(403);
  });
});

describe('failure injection', () => {
  async function hit(endpoint: (typeof PINTEREST_ENDPOINTS)[number]): Promise<Response> {
    const t = await connect();
    if (endpoint === 'user_account') return me(t.access_token);
    if (endpoint === 'refresh') return tokenRequest({ grant_type: 'refresh_token', refresh_token: t.refresh_token! });
    return tokenRequest({ grant_type: 'authorization_code', code: await getCode(), redirect_uri: REDIRECT });
  }

  for (const endpoint of PINTEREST_ENDPOINTS) {
    it(`answers every catalogue entry in Pinterest's shapes at ${endpoint}`, async () => {
      for (const kind of ERROR_KINDS.filter((k) => k !== 'timeout')) {
        // The connect inside hit() uses the token endpoint: queue the failure after it.
        const t = await connect();
        p.failNext(endpoint, kind, { retryAfterSec: 120, limit: 1000 });
        const res =
          endpoint === 'user_account'
            ? await me(t.access_token)
            : endpoint === 'refresh'
              ? await tokenRequest({ grant_type: 'refresh_token', refresh_token: t.refresh_token! })
              : await tokenRequest({ grant_type: 'authorization_code', code: 'whatever', redirect_uri: REDIRECT });
        const body = await res.text();
        switch (kind) {
          case 'html_502':
            expect(res.status).toBe(502);
            expect(body).toContain('502 Bad Gateway');
            break;
          case 'bad_json':
            expect(res.status).toBe(200);
            expect(() => JSON.parse(body)).toThrow();
            break;
          case 'missing_fields': {
            expect(res.status).toBe(200);
            const parsed = JSON.parse(body) as Record<string, unknown>;
            expect(endpoint === 'user_account' ? parsed.username : parsed.access_token).toBeUndefined();
            break;
          }
          case 'rate_limited':
            expect(res.status).toBe(429);
            expect(JSON.parse(body)).toEqual({ code: 8, message: 'You have exceeded your rate limit. Try again later.' });
            expect(res.headers.get('x-ratelimit-limit')).toBe('1000');
            expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
            expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(119);
            break;
          case 'invalid_grant':
            if (endpoint === 'user_account') {
              expect(res.status).toBe(401);
              expect(JSON.parse(body)).toEqual({ code: 2, message: 'Authentication failed.' });
            } else {
              expect(res.status).toBe(401);
              expect(JSON.parse(body)).toEqual({ code: 283, message: 'The authorization grant is invalid' });
            }
            break;
          case 'server_error':
            expect(res.status).toBe(500);
            expect(JSON.parse(body)).toMatchObject({ code: 1 });
            break;
        }
        // One failure only: the next request is answered normally.
        expect((await hit(endpoint)).status).toBe(200);
      }
    });
  }

  it('hangs on timeout', async () => {
    p.failNext('user_account', 'timeout');
    const t = await connect();
    const res = await fetch(`${api()}/v5/user_account`, { headers: { authorization: `Bearer ${t.access_token}` }, signal: AbortSignal.timeout(300) }).catch((e: Error) => e);
    expect(res).toBeInstanceOf(Error);
  });

  it('rejects unknown endpoints', () => {
    expect(() => p.failNext('revoke' as never, 'server_error')).toThrow(/no endpoint 'revoke'/);
  });
});

describe('request log and controls', () => {
  it('logs paths and notes but never a secret or token', async () => {
    const t = await connect();
    await me(t.access_token);
    const log = JSON.stringify(p.requests);
    expect(p.requests.map((r) => r.endpoint)).toEqual([null, 'token', 'user_account']);
    for (const secret of [CLIENT_SECRET, t.access_token, t.refresh_token!]) expect(log.includes(secret)).toBe(false);
  });

  it('exposes the controls over HTTP for another process', async () => {
    const control = (name: string, body: unknown) =>
      fetch(`${p.origin}/__control/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<{ ok: boolean; result: unknown }>,
      );
    expect((await control('register-app', { clientId: 'demo', clientSecret: 'demo-secret', redirectUris: [REDIRECT] })).ok).toBe(true);
    expect(((await control('users', {})).result as unknown[]).length).toBe(3);
    await control('auto-approve', { userId: ALICE });
    const res = await fetch(authorizeUrl({ client_id: 'demo' }), { redirect: 'manual' });
    expect(res.status).toBe(302);
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    expect((await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, basic('demo', 'demo-secret'))).status).toBe(200);
    expect((await control('live-grants', { userId: ALICE })).result).toBe(1);
    await control('revoke-user', { userId: ALICE });
    expect((await control('live-grants', { userId: ALICE })).result).toBe(0);
    await control('fail-next', { endpoint: 'user_account', kind: 'server_error' });
    expect((await me('x')).status).toBe(500);
  });
});
