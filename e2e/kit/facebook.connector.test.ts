// The Facebook Pages connector and Instagram through a Page, against the fake Graph API over real
// HTTP on loopback: connector functions are called directly, codes come from the fake's dialog.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchAvatar } from '../../src-main/connectors/avatar.ts';
import { facebook, GRAPH_ROOT } from '../../src-main/connectors/facebook.ts';
import { instagramViaFacebook } from '../../src-main/connectors/instagram-facebook.ts';
import { providerDeclSchema } from '../../src-main/connectors/provider-schema.ts';
import type { Connector, ConnectorContext, Identity, TokenSet } from '../../src-main/connectors/types.ts';
import { PlatformError } from '../../src-main/errors/platform-error.ts';
import { silentLogger } from '../../src-main/core/logger.ts';
import { createHttp } from '../../src-main/http/http.ts';
import { buildAuthorizeUrl, newState } from '../../src-main/oauth/oauth-client.ts';
import { ERROR_KINDS, type FailureKind } from '../../src-main/fakes/fake-server.ts';
import { startFakeFacebook, type ConsentChoice, type FacebookEndpoint, type FakeFacebook } from '../../src-main/fakes/facebook.ts';
import { FACEBOOK_USERS } from '../../src-main/fakes/meta-seed.ts';

const APP_ID = '1234567890123456';
const APP_SECRET = 'fb-app-secret-7c1d9e0a';
const REDIRECT = 'https://relay.example.net/callback/facebook';
const [DANA, MAYA, PAT] = FACEBOOK_USERS.map((u) => u.userId) as [string, string, string];
const [SUNRISE, STUDIO, WHOLESALE] = FACEBOOK_USERS[0]!.pages.map((p) => p.pageId) as [string, string, string];
const MAYA_PAGE = FACEBOOK_USERS[1]!.pages[0]!.pageId;
const IG_SUNRISE = '17841400000000001';
const IG_NO_PICTURE = '17841400000000003';
const DAY_MS = 86_400_000;

let fb: FakeFacebook;
let ctx: ConnectorContext;

beforeEach(async () => {
  fb = await startFakeFacebook();
  fb.registerApp({ clientId: APP_ID, clientSecret: APP_SECRET, redirectUris: [REDIRECT], name: 'Plugboard Test', mode: 'live' });
  ctx = { http: createHttp({ origins: fb.originMap(), logger: silentLogger, timeoutMs: 1500 }), credentials: { clientId: APP_ID, clientSecret: APP_SECRET } };
});

afterEach(async () => {
  await fb.close();
});

/** Through the fake's auto-approved consent: the code the redirect carries. */
async function codeFor(connector: Connector, userId: string, choice?: ConsentChoice): Promise<string> {
  if (choice) fb.nextConsent(choice);
  fb.autoApprove(userId);
  const url = buildAuthorizeUrl(connector.decl.oauth!, ctx.credentials, { redirectUri: REDIRECT, state: newState(), codeChallenge: null });
  const res = await fetch(ctx.http.rewrite(url), { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`the fake did not redirect (HTTP ${res.status}): ${await res.text()}`);
  const code = new URL(location).searchParams.get('code');
  if (!code) throw new Error(`no code in ${location}`);
  return code;
}

async function login(connector: Connector, userId: string, choice?: ConsentChoice): Promise<TokenSet> {
  return connector.exchange!(ctx, { code: await codeFor(connector, userId, choice), redirectUri: REDIRECT, verifier: null }, fb.now());
}

async function identities(connector: Connector, userId: string, choice?: ConsentChoice): Promise<{ tokens: TokenSet; identities: Identity[] }> {
  const tokens = await login(connector, userId, choice);
  return { tokens, identities: await connector.listIdentities!(ctx, tokens.accessToken) };
}

const failure = (p: Promise<unknown>): Promise<PlatformError> =>
  p.then(
    () => {
      throw new Error('expected a PlatformError');
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(PlatformError);
      return e as PlatformError;
    },
  );

const accountCtx = (identity: Identity): ConnectorContext => ({ ...ctx, account: { platformUserId: identity.platformUserId, details: identity.details } });

describe('Facebook Pages: connecting', () => {
  it('exchanges the code for a long-lived user token, in three calls to the declared Graph version', async () => {
    const tokens = await login(facebook, DANA);
    expect(tokens.accessTokenExpiresAt! - fb.now()).toBeGreaterThan(59 * DAY_MS);
    expect(tokens.scopes).toEqual(expect.arrayContaining(['pages_show_list', 'pages_manage_posts', 'business_management']));
    const version = new URL(GRAPH_ROOT).pathname;
    const calls = fb.requests.filter((r) => r.path.startsWith(`${version}/oauth`) || r.path.startsWith(`${version}/debug_token`)).map((r) => r.endpoint);
    expect(calls).toEqual(['token', 'exchange', 'debug_token']);
  });

  it('lists every Page as an identity with its own non-expiring Page token, picture and login details', async () => {
    const { tokens, identities: pages } = await identities(facebook, DANA);
    expect(pages.map((p) => [p.platformUserId, p.displayName])).toEqual([
      [SUNRISE, 'Sunrise Bakery'],
      [STUDIO, 'Dana’s Studio'],
      [WHOLESALE, 'Bakery Wholesale'],
    ]);
    const pageTokens = new Set(pages.map((p) => p.tokens!.accessToken));
    expect(pageTokens.size).toBe(3);
    expect(pageTokens.has(tokens.accessToken)).toBe(false);
    for (const p of pages) {
      expect(p.unavailableReason).toBeUndefined();
      expect(p.tokens!.accessTokenExpiresAt).toBeNull();
      expect(p.details.facebookUserId).toBe(DANA);
      expect(Date.parse(p.details.dataAccessExpiresAt!) - fb.now()).toBeGreaterThan(89 * DAY_MS);
    }
    expect(await fetchAvatar(ctx.http, pages[0]!.avatarUrl)).toMatch(/^data:image\/png;base64,/);
    expect(await fetchAvatar(ctx.http, pages[1]!.avatarUrl)).toBeNull();
  });

  it('a Page token outlives the 60-day user token, and the Page re-reads through fetchProfile and listIdentities', async () => {
    const { identities: pages } = await identities(facebook, DANA);
    const sunrise = pages[0]!;
    fb.advance(61 * 24 * 3600);
    const profile = await facebook.fetchProfile(accountCtx(sunrise), sunrise.tokens!.accessToken);
    expect(profile).toMatchObject({ platformUserId: SUNRISE, displayName: 'Sunrise Bakery', details: { facebookUserId: DANA } });
    const reread = await facebook.listIdentities!(accountCtx(sunrise), sunrise.tokens!.accessToken);
    expect(reread.map((i) => i.platformUserId)).toEqual([SUNRISE]);
  });

  it('leaves out Pages the user unticked, and portfolio Pages without business_management', async () => {
    const some = await identities(facebook, DANA, { pages: [SUNRISE, WHOLESALE] });
    expect(some.identities.map((p) => p.platformUserId)).toEqual([SUNRISE, WHOLESALE]);
    const noBusiness = await identities(facebook, DANA, { declineScopes: ['business_management'] });
    expect(noBusiness.identities.map((p) => p.platformUserId)).toEqual([SUNRISE, STUDIO]);
  });

  it('shows a Page left out of pages_manage_posts, or without a Page token of its own, with the fix', async () => {
    fb.setPageTasks(DANA, WHOLESALE, ['ANALYZE']);
    const { identities: pages } = await identities(facebook, DANA, { targets: { pages_manage_posts: [SUNRISE, WHOLESALE] } });
    const byId = new Map(pages.map((p) => [p.platformUserId, p]));
    expect(byId.get(SUNRISE)!.unavailableReason).toBeUndefined();
    expect(byId.get(STUDIO)!.unavailableReason).toMatch(/Dana’s Studio was not ticked for posting \(pages_manage_posts\).*Edit settings/);
    expect(byId.get(STUDIO)!.tokens).toBeUndefined();
    expect(byId.get(WHOLESALE)!.unavailableReason).toMatch(/no access to Bakery Wholesale.*role/);
    expect(byId.get(WHOLESALE)!.tokens).toBeUndefined();
  });

  it.each([
    ['pages_manage_posts is declined', DANA, { declineScopes: ['pages_manage_posts'] }, /^You did not allow Plugboard to post on your Pages \(pages_manage_posts\), so none can be used\. Click Connect again/],
    ['pages_show_list is declined', DANA, { declineScopes: ['pages_show_list'] }, /pages_show_list/],
    ['no Page was ticked', DANA, { pages: [] }, /listed no Page.*Edit settings/],
    ['the user manages no Page', PAT, undefined, /listed no Page.*facebook\.com\/pages\/create/],
  ])('fails as setup, saying what is missing, when %s', async (_name, user, choice, message) => {
    const tokens = await login(facebook, user, choice);
    const err = await failure(facebook.listIdentities!(ctx, tokens.accessToken));
    expect(err.kind).toBe('setup');
    expect(err.message).toMatch(message);
  });

  it('says business_management is needed for portfolio Pages when it was declined and nothing is listed', async () => {
    const tokens = await login(facebook, DANA, { pages: [WHOLESALE], declineScopes: ['business_management'] });
    const err = await failure(facebook.listIdentities!(ctx, tokens.accessToken));
    expect(err.message).toMatch(/Business portfolio.*business_management/);
  });

  it('a login whose only Page has no Page token fails with that Page’s reason', async () => {
    fb.setPageTasks(MAYA, MAYA_PAGE, ['ANALYZE']);
    const tokens = await login(facebook, MAYA);
    const err = await failure(facebook.listIdentities!(ctx, tokens.accessToken));
    expect(err.kind).toBe('setup');
    expect(err.message).toMatch(/no access to Maya Makes/);
  });
});

describe('Facebook Pages: setup mistakes and refusals', () => {
  it('a wrong App secret, an unknown App ID, another redirect URI and a used code each say what to fix', async () => {
    const code = await codeFor(facebook, DANA);
    const wrongSecret = await failure(facebook.exchange!({ ...ctx, credentials: { clientId: APP_ID, clientSecret: 'nope' } }, { code, redirectUri: REDIRECT, verifier: null }, fb.now()));
    expect(wrongSecret).toMatchObject({ kind: 'setup', message: expect.stringMatching(/App secret.*App settings → Basic/) });
    const wrongId = await failure(facebook.exchange!({ ...ctx, credentials: { clientId: '999', clientSecret: APP_SECRET } }, { code, redirectUri: REDIRECT, verifier: null }, fb.now()));
    expect(wrongId).toMatchObject({ kind: 'setup', message: expect.stringMatching(/App ID/) });
    const otherRedirect = await failure(facebook.exchange!(ctx, { code, redirectUri: 'https://elsewhere.example/cb', verifier: null }, fb.now()));
    expect(otherRedirect).toMatchObject({ kind: 'setup', message: expect.stringMatching(/Valid OAuth Redirect URIs.*Strict Mode/) });
    await facebook.exchange!(ctx, { code, redirectUri: REDIRECT, verifier: null }, fb.now());
    const used = await failure(facebook.exchange!(ctx, { code, redirectUri: REDIRECT, verifier: null }, fb.now()));
    expect(used).toMatchObject({ kind: 'denied', message: expect.stringMatching(/already used or has expired/) });
    for (const e of [wrongSecret, wrongId, otherRedirect, used]) {
      expect(e.message).not.toContain(APP_SECRET);
      expect(e.message).not.toContain(code);
    }
  });

  it('describes the dialog’s blocked URL (code 191) and insecure redirect as settings to fix', () => {
    expect(facebook.describeTokenError!('191', 'Invalid redirect_uri: Given URL is not allowed by the Application configuration.', 400)).toMatchObject({
      kind: 'setup',
      message: expect.stringMatching(/Valid OAuth Redirect URIs/),
    });
    expect(facebook.describeTokenError!('1', 'Insecure Login Blocked: You can’t get an access token from an insecure page.', 400)?.message).toMatch(/development mode/);
    expect(facebook.describeTokenError!('2', 'Service temporarily unavailable', 503)).toBeNull();
  });

  it('describes the dialog’s access_denied redirect', async () => {
    fb.autoDeny();
    const url = buildAuthorizeUrl(facebook.decl.oauth!, ctx.credentials, { redirectUri: REDIRECT, state: newState(), codeChallenge: null });
    const landing = new URL((await fetch(ctx.http.rewrite(url), { redirect: 'manual' })).headers.get('location')!);
    expect(landing.searchParams.get('error_reason')).toBe('user_denied');
    const sentence = facebook.describeAuthorizeError!(landing.searchParams.get('error')!, landing.searchParams.get('error_description'));
    expect(sentence).toMatch(/You declined the Facebook authorization.*Edit settings/);
    expect(facebook.describeAuthorizeError!('server_error', null)).toBeNull();
  });
});

describe('Facebook Pages: dead tokens, throttles and broken replies', () => {
  it.each([
    ['password_changed', /password was changed/],
    ['checkpoint', /log in at facebook\.com/],
    ['app_removed', /removed from this .* apps/],
    ['logged_out', /no longer accepts.*190, subcode 467/],
  ] as const)('a Page token killed by %s is an auth error with its sentence', async (why, message) => {
    const { identities: pages } = await identities(facebook, DANA);
    fb.killTokens(DANA, why);
    const err = await failure(facebook.fetchProfile(accountCtx(pages[0]!), pages[0]!.tokens!.accessToken));
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(message);
  });

  it('a token Facebook cannot parse is called malformed', async () => {
    const err = await failure(facebook.fetchProfile(ctx, 'garbage token'));
    expect(err).toMatchObject({ kind: 'auth', message: expect.stringMatching(/malformed/) });
  });

  it('a Page throttle comes back when Facebook says; an app throttle without a time is still rate_limited', async () => {
    const tokens = await login(facebook, DANA);
    fb.throttleNext('accounts', 32, { retryAfterSec: 600 });
    const pageLimit = await failure(facebook.listIdentities!(ctx, tokens.accessToken));
    expect(pageLimit.kind).toBe('rate_limited');
    expect(pageLimit.retryAt! - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(pageLimit.retryAt! - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    fb.throttleNext('debug_token', 4);
    const appLimit = await failure(facebook.listIdentities!(ctx, tokens.accessToken));
    expect(appLimit).toMatchObject({ kind: 'rate_limited', retryAt: null });
  });

  const expected: Record<FailureKind, string> = {
    html_502: 'server',
    server_error: 'server',
    bad_json: 'malformed',
    missing_fields: 'malformed',
    rate_limited: 'rate_limited',
    timeout: 'network',
    invalid_grant: 'auth',
  };
  const steps: FacebookEndpoint[] = ['token', 'exchange', 'debug_token', 'accounts'];
  for (const step of steps) {
    for (const kind of ERROR_KINDS) {
      // A dead code is the user's to retry (Connect again); a dead token is auth.
      const want = step === 'token' && kind === 'invalid_grant' ? 'denied' : expected[kind];
      it(`connecting answered with ${kind} at ${step} is ${want}`, async () => {
        const code = await codeFor(facebook, DANA);
        fb.failNext(step, kind);
        const err = await failure(
          facebook.exchange!(ctx, { code, redirectUri: REDIRECT, verifier: null }, fb.now()).then((t) => facebook.listIdentities!(ctx, t.accessToken)),
        );
        expect(err.kind).toBe(want);
        expect(err.message).toMatch(/\w+ \w+/);
        expect(err.message).not.toContain(APP_SECRET);
        expect(err.message).not.toMatch(/[{}]/);
      });
    }
  }
});

describe('Facebook Pages: revoking', () => {
  it('removes the app for the login’s Facebook user with the app token, which ends every Page token', async () => {
    const { identities: pages } = await identities(facebook, DANA);
    fb.clearRequests();
    await facebook.revoke!(accountCtx(pages[1]!), { accessToken: pages[1]!.tokens!.accessToken, refreshToken: null, appPassword: null });
    const [call] = fb.requests;
    expect(call).toMatchObject({ method: 'DELETE', path: `${new URL(GRAPH_ROOT).pathname}/${DANA}/permissions`, status: 200 });
    expect(fb.liveGrants(DANA)).toBe(0);
    const err = await failure(facebook.fetchProfile(accountCtx(pages[0]!), pages[0]!.tokens!.accessToken));
    expect(err.kind).toBe('auth');
  });

  it('cannot revoke without knowing the Facebook user, and says where to remove the app', async () => {
    const err = await failure(facebook.revoke!({ ...ctx, account: { platformUserId: SUNRISE, details: {} } }, { accessToken: 'x', refreshToken: null, appPassword: null }));
    expect(err).toMatchObject({ kind: 'setup', message: expect.stringMatching(/Business integrations/) });
  });
});

describe('Instagram through a Facebook Page', () => {
  it('is declared as a non-renewing Instagram account behind Facebook Login', async () => {
    const decl = instagramViaFacebook.decl;
    expect(providerDeclSchema.safeParse(decl).error?.issues ?? []).toEqual([]);
    expect(decl).toMatchObject({ id: 'instagram', renewal: 'none', accessTokenLifetimeSec: null });
    expect(decl.oauth!.authorizeUrl).toBe(facebook.decl.oauth!.authorizeUrl);
    expect(decl.oauth!.scopes).toEqual(['instagram_basic', 'instagram_content_publish', 'pages_show_list', 'pages_read_engagement', 'business_management']);
    const url = new URL(buildAuthorizeUrl(decl.oauth!, ctx.credentials, { redirectUri: REDIRECT, state: newState(), codeChallenge: null }));
    expect(url.searchParams.get('scope')).toBe(decl.oauth!.scopes.join(','));
  });

  it('gives one identity per Page: the linked account with the Page token, or the Page with the fix', async () => {
    const { tokens, identities: list } = await identities(instagramViaFacebook, DANA);
    expect(list.map((i) => i.platformUserId)).toEqual([IG_SUNRISE, STUDIO, WHOLESALE]);
    const [sunrise, studio, wholesale] = list;
    expect(sunrise).toMatchObject({ handle: 'sunrise.bakery', displayName: 'Sunrise Bakery', details: { via: 'facebook', pageId: SUNRISE, pageName: 'Sunrise Bakery', facebookUserId: DANA } });
    expect(sunrise!.unavailableReason).toBeUndefined();
    expect(sunrise!.tokens!.accessToken).not.toBe(tokens.accessToken);
    expect(sunrise!.tokens!.accessTokenExpiresAt).toBeNull();
    expect(await fetchAvatar(ctx.http, sunrise!.avatarUrl)).toMatch(/^data:image\/png;base64,/);
    expect(studio!.unavailableReason).toBe(
      'Dana’s Studio has no Instagram professional account linked: link it in Meta Business Suite / Page settings → Linked accounts, then Connect again.',
    );
    expect(wholesale!.unavailableReason).toMatch(/^Bakery Wholesale has no Instagram/);
  });

  it('a newly linked account without a picture connects with no avatar', async () => {
    fb.linkInstagram(STUDIO, IG_NO_PICTURE);
    const { identities: list } = await identities(instagramViaFacebook, DANA, { pages: [STUDIO] });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ platformUserId: IG_NO_PICTURE, handle: 'no.picture.shop' });
    expect(await fetchAvatar(ctx.http, list[0]!.avatarUrl)).toBeNull();
  });

  it('re-reads the account through its Page, and says so when the link is gone', async () => {
    const { identities: list } = await identities(instagramViaFacebook, MAYA);
    const maya = list[0]!;
    const profile = await instagramViaFacebook.fetchProfile(accountCtx(maya), maya.tokens!.accessToken);
    expect(profile).toMatchObject({ platformUserId: '17841400000000002', handle: 'maya.makes', details: { pageId: MAYA_PAGE, facebookUserId: MAYA } });
    const reread = await instagramViaFacebook.listIdentities!(accountCtx(maya), maya.tokens!.accessToken);
    expect(reread.map((i) => i.platformUserId)).toEqual(['17841400000000002']);
    fb.linkInstagram(MAYA_PAGE, null);
    const err = await failure(instagramViaFacebook.fetchProfile(accountCtx(maya), maya.tokens!.accessToken));
    expect(err).toMatchObject({ kind: 'setup', message: expect.stringMatching(/^Maya Makes has no Instagram professional account linked/) });
  });

  it.each([
    ['instagram_basic is declined', DANA, { declineScopes: ['instagram_basic'] }, /instagram_basic/],
    ['instagram_content_publish is declined', MAYA, { declineScopes: ['instagram_content_publish'] }, /^You did not allow Plugboard to publish to Instagram \(instagram_content_publish\)/],
    ['no ticked Page has a linked account', DANA, { pages: [STUDIO] }, /^Dana’s Studio has no Instagram professional account linked/],
    ['the user manages no Page', PAT, undefined, /listed no Page/],
  ])('fails as setup when %s', async (_name, user, choice, message) => {
    const tokens = await login(instagramViaFacebook, user, choice);
    const err = await failure(instagramViaFacebook.listIdentities!(ctx, tokens.accessToken));
    expect(err.kind).toBe('setup');
    expect(err.message).toMatch(message);
  });

  it('an account not ticked for publishing is shown with the fix', async () => {
    fb.linkInstagram(STUDIO, IG_NO_PICTURE);
    const { identities: list } = await identities(instagramViaFacebook, DANA, { targets: { instagram_content_publish: [IG_SUNRISE] } });
    const noPicture = list.find((i) => i.platformUserId === IG_NO_PICTURE)!;
    expect(noPicture.unavailableReason).toMatch(/@no\.picture\.shop was not ticked for publishing.*Edit settings/);
    expect(list.find((i) => i.platformUserId === IG_SUNRISE)!.unavailableReason).toBeUndefined();
  });

  it('revokes like Facebook, and describes a refusal in the dialog', async () => {
    const { identities: list } = await identities(instagramViaFacebook, MAYA);
    await instagramViaFacebook.revoke!(accountCtx(list[0]!), { accessToken: list[0]!.tokens!.accessToken, refreshToken: null, appPassword: null });
    expect(fb.liveGrants(MAYA)).toBe(0);
    expect(instagramViaFacebook.describeAuthorizeError!('access_denied', 'Permissions error')).toMatch(/no Instagram account was connected/);
  });
});
