import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_KINDS } from './fake-server.ts';
import { startFakeThreads, THREADS_ENDPOINTS, type FakeThreads, type ThreadsEndpoint } from './threads.ts';

const APP_ID = '1290000000000001';
const FACEBOOK_APP_ID = '990000000000001';
const SECRET = 'threads-secret+odd&chars=';
const REDIRECT = 'https://relay.plugboard.test/callback/threads';
const SCOPES = 'threads_basic,threads_content_publish';
const STATE = 'state-1234567890abcdef';
const DEMO = '26000000000000001';
const MAYA = '26000000000000002';
const NO_PICTURE = '26000000000000003';
const OUTSIDER = '26000000000000004';
const HOUR = 3600;
const DAY = 86400;

interface GraphError {
  error: { message: string; type: string; code: number; error_subcode?: number; fbtrace_id: string };
}
interface LongLived {
  access_token: string;
  token_type: string;
  expires_in: number;
}
interface DialogError {
  error_message: string;
  error_code: number;
}

let th: FakeThreads;

beforeEach(async () => {
  th = await startFakeThreads();
  th.registerApp({ clientId: APP_ID, clientSecret: SECRET, redirectUris: [REDIRECT], name: 'Plugboard Test', facebookAppId: FACEBOOK_APP_ID });
});

afterEach(async () => {
  await th.close();
});

const jsonOf = async <T>(res: Response): Promise<T> => (await res.json()) as T;
const www = () => th.originMap()['https://www.threads.net']!;
const graph = () => th.originMap()['https://graph.threads.net']!;

function authorizeUrl(params: Record<string, string | null> = {}, host = www()): string {
  const base: Record<string, string | null> = { client_id: APP_ID, redirect_uri: REDIRECT, scope: SCOPES, response_type: 'code', state: STATE };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...base, ...params })) if (v !== null) q.set(k, v);
  return `${host}/oauth/authorize?${q}`;
}

async function getCode(userId = DEMO): Promise<string> {
  th.autoApprove(userId);
  const res = await fetch(authorizeUrl(), { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!).searchParams.get('code')!;
}

const exchangeCode = (code: string, extra: Record<string, string> = {}) =>
  fetch(`${graph()}/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: APP_ID, client_secret: SECRET, code, grant_type: 'authorization_code', redirect_uri: REDIRECT, ...extra }),
  });

const toLongLived = (token: string, secret = SECRET) =>
  fetch(`${graph()}/access_token?${new URLSearchParams({ grant_type: 'th_exchange_token', client_secret: secret, access_token: token })}`);

const extend = (token: string) => fetch(`${graph()}/refresh_access_token?${new URLSearchParams({ grant_type: 'th_refresh_token', access_token: token })}`);

const me = (token: string, fields = 'id,username,name,threads_profile_picture_url') => fetch(`${graph()}/v1.0/me?${new URLSearchParams({ fields, access_token: token })}`);

async function shortLived(userId = DEMO): Promise<string> {
  const res = await exchangeCode(await getCode(userId));
  expect(res.status).toBe(200);
  return (await jsonOf<{ access_token: string }>(res)).access_token;
}

async function longLived(userId = DEMO): Promise<string> {
  const res = await toLongLived(await shortLived(userId));
  expect(res.status).toBe(200);
  return (await jsonOf<LongLived>(res)).access_token;
}

async function graphError(res: Response): Promise<GraphError['error']> {
  expect(res.status).toBeGreaterThanOrEqual(400);
  return (await jsonOf<GraphError>(res)).error;
}

describe('authorization window', () => {
  it('shows a consent page and sends the code and state back with Meta\'s trailing #_', async () => {
    const page = await (await fetch(authorizeUrl())).text();
    expect(page).toContain('Plugboard Test');
    expect(page).toContain('@maya.makes');
    expect(page).toContain('threads_content_publish');
    const txn = /name="txn" value="([^"]+)"/.exec(page)![1]!;
    const res = await fetch(`${www()}/oauth/authorize`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ txn, decision: 'approve', user_id: MAYA }) });
    const location = res.headers.get('location')!;
    expect(location.endsWith('#_')).toBe(true);
    const landed = new URL(location);
    expect(`${landed.origin}${landed.pathname}`).toBe(REDIRECT);
    expect(landed.searchParams.get('code')).toMatch(/^AQ/);
    expect(landed.searchParams.get('state')).toBe(STATE);
  });

  it('is served on threads.net and threads.com alike', async () => {
    for (const host of ['https://threads.net', 'https://www.threads.com']) {
      th.autoApprove(DEMO);
      const res = await fetch(authorizeUrl({}, th.originMap()[host]!), { redirect: 'manual' });
      expect(new URL(res.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    }
  });

  it('sends a refusal back as access_denied with the state', async () => {
    th.autoDeny();
    const landed = new URL((await fetch(authorizeUrl(), { redirect: 'manual' })).headers.get('location')!);
    expect(landed.searchParams.get('error')).toBe('access_denied');
    expect(landed.searchParams.get('error_reason')).toBe('user_denied');
    expect(landed.searchParams.get('state')).toBe(STATE);
    expect(landed.searchParams.has('code')).toBe(false);
  });

  it.each([
    ['an unknown app ID', { client_id: '1' }, 1349026],
    ['the Facebook App ID instead of the Threads app ID', { client_id: FACEBOOK_APP_ID }, 1349026],
    ['a redirect URI that differs by a trailing slash', { redirect_uri: `${REDIRECT}/` }, 1349048],
    ['response_type token', { response_type: 'token' }, 1349048],
    ['scopes without threads_basic', { scope: 'threads_content_publish' }, 1349048],
  ])('refuses %s on its own page, without redirecting', async (_what, params, code) => {
    const res = await fetch(authorizeUrl(params), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect((await jsonOf<DialogError>(res)).error_code).toBe(code);
  });

  it('lets only Threads Testers authorize an app in development, anyone once it is live', async () => {
    th.autoApprove(OUTSIDER);
    const refused = await fetch(authorizeUrl(), { redirect: 'manual' });
    expect(refused.status).toBe(400);
    const body = await jsonOf<DialogError>(refused);
    expect(body.error_code).toBe(1349245);
    expect(body.error_message).toMatch(/not accepted the invite to test the app/);

    th.registerApp({ clientId: APP_ID, clientSecret: SECRET, redirectUris: [REDIRECT], live: true });
    th.autoApprove(OUTSIDER);
    const allowed = await fetch(authorizeUrl(), { redirect: 'manual' });
    expect(allowed.status).toBe(302);
  });

  it('cannot register a plain-http redirect, as the use case settings refuse one', () => {
    expect(() => th.registerApp({ clientId: '2', clientSecret: 's', redirectUris: ['http://127.0.0.1:7000/callback'] })).toThrow(/HTTPS/);
  });
});

describe('code → short-lived token', () => {
  it('answers the access token and user_id as a bare 17-digit number', async () => {
    const res = await exchangeCode(await getCode(MAYA));
    expect(res.status).toBe(200);
    const raw = await res.text();
    expect(raw).toContain(`"user_id":${MAYA}}`);
    const token = (JSON.parse(raw) as { access_token: string }).access_token;
    expect((await jsonOf<{ id: string }>(await me(token))).id).toBe(MAYA);
  });

  it('gives a token that lives one hour', async () => {
    const token = await shortLived();
    th.advance(HOUR - 5);
    expect((await me(token)).status).toBe(200);
    th.advance(10);
    expect(await graphError(await me(token))).toMatchObject({ code: 190, error_subcode: 463 });
  });

  it.each([
    ['a wrong client secret', { client_secret: 'nope' }, { code: 1 }],
    ['an unknown app ID', { client_id: '42' }, { code: 101 }],
    ['another redirect URI', { redirect_uri: 'https://elsewhere.test/cb' }, { code: 100, error_subcode: 36008 }],
    ['an unknown code', { code: 'AQnothing' }, { code: 100 }],
  ])('refuses %s', async (_what, extra, expected) => {
    const code = await getCode();
    expect(await graphError(await exchangeCode(code, extra))).toMatchObject(expected);
  });

  it('refuses a code used twice or older than an hour', async () => {
    const code = await getCode();
    expect((await exchangeCode(code)).status).toBe(200);
    expect(await graphError(await exchangeCode(code))).toMatchObject({ code: 100, error_subcode: 36009 });
    const late = await getCode();
    th.advance(HOUR + 1);
    expect(await graphError(await exchangeCode(late))).toMatchObject({ code: 100, error_subcode: 36007 });
  });
});

describe('short-lived → long-lived (th_exchange_token)', () => {
  it('gives a 60-day bearer token that works for /me', async () => {
    const res = await toLongLived(await shortLived());
    const body = await jsonOf<LongLived>(res);
    expect(body.token_type).toBe('bearer');
    expect(body.expires_in).toBe(60 * DAY);
    th.advance(59 * DAY);
    expect((await me(body.access_token)).status).toBe(200);
    th.advance(DAY + 1);
    expect(await graphError(await me(body.access_token))).toMatchObject({ code: 190, error_subcode: 463 });
  });

  it('refuses a wrong secret, a long-lived token and an expired short-lived one', async () => {
    const short = await shortLived();
    expect(await graphError(await toLongLived(short, 'wrong'))).toMatchObject({ code: 1 });
    expect(await graphError(await toLongLived(await longLived()))).toMatchObject({ code: 100 });
    th.advance(HOUR + 1);
    expect(await graphError(await toLongLived(short))).toMatchObject({ code: 190, error_subcode: 463 });
  });
});

describe('extending a long-lived token (th_refresh_token)', () => {
  it('refuses a token younger than 24 hours as an invalid request, not as a dead token', async () => {
    const token = await longLived();
    th.advance(23 * HOUR);
    const error = await graphError(await extend(token));
    expect(error.code).toBe(100);
    expect(error.message).toMatch(/24 hours/);
    expect((await me(token)).status).toBe(200);
  });

  it('gives a new token for 60 more days once the token is a day old, and counts age from each extension', async () => {
    const token = await longLived();
    th.advance(DAY);
    const res = await extend(token);
    expect(res.status).toBe(200);
    const renewed = await jsonOf<LongLived>(res);
    expect(renewed.access_token).not.toBe(token);
    expect(renewed.expires_in).toBe(60 * DAY);
    expect((await graphError(await extend(renewed.access_token))).code).toBe(100);
    th.advance(59 * DAY + HOUR);
    expect((await me(renewed.access_token)).status).toBe(200);
  });

  it('refuses an expired token with 463 and a short-lived one with 100', async () => {
    const token = await longLived();
    th.advance(60 * DAY + 1);
    expect(await graphError(await extend(token))).toMatchObject({ code: 190, error_subcode: 463 });
    expect(await graphError(await extend(await shortLived()))).toMatchObject({ code: 100 });
  });
});

describe('/v1.0/me and pictures', () => {
  it('answers the asked fields, with a picture that loads as PNG', async () => {
    const profile = await jsonOf<Record<string, string>>(await me(await longLived()));
    expect(profile).toMatchObject({ id: DEMO, username: 'plugboard.demo', name: 'Plugboard Demo' });
    const pic = new URL(profile.threads_profile_picture_url!);
    const res = await fetch(`${th.originMap()[pic.origin]}${pic.pathname}${pic.search}`);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(20);
  });

  it('has a user whose picture cannot be loaded', async () => {
    const profile = await jsonOf<Record<string, string>>(await me(await longLived(NO_PICTURE)));
    const pic = new URL(profile.threads_profile_picture_url!);
    expect((await fetch(`${th.originMap()[pic.origin]}${pic.pathname}`)).status).toBe(403);
  });

  it('accepts the token as a Bearer header too, and refuses an unknown field or a malformed token', async () => {
    const token = await longLived();
    expect((await fetch(`${graph()}/v1.0/me?fields=id`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await graphError(await me(token, 'id,email'))).message).toMatch(/nonexisting field \(email\)/);
    expect(await graphError(await me('not-a-token'))).toMatchObject({ code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
  });

  it('ends every token of a user who removes the app (458) or changes the password (460)', async () => {
    const demo = await longLived(DEMO);
    const maya = await longLived(MAYA);
    expect(th.liveGrants(DEMO)).toBe(1);
    th.revokeUser(DEMO);
    th.changePassword(MAYA);
    expect(await graphError(await me(demo))).toMatchObject({ code: 190, error_subcode: 458 });
    expect(await graphError(await me(maya))).toMatchObject({ code: 190, error_subcode: 460 });
    expect(await graphError(await extend(maya))).toMatchObject({ code: 190, error_subcode: 460 });
    expect(th.liveGrants(DEMO)).toBe(0);
  });

  it('expires access tokens on demand', async () => {
    const token = await longLived();
    th.expireAccessTokens(DEMO);
    expect(await graphError(await me(token))).toMatchObject({ code: 190, error_subcode: 463 });
  });
});

describe('throttling and injected failures', () => {
  it.each([
    [4, 'x-app-usage', 400],
    [17, 'x-app-usage', 400],
    [32, 'x-business-use-case-usage', 403],
  ] as const)('throttles with code %i and its %s header', async (code, header, status) => {
    const token = await longLived();
    th.throttleNext('me', code, { retryAfterSec: 600 });
    const res = await me(token);
    expect(res.status).toBe(status);
    expect(res.headers.get(header)).toBeTruthy();
    expect((await graphError(res)).code).toBe(code);
    if (code === 32) expect(res.headers.get(header)).toContain('"estimated_time_to_regain_access":10');
    expect((await me(token)).status).toBe(200);
  });

  const call: Record<ThreadsEndpoint, () => Promise<Response>> = {
    token: () => exchangeCode('AQx'),
    exchange: () => toLongLived('THx'),
    refresh: () => extend('THx'),
    me: () => me('THx'),
  };

  it.each(THREADS_ENDPOINTS.flatMap((endpoint) => ERROR_KINDS.filter((k) => k !== 'timeout').map((kind) => [endpoint, kind] as const)))('%s answers an injected %s', async (endpoint, kind) => {
    th.failNext(endpoint, kind);
    const res = await call[endpoint]();
    const raw = await res.text();
    switch (kind) {
      case 'html_502':
        expect(res.status).toBe(502);
        expect(raw).toContain('Bad Gateway');
        break;
      case 'bad_json':
        expect(res.status).toBe(200);
        expect(() => JSON.parse(raw)).toThrow();
        break;
      case 'missing_fields':
        expect(res.status).toBe(200);
        expect(JSON.parse(raw)).not.toHaveProperty(endpoint === 'me' ? 'id' : 'access_token');
        break;
      case 'rate_limited':
        expect((JSON.parse(raw) as GraphError).error.code).toBe(4);
        break;
      case 'invalid_grant':
        expect((JSON.parse(raw) as GraphError).error.code).toBe(endpoint === 'token' ? 100 : 190);
        break;
      case 'server_error':
        expect(res.status).toBe(500);
        expect((JSON.parse(raw) as GraphError).error.code).toBe(2);
        break;
    }
    expect(th.requests.at(-1)).toMatchObject({ endpoint, note: `injected ${kind}` });
  });

  it('hangs on an injected timeout', async () => {
    th.failNext('me', 'timeout');
    await expect(fetch(`${graph()}/v1.0/me?access_token=x`, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
  });
});

describe('controls and the request log', () => {
  it('drives registration, throttles and password changes over HTTP', async () => {
    const control = (name: string, body: unknown) =>
      fetch(`${th.origin}/__control/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => jsonOf<{ ok: boolean }>(r));
    expect((await control('register-app', { clientId: '77', clientSecret: 's', redirectUris: ['https://x.test/cb'], live: true })).ok).toBe(true);
    expect((await control('register-app', { clientId: '78', clientSecret: 's', redirectUris: ['http://x.test/cb'] })).ok).toBe(false);
    const token = await longLived(MAYA);
    expect((await control('throttle-next', { endpoint: 'me', code: 17 })).ok).toBe(true);
    expect((await graphError(await me(token))).code).toBe(17);
    expect((await control('change-password', { userId: MAYA })).ok).toBe(true);
    expect((await graphError(await me(token))).error_subcode).toBe(460);
  });

  it('logs paths and notes without codes, tokens or secrets', async () => {
    const token = await longLived();
    th.advance(DAY);
    await extend(token);
    const log = JSON.stringify(th.requests);
    expect(th.requests.map((r) => r.endpoint)).toEqual([null, 'token', 'exchange', 'refresh']);
    expect(log).not.toContain(token);
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain('THAA');
  });
});
