import { createHash, randomBytes } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_KINDS, solidPng } from './fake-server.ts';
import { startFakeX, X_ENDPOINTS, type FakeX } from './x.ts';

const CLIENT_ID = 'cGx1Z2JvYXJkLWNsaWVudA';
const CLIENT_SECRET = 'top-secret:with+odd chars&=';
const PUBLIC_ID = 'bmF0aXZlLWFwcA';
const REDIRECT = 'http://127.0.0.1:47615/callback';
const SCOPES = 'tweet.read tweet.write users.read offline.access';
const DEMO = '1500000000000000001';
const BOB = '1500000000000000003';

let x: FakeX;

interface TokenReply {
  token_type: string;
  expires_in: number;
  access_token: string;
  scope: string;
  refresh_token?: string;
}

async function jsonOf<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

beforeEach(async () => {
  x = await startFakeX();
  x.registerApp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT], name: 'Plugboard Test' });
  x.registerApp({ clientId: PUBLIC_ID, clientSecret: null, redirectUris: ['plugboard://oauth/x'] });
});

afterEach(async () => {
  await x.close();
});

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function basic(id = CLIENT_ID, secret = CLIENT_SECRET): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

function authorizeUrl(params: Record<string, string | null> = {}): string {
  const base: Record<string, string | null> = {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    scope: SCOPES,
    state: 'state-123',
    code_challenge: pkce().challenge,
    code_challenge_method: 'S256',
  };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...base, ...params })) if (v !== null) q.set(k, v);
  return `${x.originMap()['https://x.com']}/i/oauth2/authorize?${q}`;
}

async function getCode(opts: { userId?: string; scope?: string; clientId?: string; redirectUri?: string } = {}) {
  const { verifier, challenge } = pkce();
  x.autoApprove(opts.userId ?? DEMO);
  const res = await fetch(
    authorizeUrl({ code_challenge: challenge, scope: opts.scope ?? SCOPES, client_id: opts.clientId ?? CLIENT_ID, redirect_uri: opts.redirectUri ?? REDIRECT }),
    { redirect: 'manual' },
  );
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(location.searchParams.get('state')).toBe('state-123');
  return { code: location.searchParams.get('code')!, verifier };
}

function tokenRequest(form: Record<string, string>, auth: string | null = basic()) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth) headers.authorization = auth;
  return fetch(`${x.originMap()['https://api.x.com']}/2/oauth2/token`, { method: 'POST', headers, body: new URLSearchParams(form) });
}

async function exchange(code: string, verifier: string, redirectUri = REDIRECT) {
  return tokenRequest({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri });
}

async function connect(opts: { userId?: string; scope?: string } = {}) {
  const { code, verifier } = await getCode(opts);
  const res = await exchange(code, verifier);
  expect(res.status).toBe(200);
  return jsonOf<TokenReply>(res);
}

function me(accessToken: string, fields = 'profile_image_url,username,name,subscription_type') {
  return fetch(`${x.originMap()['https://api.x.com']}/2/users/me?user.fields=${fields}`, { headers: { authorization: `Bearer ${accessToken}` } });
}

function revoke(tokenValue: string, hint: string, auth: string | null = basic()) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth) headers.authorization = auth;
  return fetch(`${x.origin}/2/oauth2/revoke`, { method: 'POST', headers, body: new URLSearchParams({ token: tokenValue, token_type_hint: hint }) });
}

const DEAD_CODE = { error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.' };
const DEAD_TOKEN = { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' };
const UNAUTHORIZED = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };

describe('authorize', () => {
  it('shows a consent page with the app, users, scopes and accessible buttons', async () => {
    const res = await fetch(authorizeUrl());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await res.text();
    expect(page).toContain('Plugboard Test wants to access your X account');
    expect(page).toMatch(/<button[^>]*>Authorize app<\/button>/);
    expect(page).toMatch(/<button[^>]*>Cancel<\/button>/);
    for (const u of x.users) expect(page).toContain(`@${u.username}`);
    expect(page).toContain('offline.access');
  });

  it('approves and denies through the consent form', async () => {
    const txnOf = async () => /name="txn" value="([^"]+)"/.exec(await (await fetch(authorizeUrl())).text())![1]!;
    const post = (form: Record<string, string>) =>
      fetch(`${x.origin}/i/oauth2/authorize`, { method: 'POST', redirect: 'manual', body: new URLSearchParams(form) });

    const approved = await post({ txn: await txnOf(), decision: 'approve', user_id: x.users[1]!.id });
    expect(approved.status).toBe(302);
    const loc = new URL(approved.headers.get('location')!);
    expect(`${loc.origin}${loc.pathname}`).toBe(REDIRECT);
    expect([...loc.searchParams.keys()]).toEqual(['state', 'code']);

    const denied = await post({ txn: await txnOf(), decision: 'deny' });
    const deniedLoc = new URL(denied.headers.get('location')!);
    expect(Object.fromEntries(deniedLoc.searchParams)).toEqual({ error: 'access_denied', state: 'state-123' });

    const replayedTxn = await txnOf();
    await post({ txn: replayedTxn, decision: 'deny' });
    expect((await post({ txn: replayedTxn, decision: 'approve', user_id: DEMO })).status).toBe(400);
  });

  it('auto-deny answers the next authorize with access_denied, then shows the page again', async () => {
    x.autoDeny();
    const res = await fetch(authorizeUrl(), { redirect: 'manual' });
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
    expect((await fetch(authorizeUrl(), { redirect: 'manual' })).status).toBe(200);
  });

  it.each([
    ['unknown client_id', { client_id: 'nope' }],
    ['unregistered redirect_uri', { redirect_uri: 'http://127.0.0.1:47615/callback/' }],
    ['response_type other than code', { response_type: 'token' }],
    ['unknown scope', { scope: 'tweet.read users.email' }],
    ['comma-separated scopes', { scope: 'tweet.read,users.read' }],
    ['missing state', { state: null }],
    ['missing code_challenge', { code_challenge: null }],
    ['plain PKCE', { code_challenge_method: 'plain' }],
  ])('refuses %s with an error page, not a redirect', async (_label, params) => {
    x.autoApprove(DEMO);
    const res = await fetch(authorizeUrl(params), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('Something went wrong');
  });

  it('keeps custom-scheme redirects and registered URIs exact', async () => {
    const { code } = await getCode({ clientId: PUBLIC_ID, redirectUri: 'plugboard://oauth/x' });
    expect(code).toBeTruthy();
  });
});

describe('token exchange', () => {
  it('exchanges a code with the right verifier (confidential client, Basic auth)', async () => {
    const { code, verifier } = await getCode();
    const res = await exchange(code, verifier);
    expect(res.status).toBe(200);
    const body = await jsonOf<Record<string, unknown>>(res);
    expect(Object.keys(body)).toEqual(['token_type', 'expires_in', 'access_token', 'scope', 'refresh_token']);
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 7200, scope: SCOPES });
  });

  it('refuses a wrong verifier, a wrong redirect_uri, an expired and a replayed code', async () => {
    const { code, verifier } = await getCode();
    const wrong = await exchange(code, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual(DEAD_CODE);
    expect(await (await exchange(code, verifier, 'http://127.0.0.1:47615/other')).json()).toEqual(DEAD_CODE);
    expect((await exchange(code, verifier)).status).toBe(200);
    const replay = await exchange(code, verifier);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual(DEAD_CODE);

    const late = await getCode();
    x.advance(31);
    expect(await (await exchange(late.code, late.verifier)).json()).toEqual(DEAD_CODE);
  });

  it('requires valid Basic auth from a confidential client', async () => {
    const { code, verifier } = await getCode();
    const form = { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT };
    const expected = { error: 'unauthorized_client', error_description: 'Missing valid authorization header' };
    for (const auth of [basic(CLIENT_ID, 'wrong'), null, `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`]) {
      const res = await tokenRequest(form, auth);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(expected);
    }
    const inBody = await tokenRequest({ ...form, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }, null);
    expect(inBody.status).toBe(401);
    expect((await tokenRequest(form)).status).toBe(200);
  });

  it('lets a public client send client_id in the body with no secret', async () => {
    const { code, verifier } = await getCode({ clientId: PUBLIC_ID, redirectUri: 'plugboard://oauth/x' });
    const res = await tokenRequest(
      { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: 'plugboard://oauth/x', client_id: PUBLIC_ID },
      null,
    );
    expect(res.status).toBe(200);
  });

  it('gives no refresh token without offline.access', async () => {
    const body = await connect({ scope: 'tweet.read users.read' });
    expect(body.refresh_token).toBeUndefined();
    expect(body.scope).toBe('tweet.read users.read');
  });
});

describe('refresh', () => {
  it('rotates both tokens and kills the old refresh token at once', async () => {
    const first = await connect();
    x.clearRequests();
    const res = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token! });
    expect(res.status).toBe(200);
    const second = await jsonOf<TokenReply>(res);
    expect(second.refresh_token).toBeTruthy();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(x.requests.filter((r) => r.endpoint === 'refresh')).toHaveLength(1);

    const stale = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token! });
    expect(stale.status).toBe(400);
    expect(await stale.json()).toEqual(DEAD_TOKEN);
    expect((await me(second.access_token)).status).toBe(200);
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: second.refresh_token! })).status).toBe(200);
  });

  it('refuses another client’s refresh token', async () => {
    const tokens = await connect();
    x.registerApp({ clientId: 'other', clientSecret: 's', redirectUris: [REDIRECT] });
    const res = await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, basic('other', 's'));
    expect(await res.json()).toEqual(DEAD_TOKEN);
  });
});

describe('users/me and profile images', () => {
  it('answers the requested fields and serves the avatar as a PNG', async () => {
    const tokens = await connect({ userId: '1500000000000000002' });
    const res = await me(tokens.access_token);
    expect(res.status).toBe(200);
    const { data } = await jsonOf<{ data: { profile_image_url: string } }>(res);
    expect(data).toEqual({
      id: '1500000000000000002',
      name: 'Alice Example',
      username: 'alice_creates',
      profile_image_url: 'https://pbs.twimg.com/profile_images/1500000000000000002/alice_creates_normal.png',
      subscription_type: 'Premium',
    });
    const image = await fetch(data.profile_image_url.replace('https://pbs.twimg.com', x.originMap()['https://pbs.twimg.com']));
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');

    const bob = x.users.find((u) => u.id === BOB)!;
    expect(bob.hasAvatar).toBe(false);
    expect((await fetch(bob.profile_image_url.replace('https://pbs.twimg.com', x.origin))).status).toBe(404);
  });

  it('only adds optional fields when asked, and rejects unknown ones', async () => {
    const tokens = await connect();
    expect((await jsonOf<{ data: unknown }>(await me(tokens.access_token, 'username'))).data).toEqual({ id: DEMO, name: 'Plugboard Demo', username: 'plugboard_demo' });
    const bad = await me(tokens.access_token, 'username,email');
    expect(bad.status).toBe(400);
    expect((await jsonOf<{ title: string }>(bad)).title).toBe('Invalid Request');
  });

  it('401s once the token expires on the fake clock, and after expireAccessTokens()', async () => {
    const tokens = await connect();
    x.advance(7199);
    expect((await me(tokens.access_token)).status).toBe(200);
    x.advance(2);
    const res = await me(tokens.access_token);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(UNAUTHORIZED);

    const fresh = await connect({ userId: BOB });
    x.expireAccessTokens(BOB);
    expect((await me(fresh.access_token)).status).toBe(401);
    expect(x.liveGrants(BOB)).toBe(1);
  });

  it('401s without or with an unknown token, 403s without tweet.read', async () => {
    expect((await fetch(`${x.origin}/2/users/me`)).status).toBe(401);
    expect((await me('nonsense')).status).toBe(401);
    const narrow = await connect({ scope: 'users.read offline.access' });
    expect((await me(narrow.access_token)).status).toBe(403);
  });
});

describe('POST /2/tweets', () => {
  const tweet = (token: string, body: unknown, contentType = 'application/json') =>
    fetch(`${x.origin}/2/tweets`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('creates a post (201, its id and text), keeps it, and lists it through a GET control', async () => {
    const { access_token } = await connect();
    const res = await tweet(access_token, { text: 'hello https://example.com' });
    expect(res.status).toBe(201);
    const { data } = await jsonOf<{ data: { id: string; text: string; edit_history_tweet_ids: string[] } }>(res);
    expect(data).toEqual({ id: expect.stringMatching(/^\d{19}$/), text: 'hello https://example.com', edit_history_tweet_ids: [data.id] });
    expect(x.posts).toEqual([{ id: data.id, authorId: DEMO, username: 'plugboard_demo', text: 'hello https://example.com', at: expect.any(Number) }]);
    const listed = await jsonOf<{ ok: boolean; result: unknown[] }>(await fetch(`${x.origin}/__control/posts`));
    expect(listed).toEqual({ ok: true, result: x.posts });
  });

  it('weighs the text as X does: 280, a URL as 23, CJK as 2', async () => {
    const { access_token } = await connect();
    expect((await tweet(access_token, { text: `${'字'.repeat(128)} https://example.com/${'x'.repeat(100)}` })).status).toBe(201);
    const long = await tweet(access_token, { text: '字'.repeat(141) });
    expect(long.status).toBe(400);
    expect((await jsonOf<{ errors: { message: string }[] }>(long)).errors[0]!.message).toMatch(/^Your Tweet text is too long\./);
    expect((await tweet(access_token, {})).status).toBe(400);
    expect((await tweet(access_token, 'text=hi', 'application/x-www-form-urlencoded')).status).toBe(400);
  });

  it('refuses the same text twice with X’s duplicate body, a token without tweet.write with 403, a bad token with 401', async () => {
    const { access_token } = await connect();
    expect((await tweet(access_token, { text: 'once' })).status).toBe(201);
    const again = await tweet(access_token, { text: 'once' });
    expect(again.status).toBe(403);
    expect(await again.json()).toEqual({ detail: 'You are not allowed to create a Tweet with duplicate content.', type: 'about:blank', title: 'Forbidden', status: 403 });
    const readOnly = await connect({ userId: BOB, scope: 'tweet.read users.read' });
    const forbidden = await tweet(readOnly.access_token, { text: 'not allowed' });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' });
    expect((await tweet('nonsense', { text: 'who?' })).status).toBe(401);
    expect(x.posts.map((p) => p.text)).toEqual(['once']);
  });

  it('a cut answer still leaves the post made', async () => {
    const { access_token } = await connect();
    x.answerLate('tweets', { afterMs: 'drop' });
    await expect(tweet(access_token, { text: 'made, unanswered' })).rejects.toThrow();
    expect(x.posts.map((p) => p.text)).toEqual(['made, unanswered']);
    expect(x.requests.at(-1)).toMatchObject({ endpoint: 'tweets', status: 201, note: expect.stringMatching(/connection cut$/) });
  });
});

describe('revoke', () => {
  it('revoking either token kills the whole grant', async () => {
    for (const which of ['access_token', 'refresh_token'] as const) {
      const tokens = await connect();
      expect(x.liveGrants(DEMO)).toBe(1);
      const res = await revoke(tokens[which]!, which);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ revoked: true });
      expect((await me(tokens.access_token)).status).toBe(401);
      expect(await (await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! })).json()).toEqual(DEAD_TOKEN);
      expect(x.liveGrants(DEMO)).toBe(0);
    }
  });

  it('needs client auth and answers revoked:true for unknown tokens', async () => {
    const tokens = await connect();
    expect((await revoke(tokens.access_token, 'access_token', null)).status).toBe(401);
    expect(x.liveGrants(DEMO)).toBe(1);
    expect(await (await revoke('unknown', 'access_token')).json()).toEqual({ revoked: true });
  });

  it('revokeUser() kills every grant of that user only', async () => {
    const a = await connect();
    await connect();
    const b = await connect({ userId: BOB });
    expect(x.liveGrants(DEMO)).toBe(2);
    x.revokeUser(DEMO);
    expect(x.liveGrants(DEMO)).toBe(0);
    expect((await me(a.access_token)).status).toBe(401);
    expect((await me(b.access_token)).status).toBe(200);
  });
});

describe('failure injection', () => {
  async function call(endpoint: (typeof X_ENDPOINTS)[number], tokens: { access_token: string; refresh_token?: string }, signal?: AbortSignal) {
    const init = { signal };
    switch (endpoint) {
      case 'token': {
        const { code, verifier } = await getCode();
        return fetch(`${x.origin}/2/oauth2/token`, {
          ...init,
          method: 'POST',
          headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT }),
        });
      }
      case 'refresh':
        return fetch(`${x.origin}/2/oauth2/token`, {
          ...init,
          method: 'POST',
          headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }),
        });
      case 'revoke':
        return fetch(`${x.origin}/2/oauth2/revoke`, {
          ...init,
          method: 'POST',
          headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token: tokens.access_token, token_type_hint: 'access_token' }),
        });
      case 'me':
        return fetch(`${x.origin}/2/users/me?user.fields=username`, { ...init, headers: { authorization: `Bearer ${tokens.access_token}` } });
      case 'tweets':
        // A new text each time: the same one twice is a duplicate.
        return fetch(`${x.origin}/2/tweets`, {
          ...init,
          method: 'POST',
          headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ text: `post ${randomBytes(4).toString('hex')}` }),
        });
    }
  }

  const cases = X_ENDPOINTS.flatMap((endpoint) => ERROR_KINDS.filter((k) => k !== 'timeout').map((kind) => [endpoint, kind] as const));

  it.each(cases)('%s answers %s as specified, once', async (endpoint, kind) => {
    const tokens = await connect();
    x.failNext(endpoint, kind, { retryAfterSec: 120 });
    const res = await call(endpoint, tokens);
    const body = await res.text();
    switch (kind) {
      case 'html_502':
        expect(res.status).toBe(502);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(body).toContain('Bad Gateway');
        break;
      case 'bad_json':
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(() => JSON.parse(body)).toThrow();
        break;
      case 'missing_fields': {
        expect(res.status).toBe(200);
        const parsed = JSON.parse(body);
        if (endpoint === 'me') expect(parsed).toEqual({ data: { name: 'x' } });
        else if (endpoint === 'tweets') expect(parsed.data.id).toBeUndefined();
        else if (endpoint === 'revoke') expect(parsed.revoked).toBeUndefined();
        else expect(parsed.access_token).toBeUndefined();
        break;
      }
      case 'rate_limited':
        expect(res.status).toBe(429);
        expect(JSON.parse(body)).toEqual({ title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 });
        expect(res.headers.get('x-rate-limit-limit')).toBe('75');
        expect(res.headers.get('x-rate-limit-remaining')).toBe('0');
        // The fake's clock runs in real time: the second may tick between its answer and this check.
        expect(Math.floor(x.now() / 1000) + 120 - Number(res.headers.get('x-rate-limit-reset'))).toBeGreaterThanOrEqual(0);
        expect(Math.floor(x.now() / 1000) + 120 - Number(res.headers.get('x-rate-limit-reset'))).toBeLessThanOrEqual(1);
        break;
      case 'invalid_grant':
        if (endpoint === 'me' || endpoint === 'tweets') {
          expect(res.status).toBe(401);
          expect(JSON.parse(body)).toEqual(UNAUTHORIZED);
        } else {
          expect(res.status).toBe(400);
          expect(JSON.parse(body)).toEqual(endpoint === 'token' ? DEAD_CODE : DEAD_TOKEN);
        }
        break;
      case 'server_error':
        expect(res.status).toBe(500);
        break;
    }
    expect(x.requests.at(-1)).toMatchObject({ endpoint, note: `injected ${kind}` });
    expect((await call(endpoint, tokens)).status).toBe(endpoint === 'tweets' ? 201 : 200);
  });

  it('hangs on timeout, for each endpoint', async () => {
    const tokens = await connect();
    for (const endpoint of X_ENDPOINTS) {
      x.failNext(endpoint, 'timeout');
      await expect(call(endpoint, tokens, AbortSignal.timeout(300))).rejects.toThrow();
      expect(x.requests.at(-1)).toMatchObject({ endpoint, status: null });
    }
  });

  it('queues failures in order and honours times', async () => {
    const tokens = await connect();
    x.failNext('me', 'server_error', { times: 2 });
    x.failNext('me', 'html_502');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call('me', tokens)).status);
    expect(statuses).toEqual([500, 500, 502, 200]);
  });

  it('rejects unknown endpoints and kinds', () => {
    expect(() => x.failNext('authorise' as 'token', 'server_error')).toThrow(/no endpoint/);
    expect(() => x.failNext('me', 'teapot' as 'timeout')).toThrow(/unknown failure kind/);
  });

  it('close() returns promptly while a timeout request is held open', async () => {
    const tokens = await connect();
    x.failNext('me', 'timeout');
    const pending = call('me', tokens);
    pending.catch(() => undefined);
    while (x.requests.at(-1)?.note !== 'injected timeout') await new Promise((r) => setTimeout(r, 5));
    const started = performance.now();
    await x.close();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(pending).rejects.toThrow();
    x = await startFakeX();
  });
});

describe('request log and controls', () => {
  it('logs paths and notes but never a secret', async () => {
    const tokens = await connect();
    await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    const log = JSON.stringify(x.requests);
    for (const secret of [tokens.access_token, tokens.refresh_token!, CLIENT_SECRET, encodeURIComponent(CLIENT_SECRET)]) expect(log).not.toContain(secret);
    expect(x.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /i/oauth2/authorize 302',
      'POST /2/oauth2/token 200',
      'POST /2/oauth2/token 200',
    ]);
    expect(x.requests.map((r) => r.endpoint)).toEqual([null, 'token', 'refresh']);
  });

  it('exposes the controls over HTTP for another process', async () => {
    const control = async (name: string, body: unknown = {}) => {
      const res = await fetch(`${x.origin}/__control/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: await jsonOf<{ ok: boolean; result: unknown }>(res) };
    };
    expect((await control('register-app', { clientId: 'demo', clientSecret: null, redirectUris: [REDIRECT] })).body).toEqual({ ok: true, result: null });
    expect((await control('register-app', { clientId: 'demo' })).status).toBe(400);
    expect((await control('users')).body.result).toHaveLength(3);

    await control('auto-approve', { userId: BOB });
    const { challenge, verifier } = pkce();
    const res = await fetch(authorizeUrl({ client_id: 'demo', code_challenge: challenge }), { redirect: 'manual' });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const tokens = await jsonOf<TokenReply>(
      await tokenRequest({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: 'demo' }, null),
    );
    expect((await control('live-grants', { userId: BOB })).body.result).toBe(1);

    await control('fail-next', { endpoint: 'me', kind: 'rate_limited', retryAfterSec: 5 });
    expect((await me(tokens.access_token)).status).toBe(429);
    expect((await control('fail-next', { endpoint: 'nope', kind: 'rate_limited' })).status).toBe(400);

    await control('advance', { seconds: 7201 });
    expect((await me(tokens.access_token)).status).toBe(401);
    await control('revoke-user', { userId: BOB });
    expect((await control('live-grants', { userId: BOB })).body.result).toBe(0);
    const logged = (await control('requests')).body.result as { path: string }[];
    expect(logged.some((r) => r.path.startsWith('/__control'))).toBe(false);
  });

  it('refuses oversized bodies', async () => {
    const res = await tokenRequest({ grant_type: 'refresh_token', refresh_token: 'a'.repeat(70_000) });
    expect(res.status).toBe(413);
  });
});

describe('solidPng', () => {
  it('makes a valid PNG of the requested size and colour', () => {
    const img = solidPng(48, [10, 20, 30]);
    expect(img.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(img.readUInt32BE(16)).toBe(48);
    expect(img.readUInt32BE(20)).toBe(48);
    const idatLength = img.readUInt32BE(33);
    const raw = inflateSync(img.subarray(41, 41 + idatLength));
    expect(raw.length).toBe(48 * (1 + 48 * 3));
    expect([...raw.subarray(1, 4)]).toEqual([10, 20, 30]);
  });
});

describe('refresh-token lifetime (a demo and test knob, not X behaviour)', () => {
  it('sends refresh_token_expires_in counting down from the first issue, and refuses refreshes past it', async () => {
    await x.close();
    x = await startFakeX({ refreshTokenLifetimeSec: 1000 });
    x.registerApp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT] });
    const first = (await connect()) as TokenReply & { refresh_token_expires_in?: number };
    // The fake's clock is real time plus the advances, so a second may tick between calls.
    expect(first.refresh_token_expires_in).toBeGreaterThanOrEqual(999);
    x.advance(600);
    const second = await jsonOf<TokenReply & { refresh_token_expires_in?: number }>(await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token! }));
    expect(second.refresh_token_expires_in).toBeGreaterThanOrEqual(398);
    expect(second.refresh_token_expires_in).toBeLessThanOrEqual(400);
    x.advance(401);
    const dead = await tokenRequest({ grant_type: 'refresh_token', refresh_token: second.refresh_token! });
    expect(dead.status).toBe(400);
  });
});
