// The Instagram Login connector against the fake over real HTTP: its functions are called directly,
// with codes from the fake's auto-approved consent (the authorize URL the connector's declaration
// builds, its Location read back).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchAvatar } from '../../src-main/connectors/avatar.ts';
import { instagram } from '../../src-main/connectors/instagram.ts';
import type { ConnectorContext, TokenSet } from '../../src-main/connectors/types.ts';
import { PlatformError } from '../../src-main/errors/platform-error.ts';
import { silentLogger } from '../../src-main/core/logger.ts';
import { createHttp } from '../../src-main/http/http.ts';
import { buildAuthorizeUrl, newState } from '../../src-main/oauth/oauth-client.ts';
import { ERROR_KINDS } from '../../src-main/fakes/fake-server.ts';
import { INSTAGRAM_ENDPOINTS, startFakeInstagram, type FakeInstagram, type InstagramEndpoint } from '../../src-main/fakes/instagram.ts';
import { INSTAGRAM_ACCOUNTS } from '../../src-main/fakes/meta-seed.ts';

const APP_ID = '990602627938098';
const FACEBOOK_APP_ID = '1234567890123456';
const SECRET = 'ig-app-secret-0123456789';
const REDIRECT = 'https://relay.plugboard.test/callback/instagram';
const [BAKERY, MAYA, NO_PICTURE, PERSONAL] = INSTAGRAM_ACCOUNTS.map((a) => a.igUserId) as [string, string, string, string];
const DAY = 86_400;
const DAY_MS = DAY * 1000;

let fake: FakeInstagram;

beforeEach(async () => {
  fake = await startFakeInstagram({ apps: [{ clientId: APP_ID, clientSecret: SECRET, redirectUris: [REDIRECT], name: 'Plugboard' }] });
});

afterEach(async () => {
  await fake.close();
});

function contextFor(f: FakeInstagram, clientId = APP_ID, clientSecret = SECRET, timeoutMs?: number): ConnectorContext {
  return { http: createHttp({ origins: f.originMap(), logger: silentLogger, timeoutMs }), credentials: { clientId, clientSecret } };
}

/** The code Instagram sends back for `userId`, read from the auto-approved window's Location. */
async function codeFor(userId: string, f = fake, clientId = APP_ID): Promise<string> {
  const ctx = contextFor(f, clientId);
  const url = buildAuthorizeUrl(instagram.decl.oauth!, ctx.credentials, { redirectUri: REDIRECT, state: newState(), codeChallenge: null });
  f.autoApprove(userId);
  const res = await fetch(ctx.http.rewrite(url), { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!).searchParams.get('code')!;
}

async function connect(userId = BAKERY, ctx = contextFor(fake), now = fake.now()): Promise<TokenSet> {
  return instagram.exchange!(ctx, { code: await codeFor(userId), redirectUri: REDIRECT, verifier: null }, now);
}

async function failure(p: Promise<unknown>): Promise<PlatformError> {
  const e: unknown = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PlatformError);
  return e as PlatformError;
}

const renew = (tokens: TokenSet, ctx = contextFor(fake), now = fake.now()) => instagram.renew!(ctx, { accessToken: tokens.accessToken, refreshToken: null, appPassword: null }, now);

describe('connect', () => {
  it('asks for comma-separated business scopes with the Instagram app ID and no PKCE', () => {
    const url = new URL(buildAuthorizeUrl(instagram.decl.oauth!, { clientId: APP_ID, clientSecret: SECRET }, { redirectUri: REDIRECT, state: 's', codeChallenge: null }));
    expect(`${url.origin}${url.pathname}`).toBe('https://www.instagram.com/oauth/authorize');
    expect(url.searchParams.get('scope')).toBe('instagram_business_basic,instagram_business_content_publish');
    expect(url.searchParams.get('client_id')).toBe(APP_ID);
    expect(url.searchParams.has('code_challenge')).toBe(false);
  });

  it('exchanges the code, then at once for a 60-day token, with no refresh token', async () => {
    const now = fake.now();
    const tokens = await connect(BAKERY, contextFor(fake), now);
    expect(tokens.refreshToken).toBeUndefined();
    expect(tokens.accessTokenExpiresAt).toBe(now + 60 * DAY_MS);
    // The long-lived token is the connection: its deadline is the token's.
    expect(tokens.refreshTokenExpiresAt).toBeUndefined();
    expect(tokens.scopes).toEqual(['instagram_business_basic', 'instagram_business_content_publish']);
    expect(fake.requests.map((r) => r.endpoint)).toEqual([null, 'token', 'exchange']);
    // The stored token is the long-lived one: it outlives the short-lived token's hour.
    fake.advance(2 * 3600);
    expect((await instagram.fetchProfile(contextFor(fake), tokens.accessToken)).platformUserId).toBe(BAKERY);
  });

  it('strips the #_ Instagram appends, which the token endpoint would not find', async () => {
    const code = await codeFor(MAYA);
    const tokens = await instagram.exchange!(contextFor(fake), { code: `${code}#_`, redirectUri: REDIRECT, verifier: null }, fake.now());
    expect((await instagram.fetchProfile(contextFor(fake), tokens.accessToken)).handle).toBe('maya.makes');
  });

  it('reads the older flat reply, user_id as a bare number and permissions as a list', async () => {
    const flat = await startFakeInstagram({ tokenReply: 'flat', apps: [{ clientId: APP_ID, clientSecret: SECRET, redirectUris: [REDIRECT] }] });
    try {
      const code = await codeFor(BAKERY, flat);
      const tokens = await instagram.exchange!(contextFor(flat), { code, redirectUri: REDIRECT, verifier: null }, flat.now());
      expect(tokens.scopes).toEqual(['instagram_business_basic', 'instagram_business_content_publish']);
      expect((await instagram.fetchProfile(contextFor(flat), tokens.accessToken)).platformUserId).toBe(BAKERY);
    } finally {
      await flat.close();
    }
  });

  it('names a replayed code as a sign-in to start again', async () => {
    const code = await codeFor(BAKERY);
    await instagram.exchange!(contextFor(fake), { code, redirectUri: REDIRECT, verifier: null }, fake.now());
    const e = await failure(instagram.exchange!(contextFor(fake), { code, redirectUri: REDIRECT, verifier: null }, fake.now()));
    expect(e.kind).toBe('denied');
    expect(e.message).toMatch(/already used or has expired.*Connect/);
  });

  it('explains a redirect URI missing from the business login settings', async () => {
    const e = await failure(instagram.exchange!(contextFor(fake), { code: await codeFor(BAKERY), redirectUri: 'https://other.test/cb', verifier: null }, fake.now()));
    expect(e.kind).toBe('setup');
    expect(e.message).toContain('Business login settings');
  });

  it('explains the Facebook App ID given where the Instagram app ID belongs', async () => {
    const e = await failure(instagram.exchange!(contextFor(fake, FACEBOOK_APP_ID), { code: await codeFor(BAKERY), redirectUri: REDIRECT, verifier: null }, fake.now()));
    expect(e.kind).toBe('setup');
    expect(e.message).toMatch(/Instagram app ID.*not the Facebook App ID/);
  });

  it('explains a wrong app secret, with no secret in the sentence', async () => {
    const e = await failure(instagram.exchange!(contextFor(fake, APP_ID, 'wrong-secret-xyz'), { code: await codeFor(BAKERY), redirectUri: REDIRECT, verifier: null }, fake.now()));
    expect(e.kind).toBe('setup');
    expect(e.message).toMatch(/Instagram app secret/);
    expect(e.message).not.toContain('wrong-secret-xyz');
  });

  it('turns the window’s refusals into sentences with the fix', () => {
    expect(instagram.describeAuthorizeError!('access_denied', 'The user denied your request.')).toMatch(/declined on Instagram/);
    expect(instagram.describeAuthorizeError!('invalid_request', 'Invalid Request: Request parameters are invalid: Invalid platform app')).toMatch(/not the Facebook App ID/);
    expect(instagram.describeAuthorizeError!('invalid_request', 'Invalid redirect_uri')).toMatch(/Business login settings/);
    expect(instagram.describeAuthorizeError!('invalid_request', 'Insufficient developer role')).toMatch(/Instagram Testers.*Live/);
    expect(instagram.describeAuthorizeError!('server_error', 'Something odd')).toBeNull();
  });

  it('has no revoke: Instagram Login documents none', () => {
    expect(instagram.revoke).toBeUndefined();
  });
});

describe('profile', () => {
  it('is the professional account (the id Facebook Pages name), with handle, details and a loadable picture', async () => {
    const ctx = contextFor(fake);
    const profile = await instagram.fetchProfile(ctx, (await connect(MAYA)).accessToken);
    expect(profile).toMatchObject({ platformUserId: MAYA, handle: 'maya.makes', displayName: 'Maya Makes', details: { accountType: 'Creator', via: 'instagram-login' } });
    expect(await fetchAvatar(ctx.http, profile.avatarUrl)).toMatch(/^data:image\/png;base64,/);
  });

  it('leaves the initial for an account whose picture cannot be loaded', async () => {
    const ctx = contextFor(fake);
    const profile = await instagram.fetchProfile(ctx, (await connect(NO_PICTURE)).accessToken);
    expect(profile.details.accountType).toBe('Business');
    expect(profile.avatarUrl).not.toBeNull();
    expect(await fetchAvatar(ctx.http, profile.avatarUrl)).toBeNull();
  });

  it('refuses a personal account with the way to switch', async () => {
    const tokens = await connect(BAKERY);
    fake.setAccountType(BAKERY, 'PERSONAL');
    const e = await failure(instagram.fetchProfile(contextFor(fake), tokens.accessToken));
    expect(e.kind).toBe('setup');
    expect(e.message).toMatch(/personal Instagram account.*Business or Creator/);
    // The window itself never gives a personal account a code.
    fake.autoApprove(PERSONAL);
    const url = buildAuthorizeUrl(instagram.decl.oauth!, { clientId: APP_ID, clientSecret: SECRET }, { redirectUri: REDIRECT, state: 's', codeChallenge: null });
    expect((await fetch(contextFor(fake).http.rewrite(url), { redirect: 'manual' })).headers.get('location')).toBeNull();
  });

  it('sends a checkpointed account to instagram.com, then Reconnect', async () => {
    const tokens = await connect();
    fake.checkpoint(BAKERY, true);
    const e = await failure(instagram.fetchProfile(contextFor(fake), tokens.accessToken));
    expect(e.kind).toBe('auth');
    expect(e.message).toMatch(/instagram\.com.*Reconnect/);
  });

  it('reads a reply without user_id as malformed', async () => {
    const tokens = await connect();
    fake.failNext('me', 'missing_fields');
    const e = await failure(instagram.fetchProfile(contextFor(fake), tokens.accessToken));
    expect(e.kind).toBe('malformed');
    expect(e.message).toContain('user_id');
  });
});

describe('renew', () => {
  it('extends a day-old token by 60 days from now', async () => {
    const tokens = await connect();
    fake.advance(30 * DAY);
    const now = fake.now();
    const renewed = await renew(tokens, contextFor(fake), now);
    expect(renewed.accessTokenExpiresAt).toBe(now + 60 * DAY_MS);
    expect(renewed.refreshTokenExpiresAt).toBeUndefined();
    expect(renewed.refreshToken).toBeUndefined();
    fake.advance(45 * DAY);
    expect((await instagram.fetchProfile(contextFor(fake), renewed.accessToken)).platformUserId).toBe(BAKERY);
  });

  it('takes a token under a day old as "later", not as a dead account', async () => {
    const tokens = await connect();
    fake.advance(3600);
    const asked = fake.now();
    const e = await failure(renew(tokens, contextFor(fake), asked));
    expect(e.kind).toBe('rate_limited');
    expect(e.retryAt).toBe(asked + DAY_MS);
    expect(e.message).toMatch(/a day old.*Nothing is wrong/);
    fake.advance(DAY);
    const later = fake.now();
    expect((await renew(tokens, contextFor(fake), later)).accessTokenExpiresAt).toBe(later + 60 * DAY_MS);
  });

  it('asks for Reconnect once the token has expired', async () => {
    const tokens = await connect();
    fake.advance(60 * DAY + 1);
    const e = await failure(renew(tokens));
    expect(e.kind).toBe('auth');
    expect(e.message).toMatch(/expired.*Reconnect/);
  });

  it.each([
    ['the app was removed in Instagram (458)', (f: FakeInstagram) => f.revokeUser(BAKERY), /removed.*Reconnect/],
    ['the password changed (460)', (f: FakeInstagram) => f.changePassword(BAKERY), /password was changed.*Reconnect/],
  ])('asks for Reconnect when %s', async (_name, act, message) => {
    const tokens = await connect();
    fake.advance(2 * DAY);
    act(fake);
    const e = await failure(renew(tokens));
    expect(e.kind).toBe('auth');
    expect(e.message).toMatch(message);
  });

  it.each([4, 17, 32])('retries later on throttling code %i', async (code) => {
    const tokens = await connect();
    fake.advance(2 * DAY);
    fake.failNextGraph('refresh', { code });
    const e = await failure(renew(tokens));
    expect(e.kind).toBe('rate_limited');
    expect(e.message).toContain(`code ${code}`);
  });
});

describe('failures on every endpoint', () => {
  const expected: Record<string, string[]> = {
    html_502: ['server'],
    bad_json: ['malformed'],
    missing_fields: ['malformed'],
    rate_limited: ['rate_limited'],
    server_error: ['server'],
    timeout: ['network'],
    // A dead code at the token endpoint is a sign-in to redo; a dead token elsewhere asks for Reconnect.
    invalid_grant: ['denied', 'auth'],
  };

  async function run(endpoint: InstagramEndpoint, ctx: ConnectorContext): Promise<unknown> {
    if (endpoint === 'token' || endpoint === 'exchange') return connect(BAKERY, ctx);
    const tokens = await connect(BAKERY, ctx);
    fake.advance(2 * DAY);
    return endpoint === 'refresh' ? renew(tokens, ctx) : instagram.fetchProfile(ctx, tokens.accessToken);
  }

  it.each(INSTAGRAM_ENDPOINTS.flatMap((endpoint) => ERROR_KINDS.map((kind) => [endpoint, kind] as const)))('%s: %s becomes a classified sentence', async (endpoint, kind) => {
    const ctx = contextFor(fake, APP_ID, SECRET, kind === 'timeout' ? 400 : undefined);
    fake.failNext(endpoint, kind);
    const e = await failure(run(endpoint, ctx));
    expect(expected[kind]).toContain(e.kind);
    expect(e.message).not.toMatch(/[{}]/);
    expect(e.message).not.toContain(SECRET);
    expect(e.message).not.toMatch(/IGAA/);
  });
});
