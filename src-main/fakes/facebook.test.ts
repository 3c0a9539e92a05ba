import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_KINDS } from './fake-server.ts';
import { FACEBOOK_ENDPOINTS, PAGE_WITHOUT_PICTURE, parseFields, startFakeFacebook, type FakeFacebook } from './facebook.ts';
import { FACEBOOK_USERS } from './meta-seed.ts';

const APP_ID = '1234567890123456';
const APP_SECRET = 'fb-secret+with odd&chars=';
const REDIRECT = 'https://relay.example.net/callback/facebook';
const SCOPES = 'pages_show_list,pages_manage_posts,pages_read_engagement,business_management,instagram_basic';
const V = 'v25.0';
const [DANA, MAYA, PAT] = FACEBOOK_USERS.map((u) => u.userId) as [string, string, string];
const [SUNRISE, STUDIO, WHOLESALE] = FACEBOOK_USERS[0]!.pages.map((p) => p.pageId) as [string, string, string];
const APP_TOKEN = `${APP_ID}|${APP_SECRET}`;

let fb: FakeFacebook;

beforeEach(async () => {
  fb = await startFakeFacebook();
  fb.registerApp({ clientId: APP_ID, clientSecret: APP_SECRET, redirectUris: [REDIRECT, 'http://localhost:8080/cb', 'http://127.0.0.1:8080/cb'], name: 'Plugboard Test' });
});

afterEach(async () => {
  await fb.close();
});

const www = () => fb.originMap()['https://www.facebook.com']!;
const graph = () => fb.originMap()['https://graph.facebook.com']!;

interface GraphErrorBody {
  error: { message: string; type: string; code: number; error_subcode?: number; fbtrace_id: string };
}
const jsonOf = async <T>(res: Response): Promise<T> => (await res.json()) as T;

function dialogUrl(params: Record<string, string | null> = {}): string {
  const base: Record<string, string | null> = { client_id: APP_ID, redirect_uri: REDIRECT, scope: SCOPES, state: 'state-1234567890abcdef', response_type: 'code' };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...base, ...params })) if (v !== null) q.set(k, v);
  return `${www()}/${V}/dialog/oauth?${q}`;
}

async function landing(userId = DANA, params: Record<string, string | null> = {}): Promise<URL> {
  fb.autoApprove(userId);
  const res = await fetch(dialogUrl(params), { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

const get = (path: string, params: Record<string, string>) => fetch(`${graph()}/${V}${path}?${new URLSearchParams(params)}`);

const exchange = (code: string, extra: Record<string, string> = {}) => get('/oauth/access_token', { client_id: APP_ID, client_secret: APP_SECRET, redirect_uri: REDIRECT, code, ...extra });

async function userToken(userId = DANA, opts: { longLived?: boolean; scope?: string } = {}): Promise<string> {
  const code = (await landing(userId, opts.scope ? { scope: opts.scope } : {})).searchParams.get('code')!;
  const short = await jsonOf<{ access_token: string }>(await exchange(code));
  if (opts.longLived === false) return short.access_token;
  const long = await get('/oauth/access_token', { grant_type: 'fb_exchange_token', client_id: APP_ID, client_secret: APP_SECRET, fb_exchange_token: short.access_token });
  return (await jsonOf<{ access_token: string }>(long)).access_token;
}

interface PageRow {
  id: string;
  name: string;
  access_token?: string;
  tasks: string[];
  picture: { data: { url: string } };
}
const pagesOf = async (token: string) => (await jsonOf<{ data: PageRow[] }>(await get('/me/accounts', { fields: 'id,name,access_token,picture,tasks', access_token: token }))).data;

interface DebugData {
  type: string;
  is_valid: boolean;
  expires_at: number;
  data_access_expires_at: number;
  scopes: string[];
  granular_scopes: { scope: string; target_ids?: string[] }[];
  user_id: string;
  profile_id?: string;
  error?: { code: number; message: string; subcode?: number };
}
const debug = async (token: string) => (await jsonOf<{ data: DebugData }>(await get('/debug_token', { input_token: token, access_token: APP_TOKEN }))).data;

describe('the dialog', () => {
  it('shows a consent page, and redirects with code and state after #_=_ like Facebook', async () => {
    const page = await (await fetch(dialogUrl())).text();
    expect(page).toContain('Plugboard Test');
    expect(page).toContain('pages_manage_posts');
    const txn = /name="txn" value="([^"]+)"/.exec(page)![1]!;
    const res = await fetch(`${www()}/${V}/dialog/oauth`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ txn, decision: 'approve', user_id: MAYA }) });
    const location = res.headers.get('location')!;
    expect(location.endsWith('#_=_')).toBe(true);
    const url = new URL(location);
    expect(`${url.origin}${url.pathname}`).toBe(REDIRECT);
    expect(url.searchParams.get('code')).toMatch(/^AQ/);
    expect(url.searchParams.get('state')).toBe('state-1234567890abcdef');
  });

  it('sends a refusal back as access_denied with error_reason=user_denied', async () => {
    fb.autoDeny();
    const res = await fetch(dialogUrl(), { redirect: 'manual' });
    const url = new URL(res.headers.get('location')!);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ error: 'access_denied', error_reason: 'user_denied', error_code: '200', state: 'state-1234567890abcdef' });
    expect(url.hash).toBe('#_=_');
  });

  it.each([
    ['an unknown app', { client_id: '999' }, 'Invalid App ID'],
    ['a redirect URI not listed exactly (trailing slash)', { redirect_uri: `${REDIRECT}/` }, 'URL Blocked'],
    ['http on 127.0.0.1 even in development mode', { redirect_uri: 'http://127.0.0.1:8080/cb' }, 'Insecure Login Blocked'],
    ['space-separated scopes', { scope: 'pages_show_list pages_manage_posts' }, 'Invalid Scopes'],
    ['a malformed version', { version: 'latest' }, 'isn’t available'],
  ])('refuses %s with a page and no redirect', async (_name, params, title) => {
    const { version, ...rest } = params as Record<string, string>;
    const url = dialogUrl(rest).replace(`/${V}/`, `/${version ?? V}/`);
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain(title);
  });

  it('lets http://localhost through only while the app is in development mode', async () => {
    fb.autoApprove(DANA);
    expect((await fetch(dialogUrl({ redirect_uri: 'http://localhost:8080/cb' }), { redirect: 'manual' })).status).toBe(302);
    fb.registerApp({ clientId: APP_ID, clientSecret: APP_SECRET, redirectUris: ['http://localhost:8080/cb'], mode: 'live' });
    const res = await fetch(dialogUrl({ redirect_uri: 'http://localhost:8080/cb' }), { redirect: 'manual' });
    expect(await res.text()).toContain('Insecure Login Blocked');
  });
});

describe('the token endpoint', () => {
  it('gives a short-lived token for a code, and a 60-day one for it', async () => {
    const code = (await landing()).searchParams.get('code')!;
    const short = await jsonOf<{ access_token: string; token_type: string; expires_in: number }>(await exchange(code));
    expect(short.token_type).toBe('bearer');
    expect(short.expires_in).toBeGreaterThanOrEqual(3600);
    expect(short.expires_in).toBeLessThanOrEqual(7200);
    const long = await jsonOf<{ access_token: string; expires_in: number }>(
      await get('/oauth/access_token', { grant_type: 'fb_exchange_token', client_id: APP_ID, client_secret: APP_SECRET, fb_exchange_token: short.access_token }),
    );
    expect(long.expires_in).toBe(60 * 86400);
    expect(long.access_token).not.toBe(short.access_token);
  });

  it.each([
    ['a missing client_id', { client_id: '' }, 101, undefined, /Missing client_id/],
    ['an unknown app', { client_id: '42' }, 101, undefined, /Invalid application ID/],
    ['a wrong secret', { client_secret: 'nope' }, 1, undefined, /client secret/],
    ['another redirect_uri', { redirect_uri: 'https://other.example/cb' }, 100, 36008, /redirect_uri is identical/],
    ['an unknown code', { code: 'AQnope' }, 100, undefined, /verification code format/],
  ])('answers %s with Graph error %i', async (_name, extra, code, subcode, message) => {
    const real = (await landing()).searchParams.get('code')!;
    const q: Record<string, string> = { client_id: APP_ID, client_secret: APP_SECRET, redirect_uri: REDIRECT, code: real, ...extra };
    if (q.client_id === '') delete q.client_id;
    const res = await get('/oauth/access_token', q);
    expect(res.status).toBe(400);
    const body = await jsonOf<GraphErrorBody>(res);
    expect(body.error).toMatchObject({ code, type: 'OAuthException', ...(subcode ? { error_subcode: subcode } : {}) });
    expect(body.error.message).toMatch(message);
    expect(body.error.fbtrace_id).toBeTruthy();
  });

  it('refuses a code used twice or after ten minutes', async () => {
    const code = (await landing()).searchParams.get('code')!;
    expect((await exchange(code)).status).toBe(200);
    expect((await jsonOf<GraphErrorBody>(await exchange(code))).error).toMatchObject({ code: 100, error_subcode: 36009 });
    const late = (await landing()).searchParams.get('code')!;
    fb.advance(11 * 60);
    expect((await jsonOf<GraphErrorBody>(await exchange(late))).error).toMatchObject({ code: 100, error_subcode: 36007 });
  });

  it('never writes the secret or a token into its request log', async () => {
    const token = await userToken();
    const said = JSON.stringify(fb.requests);
    expect(said).not.toContain(APP_SECRET);
    expect(said).not.toContain(token);
  });
});

describe('Pages and tokens', () => {
  it('lists every Page with its own token; Page tokens of a long-lived user token never expire', async () => {
    const token = await userToken();
    const pages = await pagesOf(token);
    expect(pages.map((p) => p.id)).toEqual([SUNRISE, STUDIO, WHOLESALE]);
    for (const p of pages) {
      expect(p.access_token).toBeTruthy();
      expect(p.access_token).not.toBe(token);
      expect(p.tasks).toContain('CREATE_CONTENT');
    }
    // The same Page token on every call, as Facebook gives.
    expect((await pagesOf(token))[0]!.access_token).toBe(pages[0]!.access_token);
    const info = await debug(pages[0]!.access_token!);
    expect(info).toMatchObject({ type: 'PAGE', is_valid: true, expires_at: 0, profile_id: SUNRISE, user_id: DANA });
    fb.advance(61 * 86400);
    expect((await debug(token)).is_valid).toBe(false);
    const me = await jsonOf<{ id: string; name: string }>(await get('/me', { fields: 'id,name', access_token: pages[0]!.access_token! }));
    expect(me).toEqual({ id: SUNRISE, name: 'Sunrise Bakery' });
  });

  it('gives Page tokens that die with a short-lived user token', async () => {
    const token = await userToken(DANA, { longLived: false });
    const [page] = await pagesOf(token);
    const info = await debug(page!.access_token!);
    expect(info.expires_at).toBeGreaterThan(fb.now() / 1000);
    fb.advance(3 * 3600);
    const res = await get('/me', { access_token: page!.access_token! });
    expect((await jsonOf<GraphErrorBody>(res)).error).toMatchObject({ code: 190, error_subcode: 463 });
  });

  it('debug_token tells the user token’s scopes, granular targets and 90-day data access', async () => {
    const token = await userToken();
    const info = await debug(token);
    expect(info).toMatchObject({ type: 'USER', is_valid: true, user_id: DANA });
    expect(info.scopes).toEqual(expect.arrayContaining(['pages_show_list', 'pages_manage_posts', 'business_management']));
    expect(info.granular_scopes).toContainEqual({ scope: 'pages_manage_posts', target_ids: [SUNRISE, STUDIO, WHOLESALE] });
    expect(info.data_access_expires_at * 1000 - fb.now()).toBeGreaterThan(89 * 86400_000);
    const wrongApp = await get('/debug_token', { input_token: token, access_token: `${APP_ID}|wrong` });
    expect((await jsonOf<GraphErrorBody>(wrongApp)).error.code).toBe(190);
  });

  it('granular consent: only the Pages ticked, and portfolio Pages only with business_management', async () => {
    fb.nextConsent({ pages: [SUNRISE, WHOLESALE], declineScopes: ['business_management'] });
    const token = await userToken();
    expect((await pagesOf(token)).map((p) => p.id)).toEqual([SUNRISE]);
    expect((await debug(token)).granular_scopes).toContainEqual({ scope: 'pages_manage_posts', target_ids: [SUNRISE, WHOLESALE] });
    fb.nextConsent({ declineScopes: ['pages_show_list'] });
    expect(await pagesOf(await userToken())).toEqual([]);
    fb.nextConsent({ targets: { pages_manage_posts: [STUDIO] } });
    const granular = (await debug(await userToken())).granular_scopes;
    expect(granular).toContainEqual({ scope: 'pages_manage_posts', target_ids: [STUDIO] });
    expect(granular).toContainEqual({ scope: 'pages_show_list', target_ids: [SUNRISE, STUDIO, WHOLESALE] });
  });

  it('lists a Page without access_token for a role with only the ANALYZE task', async () => {
    fb.setPageTasks(DANA, STUDIO, ['ANALYZE']);
    const pages = await pagesOf(await userToken());
    expect(pages.find((p) => p.id === STUDIO)!.access_token).toBeUndefined();
    expect(pages.find((p) => p.id === SUNRISE)!.access_token).toBeTruthy();
  });

  it('reads a Page’s linked Instagram account, and no field for a Page without one', async () => {
    const pages = await pagesOf(await userToken());
    const fields = 'name,instagram_business_account{id,username,profile_picture_url}';
    const sunrise = await jsonOf<{ instagram_business_account?: { id: string; username: string } }>(await get(`/${SUNRISE}`, { fields, access_token: pages[0]!.access_token! }));
    expect(sunrise.instagram_business_account).toMatchObject({ id: '17841400000000001', username: 'sunrise.bakery' });
    const studio = await jsonOf<Record<string, unknown>>(await get(`/${STUDIO}`, { fields, access_token: pages[1]!.access_token! }));
    expect(studio).toEqual({ id: STUDIO, name: 'Dana’s Studio' });
    fb.linkInstagram(STUDIO, '17841400000000003');
    const linked = await jsonOf<{ instagram_business_account?: { username: string } }>(await get(`/${STUDIO}`, { fields, access_token: pages[1]!.access_token! }));
    expect(linked.instagram_business_account?.username).toBe('no.picture.shop');
    // Another Page's token does not reach it.
    const other = await get(`/${STUDIO}`, { fields, access_token: pages[0]!.access_token! });
    expect((await jsonOf<GraphErrorBody>(other)).error.code).toBe(10);
  });

  it('serves the Page pictures, one of them unloadable', async () => {
    const pages = await pagesOf(await userToken());
    const origin = fb.originMap()['https://scontent.xx.fbcdn.net']!;
    const fetchPicture = (p: PageRow) => fetch(p.picture.data.url.replace('https://scontent.xx.fbcdn.net', origin));
    const ok = await fetchPicture(pages.find((p) => p.id === SUNRISE)!);
    expect(ok.headers.get('content-type')).toBe('image/png');
    expect((await fetchPicture(pages.find((p) => p.id === PAGE_WITHOUT_PICTURE)!)).status).toBe(404);
  });

  it('a user with no Page gets an empty list', async () => {
    expect(await pagesOf(await userToken(PAT))).toEqual([]);
  });
});

describe('revoking and dead tokens', () => {
  it('DELETE /{user-id}/permissions with the app token ends every token of that login', async () => {
    const token = await userToken();
    const [page] = await pagesOf(token);
    expect(fb.liveGrants(DANA)).toBe(1);
    const res = await fetch(`${graph()}/${V}/${DANA}/permissions?access_token=${encodeURIComponent(APP_TOKEN)}`, { method: 'DELETE' });
    expect(await res.json()).toEqual({ success: true });
    expect(fb.liveGrants(DANA)).toBe(0);
    const after = await jsonOf<GraphErrorBody>(await get('/me', { access_token: page!.access_token! }));
    expect(after.error).toMatchObject({ code: 190, error_subcode: 458 });
  });

  it('DELETE /me/permissions with the user token does the same; a Page token cannot', async () => {
    const token = await userToken(MAYA);
    const [page] = await pagesOf(token);
    const withPage = await fetch(`${graph()}/${V}/me/permissions?access_token=${page!.access_token}`, { method: 'DELETE' });
    expect(withPage.status).toBe(400);
    const res = await fetch(`${graph()}/${V}/me/permissions?access_token=${token}`, { method: 'DELETE' });
    expect(await res.json()).toEqual({ success: true });
    expect(fb.liveGrants(MAYA)).toBe(0);
  });

  it.each([
    ['checkpoint', 459, /log in to www\.facebook\.com/],
    ['password_changed', 460, /changed their password/],
    ['expired', 463, /Session has expired/],
    ['logged_out', 467, /logged out/],
    ['app_removed', 458, /has not authorized application/],
  ] as const)('kills tokens with %s as code 190/%i', async (why, subcode, message) => {
    const [page] = await pagesOf(await userToken());
    fb.killTokens(DANA, why);
    const body = await jsonOf<GraphErrorBody>(await get('/me', { access_token: page!.access_token! }));
    expect(body.error).toMatchObject({ code: 190, error_subcode: subcode, type: 'OAuthException' });
    expect(body.error.message).toMatch(message);
  });

  it('clears a checkpoint', async () => {
    const [page] = await pagesOf(await userToken());
    fb.killTokens(DANA, 'checkpoint');
    fb.clearCheckpoint(DANA);
    expect((await get('/me', { access_token: page!.access_token! })).status).toBe(200);
  });

  it('says it cannot parse a malformed token, and that an unknown one cannot be decrypted', async () => {
    const malformed = await jsonOf<GraphErrorBody>(await get('/me', { access_token: 'not a token' }));
    expect(malformed.error).toMatchObject({ code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
    const unknown = await jsonOf<GraphErrorBody>(await get('/me', { access_token: `EAA${'x'.repeat(40)}` }));
    expect(unknown.error.code).toBe(190);
    expect(unknown.error.error_subcode).toBeUndefined();
  });
});

describe('throttles and injected failures', () => {
  it.each([4, 17, 32, 613] as const)('throttles with code %i and Meta’s usage header', async (code) => {
    const token = await userToken();
    fb.throttleNext('accounts', code, { retryAfterSec: 300 });
    const res = await get('/me/accounts', { access_token: token });
    const body = await jsonOf<GraphErrorBody>(res);
    expect(body.error.code).toBe(code);
    if (code === 32) {
      const usage = JSON.parse(res.headers.get('x-business-use-case-usage')!) as Record<string, { type: string; estimated_time_to_regain_access: number }[]>;
      expect(Object.values(usage)[0]![0]).toMatchObject({ type: 'pages', estimated_time_to_regain_access: 5 });
    } else {
      expect(JSON.parse(res.headers.get('x-app-usage')!)).toMatchObject({ call_count: 100 });
    }
    expect((await get('/me/accounts', { access_token: token })).status).toBe(200);
  });

  it.each(FACEBOOK_ENDPOINTS.flatMap((endpoint) => ERROR_KINDS.filter((k) => k !== 'timeout').map((kind) => [endpoint, kind] as const)))(
    '%s answers an injected %s',
    async (endpoint, kind) => {
      const token = await userToken();
      fb.failNext(endpoint, kind);
      const calls: Record<typeof endpoint, () => Promise<Response>> = {
        token: () => exchange('AQx'),
        exchange: () => get('/oauth/access_token', { grant_type: 'fb_exchange_token', client_id: APP_ID, client_secret: APP_SECRET, fb_exchange_token: token }),
        debug_token: () => get('/debug_token', { input_token: token, access_token: APP_TOKEN }),
        me: () => get('/me', { access_token: token }),
        accounts: () => get('/me/accounts', { access_token: token }),
        page: () => get(`/${SUNRISE}`, { access_token: token }),
        permissions: () => fetch(`${graph()}/${V}/me/permissions?access_token=${token}`, { method: 'DELETE' }),
      };
      const res = await calls[endpoint]();
      const text = await res.text();
      if (kind === 'html_502') expect(res.status).toBe(502);
      if (kind === 'server_error') expect(res.status).toBe(500);
      if (kind === 'bad_json') expect(() => JSON.parse(text)).toThrow();
      if (kind === 'rate_limited' || kind === 'invalid_grant') expect((JSON.parse(text) as GraphErrorBody).error.code).toBeGreaterThan(0);
      if (kind === 'missing_fields') expect(res.status).toBe(200);
      expect(fb.requests.at(-1)!.note).toBe(`injected ${kind}`);
    },
  );
});

describe('parseFields', () => {
  it('reads Graph’s nested field syntax and refuses unbalanced braces', () => {
    expect(parseFields('id,instagram_business_account{id,username}')).toEqual([
      { name: 'id', sub: null },
      { name: 'instagram_business_account', sub: [{ name: 'id', sub: null }, { name: 'username', sub: null }] },
    ]);
    expect(parseFields('id,ig{id')).toBeNull();
  });
});
