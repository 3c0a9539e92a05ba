import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_KINDS } from './fake-server.ts';
import { LINKEDIN_POST_ENDPOINTS } from './linkedin-posts.ts';
import {
  LINKEDIN_CODE_MISMATCH,
  LINKEDIN_ENDPOINTS,
  LINKEDIN_MEMBER_BROKEN_PICTURE,
  LINKEDIN_MEMBER_NO_PAGES,
  LINKEDIN_MEMBER_TWO_PAGES,
  LINKEDIN_ORG_ANALYST_ONLY,
  LINKEDIN_ORG_WITH_LOGO,
  LINKEDIN_ORG_WITHOUT_LOGO,
  startFakeLinkedIn,
  type FakeLinkedIn,
  type LinkedInEndpoint,
} from './linkedin.ts';

const CLIENT_ID = '78abcdefghij12';
const CLIENT_SECRET = 'WPL_AP1.secret+/=';
const PAGES_ID = '78pagesapp0001';
const PAGES_SECRET = 'WPL_AP1.pages';
const RELAY = 'https://relay.example/plugboard.html';
const LOOPBACK = 'http://127.0.0.1:8766/callback/linkedin';
const MEMBER_SCOPES = 'openid profile email w_member_social';
const ORG_SCOPES = `${MEMBER_SCOPES} r_organization_social w_organization_social rw_organization_admin`;
const VERSION = '202610';
const DAY = 86400;

let li: FakeLinkedIn;

interface TokenReply {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  scope: string;
  token_type?: string;
  id_token?: string;
}

beforeEach(async () => {
  li = await startFakeLinkedIn();
  li.registerApp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [RELAY, LOOPBACK], name: 'Plugboard Test' });
  li.registerApp({
    clientId: PAGES_ID,
    clientSecret: PAGES_SECRET,
    redirectUris: [RELAY],
    products: ['sign-in-openid', 'share-on-linkedin', 'community-management'],
    programmaticRefresh: true,
  });
});

afterEach(async () => {
  await li.close();
});

function authorizeUrl(params: Record<string, string | null> = {}): string {
  const base: Record<string, string | null> = { response_type: 'code', client_id: CLIENT_ID, redirect_uri: RELAY, scope: MEMBER_SCOPES, state: 'state-123' };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...base, ...params })) if (v !== null) q.set(k, v);
  return `${li.origin}/oauth/v2/authorization?${q}`;
}

async function authorize(params: Record<string, string | null> = {}): Promise<Response> {
  return fetch(authorizeUrl(params), { redirect: 'manual' });
}

async function landing(userId: string, params: Record<string, string | null> = {}): Promise<URL> {
  li.autoApprove(userId);
  const res = await authorize(params);
  expect(res.status, await res.clone().text()).toBe(302);
  return new URL(res.headers.get('location')!);
}

function post(path: string, form: Record<string, string>): Promise<Response> {
  return fetch(`${li.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
}

/** Signs in and exchanges the code; `pages` uses the app with Community Management and programmatic refresh. */
async function tokens(userId: string, pages = false): Promise<TokenReply> {
  const app = pages ? { client_id: PAGES_ID, client_secret: PAGES_SECRET } : { client_id: CLIENT_ID, client_secret: CLIENT_SECRET };
  const land = await landing(userId, { client_id: app.client_id, scope: pages ? ORG_SCOPES : MEMBER_SCOPES });
  const res = await post('/oauth/v2/accessToken', { grant_type: 'authorization_code', code: land.searchParams.get('code')!, redirect_uri: RELAY, ...app });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as TokenReply;
}

function refresh(refreshToken: string, app = { client_id: PAGES_ID, client_secret: PAGES_SECRET }): Promise<Response> {
  return post('/oauth/v2/accessToken', { grant_type: 'refresh_token', refresh_token: refreshToken, ...app });
}

function api(path: string, accessToken: string | null, headers: Record<string, string> = { 'linkedin-version': VERSION, 'x-restli-protocol-version': '2.0.0' }): Promise<Response> {
  return fetch(`${li.origin}${path}`, { headers: { ...headers, ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) } });
}

const ACLS = '/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED';

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('authorization', () => {
  it('shows a consent page naming the app, the members and the scopes; Cancel comes back as user_cancelled_authorize', async () => {
    const page = await (await fetch(authorizeUrl())).text();
    expect(page).toMatch(/Plugboard Test wants to access your LinkedIn account/);
    expect(page).toMatch(/ana\.example@example\.com/);
    expect(page).toMatch(/w_member_social/);
    li.autoDeny();
    const land = new URL((await authorize()).headers.get('location')!);
    expect(land.origin + land.pathname).toBe(RELAY);
    expect(land.searchParams.get('error')).toBe('user_cancelled_authorize');
    expect(land.searchParams.get('error_description')).toBe('The user cancelled the authorization');
    expect(land.searchParams.get('state')).toBe('state-123');
  });

  it('the consent form posts back and approves as the chosen member', async () => {
    const page = await (await fetch(authorizeUrl())).text();
    const txn = /name="txn" value="([^"]+)"/.exec(page)![1]!;
    const res = await fetch(`${li.origin}/oauth/v2/authorization`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ txn, decision: 'approve', user_id: LINKEDIN_MEMBER_NO_PAGES }),
    });
    expect(res.status).toBe(302);
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const t = (await (await post('/oauth/v2/accessToken', { grant_type: 'authorization_code', code, redirect_uri: RELAY, client_id: CLIENT_ID, client_secret: CLIENT_SECRET })).json()) as TokenReply;
    expect(claims(t.id_token!).sub).toBe(LINKEDIN_MEMBER_NO_PAGES);
  });

  it('a member who closes the sign-in comes back as user_cancelled_login', async () => {
    li.cancelLoginNext();
    const land = new URL((await authorize()).headers.get('location')!);
    expect(land.searchParams.get('error')).toBe('user_cancelled_login');
    expect(land.searchParams.get('code')).toBeNull();
    // Only the next request.
    expect((await landing(LINKEDIN_MEMBER_NO_PAGES)).searchParams.get('code')).toBeTruthy();
  });

  it('matches the redirect URL exactly: the relay and the registered loopback pass, anything else gets an error page', async () => {
    expect((await landing(LINKEDIN_MEMBER_NO_PAGES)).href).toMatch(/^https:\/\/relay\.example\/plugboard\.html\?code=/);
    expect((await landing(LINKEDIN_MEMBER_NO_PAGES, { redirect_uri: LOOPBACK })).href).toMatch(/^http:\/\/127\.0\.0\.1:8766\/callback\/linkedin\?code=/);
    for (const uri of ['http://127.0.0.1:8767/callback/linkedin', 'https://relay.example/plugboard.html?x=1', 'https://relay.example/']) {
      const res = await authorize({ redirect_uri: uri });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/The redirect_uri does not match the registered value/);
    }
    const unknown = await authorize({ client_id: 'nope' });
    expect(await unknown.text()).toMatch(/client_id is invalid/);
  });

  it('an app switched to refuse loopback redirects refuses even a registered one', async () => {
    li.registerApp({ clientId: 'strict', clientSecret: 's', redirectUris: [LOOPBACK, RELAY], loopbackRedirects: false });
    const res = await authorize({ client_id: 'strict', redirect_uri: LOOPBACK });
    expect(res.status).toBe(400);
    expect((await landing(LINKEDIN_MEMBER_NO_PAGES, { client_id: 'strict' })).searchParams.get('code')).toBeTruthy();
  });

  it("a scope the app's products do not grant comes back as unauthorized_scope_error, naming it", async () => {
    const res = await authorize({ scope: ORG_SCOPES });
    const land = new URL(res.headers.get('location')!);
    expect(land.searchParams.get('error')).toBe('unauthorized_scope_error');
    expect(land.searchParams.get('error_description')).toBe('Scope "r_organization_social" is not authorized for your application');
    expect(land.searchParams.get('state')).toBe('state-123');
  });
});

describe('token endpoint', () => {
  it("exchanges a code for a 60-day token with LinkedIn's reply: comma-separated scope and an id_token issued by www.linkedin.com/oauth", async () => {
    const t = await tokens(LINKEDIN_MEMBER_TWO_PAGES);
    expect(t.expires_in).toBe(5_184_000);
    expect(t.scope).toBe('email,openid,profile,w_member_social');
    expect(t.refresh_token).toBeUndefined();
    expect(t.refresh_token_expires_in).toBeUndefined();
    expect(t.token_type).toBe('Bearer');
    const c = claims(t.id_token!);
    expect(c).toMatchObject({ iss: 'https://www.linkedin.com/oauth', aud: CLIENT_ID, sub: LINKEDIN_MEMBER_TWO_PAGES, name: 'Ana Example', email: 'ana.example@example.com' });
    expect(JSON.parse(Buffer.from(t.id_token!.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'RS256' });
  });

  it('authenticates the client by the form body only', async () => {
    const land = await landing(LINKEDIN_MEMBER_NO_PAGES);
    const form = { grant_type: 'authorization_code', code: land.searchParams.get('code')!, redirect_uri: RELAY, client_id: CLIENT_ID };
    const wrong = await post('/oauth/v2/accessToken', { ...form, client_secret: 'nope' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
    const basic = await fetch(`${li.origin}/oauth/v2/accessToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` },
      body: new URLSearchParams(form),
    });
    expect(basic.status).toBe(401);
    expect((await post('/oauth/v2/accessToken', { ...form, client_secret: CLIENT_SECRET })).status).toBe(200);
  });

  it("refuses a replayed, unknown or expired code, and a different redirect_uri, in LinkedIn's words", async () => {
    const land = await landing(LINKEDIN_MEMBER_NO_PAGES);
    const form = { grant_type: 'authorization_code', code: land.searchParams.get('code')!, redirect_uri: RELAY, client_id: CLIENT_ID, client_secret: CLIENT_SECRET };
    const other = await post('/oauth/v2/accessToken', { ...form, redirect_uri: LOOPBACK });
    expect(other.status).toBe(400);
    expect(await other.json()).toEqual({ error: 'invalid_redirect_uri', error_description: LINKEDIN_CODE_MISMATCH });
    expect((await post('/oauth/v2/accessToken', form)).status).toBe(200);
    for (const res of [await post('/oauth/v2/accessToken', form), await post('/oauth/v2/accessToken', { ...form, code: 'AQTmadeup' })]) {
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'invalid_request', error_description: LINKEDIN_CODE_MISMATCH });
    }
    const late = await landing(LINKEDIN_MEMBER_NO_PAGES);
    li.advance(31 * 60);
    const expired = await post('/oauth/v2/accessToken', { ...form, code: late.searchParams.get('code')! });
    expect(await expired.json()).toEqual({ error: 'invalid_request', error_description: LINKEDIN_CODE_MISMATCH });
  });

  it('gives apps approved for programmatic refresh a refresh token whose year is not extended by refreshing', async () => {
    const t = await tokens(LINKEDIN_MEMBER_TWO_PAGES, true);
    expect(t.refresh_token).toMatch(/^AQX/);
    expect(t.refresh_token_expires_in).toBe(365 * DAY);
    li.advance(59 * DAY);
    const day59 = (await (await refresh(t.refresh_token!)).json()) as TokenReply;
    expect(day59.expires_in).toBe(5_184_000);
    expect(day59.access_token).not.toBe(t.access_token);
    expect(day59.refresh_token).toBe(t.refresh_token);
    // Real time passes between the calls too.
    expect(day59.token_type).toBeUndefined();
    expect(306 * DAY - day59.refresh_token_expires_in!).toBeLessThanOrEqual(2);
    li.advance(301 * DAY);
    expect(5 * DAY - ((await (await refresh(t.refresh_token!)).json()) as TokenReply).refresh_token_expires_in!).toBeLessThanOrEqual(2);
    li.advance(5 * DAY);
    const dead = await refresh(t.refresh_token!);
    expect(dead.status).toBe(400);
    expect(await dead.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses the refresh grant to an app without programmatic refresh', async () => {
    const res = await refresh('AQXwhatever', { client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('revoke', () => {
  it('revoking a token ends its grant; the API then answers 65601, and the client must authenticate', async () => {
    const t = await tokens(LINKEDIN_MEMBER_TWO_PAGES, true);
    const other = await tokens(LINKEDIN_MEMBER_NO_PAGES);
    expect((await post('/oauth/v2/revoke', { client_id: PAGES_ID, client_secret: 'nope', token: t.access_token })).status).toBe(401);
    expect(li.liveGrants(LINKEDIN_MEMBER_TWO_PAGES)).toBe(1);
    const res = await post('/oauth/v2/revoke', { client_id: PAGES_ID, client_secret: PAGES_SECRET, token: t.access_token });
    expect(res.status).toBe(200);
    expect(li.liveGrants(LINKEDIN_MEMBER_TWO_PAGES)).toBe(0);
    const after = await api('/v2/userinfo', t.access_token, {});
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ serviceErrorCode: 65601, code: 'REVOKED_ACCESS_TOKEN' });
    expect((await refresh(t.refresh_token!)).status).toBe(400);
    expect(li.liveGrants(LINKEDIN_MEMBER_NO_PAGES)).toBe(1);
    expect((await api('/v2/userinfo', other.access_token, {})).status).toBe(200);
  });
});

describe('userinfo', () => {
  it('answers the OpenID claims of the scopes granted', async () => {
    const body = (await (await api('/v2/userinfo', (await tokens(LINKEDIN_MEMBER_TWO_PAGES)).access_token, {})).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ sub: LINKEDIN_MEMBER_TWO_PAGES, name: 'Ana Example', email: 'ana.example@example.com', email_verified: true });
    expect(body.picture).toMatch(/^https:\/\/media\.licdn\.com\/dms\/image\//);
  });

  it("answers LinkedIn's 401s for a missing, unknown or expired token and 403 without openid", async () => {
    const t = await tokens(LINKEDIN_MEMBER_NO_PAGES);
    expect(await (await api('/v2/userinfo', null, {})).json()).toEqual({ status: 401, serviceErrorCode: 401, message: 'Empty oauth2_access_token' });
    expect(await (await api('/v2/userinfo', 'AQVmadeup', {})).json()).toEqual({ status: 401, serviceErrorCode: 65600, message: 'Invalid access token' });
    li.advance(5_184_000);
    const expired = await api('/v2/userinfo', t.access_token, {});
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ serviceErrorCode: 65602 });
    const land = await landing(LINKEDIN_MEMBER_NO_PAGES, { scope: 'w_member_social' });
    const shareOnly = (await (await post('/oauth/v2/accessToken', { grant_type: 'authorization_code', code: land.searchParams.get('code')!, redirect_uri: RELAY, client_id: CLIENT_ID, client_secret: CLIENT_SECRET })).json()) as TokenReply;
    expect(shareOnly.id_token).toBeUndefined();
    const denied = await api('/v2/userinfo', shareOnly.access_token, {});
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ code: 'ACCESS_DENIED' });
  });
});

describe('company pages', () => {
  it('lists approved ADMINISTRATOR roles only when asked for them; a member without pages gets none', async () => {
    const t = await tokens(LINKEDIN_MEMBER_TWO_PAGES, true);
    const admin = (await (await api(ACLS, t.access_token)).json()) as { elements: { organization: string; roleAssignee: string }[] };
    expect(admin.elements.map((e) => e.organization)).toEqual([`urn:li:organization:${LINKEDIN_ORG_WITH_LOGO}`, `urn:li:organization:${LINKEDIN_ORG_WITHOUT_LOGO}`]);
    expect(admin.elements[0]!.roleAssignee).toBe(`urn:li:person:${LINKEDIN_MEMBER_TWO_PAGES}`);
    const all = (await (await api('/rest/organizationAcls?q=roleAssignee', t.access_token)).json()) as { elements: { organization: string }[] };
    expect(all.elements.map((e) => e.organization)).toContain(`urn:li:organization:${LINKEDIN_ORG_ANALYST_ONLY}`);
    const none = (await (await api(ACLS, (await tokens(LINKEDIN_MEMBER_NO_PAGES, true)).access_token)).json()) as { elements: unknown[] };
    expect(none.elements).toEqual([]);
  });

  it('needs LinkedIn-Version (active) and X-Restli-Protocol-Version on the versioned calls', async () => {
    const t = await tokens(LINKEDIN_MEMBER_TWO_PAGES, true);
    const missing = await api(ACLS, t.access_token, { 'x-restli-protocol-version': '2.0.0' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: 'VERSION_MISSING' });
    for (const version of ['202401', '209912', 'latest']) {
      const res = await api(ACLS, t.access_token, { 'linkedin-version': version, 'x-restli-protocol-version': '2.0.0' });
      expect(res.status).toBe(426);
      expect(await res.json()).toEqual({ status: 426, code: 'NONEXISTENT_VERSION', message: `Requested version ${version} is not active` });
    }
    expect((await api(ACLS, t.access_token, { 'linkedin-version': VERSION })).status).toBe(400);
    expect((await api(`/rest/organizations/${LINKEDIN_ORG_WITH_LOGO}`, t.access_token, {})).status).toBe(400);
    li.setOldestActiveVersion('202611');
    expect((await api(ACLS, t.access_token)).status).toBe(426);
  });

  it('answers 403 ACCESS_DENIED without the organization scopes', async () => {
    const t = await tokens(LINKEDIN_MEMBER_TWO_PAGES);
    for (const path of [ACLS, `/rest/organizations/${LINKEDIN_ORG_WITH_LOGO}`]) {
      const res = await api(path, t.access_token);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ status: 403, serviceErrorCode: 100, code: 'ACCESS_DENIED' });
    }
  });

  it('gives the logo as digitalmediaAsset URNs, which the Images API turns into a PNG download', async () => {
    const t = await tokens(LINKEDIN_MEMBER_TWO_PAGES, true);
    const org = (await (await api(`/rest/organizations/${LINKEDIN_ORG_WITH_LOGO}`, t.access_token)).json()) as { localizedName: string; vanityName: string; logoV2: { cropped: string } };
    expect(org).toMatchObject({ localizedName: "Ana's Bakery", vanityName: 'anas-bakery' });
    expect(org.logoV2.cropped).toMatch(/^urn:li:digitalmediaAsset:/);
    const imageUrn = org.logoV2.cropped.replace('urn:li:digitalmediaAsset:', 'urn:li:image:');
    const image = (await (await api(`/rest/images/${encodeURIComponent(imageUrn)}`, t.access_token)).json()) as { downloadUrl: string; status: string };
    expect(image.status).toBe('AVAILABLE');
    const logo = await fetch(image.downloadUrl.replace('https://media.licdn.com', li.originMap()['https://media.licdn.com']!));
    expect(logo.headers.get('content-type')).toBe('image/png');
    const plain = (await (await api(`/rest/organizations/${LINKEDIN_ORG_WITHOUT_LOGO}`, t.access_token)).json()) as Record<string, unknown>;
    expect(plain.logoV2).toBeUndefined();
    expect((await api('/rest/organizations/999', t.access_token)).status).toBe(404);
    expect((await api(`/rest/images/${encodeURIComponent('urn:li:image:nope')}`, t.access_token)).status).toBe(404);
  });

  it("serves member pictures; Cara's answers 404", async () => {
    const via = (url: string) => fetch(url.replace('https://media.licdn.com', li.originMap()['https://media.licdn.com']!));
    const ok = await via(li.users.find((u) => u.sub === LINKEDIN_MEMBER_TWO_PAGES)!.pictureUrl);
    expect(ok.status).toBe(200);
    expect((await ok.arrayBuffer()).byteLength).toBeGreaterThan(50);
    expect((await via(li.users.find((u) => u.sub === LINKEDIN_MEMBER_BROKEN_PICTURE)!.pictureUrl)).status).toBe(404);
  });
});

describe('failure catalogue', () => {
  async function call(endpoint: LinkedInEndpoint, kind: (typeof ERROR_KINDS)[number], signal?: AbortSignal): Promise<Response> {
    const t = await tokens(LINKEDIN_MEMBER_TWO_PAGES, true);
    li.failNext(endpoint, kind);
    const get = (path: string) => fetch(`${li.origin}${path}`, { signal, headers: { authorization: `Bearer ${t.access_token}`, 'linkedin-version': VERSION, 'x-restli-protocol-version': '2.0.0' } });
    const form = (body: Record<string, string>) => fetch(`${li.origin}/oauth/v2/${endpoint === 'revoke' ? 'revoke' : 'accessToken'}`, { signal, method: 'POST', body: new URLSearchParams({ client_id: PAGES_ID, client_secret: PAGES_SECRET, ...body }) });
    switch (endpoint) {
      case 'token':
        return form({ grant_type: 'authorization_code', code: 'AQTx', redirect_uri: RELAY });
      case 'refresh':
        return form({ grant_type: 'refresh_token', refresh_token: t.refresh_token! });
      case 'revoke':
        return form({ token: t.access_token });
      case 'userinfo':
        return get('/v2/userinfo');
      case 'organizationAcls':
        return get(ACLS);
      case 'organizations':
        return get(`/rest/organizations/${LINKEDIN_ORG_WITH_LOGO}`);
      case 'images':
        return get(`/rest/images/urn%3Ali%3Aimage%3Ax`);
      case 'posts':
        return fetch(`${li.origin}/rest/posts`, {
          signal,
          method: 'POST',
          headers: { authorization: `Bearer ${t.access_token}`, 'linkedin-version': VERSION, 'content-type': 'application/json' },
          body: JSON.stringify({ author: `urn:li:person:${LINKEDIN_MEMBER_TWO_PAGES}`, commentary: 'hello', visibility: 'PUBLIC', distribution: { feedDistribution: 'MAIN_FEED' }, lifecycleState: 'PUBLISHED' }),
        });
    }
  }
  const api = (e: LinkedInEndpoint) => !['token', 'refresh', 'revoke'].includes(e);

  for (const endpoint of [...LINKEDIN_ENDPOINTS, ...LINKEDIN_POST_ENDPOINTS]) {
    for (const kind of ERROR_KINDS) {
      it(`${endpoint}: ${kind}`, async () => {
        if (kind === 'timeout') {
          await expect(call(endpoint, kind, AbortSignal.timeout(300))).rejects.toThrow();
          return;
        }
        const res = await call(endpoint, kind);
        const body = await res.text();
        switch (kind) {
          case 'html_502':
            expect(res.status).toBe(502);
            expect(body).toMatch(/502 Bad Gateway/);
            break;
          case 'bad_json':
            expect(res.status).toBe(200);
            expect(() => JSON.parse(body)).toThrow();
            break;
          case 'missing_fields': {
            expect(res.status).toBe(200);
            const parsed = JSON.parse(body) as Record<string, unknown>;
            if (endpoint === 'token' || endpoint === 'refresh') expect(parsed.access_token).toBeUndefined();
            if (endpoint === 'userinfo') expect(parsed.sub).toBeUndefined();
            if (endpoint === 'organizationAcls') expect((parsed.elements as Record<string, unknown>[])[0]!.organization).toBeUndefined();
            if (endpoint === 'organizations') expect(parsed.localizedName).toBeUndefined();
            if (endpoint === 'images') expect(parsed.downloadUrl).toBeUndefined();
            break;
          }
          case 'rate_limited':
            expect(res.status).toBe(429);
            // LinkedIn's quotas are daily and it announces no reset.
            expect(res.headers.get('retry-after')).toBeNull();
            expect(res.headers.get('x-ratelimit-reset')).toBeNull();
            expect(JSON.parse(body)).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS' });
            break;
          case 'invalid_grant':
            if (api(endpoint)) expect(JSON.parse(body)).toEqual({ status: 401, serviceErrorCode: 65600, message: 'Invalid access token' });
            else if (endpoint === 'refresh') expect(JSON.parse(body)).toMatchObject({ error: 'invalid_grant' });
            else expect(JSON.parse(body)).toMatchObject({ error: 'invalid_request' });
            break;
          case 'server_error':
            expect(res.status).toBe(500);
            expect(() => JSON.parse(body)).not.toThrow();
            break;
        }
        expect(li.requests.some((r) => r.endpoint === endpoint && r.note === `injected ${kind}`)).toBe(true);
      });
    }
  }

  it('refuses an unknown endpoint name', () => {
    expect(() => li.failNext('me' as never, 'html_502')).toThrow(/no endpoint 'me'/);
  });
});

describe('controls over HTTP', () => {
  it('register-app, cancel-login-next, oldest-version, users and advance', async () => {
    const control = async (name: string, body: unknown) =>
      (await (await fetch(`${li.origin}/__control/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { ok: boolean; result: unknown };
    expect((await control('register-app', { clientId: 'demo', clientSecret: 's', redirectUris: [RELAY], products: ['community-management'] })).ok).toBe(true);
    expect((await control('register-app', { clientId: 'demo', clientSecret: 's', redirectUris: [RELAY], products: ['marketing'] })).ok).toBe(false);
    const users = (await control('users', {})).result as { sub: string; acls: unknown[] }[];
    expect(users.map((u) => u.acls.length)).toEqual([3, 0, 0]);
    expect((await control('cancel-login-next', {})).ok).toBe(true);
    expect(new URL((await authorize()).headers.get('location')!).searchParams.get('error')).toBe('user_cancelled_login');
    const t = await tokens(LINKEDIN_MEMBER_TWO_PAGES, true);
    expect((await control('oldest-version', { version: '202612' })).ok).toBe(true);
    expect((await api(ACLS, t.access_token)).status).toBe(426);
    await control('advance', { seconds: 5_184_000 });
    expect((await api('/v2/userinfo', t.access_token, {})).status).toBe(401);
  });
});
