// The Threads connector against the fake over real HTTP: its functions called directly, as the core
// calls them, with the platform origins rewritten to the fake.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorKind } from '../../src-main/api/contract.ts';
import { fetchAvatar } from '../../src-main/connectors/avatar.ts';
import { threads } from '../../src-main/connectors/threads.ts';
import type { ConnectorContext, TokenSet } from '../../src-main/connectors/types.ts';
import { PlatformError } from '../../src-main/errors/platform-error.ts';
import { silentLogger } from '../../src-main/core/logger.ts';
import { createHttp } from '../../src-main/http/http.ts';
import { buildAuthorizeUrl, newState } from '../../src-main/oauth/oauth-client.ts';
import { ERROR_KINDS, type FailureKind } from '../../src-main/fakes/fake-server.ts';
import { startFakeThreads, THREADS_ENDPOINTS, type FakeThreads, type ThreadsEndpoint } from '../../src-main/fakes/threads.ts';

const APP_ID = '1290000000000001';
const FACEBOOK_APP_ID = '990000000000001';
const SECRET = 'threads-app-secret-4f1c';
const REDIRECT = 'https://relay.plugboard.test/callback/threads';
const DEMO = '26000000000000001';
const MAYA = '26000000000000002';
const NO_PICTURE = '26000000000000003';
const OUTSIDER = '26000000000000004';
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

let fake: FakeThreads;
let ctx: ConnectorContext;

beforeEach(async () => {
  fake = await startFakeThreads();
  fake.registerApp({ clientId: APP_ID, clientSecret: SECRET, redirectUris: [REDIRECT], facebookAppId: FACEBOOK_APP_ID });
  ctx = context({ clientId: APP_ID, clientSecret: SECRET });
});

afterEach(async () => {
  await fake.close();
});

function context(credentials: ConnectorContext['credentials'], timeoutMs?: number): ConnectorContext {
  return { http: createHttp({ origins: fake.originMap(), logger: silentLogger, timeoutMs }), credentials };
}

/** The authorization URL the app would open, answered by the fake's auto-approved consent. */
async function authorize(userId: string, clientId = APP_ID): Promise<URL | Response> {
  fake.autoApprove(userId);
  const url = buildAuthorizeUrl(threads.decl.oauth!, { clientId, clientSecret: SECRET }, { redirectUri: REDIRECT, state: newState(), codeChallenge: null });
  const res = await fetch(ctx.http.rewrite(url), { redirect: 'manual' });
  return res.status === 302 ? new URL(res.headers.get('location')!) : res;
}

async function codeFor(userId = DEMO): Promise<string> {
  const landed = await authorize(userId);
  if (!(landed instanceof URL)) throw new Error(`authorize answered ${landed.status}`);
  return landed.searchParams.get('code')!;
}

async function connect(userId = DEMO): Promise<TokenSet> {
  return threads.exchange!(ctx, { code: await codeFor(userId), redirectUri: REDIRECT, verifier: null }, fake.now());
}

async function failure(run: () => Promise<unknown>): Promise<PlatformError> {
  const err = await run().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlatformError);
  const e = err as PlatformError;
  expect(e.message).not.toContain(SECRET);
  expect(e.message).not.toMatch(/THAA|\{"error/);
  return e;
}

describe('connecting', () => {
  it('asks for the declared scopes with a plain client_id and no PKCE', () => {
    const url = new URL(buildAuthorizeUrl(threads.decl.oauth!, { clientId: APP_ID, clientSecret: SECRET }, { redirectUri: REDIRECT, state: newState(), codeChallenge: null }));
    expect(url.origin).toBe('https://threads.net');
    expect(url.searchParams.get('scope')).toBe('threads_basic,threads_content_publish');
    expect(url.searchParams.has('code_challenge')).toBe(false);
  });

  it('trades the code for the 1-hour token and at once for a 60-day one, with no refresh token', async () => {
    const code = await codeFor();
    const now = fake.now();
    const tokens = await threads.exchange!(ctx, { code, redirectUri: REDIRECT, verifier: null }, now);
    expect(tokens.refreshToken).toBeUndefined();
    expect(tokens.accessTokenExpiresAt).toBe(now + 60 * DAY_MS);
    expect(tokens.scopes).toEqual(['threads_basic', 'threads_content_publish']);
    expect(fake.requests.map((r) => r.endpoint)).toEqual([null, 'token', 'exchange']);
    // The stored token outlives the short-lived one by far.
    fake.advance(30 * 24 * 3600);
    expect((await threads.fetchProfile(ctx, tokens.accessToken)).platformUserId).toBe(DEMO);
  });

  it('reads the profile: the 17-digit id exactly, the username as handle, and a picture that loads', async () => {
    const { accessToken } = await connect(MAYA);
    const profile = await threads.fetchProfile(ctx, accessToken);
    expect(profile).toMatchObject({ platformUserId: MAYA, handle: 'maya.makes', displayName: 'Maya Makes' });
    expect(await fetchAvatar(ctx.http, profile.avatarUrl)).toMatch(/^data:image\/png;base64,/);
  });

  it('leaves the picture out where it cannot be loaded', async () => {
    const profile = await threads.fetchProfile(ctx, (await connect(NO_PICTURE)).accessToken);
    expect(profile.avatarUrl).not.toBeNull();
    expect(await fetchAvatar(ctx.http, profile.avatarUrl)).toBeNull();
  });

  it('does not get a code for a non-tester while the app is in development', async () => {
    const refused = await authorize(OUTSIDER);
    expect(refused).toBeInstanceOf(Response);
    expect(((await (refused as Response).json()) as { error_code: number }).error_code).toBe(1349245);
  });
});

describe('sign-in errors in plain sentences', () => {
  it('names the Threads app secret when the secret is wrong', async () => {
    const code = await codeFor();
    const e = await failure(() => threads.exchange!(context({ clientId: APP_ID, clientSecret: 'wrong-secret' }), { code, redirectUri: REDIRECT, verifier: null }, fake.now()));
    expect(e.kind).toBe('setup');
    expect(e.message).toMatch(/Threads app secret/);
  });

  it('tells the Threads app ID from the Facebook App ID', async () => {
    const code = await codeFor();
    const e = await failure(() => threads.exchange!(context({ clientId: FACEBOOK_APP_ID, clientSecret: SECRET }), { code, redirectUri: REDIRECT, verifier: null }, fake.now()));
    expect(e.kind).toBe('setup');
    expect(e.message).toMatch(/Threads app ID.*not the Facebook App ID/);
  });

  it('points at the Redirect Callback URLs when the redirect URI differs', async () => {
    const code = await codeFor();
    const e = await failure(() => threads.exchange!(ctx, { code, redirectUri: `${REDIRECT}/`, verifier: null }, fake.now()));
    expect(e.kind).toBe('setup');
    expect(e.message).toMatch(/Redirect Callback URLs/);
  });

  it('asks to connect again for a used or expired code', async () => {
    const code = await codeFor();
    await threads.exchange!(ctx, { code, redirectUri: REDIRECT, verifier: null }, fake.now());
    const used = await failure(() => threads.exchange!(ctx, { code, redirectUri: REDIRECT, verifier: null }, fake.now()));
    expect(used.kind).toBe('denied');
    const late = await codeFor();
    fake.advance(3601);
    const expired = await failure(() => threads.exchange!(ctx, { code: late, redirectUri: REDIRECT, verifier: null }, fake.now()));
    expect(expired.kind).toBe('denied');
    expect(expired.message).toMatch(/Click Connect/);
  });

  it('describes refusals sent back to the redirect', () => {
    expect(threads.describeAuthorizeError!('access_denied', 'Permissions error')).toMatch(/declined/);
    expect(threads.describeAuthorizeError!('access_denied', 'Invalid Request: The  user has not accepted the invite to test the app')).toMatch(/Threads Tester.*Website permissions/);
    expect(threads.describeAuthorizeError!('invalid_request', 'Invalid redirect_uri')).toMatch(/Redirect Callback URLs/);
    expect(threads.describeAuthorizeError!('server_error', null)).toBeNull();
  });
});

describe('renewing', () => {
  const stored = (accessToken: string) => ({ accessToken, refreshToken: null, appPassword: null });

  it('does not treat a token younger than 24 hours as dead: it comes back a day later', async () => {
    const { accessToken } = await connect();
    fake.advance(20 * 3600);
    const now = fake.now();
    const e = await failure(() => threads.renew!(ctx, stored(accessToken), now));
    expect(e.kind).toBe('rate_limited');
    expect(e.retryAt).toBe(now + DAY_MS);
    expect(e.message).toMatch(/24 hours/);
  });

  it('extends a day-old token by 60 days from now and keeps no refresh token', async () => {
    const first = await connect();
    fake.advance(46 * 24 * 3600);
    const now = fake.now();
    const renewed = await threads.renew!(ctx, stored(first.accessToken), now);
    expect(renewed.accessToken).not.toBe(first.accessToken);
    expect(renewed.refreshToken).toBeUndefined();
    expect(renewed.accessTokenExpiresAt).toBe(now + 60 * DAY_MS);
    fake.advance(59 * 24 * 3600);
    expect((await threads.fetchProfile(ctx, renewed.accessToken)).platformUserId).toBe(DEMO);
  });

  it.each([
    ['has expired', (t: string) => (fake.advance(61 * 24 * 3600), t), /expired\. Reconnect/],
    ['belongs to a user who removed the app', (t: string) => (fake.revokeUser(DEMO), t), /removed.*Reconnect/],
    ['died with a password change', (t: string) => (fake.changePassword(DEMO), t), /password was changed.*Reconnect/],
    ['is malformed', () => 'garbage', /malformed.*Reconnect/],
  ])('asks to reconnect when the token %s', async (_what, spoil, message) => {
    const { accessToken } = await connect();
    fake.advance(2 * 24 * 3600);
    const e = await failure(() => threads.renew!(ctx, stored(spoil(accessToken)), fake.now()));
    expect(e.kind).toBe('auth');
    expect(e.message).toMatch(message);
  });

  it('asks to reconnect when nothing is stored', async () => {
    expect((await failure(() => threads.renew!(ctx, { accessToken: null, refreshToken: null, appPassword: null }, fake.now()))).kind).toBe('auth');
  });
});

describe('throttling and platform failures', () => {
  it('comes back when the Business Use Case header says (code 32) and leaves the time to the scheduler otherwise (code 4)', async () => {
    const { accessToken } = await connect();
    fake.throttleNext('me', 32, { retryAfterSec: 20 * 60 });
    const before = Date.now();
    const buc = await failure(() => threads.fetchProfile(ctx, accessToken));
    expect(buc.kind).toBe('rate_limited');
    expect(buc.retryAt).toBeGreaterThanOrEqual(before + 20 * 60_000);
    expect(buc.retryAt).toBeLessThan(before + 21 * 60_000);
    fake.throttleNext('me', 4);
    const app = await failure(() => threads.fetchProfile(ctx, accessToken));
    expect(app.kind).toBe('rate_limited');
    expect(app.retryAt).toBeNull();
  });

  const expected: Record<FailureKind, (endpoint: ThreadsEndpoint) => ErrorKind> = {
    html_502: () => 'server',
    bad_json: () => 'malformed',
    missing_fields: () => 'malformed',
    rate_limited: () => 'rate_limited',
    invalid_grant: (endpoint) => (endpoint === 'token' ? 'denied' : 'auth'),
    server_error: () => 'server',
    timeout: () => 'network',
  };

  it.each(THREADS_ENDPOINTS.flatMap((endpoint) => ERROR_KINDS.map((kind) => [endpoint, kind] as const)))('classifies %s answering %s', async (endpoint, kind) => {
    const short = context({ clientId: APP_ID, clientSecret: SECRET }, 500);
    let run: () => Promise<unknown>;
    if (endpoint === 'token' || endpoint === 'exchange') {
      const code = await codeFor();
      run = () => threads.exchange!(short, { code, redirectUri: REDIRECT, verifier: null }, fake.now());
    } else {
      const { accessToken } = await connect();
      fake.advance(2 * 24 * 3600);
      run = endpoint === 'refresh' ? () => threads.renew!(short, { accessToken, refreshToken: null, appPassword: null }, fake.now()) : () => threads.fetchProfile(short, accessToken);
    }
    fake.failNext(endpoint, kind);
    expect((await failure(run)).kind).toBe(expected[kind](endpoint));
  });
});
