import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_KINDS } from './fake-server.ts';
import { startFakeTikTok, TIKTOK_ENDPOINTS, type FakeTikTok } from './tiktok.ts';

const CLIENT_KEY = 'awplugboardkey01';
const CLIENT_SECRET = 'tiktok-secret+with odd&chars=';
const REDIRECT = 'http://127.0.0.1:47615/callback/tiktok';
const SCOPES = 'user.info.basic,user.info.profile,video.upload,video.publish';
const DEMO = '-000ZpLugB0ardDemoOpenId0000000000001';
const ALICE = '-000ZpLugB0ardDemoOpenId0000000000002';
const BOB = '-000ZpLugB0ardDemoOpenId0000000000003';

let tt: FakeTikTok;

interface TokenReply {
  access_token: string;
  expires_in: number;
  open_id: string;
  refresh_expires_in: number;
  refresh_token: string;
  scope: string;
  token_type: string;
}
interface OAuthError {
  error: string;
  error_description: string;
  log_id: string;
}

const jsonOf = async <T>(res: Response): Promise<T> => (await res.json()) as T;

beforeEach(async () => {
  tt = await startFakeTikTok();
  tt.registerApp({ clientId: CLIENT_KEY, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT], name: 'Plugboard Test' });
});

afterEach(async () => {
  await tt.close();
});

function pkce(encoding: 'hex' | 'base64url' = 'hex') {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest(encoding) };
}

const www = () => tt.originMap()['https://www.tiktok.com']!;
const api = () => tt.originMap()['https://open.tiktokapis.com']!;

function authorizeUrl(params: Record<string, string | null> = {}): string {
  const base: Record<string, string | null> = {
    client_key: CLIENT_KEY,
    response_type: 'code',
    scope: SCOPES,
    redirect_uri: REDIRECT,
    state: 'state-1234567890abcdef',
    code_challenge: pkce().challenge,
    code_challenge_method: 'S256',
  };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...base, ...params })) if (v !== null) q.set(k, v);
  return `${www()}/v2/auth/authorize/?${q}`;
}

async function getCode(opts: { userId?: string; scope?: string } = {}) {
  const { verifier, challenge } = pkce();
  tt.autoApprove(opts.userId ?? DEMO);
  const res = await fetch(authorizeUrl({ code_challenge: challenge, scope: opts.scope ?? SCOPES }), { redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  return { code: location.searchParams.get('code')!, location, verifier };
}

function post(path: string, form: Record<string, string>): Promise<Response> {
  return fetch(`${api()}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
}

const exchange = (code: string, verifier: string, extra: Record<string, string> = {}) =>
  post('/v2/oauth/token/', { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, code, grant_type: 'authorization_code', redirect_uri: REDIRECT, code_verifier: verifier, ...extra });

const refresh = (refreshToken: string) => post('/v2/oauth/token/', { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: refreshToken });

async function connect(userId = DEMO, scope?: string): Promise<TokenReply> {
  const { code, verifier } = await getCode({ userId, scope });
  const res = await exchange(code, verifier);
  expect(res.status).toBe(200);
  return jsonOf<TokenReply>(res);
}

const userInfo = (token: string | null, fields = 'open_id,union_id,avatar_url,display_name,username') =>
  fetch(`${api()}/v2/user/info/?fields=${fields}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('authorize', () => {
  it('shows a consent page with the app, the users and the scopes', async () => {
    const res = await fetch(authorizeUrl());
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Plugboard Test');
    expect(page).toContain('@plugboard.demo');
    expect(page).toContain('video.publish');
    expect(page).toContain('action="/v2/auth/authorize/"');
  });

  it('approves through the consent form with code, scopes and state, and denies with access_denied', async () => {
    const page = await (await fetch(authorizeUrl())).text();
    const txn = /name="txn" value="([^"]+)"/.exec(page)![1]!;
    const approve = await fetch(`${www()}/v2/auth/authorize/`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ txn, decision: 'approve', user_id: ALICE }) });
    const landed = new URL(approve.headers.get('location')!);
    expect(`${landed.origin}${landed.pathname}`).toBe(REDIRECT);
    expect(landed.searchParams.get('code')).toBeTruthy();
    expect(landed.searchParams.get('scopes')).toBe(SCOPES);
    expect(landed.searchParams.get('state')).toBe('state-1234567890abcdef');

    tt.autoDeny();
    const denied = new URL((await fetch(authorizeUrl(), { redirect: 'manual' })).headers.get('location')!);
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('state-1234567890abcdef');
  });

  it.each([
    ['client_id instead of client_key', { client_key: null, client_id: CLIENT_KEY }, 'client_key'],
    ['an unknown client_key', { client_key: 'nope' }, 'client_key'],
    ['a redirect_uri that differs by a slash', { redirect_uri: `${REDIRECT}/` }, 'redirect_uri'],
    ['space-separated scopes', { scope: 'user.info.basic user.info.profile' }, 'scope'],
    ['no scope', { scope: null }, 'scope'],
    ['no state', { state: null }, 'state'],
    ['no code_challenge', { code_challenge: null }, 'code_challenge'],
    ['a base64url challenge (RFC 7636) instead of hex', { code_challenge: pkce('base64url').challenge }, 'code_challenge'],
    ['method plain', { code_challenge_method: 'plain' }, 'code_challenge_method'],
    ['response_type token', { response_type: 'token' }, 'response_type'],
  ])('refuses %s with TikTok’s error page naming the parameter', async (_name, params, param) => {
    const res = await fetch(authorizeUrl(params as Record<string, string | null>), { redirect: 'manual' });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain("We couldn't log in with TikTok");
    expect(page).toContain(`<strong>${param}</strong>`);
  });

  it('accepts a base64url challenge when started with pkce: base64url', async () => {
    const other = await startFakeTikTok({ pkce: 'base64url' });
    try {
      other.registerApp({ clientId: CLIENT_KEY, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT] });
      const { verifier, challenge } = pkce('base64url');
      other.autoApprove(DEMO);
      const url = authorizeUrl({ code_challenge: challenge }).replace(www(), other.origin);
      const code = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
      const res = await fetch(`${other.origin}/v2/oauth/token/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, code, grant_type: 'authorization_code', redirect_uri: REDIRECT, code_verifier: verifier }),
      });
      expect((await jsonOf<TokenReply>(res)).access_token).toMatch(/^act\./);
    } finally {
      await other.close();
    }
  });

  it('makes TikTok-style codes (with * and !) when asked', async () => {
    const other = await startFakeTikTok({ tiktokStyleCodes: true });
    try {
      other.registerApp({ clientId: CLIENT_KEY, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT] });
      other.autoApprove(DEMO);
      const res = await fetch(authorizeUrl().replace(www(), other.origin), { redirect: 'manual' });
      expect(new URL(res.headers.get('location')!).searchParams.get('code')).toMatch(/\*0!\d{4}\.u1$/);
    } finally {
      await other.close();
    }
  });
});

describe('token', () => {
  it('exchanges a code for act./rft. tokens with real lifetimes and comma-separated scopes', async () => {
    const t = await connect();
    expect(t.access_token).toMatch(/^act\./);
    expect(t.refresh_token).toMatch(/^rft\./);
    expect(t.expires_in).toBe(7200);
    expect(t.refresh_expires_in).toBe(180 * 86400);
    expect(t.open_id).toBe(DEMO);
    expect(t.scope).toBe(SCOPES);
    expect(t.token_type).toBe('Bearer');
  });

  it('refuses a wrong verifier, a wrong redirect_uri, a replayed and an expired code, with HTTP 200 and TikTok’s error shape', async () => {
    const a = await getCode();
    const wrongVerifier = await exchange(a.code, pkce().verifier);
    expect(wrongVerifier.status).toBe(200);
    expect(await jsonOf<OAuthError>(wrongVerifier)).toMatchObject({ error: 'invalid_request', error_description: 'Code verifier or code challenge is invalid.', log_id: expect.any(String) });

    const b = await getCode();
    expect((await jsonOf<OAuthError>(await exchange(b.code, b.verifier, { redirect_uri: `${REDIRECT}/` }))).error).toBe('invalid_grant');

    const c = await getCode();
    expect((await exchange(c.code, c.verifier)).status).toBe(200);
    expect((await jsonOf<OAuthError>(await exchange(c.code, c.verifier))).error).toBe('invalid_grant');

    const d = await getCode();
    tt.advance(301);
    expect((await jsonOf<OAuthError>(await exchange(d.code, d.verifier))).error_description).toMatch(/expired/);
  });

  it('wants client_key and the right client_secret in the form', async () => {
    const a = await getCode();
    const wrongSecret = await exchange(a.code, a.verifier, { client_secret: 'nope' });
    expect((await jsonOf<OAuthError>(wrongSecret)).error).toBe('invalid_client');
    const asClientId = await post('/v2/oauth/token/', { client_id: CLIENT_KEY, client_secret: CLIENT_SECRET, code: a.code, grant_type: 'authorization_code', redirect_uri: REDIRECT, code_verifier: a.verifier });
    expect((await jsonOf<OAuthError>(asClientId)).error).toBe('invalid_request');
    // Neither spent the code.
    expect((await jsonOf<TokenReply>(await exchange(a.code, a.verifier))).access_token).toBeTruthy();
  });

  it('rotates the refresh token on every refresh and kills the old one at once; refresh_expires_in counts down', async () => {
    const first = await connect();
    tt.advance(3600);
    const second = await jsonOf<TokenReply>(await refresh(first.refresh_token));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    // Whole seconds left on the fake clock (real milliseconds pass between the calls).
    expect(180 * 86400 - 3600 - second.refresh_expires_in).toBeLessThanOrEqual(1);
    expect(second.refresh_expires_in).toBeLessThanOrEqual(180 * 86400 - 3600);
    expect((await jsonOf<OAuthError>(await refresh(first.refresh_token))).error).toBe('invalid_grant');
    expect((await jsonOf<TokenReply>(await refresh(second.refresh_token))).refresh_token).toMatch(/^rft\./);
  });

  it('refuses refreshes past the refresh token’s deadline', async () => {
    const t = await connect();
    tt.advance(180 * 86400 - 10);
    const late = await jsonOf<TokenReply>(await refresh(t.refresh_token));
    expect([9, 10]).toContain(late.refresh_expires_in);
    tt.advance(11);
    expect((await jsonOf<OAuthError>(await refresh(late.refresh_token))).error).toBe('invalid_grant');
    // The last access token lives out its two hours; then nothing of the grant is left.
    expect(tt.liveGrants(DEMO)).toBe(1);
    tt.advance(7200);
    expect(tt.liveGrants(DEMO)).toBe(0);
  });

  it('refuses an unknown grant_type', async () => {
    const res = await post('/v2/oauth/token/', { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'password' });
    expect((await jsonOf<OAuthError>(res)).error).toBe('unsupported_grant_type');
  });
});

describe('user info and avatars', () => {
  it('answers the requested fields with error.code ok, and serves the avatar as a PNG', async () => {
    const t = await connect();
    const res = await userInfo(t.access_token);
    expect(res.status).toBe(200);
    const body = await jsonOf<{ data: { user: Record<string, string> }; error: { code: string; log_id: string } }>(res);
    expect(body.error.code).toBe('ok');
    expect(body.data.user).toMatchObject({ open_id: DEMO, username: 'plugboard.demo', display_name: 'Plugboard Demo' });
    const avatarUrl = new URL(body.data.user.avatar_url!);
    expect(avatarUrl.origin).toBe('https://p16-sign.tiktokcdn-us.com');
    const img = await fetch(`${tt.originMap()[avatarUrl.origin]}${avatarUrl.pathname}${avatarUrl.search}`);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await img.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
  });

  it('404s the avatar of the user without one', async () => {
    const t = await connect(BOB);
    const body = await jsonOf<{ data: { user: { avatar_url: string } } }>(await userInfo(t.access_token));
    const u = new URL(body.data.user.avatar_url);
    expect((await fetch(`${tt.origin}${u.pathname}`)).status).toBe(404);
  });

  it('answers access_token_invalid 401 without, with an unknown or with an expired token', async () => {
    const t = await connect();
    for (const token of [null, 'act.nope']) {
      const res = await userInfo(token);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ data: {}, error: { code: 'access_token_invalid' } });
    }
    tt.advance(7201);
    expect((await userInfo(t.access_token)).status).toBe(401);
    const t2 = await connect(ALICE);
    tt.expireAccessTokens(ALICE);
    expect((await userInfo(t2.access_token)).status).toBe(401);
  });

  it('needs user.info.profile for username, and rejects unknown fields', async () => {
    const t = await connect(DEMO, 'user.info.basic');
    const noScope = await userInfo(t.access_token);
    expect(noScope.status).toBe(401);
    expect(await noScope.json()).toMatchObject({ error: { code: 'scope_not_authorized' } });
    expect((await userInfo(t.access_token, 'open_id,display_name')).status).toBe(200);
    const bad = await userInfo(t.access_token, 'open_id,secrets');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_params' } });
  });
});

describe('revoke', () => {
  it('revoking the access token ends the whole grant (refresh token too), with an empty body', async () => {
    const t = await connect();
    const other = await connect(ALICE);
    expect(tt.liveGrants(DEMO)).toBe(1);
    const res = await post('/v2/oauth/revoke/', { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, token: t.access_token });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(tt.liveGrants(DEMO)).toBe(0);
    expect((await jsonOf<OAuthError>(await refresh(t.refresh_token))).error).toBe('invalid_grant');
    expect((await userInfo(t.access_token)).status).toBe(401);
    expect((await userInfo(other.access_token)).status).toBe(200);
  });

  it('needs the client key and secret', async () => {
    const t = await connect();
    const res = await post('/v2/oauth/revoke/', { client_key: CLIENT_KEY, client_secret: 'wrong', token: t.access_token });
    expect((await jsonOf<OAuthError>(res)).error).toBe('invalid_client');
    expect(tt.liveGrants(DEMO)).toBe(1);
  });

  it('revokeUser() kills every grant of that user only', async () => {
    await connect(DEMO);
    await connect(DEMO);
    await connect(ALICE);
    tt.revokeUser(DEMO);
    expect(tt.liveGrants(DEMO)).toBe(0);
    expect(tt.liveGrants(ALICE)).toBe(1);
  });
});

describe('failure injection', () => {
  const call = async (endpoint: (typeof TIKTOK_ENDPOINTS)[number]): Promise<Response> => {
    switch (endpoint) {
      case 'token': {
        const { code, verifier } = await getCode();
        return exchange(code, verifier);
      }
      case 'refresh':
        return refresh((await connect()).refresh_token);
      case 'revoke':
        return post('/v2/oauth/revoke/', { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, token: (await connect()).access_token });
      case 'userinfo':
        return userInfo((await connect()).access_token);
    }
  };

  for (const endpoint of TIKTOK_ENDPOINTS) {
    for (const kind of ERROR_KINDS.filter((k) => k !== 'timeout')) {
      it(`${endpoint}: ${kind} in TikTok's shapes`, async () => {
        const run = call(endpoint);
        // The setup (authorize, and a code exchange for the other endpoints) never reaches this endpoint first.
        tt.failNext(endpoint, kind);
        const res = await run;
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
          case 'missing_fields':
            expect(res.status).toBe(200);
            expect(JSON.parse(body)).not.toHaveProperty('access_token');
            if (endpoint === 'userinfo') expect(JSON.parse(body).data.user).not.toHaveProperty('open_id');
            break;
          case 'rate_limited':
            expect(res.status).toBe(429);
            expect(JSON.parse(body)).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
            expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
            break;
          case 'invalid_grant':
            if (endpoint === 'userinfo') {
              expect(res.status).toBe(401);
              expect(JSON.parse(body)).toMatchObject({ error: { code: 'access_token_invalid' } });
            } else {
              expect(res.status).toBe(200);
              expect(JSON.parse(body)).toMatchObject({ error: 'invalid_grant', log_id: expect.any(String) });
            }
            break;
          case 'server_error':
            expect(res.status).toBe(500);
            expect(JSON.parse(body)).toMatchObject({ error: { code: 'internal_error' } });
            break;
        }
        expect(tt.requests.some((r) => r.endpoint === endpoint && r.note === `injected ${kind}`)).toBe(true);
      });
    }
  }

  it('hangs on timeout, and close() still returns promptly', async () => {
    tt.failNext('userinfo', 'timeout');
    const t = await connect();
    const pending = fetch(`${api()}/v2/user/info/?fields=open_id`, { headers: { authorization: `Bearer ${t.access_token}` }, signal: AbortSignal.timeout(300) });
    await expect(pending).rejects.toThrow();
    const started = Date.now();
    await tt.close();
    expect(Date.now() - started).toBeLessThan(1000);
    tt = await startFakeTikTok();
  });

  it('rejects unknown endpoints', () => {
    expect(() => tt.failNext('me' as never, 'bad_json')).toThrow(/no endpoint 'me'/);
  });
});

describe('controls and log', () => {
  it('exposes the controls over HTTP for another process', async () => {
    const control = async (name: string, body: unknown) =>
      jsonOf<{ ok: boolean; result: unknown }>(await fetch(`${tt.origin}/__control/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
    expect((await control('register-app', { clientId: 'other', clientSecret: 's', redirectUris: ['http://127.0.0.1:1/cb'] })).ok).toBe(true);
    expect((await control('users', {})).result).toHaveLength(3);
    await connect();
    expect((await control('live-grants', { userId: DEMO })).result).toBe(1);
    await control('revoke-user', { userId: DEMO });
    expect((await control('live-grants', { userId: DEMO })).result).toBe(0);
    expect((await control('fail-next', { endpoint: 'userinfo', kind: 'server_error' })).ok).toBe(true);
  });

  it('logs paths and notes but never a secret', async () => {
    const t = await connect();
    await refresh(t.refresh_token);
    const log = JSON.stringify(tt.requests);
    for (const secret of [t.access_token, t.refresh_token, CLIENT_SECRET]) expect(log.includes(secret)).toBe(false);
    expect(tt.requests.map((r) => r.endpoint)).toEqual([null, 'token', 'refresh']);
  });
});
