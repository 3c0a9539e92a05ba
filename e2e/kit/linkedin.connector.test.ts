// The LinkedIn connector against the fake LinkedIn over real HTTP on loopback, driven the way the
// core drives a connector: authorize URL → consent → code → exchange → identities → renew → revoke.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkedin, LINKEDIN_VERSION } from '../../src-main/connectors/linkedin.ts';
import { fetchAvatar } from '../../src-main/connectors/avatar.ts';
import type { ConnectorContext, TokenSet } from '../../src-main/connectors/types.ts';
import { PlatformError } from '../../src-main/errors/platform-error.ts';
import { silentLogger } from '../../src-main/core/logger.ts';
import { createHttp, type Http } from '../../src-main/http/http.ts';
import { buildAuthorizeUrl, exchangeCode, newState, refreshTokens } from '../../src-main/oauth/oauth-client.ts';
import { ERROR_KINDS, type FailureKind } from '../../src-main/fakes/fake-server.ts';
import {
  LINKEDIN_MEMBER_BROKEN_PICTURE,
  LINKEDIN_MEMBER_NO_PAGES,
  LINKEDIN_MEMBER_TWO_PAGES,
  LINKEDIN_ORG_ANALYST_ONLY,
  LINKEDIN_ORG_WITH_LOGO,
  LINKEDIN_ORG_WITHOUT_LOGO,
  startFakeLinkedIn,
  type FakeLinkedIn,
} from '../../src-main/fakes/linkedin.ts';

const RELAY = 'https://relay.example/plugboard.html';
const MEMBER_APP = { clientId: '78memberapp001', clientSecret: 'WPL_AP1.member-secret' };
const PAGES_APP = { clientId: '78pagesapp0001', clientSecret: 'WPL_AP1.pages-secret' };
const ORG_SCOPES = ['r_organization_social', 'w_organization_social', 'rw_organization_admin'];
const DAY_MS = 86_400_000;

let fake: FakeLinkedIn;
let http: Http;

beforeEach(async () => {
  fake = await startFakeLinkedIn();
  fake.registerApp({ ...MEMBER_APP, redirectUris: [RELAY] });
  fake.registerApp({ ...PAGES_APP, redirectUris: [RELAY], products: ['sign-in-openid', 'share-on-linkedin', 'community-management'], programmaticRefresh: true });
  http = createHttp({
    origins: { 'https://www.linkedin.com': fake.origin, 'https://api.linkedin.com': fake.origin, 'https://media.licdn.com': fake.origin },
    logger: silentLogger,
    timeoutMs: 2_000,
  });
});

afterEach(async () => {
  await fake.close();
});

function ctxFor(app: typeof MEMBER_APP): ConnectorContext {
  return { http, credentials: app };
}

/** The pages app asks for the Community Management scopes on top of the declaration's. */
function declFor(app: typeof MEMBER_APP) {
  const decl = linkedin.decl.oauth!;
  return app === PAGES_APP ? { ...decl, scopes: [...decl.scopes, ...ORG_SCOPES] } : decl;
}

/** Opens the authorize URL as the browser would and returns where LinkedIn sends it back. */
async function authorize(app: typeof MEMBER_APP, decide: () => void): Promise<{ params: URLSearchParams; state: string }> {
  const state = newState();
  decide();
  const res = await http.fetch(buildAuthorizeUrl(declFor(app), app, { redirectUri: RELAY, state, codeChallenge: null }));
  expect(res.status, await res.clone().text()).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(back.origin + back.pathname).toBe(RELAY);
  expect(back.searchParams.get('state')).toBe(state);
  return { params: back.searchParams, state };
}

/** A code exchanged as the core does it: the connector's own exchange where it has one. */
async function signIn(userId: string, app = MEMBER_APP): Promise<TokenSet> {
  const { params, state } = await authorize(app, () => fake.autoApprove(userId));
  const ctx = ctxFor(app);
  return linkedin.exchange
    ? linkedin.exchange(ctx, { code: params.get('code')!, redirectUri: RELAY, verifier: null }, fake.now())
    : exchangeCode(linkedin, app, http, { params, state, redirectUri: RELAY, verifier: null, now: fake.now() });
}

async function failure(run: Promise<unknown>): Promise<PlatformError> {
  const e = await run.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PlatformError);
  return e as PlatformError;
}

/** A user-facing sentence: no JSON, no secrets. */
function expectPlainSentence(message: string, secrets: string[] = []): void {
  expect(message).not.toMatch(/[{}]/);
  expect(message).toMatch(/\.$/);
  for (const s of [MEMBER_APP.clientSecret, PAGES_APP.clientSecret, ...secrets]) expect(message).not.toContain(s);
}

describe('code exchange', () => {
  it("needs the connector's own exchange: oauth4webapi refuses LinkedIn's id_token issuer", async () => {
    const { params, state } = await authorize(MEMBER_APP, () => fake.autoApprove(LINKEDIN_MEMBER_NO_PAGES));
    const e = await failure(exchangeCode(linkedin, MEMBER_APP, http, { params, state, redirectUri: RELAY, verifier: null, now: fake.now() }));
    expect(e.kind).toBe('malformed');
    expect(e.message).toMatch(/"iss"/);
  });

  it('gives a 60-day token with the scopes granted and, without programmatic refresh, no refresh token', async () => {
    const before = fake.now();
    const t = await signIn(LINKEDIN_MEMBER_NO_PAGES);
    expect(t.accessTokenExpiresAt! - before).toBeGreaterThanOrEqual(5_184_000_000);
    expect(t.accessTokenExpiresAt! - fake.now()).toBeLessThanOrEqual(5_184_000_000);
    expect(t.scopes.sort()).toEqual([...linkedin.decl.oauth!.scopes].sort());
    expect(t.refreshToken).toBeUndefined();
    expect(t.refreshTokenExpiresAt).toBeUndefined();
  });

  it('keeps the refresh token and its fixed deadline for an app approved for programmatic refresh', async () => {
    const before = fake.now();
    const t = await signIn(LINKEDIN_MEMBER_TWO_PAGES, PAGES_APP);
    expect(t.refreshToken).toBeTruthy();
    expect(Math.abs(t.refreshTokenExpiresAt! - (before + 365 * DAY_MS))).toBeLessThan(5_000);
    expect(t.scopes).toContain('rw_organization_admin');
  });

  it('explains a replayed code, a wrong secret and a different redirect URL in plain sentences', async () => {
    const { params } = await authorize(MEMBER_APP, () => fake.autoApprove(LINKEDIN_MEMBER_NO_PAGES));
    const code = params.get('code')!;
    const exchange = (app: typeof MEMBER_APP, redirectUri = RELAY) => linkedin.exchange!(ctxFor(app), { code, redirectUri, verifier: null }, fake.now());
    const wrongSecret = await failure(exchange({ ...MEMBER_APP, clientSecret: 'WPL_AP1.wrong' }));
    expect(wrongSecret.kind).toBe('setup');
    expect(wrongSecret.message).toMatch(/Client ID and the Primary Client Secret/);
    const otherRedirect = await failure(exchange(MEMBER_APP, 'https://relay.example/other.html'));
    expect(otherRedirect.kind).toBe('setup');
    expect(otherRedirect.message).toMatch(/Authorized redirect URLs/);
    await exchange(MEMBER_APP);
    const replayed = await failure(exchange(MEMBER_APP));
    expect(replayed.kind).toBe('denied');
    expect(replayed.message).toMatch(/expired .* or was already used/);
    for (const e of [wrongSecret, otherRedirect, replayed]) expectPlainSentence(e.message, [code, 'WPL_AP1.wrong']);
  });
});

describe('authorize errors', () => {
  it("names the product to add when the app's products do not grant a scope", async () => {
    const state = newState();
    const res = await http.fetch(buildAuthorizeUrl({ ...linkedin.decl.oauth!, scopes: [...linkedin.decl.oauth!.scopes, ...ORG_SCOPES] }, MEMBER_APP, { redirectUri: RELAY, state, codeChallenge: null }));
    const back = new URL(res.headers.get('location')!).searchParams;
    expect(back.get('error')).toBe('unauthorized_scope_error');
    const sentence = linkedin.describeAuthorizeError!(back.get('error')!, back.get('error_description'));
    expect(sentence).toMatch(/r_organization_social/);
    expect(sentence).toMatch(/Products tab/);
    expect(sentence).toMatch(/"Community Management API"/);
    expectPlainSentence(sentence!);
    // LinkedIn sometimes HTML-escapes the quotes around the scope.
    expect(linkedin.describeAuthorizeError!('unauthorized_scope_error', 'Scope &quot;w_member_social&quot; is not authorized for your application')).toMatch(/"Share on LinkedIn"/);
  });

  it('says "You cancelled…" for a cancelled sign-in and a cancelled authorization', async () => {
    const login = (await authorize(MEMBER_APP, () => fake.cancelLoginNext())).params;
    const consent = (await authorize(MEMBER_APP, () => fake.autoDeny())).params;
    expect([login.get('error'), consent.get('error')]).toEqual(['user_cancelled_login', 'user_cancelled_authorize']);
    for (const p of [login, consent]) expect(linkedin.describeAuthorizeError!(p.get('error')!, p.get('error_description'))).toMatch(/^You cancelled .*nothing was connected/);
    expect(linkedin.describeAuthorizeError!('something_else', null)).toBeNull();
  });
});

describe('identities', () => {
  it('a member-only login is one identity, person:{sub}, with the member id in details', async () => {
    const t = await signIn(LINKEDIN_MEMBER_TWO_PAGES);
    const identities = await linkedin.listIdentities!(ctxFor(MEMBER_APP), t.accessToken);
    expect(identities.map((i) => i.platformUserId)).toEqual([`person:${LINKEDIN_MEMBER_TWO_PAGES}`]);
    const [me] = identities;
    expect(me).toMatchObject({ handle: 'Ana Example', displayName: 'Ana Example', details: { memberSub: LINKEDIN_MEMBER_TWO_PAGES, email: 'ana.example@example.com' } });
    expect(await fetchAvatar(http, me!.avatarUrl)).toMatch(/^data:image\/png;base64,/);
    expect(await linkedin.fetchProfile(ctxFor(MEMBER_APP), t.accessToken)).toEqual(me);
  });

  it('with the page scopes, adds each administered page (not the analyst one), sharing the login', async () => {
    const t = await signIn(LINKEDIN_MEMBER_TWO_PAGES, PAGES_APP);
    const identities = await linkedin.listIdentities!(ctxFor(PAGES_APP), t.accessToken);
    expect(identities.map((i) => i.platformUserId)).toEqual([
      `person:${LINKEDIN_MEMBER_TWO_PAGES}`,
      `organization:${LINKEDIN_ORG_WITH_LOGO}`,
      `organization:${LINKEDIN_ORG_WITHOUT_LOGO}`,
    ]);
    expect(identities.map((i) => i.platformUserId)).not.toContain(`organization:${LINKEDIN_ORG_ANALYST_ONLY}`);
    const pages = identities.slice(1);
    const seeded = fake.organizations.filter((o) => pages.some((p) => p.platformUserId === `organization:${o.id}`));
    expect(pages.map((p) => [p.displayName, p.handle, p.details.vanityName])).toEqual(seeded.map((o) => [o.localizedName, o.localizedName, o.vanityName]));
    for (const i of identities) {
      expect(i.details.memberSub).toBe(LINKEDIN_MEMBER_TWO_PAGES);
      expect(i.tokens).toBeUndefined();
    }
    expect(await fetchAvatar(http, pages[0]!.avatarUrl)).toMatch(/^data:image\/png;base64,/);
    expect(pages[1]!.avatarUrl).toBeNull();
  });

  it('a member without pages is one identity even with the page scopes', async () => {
    const t = await signIn(LINKEDIN_MEMBER_NO_PAGES, PAGES_APP);
    expect((await linkedin.listIdentities!(ctxFor(PAGES_APP), t.accessToken)).map((i) => i.platformUserId)).toEqual([`person:${LINKEDIN_MEMBER_NO_PAGES}`]);
  });

  it("a picture that cannot be loaded leaves the avatar to the initial, not the connection", async () => {
    const t = await signIn(LINKEDIN_MEMBER_BROKEN_PICTURE);
    const profile = await linkedin.fetchProfile(ctxFor(MEMBER_APP), t.accessToken);
    expect(profile.avatarUrl).toMatch(/^https:\/\/media\.licdn\.com\//);
    expect(await fetchAvatar(http, profile.avatarUrl)).toBeNull();
  });

  it(`sends LinkedIn-Version ${LINKEDIN_VERSION} and Rest.li 2.0.0; a retired version is a plain "update Plugboard"`, async () => {
    const t = await signIn(LINKEDIN_MEMBER_TWO_PAGES, PAGES_APP);
    // The fake answers 400/426 to a call missing either header, so a full listing proves both were sent.
    expect(await linkedin.listIdentities!(ctxFor(PAGES_APP), t.accessToken)).toHaveLength(3);
    fake.setOldestActiveVersion('209901');
    const e = await failure(linkedin.listIdentities!(ctxFor(PAGES_APP), t.accessToken));
    expect(e.kind).toBe('setup');
    expect(e.message).toMatch(new RegExp(`API version ${LINKEDIN_VERSION}.*Update Plugboard`));
  });
});

describe('API failures', () => {
  it('an expired, revoked or unknown token is an auth error in a plain sentence', async () => {
    const t = await signIn(LINKEDIN_MEMBER_NO_PAGES);
    fake.advance(60 * 86_400);
    const expired = await failure(linkedin.fetchProfile(ctxFor(MEMBER_APP), t.accessToken));
    expect(expired.kind).toBe('auth');
    expect(expired.message).toMatch(/60-day/);
    const unknown = await failure(linkedin.fetchProfile(ctxFor(MEMBER_APP), 'AQVmadeup'));
    expect(unknown.kind).toBe('auth');
    for (const e of [expired, unknown]) expectPlainSentence(e.message, [t.accessToken]);
  });

  const expected: Record<Exclude<FailureKind, 'timeout'>, string> = {
    html_502: 'server',
    bad_json: 'malformed',
    missing_fields: 'malformed',
    rate_limited: 'rate_limited',
    invalid_grant: 'auth',
    server_error: 'server',
  };
  for (const endpoint of ['userinfo', 'organizationAcls', 'organizations', 'images'] as const) {
    for (const kind of ERROR_KINDS) {
      it(`${endpoint}: ${kind}`, async () => {
        const t = await signIn(LINKEDIN_MEMBER_TWO_PAGES, PAGES_APP);
        fake.failNext(endpoint, kind);
        const e = await failure(linkedin.listIdentities!(ctxFor(PAGES_APP), t.accessToken));
        expect(e.kind).toBe(kind === 'timeout' ? 'network' : expected[kind]);
        if (kind === 'rate_limited') expect(e.retryAt).toBeNull();
        expectPlainSentence(e.message, [t.accessToken]);
      });
    }
  }
});

describe('renewal and revoke', () => {
  it("needs the connector's own renew: oauth4webapi refuses a refresh reply without token_type", async () => {
    const t = await signIn(LINKEDIN_MEMBER_TWO_PAGES, PAGES_APP);
    const e = await failure(refreshTokens(linkedin, PAGES_APP, http, t.refreshToken!, fake.now()));
    expect(e.kind).toBe('malformed');
    expect(e.message).toMatch(/token_type/);
  });

  it('renews with the refresh token; the deadline stays where the first sign-in put it, then ends', async () => {
    const t = await signIn(LINKEDIN_MEMBER_TWO_PAGES, PAGES_APP);
    const renew = () => linkedin.renew!(ctxFor(PAGES_APP), { accessToken: t.accessToken, refreshToken: t.refreshToken!, appPassword: null }, fake.now());
    fake.advance(59 * 86_400);
    const day59 = await renew();
    expect(day59.accessToken).not.toBe(t.accessToken);
    expect(Math.abs(day59.accessTokenExpiresAt! - (fake.now() + 60 * DAY_MS))).toBeLessThan(5_000);
    expect(Math.abs(day59.refreshTokenExpiresAt! - t.refreshTokenExpiresAt!)).toBeLessThan(5_000);
    fake.advance(306 * 86_400);
    const dead = await failure(renew());
    expect(dead.kind).toBe('auth');
    expect(dead.message).toMatch(/refresh token/);
    expectPlainSentence(dead.message, [t.refreshToken!]);
  });

  it('without a refresh token, renewing asks for a reconnect', async () => {
    const t = await signIn(LINKEDIN_MEMBER_NO_PAGES);
    const e = await failure(linkedin.renew!(ctxFor(MEMBER_APP), { accessToken: t.accessToken, refreshToken: t.refreshToken ?? null, appPassword: null }, fake.now()));
    expect(e.kind).toBe('auth');
    expect(e.message).toMatch(/Reconnect/);
  });

  it('revoke ends the grant at LinkedIn; a wrong secret is a setup error', async () => {
    const t = await signIn(LINKEDIN_MEMBER_TWO_PAGES, PAGES_APP);
    const tokens = { accessToken: t.accessToken, refreshToken: t.refreshToken ?? null, appPassword: null };
    const wrong = await failure(linkedin.revoke!(ctxFor({ ...PAGES_APP, clientSecret: 'WPL_AP1.wrong' }), tokens));
    expect(wrong.kind).toBe('setup');
    expect(fake.liveGrants(LINKEDIN_MEMBER_TWO_PAGES)).toBe(1);
    await linkedin.revoke!(ctxFor(PAGES_APP), tokens);
    expect(fake.liveGrants(LINKEDIN_MEMBER_TWO_PAGES)).toBe(0);
    const after = await failure(linkedin.fetchProfile(ctxFor(PAGES_APP), t.accessToken));
    expect(after.kind).toBe('auth');
    expect(after.message).toMatch(/revoked/);
  });
});
