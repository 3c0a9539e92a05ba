import { connectorKit } from './connector-kit.ts';
import { startFakePinterest, type FakePinterest } from '../../src-main/fakes/pinterest.ts';

connectorKit({
  platform: 'pinterest',
  start: () => startFakePinterest(),
  registerApp: (fake, app) => (fake as FakePinterest).registerApp(app),
  users: ['1123581321345589144', '1123581321345589233'],
  userWithoutAvatar: '1123581321345589377',
  // Pinterest has no revoke endpoint.
  endpoints: { token: 'token', refresh: 'refresh', profile: 'user_account' },
  async refreshTokenWorks(fake, app, refreshToken) {
    const res = await fetch(`${fake.origin}/v5/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.clientSecret!)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
    return res.ok;
  },
});

// Pinterest-specific behaviour of the connector beyond the kit, against the same fake over HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { pinterest } from '../../src-main/connectors/pinterest.ts';
import { createHttp } from '../../src-main/http/http.ts';
import { silentLogger } from '../../src-main/core/logger.ts';
import type { ConnectorContext } from '../../src-main/connectors/types.ts';
import { PlatformError } from '../../src-main/errors/platform-error.ts';
import { PINTEREST_CONTINUOUS_REFRESH_SEC, PINTEREST_LEGACY_REFRESH_SEC, type FakePinterestOptions } from '../../src-main/fakes/pinterest.ts';

describe('Pinterest connector specifics', () => {
  const REDIRECT = 'http://127.0.0.1:8765/callback/pinterest';
  const STUDIO = '1123581321345589144';
  const ALICE = '1123581321345589233';
  let fake: FakePinterest | null = null;
  afterEach(async () => {
    await fake?.close();
    fake = null;
  });

  async function open(secret = 'right-secret', opts: FakePinterestOptions = {}) {
    fake = await startFakePinterest(opts);
    fake.registerApp({ clientId: 'app-1', clientSecret: 'right-secret', redirectUris: [REDIRECT] });
    const ctx: ConnectorContext = { http: createHttp({ origins: fake.originMap(), timeoutMs: 1500, logger: silentLogger }), credentials: { clientId: 'app-1', clientSecret: secret } };
    return { fake, ctx };
  }

  async function code(f: FakePinterest, userId = STUDIO): Promise<string> {
    f.autoApprove(userId);
    const url = new URL('https://www.pinterest.com/oauth/');
    url.search = new URLSearchParams({ response_type: 'code', client_id: 'app-1', redirect_uri: REDIRECT, scope: pinterest.decl.oauth!.scopes.join(','), state: 's' }).toString();
    const res = await fetch(url.href.replace('https://www.pinterest.com', f.origin), { redirect: 'manual' });
    return new URL(res.headers.get('location')!).searchParams.get('code')!;
  }

  const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as PlatformError);

  it('says to re-copy the App ID and secret when Pinterest refuses the client', async () => {
    const { fake, ctx } = await open('wrong-secret');
    const e = await failure(pinterest.exchange!(ctx, { code: await code(fake), redirectUri: REDIRECT, verifier: null }, fake.now()));
    expect(e).toBeInstanceOf(PlatformError);
    expect(e!.kind).toBe('setup');
    expect(e!.message).toMatch(/App ID and the App secret key/);
  });

  it('calls a refused sign-in code "denied" and a refused refresh token "auth"', async () => {
    const { fake, ctx } = await open();
    const c = await code(fake);
    const tokens = await pinterest.exchange!(ctx, { code: c, redirectUri: REDIRECT, verifier: null }, fake.now());
    const replay = await failure(pinterest.exchange!(ctx, { code: c, redirectUri: REDIRECT, verifier: null }, fake.now()));
    expect(replay!.kind).toBe('denied');
    expect(replay!.message).toMatch(/Connect to try again/);
    fake.revokeUser(STUDIO);
    const dead = await failure(pinterest.renew!(ctx, { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken!, appPassword: null }, fake.now()));
    expect(dead!.kind).toBe('auth');
    expect(dead!.message).toMatch(/Reconnect/);
    const none = await failure(pinterest.renew!(ctx, { accessToken: tokens.accessToken, refreshToken: null, appPassword: null }, fake.now()));
    expect(none!.kind).toBe('auth');
  });

  it('names the redirect-URI fix when Pinterest mentions the redirect', () => {
    const mapped = pinterest.describeTokenError!('1', 'Invalid parameters. redirect_uri does not match', 400);
    expect(mapped).toMatchObject({ kind: 'setup' });
    expect(mapped!.message).toMatch(/exact redirect URI shown on the Credentials tab/);
  });

  it('moves the connection deadline 60 days out on every continuous refresh', async () => {
    const { fake, ctx } = await open();
    const first = await pinterest.exchange!(ctx, { code: await code(fake), redirectUri: REDIRECT, verifier: null }, fake.now());
    expect(first.refreshTokenExpiresAt! - fake.now()).toBeCloseTo(PINTEREST_CONTINUOUS_REFRESH_SEC * 1000, -4);
    fake.advance(40 * 86_400);
    const second = await pinterest.renew!(ctx, { accessToken: first.accessToken, refreshToken: first.refreshToken!, appPassword: null }, fake.now());
    expect(second.refreshToken).toBeTruthy();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.refreshTokenExpiresAt! - fake.now()).toBeCloseTo(PINTEREST_CONTINUOUS_REFRESH_SEC * 1000, -4);
    expect(second.scopes).toEqual(['boards:read', 'pins:read', 'pins:write', 'user_accounts:read']);
  });

  it('keeps the stored refresh token and its deadline under the legacy model', async () => {
    const { fake, ctx } = await open('right-secret', { refreshModel: 'legacy' });
    const first = await pinterest.exchange!(ctx, { code: await code(fake), redirectUri: REDIRECT, verifier: null }, fake.now());
    expect(first.refreshTokenExpiresAt! - fake.now()).toBeCloseTo(PINTEREST_LEGACY_REFRESH_SEC * 1000, -4);
    fake.advance(10 * 86_400);
    const second = await pinterest.renew!(ctx, { accessToken: first.accessToken, refreshToken: first.refreshToken!, appPassword: null }, fake.now());
    expect(second.refreshToken).toBeUndefined();
    expect(second.refreshTokenExpiresAt).toBeUndefined();
  });

  it('reads the profile: business name or username, account type, avatar URL', async () => {
    const { fake, ctx } = await open();
    const studio = await pinterest.exchange!(ctx, { code: await code(fake), redirectUri: REDIRECT, verifier: null }, fake.now());
    expect(await pinterest.fetchProfile(ctx, studio.accessToken)).toMatchObject({
      platformUserId: STUDIO,
      handle: 'plugboard_pins',
      displayName: 'Plugboard Studio',
      details: { accountType: 'BUSINESS' },
    });
    const alice = await pinterest.exchange!(ctx, { code: await code(fake, ALICE), redirectUri: REDIRECT, verifier: null }, fake.now());
    const profile = await pinterest.fetchProfile(ctx, alice.accessToken);
    expect(profile).toMatchObject({ platformUserId: ALICE, displayName: 'alice_pins', details: { accountType: 'PINNER' } });
    expect(profile.avatarUrl).toMatch(/^https:\/\/i\.pinimg\.com\//);
    fake.expireAccessTokens();
    expect((await failure(pinterest.fetchProfile(ctx, alice.accessToken)))!.kind).toBe('auth');
  });

  it('has no revoke: Pinterest offers no revocation endpoint', () => {
    expect(pinterest.revoke).toBeUndefined();
    expect(pinterest.decl.oauth!.revokeUrl).toBeUndefined();
  });
});
