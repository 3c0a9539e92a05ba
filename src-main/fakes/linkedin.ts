// Fake LinkedIn: 3-legged OAuth 2.0 (client_id/client_secret in the form body, no PKCE needed),
// 60-day access tokens, refresh tokens only for apps approved for programmatic refresh (365 days
// from the first issue, not extended by refreshing), revoke, OpenID userinfo, and the versioned
// Community Management calls a creator needs to list the company pages they administer
// (organizationAcls, organizations, images), and posting as either (linkedin-posts.ts), per
// /work/shared/platforms.md and LinkedIn's docs.
// One port serves www.linkedin.com, api.linkedin.com and media.licdn.com (see originMap()).
//
// What the docs and public reports say, and what this fake does with it (checked November 2026):
// - The token reply of an OpenID app carries an id_token whose `iss` is "https://www.linkedin.com/oauth"
//   (captured tokens, 2025–2026), not the authorization server's origin, and `scope` comma-separated.
// - A code that is unknown, used, expired or sent with another redirect_uri gets one well-known answer,
//   400 invalid_request "Unable to retrieve access token: appid/redirect uri/code verifier does not match
//   authorization code. Or authorization code expired. Or external member binding exists" (many issue
//   reports; some show error "invalid_redirect_uri" with the same description, which this fake sends
//   when only the redirect_uri differs).
// - Versioned (/rest) calls need LinkedIn-Version; a retired one answers 426 NONEXISTENT_VERSION
//   "Requested version 202501 is not active" (issue reports). The answer to a missing header is
//   unconfirmed: this fake sends 400 VERSION_MISSING. A missing X-Restli-Protocol-Version on a FINDER
//   is unconfirmed too: 400 ILLEGAL_ARGUMENT.
// - Organizations give their logo as logoV2 {original, cropped} digitalmediaAsset URNs, not URLs; the
//   Images API (GET /rest/images/urn:li:image:{same id}) turns one into a downloadUrl.
// - 401s are {"serviceErrorCode":65600|65601|65602,"code":…,"message":…,"status":401}; a missing
//   permission is 403 ACCESS_DENIED "Not enough permissions to access: …"; a 429 carries no reset header.
// - token_type: the OpenID sample reply has "Bearer" next to the id_token; the plain OAuth and the
//   programmatic-refresh samples have none, so this fake sends it only with an id_token.
// - The refresh grant for an app not approved for programmatic refresh is unconfirmed: invalid_request.
//
// Test controls for another process (the demo): POST JSON to {origin}/__control/<name>,
// answer {"ok":true,"result":…} or 400 {"ok":false,"error":"…"}.
//   register-app          {clientId, clientSecret, redirectUris, name?, products?, programmaticRefresh?, loopbackRedirects?}
//   oldest-version        {version}         LinkedIn-Version values older than this answer 426
//   cancel-login-next     {}                next authorize GET redirects with user_cancelled_login
//   auto-approve          {userId}          next authorize GET redirects with a code at once
//   auto-deny             {}                next authorize GET redirects with user_cancelled_authorize
//   fail-next             {endpoint: token|refresh|revoke|userinfo|organizationAcls|organizations|images|posts, kind, times?}
//   answer-late           {endpoint, afterMs: number|null, times?}   served, but answered late or never
//   GET posts                               → the posts received (linkedin-posts.ts)
//   advance               {seconds}         moves the fake clock → {now}
//   expire-access-tokens  {userId?}
//   revoke-user           {userId}
//   live-grants           {userId}          → number
//   users                 {}                → the test members and their pages
//   requests              {}                → the request log
//   clear-requests        {}
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { z } from 'zod';
import {
  createFakeServer,
  escapeHtml,
  html,
  json,
  platformSurface,
  png,
  randomToken,
  redirect,
  solidPng,
  text,
  type ConsentDecision,
  type FakeOAuthPlatform,
  type FakeRequest,
  type Reply,
  GrantBook,
  type OAuthGrant,
} from './fake-server.ts';
import { LINKEDIN_POST_ENDPOINTS, mountLinkedInPosts, type LinkedInPost } from './linkedin-posts.ts';

export const LINKEDIN_ENDPOINTS = ['token', 'refresh', 'revoke', 'userinfo', 'organizationAcls', 'organizations', 'images'] as const;
export type LinkedInEndpoint = (typeof LINKEDIN_ENDPOINTS)[number] | (typeof LINKEDIN_POST_ENDPOINTS)[number];
const ALL_ENDPOINTS = [...LINKEDIN_ENDPOINTS, ...LINKEDIN_POST_ENDPOINTS];

/** Products an app adds on its Products tab; each grants some scopes. */
export const LINKEDIN_PRODUCTS = {
  'sign-in-openid': ['openid', 'profile', 'email'],
  'share-on-linkedin': ['w_member_social'],
  'community-management': ['r_organization_social', 'w_organization_social', 'rw_organization_admin', 'r_organization_admin'],
} as const satisfies Record<string, readonly string[]>;
export type LinkedInProduct = keyof typeof LINKEDIN_PRODUCTS;

export interface LinkedInOrganization {
  id: string;
  localizedName: string;
  vanityName: string;
  /** The image id behind logoV2's digitalmediaAsset URNs; null: the page has no logo. */
  logoId: string | null;
  /** https://media.licdn.com/… the logo is downloaded from; null without a logo. */
  logoUrl: string | null;
}

export interface LinkedInMember {
  /** The OpenID subject, which is also the member's person id (urn:li:person:{sub}). */
  sub: string;
  name: string;
  givenName: string;
  familyName: string;
  email: string;
  pictureUrl: string;
  /** false: the picture URL answers 404. */
  hasPicture: boolean;
  /** The member's page roles; the connector must keep only approved administrators. */
  acls: { organizationId: string; role: 'ADMINISTRATOR' | 'ANALYST' | 'CONTENT_ADMINISTRATOR'; state: 'APPROVED' | 'REQUESTED' }[];
}

export interface LinkedInAppRegistration {
  clientId: string;
  clientSecret: string;
  /** Matched exactly, as on the app's Auth tab. */
  redirectUris: string[];
  name?: string;
  /** Default: Sign In with LinkedIn using OpenID Connect and Share on LinkedIn. */
  products?: LinkedInProduct[];
  /** Approved for programmatic refresh tokens (default false, as for a creator's own app). */
  programmaticRefresh?: boolean;
  /** Whether http://127.0.0.1 / http://localhost redirects work (unconfirmed at LinkedIn; default true). */
  loopbackRedirects?: boolean;
}

export interface FakeLinkedInOptions {
  port?: number;
  /** Default 5184000 (60 days). */
  accessTokenLifetimeSec?: number;
  /** Default 365 days from the code exchange. */
  refreshTokenLifetimeSec?: number;
  /** LinkedIn-Version values before this answer 426 (default 202511: a year before this fake was written). */
  oldestActiveVersion?: string;
  apps?: LinkedInAppRegistration[];
}

export interface FakeLinkedIn extends FakeOAuthPlatform<LinkedInEndpoint> {
  readonly users: readonly LinkedInMember[];
  readonly organizations: readonly LinkedInOrganization[];
  registerApp(app: LinkedInAppRegistration): void;
  /** The next authorize request ends as if the member closed LinkedIn's sign-in page. */
  cancelLoginNext(): void;
  setOldestActiveVersion(version: string): void;
  /** The posts received, oldest first (linkedin-posts.ts). */
  posts(): LinkedInPost[];
}

/** Ana: administers two company pages (one without a logo) and is only an analyst of a third. */
export const LINKEDIN_MEMBER_TWO_PAGES = 'yK3vQ8pL2a';
/** Ben: no page to administer. */
export const LINKEDIN_MEMBER_NO_PAGES = 'Bn7wR4tZ9c';
/** Cara: no page, and her picture URL answers 404. */
export const LINKEDIN_MEMBER_BROKEN_PICTURE = 'Cm2xT6uV1d';

export const LINKEDIN_ORG_WITH_LOGO = '10001';
export const LINKEDIN_ORG_WITHOUT_LOGO = '10002';
export const LINKEDIN_ORG_ANALYST_ONLY = '10003';

const MEDIA_ORIGIN = 'https://media.licdn.com';
const PICTURE_SIZE = 100;
const CODE_LIFETIME_MS = 30 * 60_000;
const DAY_SEC = 86400;
const ID_TOKEN_ISSUER = 'https://www.linkedin.com/oauth';
const VERSION_FORMAT = /^(\d{6})(\.\d{2})?$/;

const MEMBER_SEEDS: (Omit<LinkedInMember, 'pictureUrl' | 'hasPicture'> & { color: [number, number, number] | null })[] = [
  {
    sub: LINKEDIN_MEMBER_TWO_PAGES,
    name: 'Ana Example',
    givenName: 'Ana',
    familyName: 'Example',
    email: 'ana.example@example.com',
    color: [10, 102, 194],
    acls: [
      { organizationId: LINKEDIN_ORG_WITH_LOGO, role: 'ADMINISTRATOR', state: 'APPROVED' },
      { organizationId: LINKEDIN_ORG_WITHOUT_LOGO, role: 'ADMINISTRATOR', state: 'APPROVED' },
      { organizationId: LINKEDIN_ORG_ANALYST_ONLY, role: 'ANALYST', state: 'APPROVED' },
    ],
  },
  { sub: LINKEDIN_MEMBER_NO_PAGES, name: 'Ben Example', givenName: 'Ben', familyName: 'Example', email: 'ben.example@example.com', color: [5, 118, 66], acls: [] },
  { sub: LINKEDIN_MEMBER_BROKEN_PICTURE, name: 'Cara Example', givenName: 'Cara', familyName: 'Example', email: 'cara@example.com', color: null, acls: [] },
];

const ORG_SEEDS: { id: string; localizedName: string; vanityName: string; logoColor: [number, number, number] | null }[] = [
  { id: LINKEDIN_ORG_WITH_LOGO, localizedName: "Ana's Bakery", vanityName: 'anas-bakery', logoColor: [230, 120, 20] },
  { id: LINKEDIN_ORG_WITHOUT_LOGO, localizedName: 'Example Travel Co', vanityName: 'example-travel-co', logoColor: null },
  { id: LINKEDIN_ORG_ANALYST_ONLY, localizedName: 'Somebody Else Ltd', vanityName: 'somebody-else', logoColor: [90, 90, 90] },
];

const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Use your name and photo',
  profile: 'Use your name and photo',
  email: 'Use the primary email address associated with your LinkedIn account',
  w_member_social: 'Create, modify, and delete posts, comments, and reactions on your behalf',
  r_organization_social: "Retrieve your organization's posts, comments, reactions, and other engagement data",
  w_organization_social: 'Create, modify, and delete posts, comments, and reactions on your organization’s behalf',
  rw_organization_admin: "Manage your organization's pages and retrieve reporting data",
  r_organization_admin: "Retrieve your organization's pages and their reporting data",
};
const ORG_SCOPES = ['rw_organization_admin', 'r_organization_admin'];

const TOKEN_JSON = { 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-cache, no-store' };
const REST_JSON = { 'content-type': 'application/json', 'x-restli-protocol-version': '2.0.0' };

/** LinkedIn explains a bad authorization code (and a differing redirect_uri) with this one sentence. */
export const LINKEDIN_CODE_MISMATCH =
  'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists';

const tokenError = (status: number, error: string, description: string, note: string): Reply => ({ ...json(status, { error, error_description: description }, TOKEN_JSON), note });
const badClient = (note: string) => tokenError(401, 'invalid_client', 'Client authentication failed', note);
const badCode = (note: string) => tokenError(400, 'invalid_request', LINKEDIN_CODE_MISMATCH, note);
const deadRefresh = (note: string) => tokenError(400, 'invalid_grant', 'The provided authorization grant or refresh token is invalid, expired or revoked.', note);

/** LinkedIn's API error body. */
function serviceError(status: number, body: { serviceErrorCode?: number; code?: string; message: string }, note: string, headers: Record<string, string> = {}): Reply {
  return { ...json(status, { status, ...body }, headers), note };
}
const invalidToken = (note: string) => serviceError(401, { serviceErrorCode: 65600, message: 'Invalid access token' }, note);
const revokedToken = (note: string) => serviceError(401, { serviceErrorCode: 65601, code: 'REVOKED_ACCESS_TOKEN', message: 'The token used in the request has been revoked by the user' }, note);
const expiredToken = (note: string) => serviceError(401, { serviceErrorCode: 65602, code: 'EXPIRED_ACCESS_TOKEN', message: 'The token used in the request has expired' }, note);
const accessDenied = (resource: string, note: string) => serviceError(403, { serviceErrorCode: 100, code: 'ACCESS_DENIED', message: `Not enough permissions to access: ${resource}` }, note);
const throttled = () => serviceError(429, { serviceErrorCode: 101, code: 'TOO_MANY_REQUESTS', message: 'Resource level throttle APPLICATION DAY limit for calls to this resource is reached.' }, '');

interface App {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  name: string;
  scopes: Set<string>;
  programmaticRefresh: boolean;
  loopbackRedirects: boolean;
}

interface CodeRecord {
  clientId: string;
  sub: string;
  redirectUri: string;
  scopes: string[];
  /** base64url S256 challenge when the authorize request sent one. */
  challenge: string | null;
  expiresAt: number;
  used: boolean;
}

type Grant = OAuthGrant;

function mediaKey(kind: string, id: string): string {
  return `D4D${createHash('sha256').update(`${kind}:${id}`).digest('base64url').slice(0, 12)}`;
}

function mediaUrl(key: string, variant: string): string {
  return `${MEDIA_ORIGIN}/dms/image/v2/${key}/${variant}/0/1716900000000?e=1800000000&v=beta&t=${key.slice(3)}`;
}

export async function startFakeLinkedIn(opts: FakeLinkedInOptions = {}): Promise<FakeLinkedIn> {
  const lifetimeSec = opts.accessTokenLifetimeSec ?? 5_184_000;
  const refreshLifetimeSec = opts.refreshTokenLifetimeSec ?? 365 * DAY_SEC;
  let oldestVersion = opts.oldestActiveVersion ?? '202511';
  let cancelLogin = false;
  const apps = new Map<string, App>();
  const codes = new Map<string, CodeRecord>();
  const book = new GrantBook<Grant>(() => now());
  // LinkedIn signs its id_tokens with RS256; clients fetch the key from its JWKS, which no test needs.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  const users: LinkedInMember[] = MEMBER_SEEDS.map(({ color, ...m }) => ({
    ...m,
    pictureUrl: mediaUrl(mediaKey('member', m.sub), 'profile-displayphoto-shrink_100_100'),
    hasPicture: color !== null,
  }));
  const organizations: LinkedInOrganization[] = ORG_SEEDS.map((o) => ({
    id: o.id,
    localizedName: o.localizedName,
    vanityName: o.vanityName,
    logoId: o.logoColor ? `C4D0BAQ${mediaKey('logo', o.id).slice(3)}` : null,
    logoUrl: o.logoColor ? mediaUrl(mediaKey('logo', o.id), 'company-logo_200_200') : null,
  }));
  const images = new Map<string, Buffer>([
    ...MEMBER_SEEDS.flatMap((m) => (m.color ? [[mediaKey('member', m.sub), solidPng(PICTURE_SIZE, m.color)] as const] : [])),
    ...ORG_SEEDS.flatMap((o) => (o.logoColor ? [[mediaKey('logo', o.id), solidPng(PICTURE_SIZE * 2, o.logoColor)] as const] : [])),
  ]);

  const sampleToken = { access_token: `AQV${randomToken(96)}`, expires_in: lifetimeSec, scope: 'email,openid,profile,w_member_social', token_type: 'Bearer' };
  const server = await createFakeServer({
    name: 'LinkedIn',
    port: opts.port,
    endpoints: ALL_ENDPOINTS,
    failures: {
      sample: (endpoint) => {
        switch (endpoint) {
          case 'userinfo':
            return userInfoBody(users[0]!, ['openid', 'profile', 'email']);
          case 'organizationAcls':
            return aclList(users[0]!);
          case 'organizations':
            return organizationBody(organizations[0]!);
          case 'images':
            return imageBody(organizations[0]!);
          case 'revoke':
          case 'posts':
            return {};
          default:
            return sampleToken;
        }
      },
      missingFields: (endpoint) => {
        switch (endpoint) {
          case 'userinfo':
            return { name: users[0]!.name, locale: { country: 'US', language: 'en' } };
          case 'organizationAcls':
            return { paging: { count: 10, start: 0, links: [] }, elements: [{ role: 'ADMINISTRATOR', state: 'APPROVED' }] };
          case 'organizations':
            return { id: Number(organizations[0]!.id), vanityName: organizations[0]!.vanityName };
          case 'images':
            return { owner: `urn:li:organization:${organizations[0]!.id}` };
          case 'revoke':
          case 'posts':
            return {};
          default:
            return { expires_in: lifetimeSec, scope: sampleToken.scope };
        }
      },
      rateLimited: () => throttled(),
      invalidGrant: (endpoint) => {
        switch (endpoint) {
          case 'token':
            return badCode('');
          case 'refresh':
            return deadRefresh('');
          case 'revoke':
            return tokenError(400, 'invalid_request', 'Unable to revoke token', '');
          default:
            return invalidToken('');
        }
      },
      overrides: {
        server_error: (endpoint) =>
          ['token', 'refresh', 'revoke'].includes(endpoint)
            ? tokenError(500, 'server_error', 'An internal error occurred', '')
            : serviceError(500, { message: 'Internal Server Error' }, ''),
      },
    },
  });
  const now = () => server.clock.now();

  function registerApp(app: LinkedInAppRegistration): void {
    const products = app.products ?? ['sign-in-openid', 'share-on-linkedin'];
    apps.set(app.clientId, {
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      redirectUris: [...app.redirectUris],
      name: app.name ?? 'Plugboard',
      scopes: new Set(products.flatMap((p) => LINKEDIN_PRODUCTS[p])),
      programmaticRefresh: app.programmaticRefresh ?? false,
      loopbackRedirects: app.loopbackRedirects ?? true,
    });
  }
  for (const app of opts.apps ?? []) registerApp(app);

  // LinkedIn shows its own page, not a redirect, when it cannot trust the redirect_uri.
  function errorPage(status: number, detail: string): Reply {
    return {
      ...html(
        status,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LinkedIn</title></head><body style="font:15px system-ui,sans-serif;max-width:460px;margin:60px auto">` +
          `<h1>Bummer, something went wrong.</h1><p data-testid="error-detail">${escapeHtml(detail)}</p></body></html>`,
      ),
      note: `authorize refused: ${detail}`,
    };
  }

  function isLoopback(uri: string): boolean {
    try {
      const u = new URL(uri);
      return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
    } catch {
      return false;
    }
  }

  function authorize(req: FakeRequest): Reply {
    const q = req.query;
    const app = apps.get(q.get('client_id') ?? '');
    if (!app) return errorPage(400, 'The passed in client_id is invalid');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!app.redirectUris.includes(redirectUri)) return errorPage(400, 'The redirect_uri does not match the registered value');
    if (isLoopback(redirectUri) && !app.loopbackRedirects) return errorPage(400, 'The redirect_uri does not match the registered value');
    if (q.get('response_type') !== 'code') return errorPage(400, 'Invalid response_type');
    const state = q.get('state');
    if (!state) return errorPage(400, 'state is missing (Plugboard always sends one)');
    const challenge = q.get('code_challenge');
    if (challenge !== null && (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge))) return errorPage(400, 'Invalid code_challenge');
    const back = (params: Record<string, string>, note: string): Reply => {
      const target = new URL(redirectUri);
      for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
      target.searchParams.set('state', state);
      return { ...redirect(target.href), note };
    };
    const scopes = (q.get('scope') ?? '').split(' ').filter((s) => s.length > 0);
    if (scopes.length === 0) return back({ error: 'invalid_scope_error', error_description: 'The requested permission scope is not valid' }, 'no scope');
    // A scope the app's products do not grant comes back to the redirect, one scope named.
    const refused = scopes.find((s) => !app.scopes.has(s));
    if (refused) return back({ error: 'unauthorized_scope_error', error_description: `Scope "${refused}" is not authorized for your application` }, `scope ${refused} not granted`);
    if (cancelLogin) {
      cancelLogin = false;
      return back({ error: 'user_cancelled_login', error_description: 'The user cancelled LinkedIn login' }, 'login cancelled');
    }

    const decide = (d: ConsentDecision): Reply => {
      if (!d.approve) return back({ error: 'user_cancelled_authorize', error_description: 'The user cancelled the authorization' }, 'denied');
      const code = `AQT${randomToken(96)}`;
      codes.set(code, { clientId: app.clientId, sub: d.userId, redirectUri, scopes, challenge, expiresAt: now() + CODE_LIFETIME_MS, used: false });
      return back({ code }, 'approved');
    };
    return server.beginConsent(
      {
        platform: 'LinkedIn',
        appName: app.name,
        users: users.map((u) => ({ id: u.sub, name: u.name, handle: u.email })),
        scopes: scopes.map((s) => ({ name: s, description: SCOPE_DESCRIPTIONS[s] })),
        action: '/oauth/v2/authorization',
        accent: '#0a66c2',
      },
      decide,
    );
  }

  /** client_secret_post only: LinkedIn reads the credentials from the form body. */
  function authenticateClient(req: FakeRequest): App | null {
    const app = apps.get(req.form.get('client_id') ?? '');
    return app && req.form.get('client_secret') === app.clientSecret ? app : null;
  }

  function idToken(app: App, grant: Grant): string {
    const member = users.find((u) => u.sub === grant.userId)!;
    const iat = server.clock.nowSec();
    const claims: Record<string, unknown> = { iss: ID_TOKEN_ISSUER, aud: app.clientId, iat, exp: iat + 3600, sub: member.sub };
    if (grant.scopes.includes('profile')) Object.assign(claims, { name: member.name, given_name: member.givenName, family_name: member.familyName, picture: member.pictureUrl, locale: 'en_US' });
    if (grant.scopes.includes('email')) Object.assign(claims, { email: member.email, email_verified: 'true' });
    const head = Buffer.from(JSON.stringify({ kid: 'fake-linkedin', typ: 'JWT', alg: 'RS256' })).toString('base64url');
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${head}.${body}.${sign('sha256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url')}`;
  }

  function issueAccess(grant: Grant): string {
    const accessToken = `AQV${randomToken(96)}`;
    grant.accessTokens.set(accessToken, now() + lifetimeSec * 1000);
    book.byAccess.set(accessToken, grant);
    return accessToken;
  }

  function tokenReply(grant: Grant, extra: Record<string, unknown>): Record<string, unknown> {
    const reply: Record<string, unknown> = { access_token: issueAccess(grant), expires_in: lifetimeSec };
    if (grant.refreshToken && grant.refreshDeadline !== null) {
      reply.refresh_token = grant.refreshToken;
      // Seconds left of the deadline fixed at the first issue: refreshing does not extend it.
      reply.refresh_token_expires_in = Math.max(0, Math.ceil((grant.refreshDeadline - now()) / 1000));
    }
    return { ...reply, scope: [...grant.scopes].sort().join(','), ...extra };
  }

  function exchangeCode(req: FakeRequest, app: App): Reply {
    if (!req.form.get('redirect_uri')) return tokenError(400, 'invalid_request', 'A required parameter "redirect_uri" is missing', 'redirect_uri missing');
    if (!req.form.get('code')) return tokenError(400, 'invalid_request', 'A required parameter "code" is missing', 'code missing');
    const record = codes.get(req.form.get('code')!);
    if (!record) return badCode('unknown code');
    if (record.used) return badCode('code replayed');
    if (record.expiresAt <= now()) return badCode('code expired');
    if (record.clientId !== app.clientId) return badCode('code of another client');
    if (req.form.get('redirect_uri') !== record.redirectUri) return tokenError(400, 'invalid_redirect_uri', LINKEDIN_CODE_MISMATCH, 'redirect_uri differs from the authorize request');
    if (record.challenge !== null && createHash('sha256').update(req.form.get('code_verifier') ?? '').digest('base64url') !== record.challenge) return badCode('code_verifier mismatch');
    record.used = true;
    const grant: Grant = { clientId: app.clientId, userId: record.sub, scopes: record.scopes, accessTokens: new Map(), refreshToken: null, refreshDeadline: null, revoked: false };
    if (app.programmaticRefresh) {
      grant.refreshToken = `AQX${randomToken(96)}`;
      grant.refreshDeadline = now() + refreshLifetimeSec * 1000;
      book.byRefresh.set(grant.refreshToken, grant);
    }
    book.add(grant);
    const extra = grant.scopes.includes('openid') ? { token_type: 'Bearer', id_token: idToken(app, grant) } : {};
    return { ...json(200, tokenReply(grant, extra), TOKEN_JSON), note: grant.refreshToken ? 'code exchanged (with refresh token)' : 'code exchanged' };
  }

  function refresh(req: FakeRequest, app: App): Reply {
    if (!app.programmaticRefresh) return tokenError(400, 'invalid_request', 'Refresh tokens are not enabled for this application', 'app not approved for programmatic refresh');
    const grant = book.byRefresh.get(req.form.get('refresh_token') ?? '');
    if (!grant || grant.revoked) return deadRefresh('dead refresh token');
    if (grant.clientId !== app.clientId) return deadRefresh('refresh token of another client');
    if (grant.refreshDeadline === null || grant.refreshDeadline <= now()) return deadRefresh('refresh token past its year');
    return { ...json(200, tokenReply(grant, {}), TOKEN_JSON), note: 'refreshed' };
  }

  function token(req: FakeRequest): Reply {
    const app = authenticateClient(req);
    if (!app) return badClient('client authentication failed');
    const grantType = req.form.get('grant_type');
    if (grantType === 'authorization_code') return exchangeCode(req, app);
    if (grantType === 'refresh_token') return refresh(req, app);
    return tokenError(400, 'unsupported_grant_type', `Unsupported grant_type: ${grantType ?? ''}`, 'bad grant_type');
  }


  function revoke(req: FakeRequest): Reply {
    const app = authenticateClient(req);
    if (!app) return badClient('client authentication failed');
    const value = req.form.get('token');
    if (!value) return tokenError(400, 'invalid_request', 'A required parameter "token" is missing', 'token missing');
    const grant = book.byAccess.get(value) ?? book.byRefresh.get(value);
    // RFC 7009: an unknown or already revoked token is answered like a revoked one.
    if (grant && grant.clientId === app.clientId) book.revoke(grant);
    return { status: 200, headers: { 'content-length': '0' }, note: grant ? 'grant revoked' : 'unknown token' };
  }

  /** The grant behind the bearer token, or LinkedIn's 401. */
  function bearer(req: FakeRequest): Grant | Reply {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return serviceError(401, { serviceErrorCode: 401, message: 'Empty oauth2_access_token' }, 'no bearer token');
    const grant = book.byAccess.get(m[1]!);
    if (!grant) return book.all.some((g) => g.revoked && g.accessTokens.has(m[1]!)) ? revokedToken('revoked token') : invalidToken('unknown token');
    if ((grant.accessTokens.get(m[1]!) ?? 0) <= now()) return expiredToken('expired token');
    return grant;
  }

  /** LinkedIn-Version and X-Restli-Protocol-Version, required on every versioned (/rest) call. */
  function versionProblem(req: FakeRequest, finder: boolean): Reply | null {
    const version = req.headers['linkedin-version'];
    if (typeof version !== 'string' || version === '') {
      return serviceError(400, { code: 'VERSION_MISSING', message: 'A version must be present. Please specify a version by adding the LinkedIn-Version header.' }, 'LinkedIn-Version missing');
    }
    const m = VERSION_FORMAT.exec(version);
    const current = new Date(now()).toISOString().slice(0, 7).replace('-', '');
    if (!m || m[1]! < oldestVersion || m[1]! > current) {
      return serviceError(426, { code: 'NONEXISTENT_VERSION', message: `Requested version ${version} is not active` }, `LinkedIn-Version ${version} not active`);
    }
    if (finder && req.headers['x-restli-protocol-version'] !== '2.0.0') {
      return serviceError(400, { code: 'ILLEGAL_ARGUMENT', message: 'FINDER requests must use Rest.li protocol version 2.0.0 (X-Restli-Protocol-Version header)' }, 'X-Restli-Protocol-Version missing');
    }
    return null;
  }

  function userInfoBody(member: LinkedInMember, scopes: string[]): Record<string, unknown> {
    const body: Record<string, unknown> = { sub: member.sub };
    if (scopes.includes('profile')) Object.assign(body, { name: member.name, given_name: member.givenName, family_name: member.familyName, picture: member.pictureUrl, locale: { country: 'US', language: 'en' } });
    if (scopes.includes('email')) Object.assign(body, { email: member.email, email_verified: true });
    return body;
  }

  function userInfo(req: FakeRequest): Reply {
    const grant = bearer(req);
    if ('status' in grant) return grant;
    if (!grant.scopes.includes('openid')) return accessDenied('userinfo.GET.NO_VERSION', 'no openid scope');
    return { ...json(200, userInfoBody(users.find((u) => u.sub === grant.userId)!, grant.scopes)), note: 'userinfo' };
  }

  function aclList(member: LinkedInMember, role?: string | null, state?: string | null): Record<string, unknown> {
    const elements = member.acls
      .filter((a) => (!role || a.role === role) && (!state || a.state === state))
      .map((a) => ({
        roleAssignee: `urn:li:person:${member.sub}`,
        state: a.state,
        role: a.role,
        organization: `urn:li:organization:${a.organizationId}`,
        lastModified: { actor: `urn:li:person:${member.sub}`, time: 1716900000000 },
        created: { actor: `urn:li:person:${member.sub}`, time: 1716900000000 },
      }));
    return { paging: { count: 10, start: 0, total: elements.length, links: [] }, elements };
  }

  function organizationAcls(req: FakeRequest): Reply {
    const grant = bearer(req);
    if ('status' in grant) return grant;
    const problem = versionProblem(req, true);
    if (problem) return problem;
    if (!grant.scopes.some((s) => ORG_SCOPES.includes(s))) return accessDenied(`organizationAcls.FINDER-roleAssignee.${req.headers['linkedin-version']}`, 'no organization scope');
    if (req.query.get('q') !== 'roleAssignee') return serviceError(400, { code: 'ILLEGAL_ARGUMENT', message: 'This fake answers the roleAssignee finder only.' }, 'unknown finder');
    const body = aclList(users.find((u) => u.sub === grant.userId)!, req.query.get('role'), req.query.get('state'));
    return { ...json(200, body, REST_JSON), note: `${(body.elements as unknown[]).length} acl(s)` };
  }

  function organizationBody(org: LinkedInOrganization): Record<string, unknown> {
    const body: Record<string, unknown> = {
      id: Number(org.id),
      $URN: `urn:li:organization:${org.id}`,
      localizedName: org.localizedName,
      name: { localized: { en_US: org.localizedName }, preferredLocale: { country: 'US', language: 'en' } },
      vanityName: org.vanityName,
      primaryOrganizationType: 'NONE',
      organizationType: 'PRIVATELY_HELD',
      locations: [],
    };
    if (org.logoId) {
      const asset = `urn:li:digitalmediaAsset:${org.logoId}`;
      body.logoV2 = { original: asset, cropped: asset, cropInfo: { x: 0, y: 0, width: 0, height: 0 } };
    }
    return body;
  }

  function organization(req: FakeRequest): Reply {
    const grant = bearer(req);
    if ('status' in grant) return grant;
    const problem = versionProblem(req, false);
    if (problem) return problem;
    if (!grant.scopes.some((s) => ORG_SCOPES.includes(s))) return accessDenied(`organizations.GET.${req.headers['linkedin-version']}`, 'no organization scope');
    const org = organizations.find((o) => o.id === req.params.id);
    if (!org) return serviceError(404, { code: 'NOT_FOUND', message: `Organization ${req.params.id ?? ''} not found` }, 'no such organization');
    return { ...json(200, organizationBody(org), REST_JSON), note: 'organization' };
  }

  function imageBody(org: LinkedInOrganization): Record<string, unknown> {
    return {
      id: `urn:li:image:${org.logoId}`,
      owner: `urn:li:organization:${org.id}`,
      status: 'AVAILABLE',
      downloadUrl: org.logoUrl,
      downloadUrlExpiresAt: 1800000000000,
    };
  }

  function image(req: FakeRequest): Reply {
    const grant = bearer(req);
    if ('status' in grant) return grant;
    const problem = versionProblem(req, false);
    if (problem) return problem;
    const urn = decodeURIComponent(req.params.urn ?? '');
    const org = organizations.find((o) => o.logoId !== null && urn === `urn:li:image:${o.logoId}`);
    if (!org) return serviceError(404, { code: 'NOT_FOUND', message: `Image ${urn} not found` }, 'no such image');
    return { ...json(200, imageBody(org), REST_JSON), note: 'image' };
  }

  function media(req: FakeRequest): Reply {
    const picture = images.get(req.params.key ?? '');
    return picture ? png(picture) : { ...text(404, 'Not Found'), note: 'no such media' };
  }




  server.route('GET', '/oauth/v2/authorization', authorize);
  server.route('POST', '/oauth/v2/authorization', (req) => server.completeConsent(req));
  server.route('POST', '/oauth/v2/accessToken', token, { endpoint: (req) => (req.form.get('grant_type') === 'refresh_token' ? 'refresh' : 'token') });
  server.route('POST', '/oauth/v2/revoke', revoke, { endpoint: 'revoke' });
  server.route('GET', '/v2/userinfo', userInfo, { endpoint: 'userinfo' });
  server.route('GET', '/rest/organizationAcls', organizationAcls, { endpoint: 'organizationAcls' });
  server.route('GET', '/rest/organizations/:id', organization, { endpoint: 'organizations' });
  server.route('GET', '/rest/images/:urn', image, { endpoint: 'images' });
  server.route('GET', '/dms/image/v2/:key/:variant/:zero/:stamp', media);

  server.control(
    'register-app',
    z.object({
      clientId: z.string().min(1),
      clientSecret: z.string().min(1),
      redirectUris: z.array(z.string()).min(1),
      name: z.string().optional(),
      products: z.array(z.enum(Object.keys(LINKEDIN_PRODUCTS) as [LinkedInProduct, ...LinkedInProduct[]])).optional(),
      programmaticRefresh: z.boolean().optional(),
      loopbackRedirects: z.boolean().optional(),
    }),
    registerApp,
  );
  const setOldestActiveVersion = (version: string) => {
    if (!VERSION_FORMAT.test(version)) throw new Error(`not a LinkedIn-Version: ${version}`);
    oldestVersion = version.slice(0, 6);
  };
  server.control('oldest-version', z.object({ version: z.string() }), ({ version }) => setOldestActiveVersion(version));
  const cancelLoginNext = () => {
    cancelLogin = true;
  };
  server.control('cancel-login-next', z.object({}), cancelLoginNext);

  const { posts } = mountLinkedInPosts({
    server,
    now,
    bearer,
    versionProblem,
    roleOf: (sub, organizationId) => users.find((u) => u.sub === sub)?.acls.find((a) => a.organizationId === organizationId && a.state === 'APPROVED')?.role ?? null,
    serviceError,
  });

  return platformSurface(
    server,
    {
      endpoints: ALL_ENDPOINTS,
      hosts: ['https://www.linkedin.com', 'https://api.linkedin.com', MEDIA_ORIGIN],
      users,
      grants: book,
      consent: true,
    },
    { organizations, registerApp, cancelLoginNext, setOldestActiveVersion, posts },
  );
}
