import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_KINDS } from './fake-server.ts';
import {
  GOOGLE_ENDPOINTS,
  GOOGLE_USER_BROKEN_THUMBNAIL,
  GOOGLE_USER_NO_CHANNEL,
  GOOGLE_USER_ONE_CHANNEL,
  GOOGLE_USER_TWO_CHANNELS,
  seedChannelIds,
  startFakeGoogle,
  type FakeGoogle,
} from './google.ts';

const CLIENT_ID = '123456789012-abc.apps.googleusercontent.com';
const CLIENT_SECRET = 'GOCSPX-desktop+secret/=';
const WEB_ID = '123456789012-web.apps.googleusercontent.com';
const REDIRECT_PATH = '/callback/youtube';
const REDIRECT = `http://127.0.0.1:51234${REDIRECT_PATH}`;
const SCOPES = 'https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.readonly';
const DAY = 24 * 3600;

let g: FakeGoogle;

interface TokenReply {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
  token_type: string;
}

beforeEach(async () => {
  g = await startFakeGoogle();
  g.registerApp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [`http://127.0.0.1${REDIRECT_PATH}`], name: 'Plugboard Test' });
  g.registerApp({ clientId: WEB_ID, clientSecret: 'web-secret', redirectUris: ['https://app.example.com/oauth'], type: 'web' });
});

afterEach(async () => {
  await g.close();
});

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(params: Record<string, string | null> = {}, challenge = pkce().challenge): string {
  const base: Record<string, string | null> = {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    scope: SCOPES,
    state: 'state-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    access_type: 'offline',
    prompt: 'consent',
  };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...base, ...params })) if (v !== null) q.set(k, v);
  return `${g.origin}/o/oauth2/v2/auth?${q}`;
}

/** Signs in as the user and returns the landing address. */
async function landing(userId: string, params: Record<string, string | null> = {}, challenge?: string): Promise<URL> {
  g.autoApprove(userId);
  const res = await fetch(authorizeUrl(params, challenge), { redirect: 'manual' });
  expect(res.status, await res.clone().text()).toBe(302);
  return new URL(res.headers.get('location')!);
}

function post(path: string, form: Record<string, string>): Promise<Response> {
  return fetch(`${g.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
}

async function exchange(userId: string, params: Record<string, string | null> = {}, form: Record<string, string> = {}): Promise<Response> {
  const { verifier, challenge } = pkce();
  const land = await landing(userId, params, challenge);
  return post('/token', {
    grant_type: 'authorization_code',
    code: land.searchParams.get('code')!,
    redirect_uri: params.redirect_uri ?? REDIRECT,
    code_verifier: verifier,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    ...form,
  });
}

async function tokens(userId: string, params: Record<string, string | null> = {}): Promise<TokenReply> {
  const res = await exchange(userId, params);
  expect(res.status).toBe(200);
  return (await res.json()) as TokenReply;
}

const refresh = (refreshToken: string, secret = CLIENT_SECRET) =>
  post('/token', { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID, client_secret: secret });

const channels = (accessToken: string, query = 'part=snippet&mine=true') =>
  fetch(`${g.origin}/youtube/v3/channels?${query}`, { headers: { authorization: `Bearer ${accessToken}` } });

describe('authorize', () => {
  it('accepts any loopback port on 127.0.0.1 or localhost for a desktop client, with the registered path', async () => {
    for (const uri of ['http://127.0.0.1:1/callback/youtube', 'http://127.0.0.1:65000/callback/youtube', 'http://localhost:8080/callback/youtube', 'http://127.0.0.1/callback/youtube']) {
      const land = await landing(GOOGLE_USER_ONE_CHANNEL, { redirect_uri: uri });
      expect(land.origin + land.pathname).toBe(new URL(uri).origin + new URL(uri).pathname);
      expect(land.searchParams.get('state')).toBe('state-123');
      expect(land.searchParams.get('code')).toMatch(/^4\//);
    }
  });

  it('refuses a wrong client, a non-loopback or other-path redirect, and a web client\'s inexact redirect, on its own page', async () => {
    const cases: [Record<string, string | null>, RegExp][] = [
      [{ client_id: 'nobody.apps.googleusercontent.com' }, /invalid_client/],
      [{ redirect_uri: 'http://127.0.0.1:5000/other' }, /redirect_uri_mismatch/],
      [{ redirect_uri: 'https://127.0.0.1:5000/callback/youtube' }, /redirect_uri_mismatch/],
      [{ redirect_uri: 'http://evil.example:5000/callback/youtube' }, /redirect_uri_mismatch/],
      [{ redirect_uri: 'plugboard://callback/youtube' }, /redirect_uri_mismatch/],
      [{ client_id: WEB_ID, redirect_uri: 'https://app.example.com:444/oauth' }, /redirect_uri_mismatch/],
      [{ scope: 'https://www.googleapis.com/auth/nonsense' }, /invalid_scope/],
      [{ access_type: 'forever' }, /access_type/],
      [{ state: null }, /state/],
      [{ code_challenge: null }, /code_challenge/],
      [{ code_challenge_method: 'plain' }, /S256/],
      [{ response_type: 'token' }, /response_type/],
    ];
    for (const [params, pattern] of cases) {
      g.autoApprove(GOOGLE_USER_ONE_CHANNEL);
      const res = await fetch(authorizeUrl(params), { redirect: 'manual' });
      expect(res.status, JSON.stringify(params)).toBeGreaterThanOrEqual(400);
      expect(await res.text()).toMatch(pattern);
      g.autoDeny(); // clear the pending auto decision
      await fetch(authorizeUrl(), { redirect: 'manual' });
    }
    g.autoApprove(GOOGLE_USER_ONE_CHANNEL);
    const web = await fetch(authorizeUrl({ client_id: WEB_ID, redirect_uri: 'https://app.example.com/oauth' }), { redirect: 'manual' });
    expect(web.status).toBe(302);
  });

  it('shows a consent page listing the test users, and a denial redirects with access_denied', async () => {
    const page = await (await fetch(authorizeUrl())).text();
    expect(page).toMatch(/Plugboard Test wants to access your Google account/);
    expect(page).toMatch(/ana\.example@gmail\.com/);
    expect(page).toMatch(/youtube\.upload/);
    g.autoDeny();
    const res = await fetch(authorizeUrl(), { redirect: 'manual' });
    const land = new URL(res.headers.get('location')!);
    expect(land.searchParams.get('error')).toBe('access_denied');
    expect(land.searchParams.get('state')).toBe('state-123');
  });
});

describe('token endpoint', () => {
  it('exchanges a code for a one-hour Bearer token and a refresh token (offline + consent)', async () => {
    const t = await tokens(GOOGLE_USER_ONE_CHANNEL);
    expect(t.token_type).toBe('Bearer');
    expect(t.expires_in).toBe(3599);
    expect(t.access_token).toMatch(/^ya29\./);
    expect(t.refresh_token).toMatch(/^1\/\//);
    expect(t.scope.split(' ').sort()).toEqual(SCOPES.split(' ').sort());
  });

  it('issues a refresh token only for access_type=offline with prompt=consent or on first consent', async () => {
    expect((await tokens(GOOGLE_USER_ONE_CHANNEL, { access_type: null, prompt: null })).refresh_token).toBeUndefined();
    // Ben has consented now; offline without prompt=consent gets no new refresh token.
    expect((await tokens(GOOGLE_USER_ONE_CHANNEL, { prompt: null })).refresh_token).toBeUndefined();
    expect((await tokens(GOOGLE_USER_ONE_CHANNEL, { prompt: 'consent' })).refresh_token).toBeTruthy();
    // Ana's first consent, offline: a refresh token without prompt=consent.
    expect((await tokens(GOOGLE_USER_TWO_CHANNELS, { prompt: null })).refresh_token).toBeTruthy();
  });

  it('needs client_id and client_secret in the body', async () => {
    const noSecret = await exchange(GOOGLE_USER_ONE_CHANNEL, {}, { client_secret: '' });
    expect(noSecret.status).toBe(401);
    expect(await noSecret.json()).toEqual({ error: 'invalid_client', error_description: 'Unauthorized' });
    const wrong = await exchange(GOOGLE_USER_ONE_CHANNEL, {}, { client_secret: 'nope' });
    expect(wrong.status).toBe(401);
  });

  it('refuses a replayed code, a wrong verifier, a missing verifier and a different redirect_uri in Google\'s words', async () => {
    const { verifier, challenge } = pkce();
    const land = await landing(GOOGLE_USER_ONE_CHANNEL, {}, challenge);
    const form = { grant_type: 'authorization_code', code: land.searchParams.get('code')!, redirect_uri: REDIRECT, client_id: CLIENT_ID, client_secret: CLIENT_SECRET };
    const wrongUri = await post('/token', { ...form, code_verifier: verifier, redirect_uri: 'http://127.0.0.1:9/callback/youtube' });
    expect(await wrongUri.json()).toEqual({ error: 'redirect_uri_mismatch', error_description: 'Bad Request' });
    const missing = await post('/token', form);
    expect(await missing.json()).toEqual({ error: 'invalid_grant', error_description: 'Missing code verifier.' });
    const wrong = await post('/token', { ...form, code_verifier: pkce().verifier });
    expect(await wrong.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid code verifier.' });
    expect((await post('/token', { ...form, code_verifier: verifier })).status).toBe(200);
    const replay = await post('/token', { ...form, code_verifier: verifier });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual({ error: 'invalid_grant', error_description: 'Bad Request' });
  });

  it('refreshes without a new refresh token; the old one keeps working', async () => {
    const t = await tokens(GOOGLE_USER_ONE_CHANNEL);
    for (let i = 0; i < 2; i++) {
      const res = await refresh(t.refresh_token!);
      expect(res.status).toBe(200);
      const body = (await res.json()) as TokenReply;
      expect(body.refresh_token).toBeUndefined();
      expect(body.expires_in).toBe(3599);
      expect(body.access_token).not.toBe(t.access_token);
      expect((await channels(body.access_token)).status).toBe(200);
    }
    expect((await refresh(t.refresh_token!, 'wrong')).status).toBe(401);
  });

  it('in Testing mode, a refresh token dies 7 days after issue with "Token has been expired or revoked."', async () => {
    const before = await tokens(GOOGLE_USER_TWO_CHANNELS);
    g.setTestingMode(true);
    const t = await tokens(GOOGLE_USER_ONE_CHANNEL);
    g.advance(7 * DAY - 60);
    expect((await refresh(t.refresh_token!)).status).toBe(200);
    g.advance(120);
    const dead = await refresh(t.refresh_token!);
    expect(dead.status).toBe(400);
    expect(await dead.json()).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    // The access token from the last refresh lives out its hour; then nothing of the grant is left.
    expect(g.liveGrants(GOOGLE_USER_ONE_CHANNEL)).toBe(1);
    g.advance(3600);
    expect(g.liveGrants(GOOGLE_USER_ONE_CHANNEL)).toBe(0);
    // A token issued before Testing mode was switched on is not affected.
    expect((await refresh(before.refresh_token!)).status).toBe(200);
    g.setTestingMode(false);
    const published = await tokens(GOOGLE_USER_ONE_CHANNEL);
    g.advance(30 * DAY);
    expect((await refresh(published.refresh_token!)).status).toBe(200);
  });

  it('an unknown refresh token is expired or revoked', async () => {
    const res = await refresh('1//made-up');
    expect(await res.json()).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
  });
});

describe('revoke', () => {
  it('revoking the refresh token (form or query) removes the app: every grant of that user to the client', async () => {
    const a = await tokens(GOOGLE_USER_ONE_CHANNEL);
    const b = await tokens(GOOGLE_USER_ONE_CHANNEL);
    const other = await tokens(GOOGLE_USER_TWO_CHANNELS);
    expect(g.liveGrants(GOOGLE_USER_ONE_CHANNEL)).toBe(2);
    const res = await post('/revoke', { token: a.refresh_token! });
    expect(res.status).toBe(200);
    expect(g.liveGrants(GOOGLE_USER_ONE_CHANNEL)).toBe(0);
    expect((await refresh(b.refresh_token!)).status).toBe(400);
    const api = await channels(b.access_token);
    expect(api.status).toBe(401);
    expect(g.liveGrants(GOOGLE_USER_TWO_CHANNELS)).toBe(1);
    const again = await post('/revoke', { token: a.refresh_token! });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_token', error_description: 'Token expired or revoked' });
    const byQuery = await fetch(`${g.origin}/revoke?token=${encodeURIComponent(other.access_token)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(byQuery.status).toBe(200);
    expect(g.liveGrants(GOOGLE_USER_TWO_CHANNELS)).toBe(0);
  });

  it('revokeUser and expireAccessTokens act on the user\'s grants', async () => {
    const t = await tokens(GOOGLE_USER_ONE_CHANNEL);
    g.expireAccessTokens(GOOGLE_USER_ONE_CHANNEL);
    expect((await channels(t.access_token)).status).toBe(401);
    expect(g.liveGrants(GOOGLE_USER_ONE_CHANNEL)).toBe(1);
    g.revokeUser(GOOGLE_USER_ONE_CHANNEL);
    expect(g.liveGrants(GOOGLE_USER_ONE_CHANNEL)).toBe(0);
  });
});

describe('channels and thumbnails', () => {
  it('lists the login\'s channels with snippet; none leaves items out', async () => {
    const two = (await (await channels((await tokens(GOOGLE_USER_TWO_CHANNELS)).access_token)).json()) as { items: { id: string; snippet: { title: string; customUrl?: string; thumbnails: { default: { url: string } } } }[] };
    expect(two.items.map((i) => i.id)).toEqual(seedChannelIds(GOOGLE_USER_TWO_CHANNELS));
    expect(two.items.map((i) => i.snippet.customUrl)).toEqual(['@anacooks', '@anatravels']);
    expect(two.items[0]!.snippet.thumbnails.default.url).toMatch(/^https:\/\/yt3\.ggpht\.com\//);
    const one = (await (await channels((await tokens(GOOGLE_USER_ONE_CHANNEL)).access_token)).json()) as { items: unknown[] };
    expect(one.items).toHaveLength(1);
    const none = (await (await channels((await tokens(GOOGLE_USER_NO_CHANNEL)).access_token)).json()) as Record<string, unknown>;
    expect(none).toMatchObject({ kind: 'youtube#channelListResponse', pageInfo: { totalResults: 0 } });
    expect(none.items).toBeUndefined();
  });

  it('answers 401 UNAUTHENTICATED in Google\'s shape for a missing, unknown or expired token', async () => {
    const t = await tokens(GOOGLE_USER_ONE_CHANNEL);
    g.advance(3600);
    for (const res of [await channels(t.access_token), await channels('ya29.unknown'), await fetch(`${g.origin}/youtube/v3/channels?part=snippet&mine=true`)]) {
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED', errors: [{ reason: 'authError' }] } });
    }
  });

  it('needs part and mine, and a YouTube read scope', async () => {
    const t = await tokens(GOOGLE_USER_ONE_CHANNEL);
    expect((await channels(t.access_token, 'mine=true')).status).toBe(400);
    expect((await channels(t.access_token, 'part=snippet')).status).toBe(400);
    const uploadOnly = await tokens(GOOGLE_USER_ONE_CHANNEL, { scope: 'https://www.googleapis.com/auth/youtube.upload' });
    const res = await channels(uploadOnly.access_token);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { errors: [{ reason: 'insufficientPermissions' }] } });
  });

  it('serves thumbnails on the yt3.ggpht.com origin; one 404s', async () => {
    const map = g.originMap();
    expect(Object.keys(map).sort()).toEqual(['https://accounts.google.com', 'https://oauth2.googleapis.com', 'https://www.googleapis.com', 'https://yt3.ggpht.com']);
    const via = (url: string) => fetch(url.replace('https://yt3.ggpht.com', map['https://yt3.ggpht.com']!));
    const ok = await via(g.users.find((u) => u.id === GOOGLE_USER_ONE_CHANNEL)!.channels[0]!.thumbnailUrl);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('image/png');
    expect((await ok.arrayBuffer()).byteLength).toBeGreaterThan(50);
    const broken = await via(g.users.find((u) => u.id === GOOGLE_USER_BROKEN_THUMBNAIL)!.channels[0]!.thumbnailUrl);
    expect(broken.status).toBe(404);
  });
});

describe('failure catalogue', () => {
  async function call(endpoint: (typeof GOOGLE_ENDPOINTS)[number], signal?: AbortSignal): Promise<Response> {
    const t = await tokens(GOOGLE_USER_ONE_CHANNEL);
    g.failNext(endpoint, failing);
    const init = { signal };
    switch (endpoint) {
      case 'channels':
        return fetch(`${g.origin}/youtube/v3/channels?part=snippet&mine=true`, { ...init, headers: { authorization: `Bearer ${t.access_token}` } });
      case 'refresh':
        return fetch(`${g.origin}/token`, { ...init, method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: t.refresh_token!, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
      case 'revoke':
        return fetch(`${g.origin}/revoke`, { ...init, method: 'POST', body: new URLSearchParams({ token: t.refresh_token! }) });
      case 'token':
        return fetch(`${g.origin}/token`, { ...init, method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: '4/x', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    }
  }
  let failing: (typeof ERROR_KINDS)[number] = 'html_502';

  for (const endpoint of GOOGLE_ENDPOINTS) {
    for (const kind of ERROR_KINDS) {
      it(`${endpoint}: ${kind}`, async () => {
        failing = kind;
        if (kind === 'timeout') {
          await expect(call(endpoint, AbortSignal.timeout(300))).rejects.toThrow();
          return;
        }
        const res = await call(endpoint);
        const body = await res.text();
        switch (kind) {
          case 'html_502':
            expect(res.status).toBe(502);
            expect(body).toMatch(/Error 502 \(Server Error\)!!1/);
            break;
          case 'bad_json':
            expect(res.status).toBe(200);
            expect(() => JSON.parse(body)).toThrow();
            break;
          case 'missing_fields': {
            expect(res.status).toBe(200);
            const parsed = JSON.parse(body) as Record<string, unknown>;
            if (endpoint === 'channels') expect((parsed.items as Record<string, unknown>[])[0]!.id).toBeUndefined();
            else if (endpoint !== 'revoke') expect(parsed.access_token).toBeUndefined();
            break;
          }
          case 'rate_limited':
            expect(res.status).toBe(429);
            expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
            if (endpoint === 'channels') expect(JSON.parse(body)).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } });
            else expect(JSON.parse(body)).toMatchObject({ error: 'rate_limit_exceeded' });
            break;
          case 'invalid_grant':
            if (endpoint === 'channels') expect(JSON.parse(body)).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
            else if (endpoint === 'refresh') expect(JSON.parse(body)).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
            else if (endpoint === 'token') expect(JSON.parse(body)).toEqual({ error: 'invalid_grant', error_description: 'Bad Request' });
            else expect(JSON.parse(body)).toMatchObject({ error: 'invalid_token' });
            break;
          case 'server_error':
            expect(res.status).toBe(500);
            expect(() => JSON.parse(body)).not.toThrow();
            break;
        }
        expect(g.requests.some((r) => r.endpoint === endpoint && r.note === `injected ${kind}`)).toBe(true);
      });
    }
  }

  it('refuses an unknown endpoint name', () => {
    expect(() => g.failNext('me' as never, 'html_502')).toThrow(/no endpoint 'me'/);
  });
});

describe('controls over HTTP', () => {
  it('register-app, testing-mode, users and live-grants', async () => {
    const control = async (name: string, body: unknown) => (await (await fetch(`${g.origin}/__control/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { ok: boolean; result: unknown };
    expect((await control('register-app', { clientId: 'demo', clientSecret: 's', redirectUris: ['http://127.0.0.1/callback/youtube'] })).ok).toBe(true);
    expect((await control('testing-mode', { on: true })).ok).toBe(true);
    const users = (await control('users', {})).result as { id: string; channels: unknown[] }[];
    expect(users.map((u) => u.channels.length)).toEqual([2, 1, 0, 1]);
    const t = await tokens(GOOGLE_USER_ONE_CHANNEL);
    expect((await control('live-grants', { userId: GOOGLE_USER_ONE_CHANNEL })).result).toBe(1);
    await control('advance', { seconds: 8 * DAY });
    expect((await refresh(t.refresh_token!)).status).toBe(400);
  });
});
