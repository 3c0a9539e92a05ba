// A token endpoint's refusal is read by the error code in its body before its HTTP status. A dead
// refresh token answered with 401 (Pinterest always does; a gateway or a stricter platform may) is
// the account's end ("Reconnect"), not wrong app credentials; a 401 that carries a WWW-Authenticate
// challenge (RFC 6749 5.2) is still read by its body. Each connector against its fake, over HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { linkedin } from '../../src-main/connectors/linkedin.ts';
import type { ClientCredentials, Connector, TokenSet } from '../../src-main/connectors/types.ts';
import { PlatformError } from '../../src-main/errors/platform-error.ts';
import { x } from '../../src-main/connectors/x.ts';
import { youtube } from '../../src-main/connectors/youtube.ts';
import { silentLogger } from '../../src-main/core/logger.ts';
import { createHttp, type Http } from '../../src-main/http/http.ts';
import { buildAuthorizeUrl, exchangeCode, newPkce, newState, refreshTokens } from '../../src-main/oauth/oauth-client.ts';
import type { FailOptions, FakeOAuthPlatform } from '../../src-main/fakes/fake-server.ts';
import { startFakeGoogle } from '../../src-main/fakes/google.ts';
import { LINKEDIN_MEMBER_NO_PAGES, startFakeLinkedIn } from '../../src-main/fakes/linkedin.ts';
import { startFakeX } from '../../src-main/fakes/x.ts';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});

async function failure(run: Promise<unknown>): Promise<PlatformError> {
  const e = await run.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PlatformError);
  return e as PlatformError;
}

interface Platform {
  fake: FakeOAuthPlatform<string>;
  http: Http;
  creds: ClientCredentials;
  /** Signs the test user in; the tokens the core would store. */
  signIn(): Promise<TokenSet>;
  /** Renews as the core does: the connector's own renew, else the standard refresh grant. */
  renew(tokens: TokenSet): Promise<TokenSet>;
}

/** The code flow through the generic client (X, YouTube): authorize, consent, exchange. */
async function standardSignIn(connector: Connector, fake: FakeOAuthPlatform<string>, http: Http, creds: ClientCredentials, redirectUri: string, userId: string): Promise<TokenSet> {
  const decl = connector.decl.oauth!;
  const pkce = await newPkce('S256');
  const state = newState();
  fake.autoApprove(userId);
  const res = await http.fetch(buildAuthorizeUrl(decl, creds, { redirectUri, state, codeChallenge: pkce.challenge }));
  expect(res.status).toBe(302);
  const params = new URL(res.headers.get('location')!).searchParams;
  return exchangeCode(connector, creds, http, { params, state, redirectUri, verifier: pkce.verifier, now: fake.now() });
}

const platforms: Record<string, () => Promise<Platform>> = {
  async x() {
    const fake = await startFakeX();
    open.push(fake);
    const creds = { clientId: 'status-x-client', clientSecret: 'status-x-secret' };
    const redirectUri = 'http://127.0.0.1:8765/callback/x';
    fake.registerApp({ ...creds, redirectUris: [redirectUri] });
    const http = createHttp({ origins: fake.originMap(), timeoutMs: 2000, logger: silentLogger });
    return {
      fake,
      http,
      creds,
      signIn: () => standardSignIn(x, fake, http, creds, redirectUri, fake.users[0]!.id),
      renew: (t) => refreshTokens(x, creds, http, t.refreshToken!, fake.now()),
    };
  },
  async youtube() {
    const fake = await startFakeGoogle();
    open.push(fake);
    const creds = { clientId: 'status-yt.apps.googleusercontent.com', clientSecret: 'GOCSPX-status' };
    fake.registerApp({ ...creds, redirectUris: ['http://127.0.0.1/callback/youtube'], type: 'desktop' });
    const http = createHttp({ origins: fake.originMap(), timeoutMs: 2000, logger: silentLogger });
    return {
      fake,
      http,
      creds,
      signIn: () => standardSignIn(youtube, fake, http, creds, 'http://127.0.0.1:8123/callback/youtube', fake.users[0]!.id),
      renew: (t) => refreshTokens(youtube, creds, http, t.refreshToken!, fake.now()),
    };
  },
  async linkedin() {
    const fake = await startFakeLinkedIn();
    open.push(fake);
    const creds = { clientId: '78statusapp01', clientSecret: 'WPL_AP1.status-secret' };
    const redirectUri = 'https://relay.example/plugboard.html';
    // Programmatic refresh: the app gets refresh tokens.
    fake.registerApp({ ...creds, redirectUris: [redirectUri], products: ['sign-in-openid', 'share-on-linkedin'], programmaticRefresh: true });
    const http = createHttp({ origins: fake.originMap(), timeoutMs: 2000, logger: silentLogger });
    const ctx = { http, credentials: creds };
    return {
      fake,
      http,
      creds,
      async signIn() {
        const state = newState();
        fake.autoApprove(LINKEDIN_MEMBER_NO_PAGES);
        const res = await http.fetch(buildAuthorizeUrl(linkedin.decl.oauth!, creds, { redirectUri, state, codeChallenge: null }));
        const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
        return linkedin.exchange!(ctx, { code, redirectUri, verifier: null }, fake.now());
      },
      renew: (t) => linkedin.renew!(ctx, { accessToken: t.accessToken, refreshToken: t.refreshToken ?? null, appPassword: null }, fake.now()),
    };
  },
};

const DEAD_GRANT_401: [string, FailOptions][] = [
  ['HTTP 401', { status: 401 }],
  ['HTTP 401 with a WWW-Authenticate challenge', { status: 401, wwwAuthenticate: 'Basic realm="token"' }],
];

for (const [name, start] of Object.entries(platforms)) {
  describe(`${name}: a dead refresh token answered with 401`, () => {
    for (const [how, opts] of DEAD_GRANT_401) {
      it(`${how} is the account's refusal ("Reconnect"), not the app's credentials`, async () => {
        const p = await start();
        const tokens = await p.signIn();
        expect(tokens.refreshToken).toBeTruthy();
        p.fake.failNext('refresh', 'invalid_grant', opts);
        const e = await failure(p.renew(tokens));
        expect(e.kind).toBe('auth');
        expect(e.message).toMatch(/Reconnect/);
        expect(e.message).not.toMatch(/client ID|Credentials tab/);
      });
    }

    it('wrong app credentials are still named as such', async () => {
      const p = await start();
      const tokens = await p.signIn();
      p.creds.clientSecret = 'not-the-secret';
      const e = await failure(p.renew(tokens));
      expect(e.kind).toBe('setup');
      expect(e.message).toMatch(/client ID and secret/);
    });
  });
}
