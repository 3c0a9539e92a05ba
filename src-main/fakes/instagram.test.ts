import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_KINDS } from './fake-server.ts';
import { INSTAGRAM_ENDPOINTS, startFakeInstagram, type FakeInstagram } from './instagram.ts';
import { INSTAGRAM_ACCOUNTS } from './meta-seed.ts';

const APP_ID = '990602627938098';
const APP_SECRET = 'ig-secret+with odd&chars=';
const REDIRECT = 'https://relay.plugboard.test/callback/instagram';
const SCOPES = 'instagram_business_basic,instagram_business_content_publish';
const [BAKERY, MAYA, NO_PICTURE, PERSONAL] = INSTAGRAM_ACCOUNTS.map((a) => a.igUserId) as [string, string, string, string];
const DAY = 86_400;

let ig: FakeInstagram;

interface ShortLived {
  access_token: string;
  user_id: string;
  permissions: string;
}
interface LongLived {
  access_token: string;
  token_type: string;
  expires_in: number;
}
interface IgError {
  error_type: string;
  code: number;
  error_message: string;
}
interface GraphError {
  error: { message: string; type: string; code: number; error_subcode?: number; fbtrace_id: string };
}

const jsonOf = async <T>(res: Response): Promise<T> => (await res.json()) as T;
const host = (h: string) => ig.originMap()[h]!;
const www = () => host('https://www.instagram.com');
const api = () => host('https://api.instagram.com');
const graph = () => host('https://graph.instagram.com');

beforeEach(async () => {
  ig = await startFakeInstagram({ apps: [{ clientId: APP_ID, clientSecret: APP_SECRET, redirectUris: [REDIRECT], name: 'Plugboard Test' }] });
});

afterEach(async () => {
  await ig.close();
});

function authorizeUrl(params: Record<string, string | null> = {}): string {
  const base: Record<string, string | null> = { client_id: APP_ID, redirect_uri: REDIRECT, response_type: 'code', scope: SCOPES, state: 'state-123' };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...base, ...params })) if (v !== null) q.set(k, v);
  return `${www()}/oauth/authorize?${q}`;
}

async function getCode(userId = BAKERY, params: Record<string, string | null> = {}): Promise<{ code: string; location: string }> {
  ig.autoApprove(userId);
  const res = await fetch(authorizeUrl(params), { redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = res.headers.get('location')!;
  return { code: new URL(location).searchParams.get('code')!, location };
}

const exchangeCode = (code: string, extra: Record<string, string> = {}) =>
  fetch(`${api()}/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: APP_ID, client_secret: APP_SECRET, grant_type: 'authorization_code', redirect_uri: REDIRECT, code, ...extra }),
  });

const longLived = (token: string, secret = APP_SECRET) =>
  fetch(`${graph()}/access_token?${new URLSearchParams({ grant_type: 'ig_exchange_token', client_secret: secret, access_token: token })}`);

const refresh = (token: string) => fetch(`${graph()}/refresh_access_token?${new URLSearchParams({ grant_type: 'ig_refresh_token', access_token: token })}`);

const me = (token: string | null, fields = 'user_id,username,name,profile_picture_url,account_type', path = '/v25.0/me') =>
  fetch(`${graph()}${path}?fields=${fields}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

async function shortToken(userId = BAKERY): Promise<ShortLived> {
  const res = await exchangeCode((await getCode(userId)).code);
  expect(res.status).toBe(200);
  return (await jsonOf<{ data: ShortLived[] }>(res)).data[0]!;
}

async function connect(userId = BAKERY): Promise<string> {
  const res = await longLived((await shortToken(userId)).access_token);
  expect(res.status).toBe(200);
  return (await jsonOf<LongLived>(res)).access_token;
}

async function graphErrorOf(res: Response): Promise<GraphError['error']> {
  return (await jsonOf<GraphError>(res)).error;
}

describe('authorization window', () => {
  it('shows a consent page naming the app, the accounts and the scopes', async () => {
    const res = await fetch(authorizeUrl());
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Plugboard Test');
    expect(page).toContain('@sunrise.bakery');
    expect(page).toContain('instagram_business_content_publish');
    expect(page).toContain('action="/oauth/authorize"');
  });

  it('approves through the form with the code, the state and #_ appended', async () => {
    const page = await (await fetch(authorizeUrl())).text();
    const txn = /name="txn" value="([^"]+)"/.exec(page)![1]!;
    const res = await fetch(`${www()}/oauth/authorize`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ txn, decision: 'approve', user_id: MAYA }) });
    const location = res.headers.get('location')!;
    expect(location.endsWith('#_')).toBe(true);
    const landed = new URL(location);
    expect(`${landed.origin}${landed.pathname}`).toBe(REDIRECT);
    expect(landed.searchParams.get('code')).toMatch(/^AQ/);
    expect(landed.searchParams.get('state')).toBe('state-123');
  });

  it('sends a refusal back as access_denied with user_denied', async () => {
    ig.autoDeny();
    const landed = new URL((await fetch(authorizeUrl(), { redirect: 'manual' })).headers.get('location')!);
    expect(landed.searchParams.get('error')).toBe('access_denied');
    expect(landed.searchParams.get('error_reason')).toBe('user_denied');
    expect(landed.searchParams.get('state')).toBe('state-123');
  });

  it.each([
    ['an unknown client_id (the Facebook App ID)', { client_id: '1234567890' }, 'Invalid platform app'],
    ['a redirect_uri that differs by a slash', { redirect_uri: `${REDIRECT}/` }, 'Invalid redirect_uri'],
    ['a plain-http redirect_uri', { redirect_uri: 'http://127.0.0.1:8765/callback' }, 'Invalid redirect_uri'],
    ['response_type token', { response_type: 'token' }, 'Invalid response_type'],
    ['the retired business_basic scope', { scope: 'business_basic' }, 'Invalid Scopes: business_basic'],
    ['no instagram_business_basic', { scope: 'instagram_business_content_publish' }, 'instagram_business_basic is required'],
  ])('refuses %s with an error page', async (_name, params, detail) => {
    const res = await fetch(authorizeUrl(params), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain(detail);
  });

  it('accepts space-separated scopes, as Meta documents', async () => {
    const { code } = await getCode(BAKERY, { scope: 'instagram_business_basic instagram_business_content_publish' });
    const res = await exchangeCode(code);
    expect((await jsonOf<{ data: ShortLived[] }>(res)).data[0]!.permissions).toBe(SCOPES);
  });

  it('keeps a personal account on a page that asks to switch to a professional account', async () => {
    ig.autoApprove(PERSONAL);
    const res = await fetch(authorizeUrl(), { redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('Switch @just.me to a Business or Creator account');
    expect(ig.requests.at(-1)!.note).toBe('personal account refused');
  });

  it('lets only testers through a development-mode app', async () => {
    ig.setAppMode(APP_ID, 'development', [MAYA]);
    ig.autoApprove(BAKERY);
    const refused = await fetch(authorizeUrl(), { redirect: 'manual' });
    expect(refused.headers.get('location')).toBeNull();
    expect(await refused.text()).toContain('Insufficient developer role');
    expect((await getCode(MAYA)).code).toBeTruthy();
  });
});

describe('code exchange (api.instagram.com)', () => {
  it('answers the documented data: [...] shape with an Instagram-scoped user id and comma-separated permissions', async () => {
    const reply = await shortToken();
    expect(reply.access_token).toMatch(/^IGAA/);
    expect(reply.user_id).toMatch(/^\d{17}$/);
    expect(reply.user_id).not.toBe(BAKERY);
    expect(reply.permissions).toBe(SCOPES);
  });

  it('answers the older flat shape, user_id as a bare number, when asked', async () => {
    const flat = await startFakeInstagram({ tokenReply: 'flat', apps: [{ clientId: APP_ID, clientSecret: APP_SECRET, redirectUris: [REDIRECT] }] });
    try {
      flat.autoApprove(BAKERY);
      const location = (await fetch(`${flat.origin}/oauth/authorize?${new URL(authorizeUrl()).searchParams}`, { redirect: 'manual' })).headers.get('location')!;
      const res = await fetch(`${flat.origin}/oauth/access_token`, {
        method: 'POST',
        body: new URLSearchParams({ client_id: APP_ID, client_secret: APP_SECRET, grant_type: 'authorization_code', redirect_uri: REDIRECT, code: new URL(location).searchParams.get('code')! }),
      });
      const raw = await res.text();
      expect(raw).toMatch(/"user_id":\d{17},/);
      expect(JSON.parse(raw)).toMatchObject({ permissions: ['instagram_business_basic', 'instagram_business_content_publish'] });
    } finally {
      await flat.close();
    }
  });

  it.each([
    ['an unknown client_id', { client_id: '1234567890' }, 'Invalid platform app'],
    ['a wrong secret', { client_secret: 'nope' }, 'Error validating client secret.'],
    ['an unregistered redirect_uri', { redirect_uri: 'https://elsewhere.test/cb' }, 'Invalid redirect_uri'],
    ['another grant_type', { grant_type: 'refresh_token' }, 'Invalid grant_type'],
  ])('refuses %s in Instagram’s error shape', async (_name, extra, message) => {
    const res = await exchangeCode((await getCode()).code, extra);
    expect(res.status).toBe(400);
    expect(await jsonOf<IgError>(res)).toEqual({ error_type: 'OAuthException', code: 400, error_message: message });
  });

  it('does not find a code sent with #_, a used code or an hour-old code', async () => {
    const { code } = await getCode();
    const withSuffix = await exchangeCode(`${code}#_`);
    expect((await jsonOf<IgError>(withSuffix)).error_message).toBe('Matching code was not found or was already used');
    expect((await exchangeCode(code)).status).toBe(200);
    expect((await jsonOf<IgError>(await exchangeCode(code))).error_message).toBe('Matching code was not found or was already used');
    const late = await getCode();
    ig.advance(3601);
    expect((await jsonOf<IgError>(await exchangeCode(late.code))).error_message).toBe('Matching code was not found or was already used');
  });
});

describe('long-lived tokens (graph.instagram.com)', () => {
  it('exchanges a short-lived token for a 60-day one with the app secret', async () => {
    const res = await longLived((await shortToken()).access_token);
    expect(await jsonOf<LongLived>(res)).toMatchObject({ token_type: 'bearer', expires_in: 60 * DAY });
  });

  it('refuses the exchange with a wrong secret (code 1) or an expired short-lived token (190/463)', async () => {
    const short = await shortToken();
    expect(await graphErrorOf(await longLived(short.access_token, 'nope'))).toMatchObject({ code: 1, message: 'Error validating client secret.' });
    ig.advance(3601);
    expect(await graphErrorOf(await longLived(short.access_token))).toMatchObject({ code: 190, error_subcode: 463 });
  });

  it('extends a long-lived token only once it is 24 hours old, by 60 days from then', async () => {
    const token = await connect();
    const young = await refresh(token);
    expect(young.status).toBe(400);
    expect((await graphErrorOf(young)).message).toContain('24 hours');
    ig.advance(DAY + 60);
    const res = await refresh(token);
    expect(await jsonOf<LongLived>(res)).toMatchObject({ access_token: token, expires_in: 60 * DAY });
    // Extended: still usable past the first token's 60 days.
    ig.advance(60 * DAY - 120);
    expect((await me(token)).status).toBe(200);
    // And the 24 hours count again from the extension.
    const soon = await refresh(token);
    expect(soon.status).toBe(200);
    expect((await graphErrorOf(await refresh(token))).message).toContain('24 hours');
  });

  it('refuses to extend a short-lived token, and an expired one with 190/463', async () => {
    const short = await shortToken();
    expect((await graphErrorOf(await refresh(short.access_token))).message).toContain('24 hours');
    const token = await connect();
    ig.advance(60 * DAY + 1);
    const dead = await graphErrorOf(await refresh(token));
    expect(dead).toMatchObject({ code: 190, error_subcode: 463, type: 'OAuthException' });
    expect(dead.message).toContain('Session has expired on');
  });
});

describe('/me', () => {
  it('answers the professional account’s user_id (the Facebook-side id), the app-scoped id, and the fields asked for', async () => {
    const token = await connect(MAYA);
    const body = await jsonOf<Record<string, string>>(await me(token));
    expect(body).toMatchObject({ user_id: MAYA, username: 'maya.makes', name: 'Maya Makes', account_type: 'MEDIA_CREATOR' });
    expect(body.id).toMatch(/^\d{17}$/);
    expect(body.profile_picture_url).toMatch(/^https:\/\/scontent\.cdninstagram\.com\//);
    expect(Object.keys(body).sort()).toEqual(['account_type', 'id', 'name', 'profile_picture_url', 'user_id', 'username']);
  });

  it('serves unversioned and versioned paths, with the token in the header or the query', async () => {
    const token = await connect();
    expect((await me(token, 'user_id', '/me')).status).toBe(200);
    const res = await fetch(`${graph()}/v21.0/me?fields=username&access_token=${encodeURIComponent(token)}`);
    expect(await jsonOf<{ username: string }>(res)).toMatchObject({ username: 'sunrise.bakery' });
    expect((await me(token, 'user_id', '/latest/me')).status).toBe(404);
  });

  it('refuses an unknown field (100), a missing token (2500) and an unknown token (190)', async () => {
    const token = await connect();
    expect(await graphErrorOf(await me(token, 'user_id,email'))).toMatchObject({ code: 100, message: 'Tried accessing nonexisting field (email) on node type (User)' });
    expect((await graphErrorOf(await me(null))).code).toBe(2500);
    expect(await graphErrorOf(await me('IGAAnope'))).toMatchObject({ code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
  });

  it('answers 190/458 once the user removed the app, and 190/460 after a password change', async () => {
    const bakery = await connect(BAKERY);
    const maya = await connect(MAYA);
    expect(ig.liveGrants(BAKERY)).toBe(1);
    ig.revokeUser(BAKERY);
    ig.changePassword(MAYA);
    expect(await graphErrorOf(await me(bakery))).toMatchObject({ code: 190, error_subcode: 458 });
    expect(await graphErrorOf(await me(maya))).toMatchObject({ code: 190, error_subcode: 460 });
    expect(ig.liveGrants(BAKERY)).toBe(0);
  });

  it('answers 25/2207050 while the account is checkpointed, and the account type as changed', async () => {
    const token = await connect();
    ig.checkpoint(BAKERY, true);
    expect(await graphErrorOf(await me(token))).toMatchObject({ code: 25, error_subcode: 2207050 });
    ig.checkpoint(BAKERY, false);
    ig.setAccountType(BAKERY, 'PERSONAL');
    expect(await jsonOf<{ account_type: string }>(await me(token))).toMatchObject({ account_type: 'PERSONAL' });
  });

  it('expires tokens on demand', async () => {
    const token = await connect();
    ig.expireAccessTokens(BAKERY);
    expect(await graphErrorOf(await me(token))).toMatchObject({ code: 190, error_subcode: 463 });
  });
});

describe('pictures', () => {
  it('serves a PNG for an account with a picture and refuses the other account’s URL', async () => {
    const withPicture = ig.users.find((u) => u.igUserId === BAKERY)!;
    const res = await fetch(`${ig.origin}${new URL(withPicture.profilePictureUrl).pathname}`);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
    const without = ig.users.find((u) => u.igUserId === NO_PICTURE)!;
    expect((await fetch(`${ig.origin}${new URL(without.profilePictureUrl).pathname}`)).status).toBe(403);
  });
});

describe('failures', () => {
  it.each(INSTAGRAM_ENDPOINTS.flatMap((endpoint) => ERROR_KINDS.filter((k) => k !== 'timeout').map((kind) => [endpoint, kind] as const)))(
    '%s answers an injected %s once',
    async (endpoint, kind) => {
      const token = endpoint === 'token' ? '' : endpoint === 'exchange' ? (await shortToken()).access_token : await connect();
      if (endpoint === 'refresh') ig.advance(DAY + 1);
      const code = endpoint === 'token' ? (await getCode()).code : '';
      const call = () => (endpoint === 'token' ? exchangeCode(code) : endpoint === 'exchange' ? longLived(token) : endpoint === 'refresh' ? refresh(token) : me(token));
      ig.failNext(endpoint, kind);
      const res = await call();
      const body = await res.text();
      switch (kind) {
        case 'html_502':
          expect(res.status).toBe(502);
          break;
        case 'bad_json':
          expect(() => JSON.parse(body)).toThrow();
          break;
        case 'missing_fields':
          expect(res.status).toBe(200);
          expect(body).not.toContain(endpoint === 'me' ? 'user_id' : 'access_token');
          break;
        case 'rate_limited':
          if (endpoint === 'token') expect(res.status).toBe(429);
          else expect(JSON.parse(body)).toMatchObject({ error: { code: 4 } });
          break;
        case 'invalid_grant':
          expect(res.status).toBe(400);
          expect(body).toContain(endpoint === 'token' ? 'Matching code was not found' : '"error_subcode":463');
          break;
        case 'server_error':
          expect(res.status).toBe(500);
          break;
      }
      expect(ig.requests.at(-1)!.note).toBe(`injected ${kind}`);
      expect((await call()).status).toBe(200);
    },
  );

  it('injects any Graph error, with usage headers on throttling codes', async () => {
    const token = await connect();
    ig.failNextGraph('me', { code: 17 });
    const res = await me(token);
    expect(await graphErrorOf(res)).toMatchObject({ code: 17, message: 'User request limit reached' });
    expect(res.headers.get('x-app-usage')).toContain('call_count');
    ig.failNextGraph('refresh', { code: 190, subcode: 460 });
    expect(await graphErrorOf(await refresh(token))).toMatchObject({ code: 190, error_subcode: 460 });
  });

  it('hangs on timeout', async () => {
    const token = await connect();
    ig.failNext('me', 'timeout');
    await expect(fetch(`${graph()}/me?fields=user_id`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(300) })).rejects.toThrow();
  });
});

describe('controls and the request log', () => {
  it('drives the fake over HTTP like the other fakes', async () => {
    const control = (name: string, body: unknown) =>
      fetch(`${ig.origin}/__control/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => jsonOf<{ ok: boolean; result: unknown }>(r));
    expect((await control('register-app', { clientId: '111', clientSecret: 's', redirectUris: [REDIRECT] })).ok).toBe(true);
    expect((await control('set-app-mode', { clientId: '111', mode: 'development', testers: [] })).ok).toBe(true);
    expect((await control('checkpoint', { userId: BAKERY, on: true })).ok).toBe(true);
    expect((await control('fail-next-graph', { endpoint: 'me', code: 32 })).ok).toBe(true);
    expect((await control('users', {})).result).toHaveLength(INSTAGRAM_ACCOUNTS.length);
    ig.autoApprove(BAKERY);
    const page = await fetch(authorizeUrl({ client_id: '111' }), { redirect: 'manual' });
    expect(await page.text()).toContain('Insufficient developer role');
  });

  it('logs paths and notes, never codes, tokens or secrets', async () => {
    const token = await connect();
    await me(token);
    const log = JSON.stringify(ig.requests);
    expect(log).not.toContain(token);
    expect(log).not.toContain(APP_SECRET);
    expect(log).not.toContain('AQ');
    expect(ig.requests.map((r) => r.endpoint)).toEqual([null, 'token', 'exchange', 'me']);
  });
});
