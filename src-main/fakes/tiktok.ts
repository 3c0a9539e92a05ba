// Fake TikTok: Login Kit v2 for desktop (authorization code + PKCE with a hex SHA-256 challenge),
// client_key/client_secret in the token form, rotating refresh tokens with a fixed deadline
// (refresh_expires_in counts down), revoke, GET /v2/user/info/ and avatars, per
// /work/shared/platforms.md and TikTok's docs (November 2026). One port serves www.tiktok.com,
// open.tiktokapis.com and p16-sign.tiktokcdn-us.com (see originMap()).
//
// Shapes: OAuth endpoints answer errors as {error, error_description, log_id} with HTTP 200 (as TikTok
// is observed to); the API answers {data, error: {code, message, log_id}} with code 'ok' on success.
//
// Test controls for another process (the demo): POST JSON to {origin}/__control/<name>,
// answer {"ok":true,"result":…} or 400 {"ok":false,"error":"…"}.
//   register-app          {clientId, clientSecret, redirectUris: string[], name?}
//   auto-approve          {userId}          next authorize GET redirects with a code at once
//   auto-deny             {}                next authorize GET redirects with access_denied
//   fail-next             {endpoint: token|refresh|revoke|userinfo, kind, times?, retryAfterSec?, limit?}
//   advance               {seconds}         moves the fake clock → {now}
//   expire-access-tokens  {userId?}
//   revoke-user           {userId}
//   live-grants           {userId}          → number
//   users                 {}                → the test users
//   requests              {}                → the request log
//   clear-requests        {}
import { createHash, randomBytes } from 'node:crypto';
import {
  appRegistry,
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
  type AppRegistration,
  type ConsentDecision,
  type FakeOAuthPlatform,
  type FakeRequest,
  type RegisteredApp,
  type Reply,
  GrantBook,
  type OAuthGrant,
} from './fake-server.ts';

export const TIKTOK_ENDPOINTS = ['token', 'refresh', 'revoke', 'userinfo'] as const;
export type TikTokEndpoint = (typeof TIKTOK_ENDPOINTS)[number];

export interface TikTokUser {
  open_id: string;
  union_id: string;
  username: string;
  display_name: string;
  avatar_url: string;
  /** false: the avatar URL answers 404 (the app must fall back to the initial). */
  hasAvatar: boolean;
}

export type TikTokAppRegistration = AppRegistration;

export interface FakeTikTokOptions {
  port?: number;
  /** Default 7200 (TikTok's docs, November 2026: 2 hours; older pages say 24 hours). */
  accessTokenLifetimeSec?: number;
  /** Default 180 days (TikTok's docs, November 2026; older pages say 365 days), from the code exchange. */
  refreshTokenLifetimeSec?: number;
  /**
   * How the authorize request's code_challenge is checked. 'hex' (default) is TikTok's desktop flow:
   * hex(SHA-256(verifier)); 'base64url' is RFC 7636's S256.
   */
  pkce?: 'hex' | 'base64url';
  /** Authorization codes shaped like TikTok's real ones (…*0!1234.va), which carry '*' and '!'. Default false. */
  tiktokStyleCodes?: boolean;
  apps?: TikTokAppRegistration[];
}

export interface FakeTikTok extends FakeOAuthPlatform<TikTokEndpoint> {
  readonly users: readonly TikTokUser[];
  registerApp(app: TikTokAppRegistration): void;
}

const AVATAR_SIZE = 48;
const CODE_LIFETIME_MS = 5 * 60_000;
const AVATAR_ORIGIN = 'https://p16-sign.tiktokcdn-us.com';
const AVATAR_DIR = 'tos-useast5-avt-0068-tx';

const USER_SEEDS: { open_id: string; union_id: string; username: string; display_name: string; color: [number, number, number] | null }[] = [
  { open_id: '-000ZpLugB0ardDemoOpenId0000000000001', union_id: 'c9a1e0d2-7b4f-5a1e-9d3c-000000000001', username: 'plugboard.demo', display_name: 'Plugboard Demo', color: [254, 44, 85] },
  { open_id: '-000ZpLugB0ardDemoOpenId0000000000002', union_id: 'c9a1e0d2-7b4f-5a1e-9d3c-000000000002', username: 'alice.creates', display_name: 'Alice Example', color: [37, 244, 238] },
  { open_id: '-000ZpLugB0ardDemoOpenId0000000000003', union_id: 'c9a1e0d2-7b4f-5a1e-9d3c-000000000003', username: 'bob.builds', display_name: 'Bob Example', color: null },
];

const SCOPES: Record<string, string> = {
  'user.info.basic': 'Read your profile info (avatar, display name)',
  'user.info.profile': 'Read your additional profile information, such as username and bio',
  'user.info.stats': 'Read your profile statistics, such as likes and followers',
  'video.list': 'Read your public videos on TikTok',
  'video.upload': 'Share content to TikTok as drafts',
  'video.publish': 'Directly post content to your TikTok profile',
};

/** Which scope each user field needs. */
const FIELD_SCOPES: Record<string, string> = {
  open_id: 'user.info.basic',
  union_id: 'user.info.basic',
  avatar_url: 'user.info.basic',
  avatar_url_100: 'user.info.basic',
  avatar_large_url: 'user.info.basic',
  display_name: 'user.info.basic',
  bio_description: 'user.info.profile',
  profile_deep_link: 'user.info.profile',
  is_verified: 'user.info.profile',
  username: 'user.info.profile',
  follower_count: 'user.info.stats',
  following_count: 'user.info.stats',
  likes_count: 'user.info.stats',
  video_count: 'user.info.stats',
};

const TOKEN_JSON = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

const logId = () => `2026${randomBytes(12).toString('hex').toUpperCase()}`;

/** An OAuth endpoint's error: TikTok answers these with HTTP 200. */
const oauthError = (error: string, description: string, note: string): Reply => ({
  ...json(200, { error, error_description: description, log_id: logId() }, TOKEN_JSON),
  note,
});

/** An API error in TikTok's v2 shape. */
const apiError = (status: number, code: string, message: string, note: string): Reply => ({
  ...json(status, { data: {}, error: { code, message, log_id: logId() } }),
  note,
});

const tokenInvalid = (note: string) => apiError(401, 'access_token_invalid', 'The access token is invalid or not found in the request.', note);

interface CodeRecord {
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  challenge: string;
  expiresAt: number;
  used: boolean;
}

/** TikTok's refresh tokens always have a deadline (180 days). */
type Grant = OAuthGrant & { refreshDeadline: number };

export async function startFakeTikTok(opts: FakeTikTokOptions = {}): Promise<FakeTikTok> {
  const lifetimeSec = opts.accessTokenLifetimeSec ?? 2 * 3600;
  const refreshLifetimeSec = opts.refreshTokenLifetimeSec ?? 180 * 86400;
  const pkce = opts.pkce ?? 'hex';
  const codes = new Map<string, CodeRecord>();
  const book = new GrantBook<Grant>(() => now());

  const sampleTokenReply = {
    access_token: `act.${randomToken()}`,
    expires_in: lifetimeSec,
    open_id: USER_SEEDS[0]!.open_id,
    refresh_expires_in: refreshLifetimeSec,
    refresh_token: `rft.${randomToken()}`,
    scope: 'user.info.basic,user.info.profile',
    token_type: 'Bearer',
  };
  const sampleUser = { open_id: USER_SEEDS[0]!.open_id, display_name: USER_SEEDS[0]!.display_name, username: USER_SEEDS[0]!.username };
  const server = await createFakeServer({
    name: 'TikTok',
    port: opts.port,
    endpoints: TIKTOK_ENDPOINTS,
    failures: {
      sample: (endpoint) =>
        endpoint === 'userinfo' ? { data: { user: sampleUser }, error: { code: 'ok', message: '', log_id: logId() } } : endpoint === 'revoke' ? {} : sampleTokenReply,
      missingFields: (endpoint) =>
        endpoint === 'userinfo'
          ? { data: { user: { display_name: 'x' } }, error: { code: 'ok', message: '', log_id: logId() } }
          : endpoint === 'revoke'
            ? { log_id: logId() }
            : { expires_in: lifetimeSec, open_id: USER_SEEDS[0]!.open_id, scope: sampleTokenReply.scope, token_type: 'Bearer' },
      // TikTok documents no rate-limit headers; Retry-After is what a client can hope for.
      rateLimited: (_endpoint, { resetAt }) => ({
        ...apiError(429, 'rate_limit_exceeded', 'The API rate limit was exceeded. Please try again later.', ''),
        headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(Math.max(0, resetAt - server.clock.nowSec())) },
      }),
      invalidGrant: (endpoint) =>
        endpoint === 'userinfo'
          ? tokenInvalid('')
          : endpoint === 'token'
            ? oauthError('invalid_grant', 'Authorization code is expired.', '')
            : oauthError('invalid_grant', 'Refresh token is invalid or expired.', ''),
      overrides: {
        server_error: () => apiError(500, 'internal_error', 'Something went wrong. Please try again later.', ''),
      },
    },
  });
  const now = () => server.clock.now();

  const users: TikTokUser[] = USER_SEEDS.map((u) => ({
    open_id: u.open_id,
    union_id: u.union_id,
    username: u.username,
    display_name: u.display_name,
    avatar_url: `${AVATAR_ORIGIN}/${AVATAR_DIR}/${createHash('sha1').update(u.open_id).digest('hex')}~c5_168x168.png?x-expires=1764000000&x-signature=fake`,
    hasAvatar: u.color !== null,
  }));
  const avatars = new Map<string, Buffer>(
    USER_SEEDS.flatMap((u) => (u.color ? [[`${createHash('sha1').update(u.open_id).digest('hex')}~c5_168x168.png`, solidPng(AVATAR_SIZE, u.color)] as const] : [])),
  );

  const { apps, registerApp } = appRegistry(server, opts.apps);

  // TikTok shows this page, not a redirect, when the request itself is wrong; it names the parameter.
  function errorPage(param: string, detail: string): Reply {
    return {
      ...html(
        400,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>TikTok</title></head><body style="font:15px system-ui,sans-serif;max-width:420px;margin:60px auto">` +
          `<h1>We couldn't log in with TikTok</h1><p>This may be due to specific app settings.</p>` +
          `<p>If you're a developer, correct the following and try again:</p><p><strong>${escapeHtml(param)}</strong></p>` +
          `<p data-testid="error-detail" style="color:#777">${escapeHtml(detail)}</p></body></html>`,
      ),
      note: `authorize refused: ${param}: ${detail}`,
    };
  }

  function challengeOk(challenge: string): boolean {
    return pkce === 'hex' ? /^[0-9a-f]{64}$/.test(challenge) : /^[A-Za-z0-9_-]{43}$/.test(challenge);
  }

  function challengeOf(verifier: string): string {
    return createHash('sha256').update(verifier).digest(pkce === 'hex' ? 'hex' : 'base64url');
  }

  function newCode(): string {
    // Real codes end in something like *0!6431.u1; the core's callback check refuses '*' and '!' today.
    return opts.tiktokStyleCodes ? `${randomToken(48)}*0!${1000 + Math.floor(Math.random() * 9000)}.u1` : randomToken(48);
  }

  function authorize(req: FakeRequest): Reply {
    const q = req.query;
    if (q.has('client_id') && !q.has('client_key')) return errorPage('client_key', 'client_key is missing (TikTok does not read client_id)');
    const app = apps.get(q.get('client_key') ?? '');
    if (!app) return errorPage('client_key', 'unknown client_key');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!app.redirectUris.includes(redirectUri)) return errorPage('redirect_uri', 'redirect_uri is not registered for this app');
    if (q.get('response_type') !== 'code') return errorPage('response_type', 'response_type must be code');
    const scopes = (q.get('scope') ?? '').split(',').filter((s) => s.length > 0);
    if (scopes.length === 0) return errorPage('scope', 'scope is missing');
    const unknown = scopes.filter((s) => !(s in SCOPES));
    if (unknown.length > 0) return errorPage('scope', `unknown scope (scopes are comma-separated): ${unknown.join(',')}`);
    const state = q.get('state');
    if (!state) return errorPage('state', 'state is missing');
    const challenge = q.get('code_challenge') ?? '';
    if (!challenge) return errorPage('code_challenge', 'code_challenge is missing (desktop apps must use PKCE)');
    if (q.get('code_challenge_method') !== 'S256') return errorPage('code_challenge_method', 'code_challenge_method must be S256');
    if (!challengeOk(challenge)) return errorPage('code_challenge', pkce === 'hex' ? 'code_challenge is not a hex SHA-256' : 'code_challenge is not a base64url SHA-256');

    const decide = (d: ConsentDecision): Reply => {
      const target = new URL(redirectUri);
      if (!d.approve) {
        target.searchParams.set('error', 'access_denied');
        target.searchParams.set('error_description', 'The user denied the request');
        target.searchParams.set('state', state);
        return { ...redirect(target.href), note: 'denied' };
      }
      const code = newCode();
      codes.set(code, { clientId: app.clientId, userId: d.userId, redirectUri, scopes, challenge, expiresAt: now() + CODE_LIFETIME_MS, used: false });
      target.searchParams.set('code', code);
      target.searchParams.set('scopes', scopes.join(','));
      target.searchParams.set('state', state);
      return { ...redirect(target.href), note: 'approved' };
    };
    return server.beginConsent(
      {
        platform: 'TikTok',
        appName: app.name,
        users: users.map((u) => ({ id: u.open_id, name: u.display_name, handle: u.username })),
        scopes: scopes.map((s) => ({ name: s, description: SCOPES[s] })),
        action: '/v2/auth/authorize/',
        accent: '#fe2c55',
      },
      decide,
    );
  }

  function authenticateClient(req: FakeRequest): RegisteredApp | null {
    const app = apps.get(req.form.get('client_key') ?? '');
    if (!app) return null;
    if (app.clientSecret !== null && req.form.get('client_secret') !== app.clientSecret) return null;
    return app;
  }

  function issueTokens(grant: Grant): Reply {
    const accessToken = `act.${randomToken()}`;
    grant.accessTokens.set(accessToken, now() + lifetimeSec * 1000);
    book.byAccess.set(accessToken, grant);
    if (grant.refreshToken) book.byRefresh.delete(grant.refreshToken);
    grant.refreshToken = `rft.${randomToken()}`;
    book.byRefresh.set(grant.refreshToken, grant);
    return json(
      200,
      {
        access_token: accessToken,
        expires_in: lifetimeSec,
        open_id: grant.userId,
        refresh_expires_in: Math.max(0, Math.round((grant.refreshDeadline - now()) / 1000)),
        refresh_token: grant.refreshToken,
        scope: grant.scopes.join(','),
        token_type: 'Bearer',
      },
      TOKEN_JSON,
    );
  }

  function exchangeCode(req: FakeRequest, app: RegisteredApp): Reply {
    const record = codes.get(req.form.get('code') ?? '');
    if (!record) return oauthError('invalid_grant', 'Authorization code is invalid.', 'unknown code');
    if (record.used) return oauthError('invalid_grant', 'Authorization code has been used.', 'code replayed');
    if (record.expiresAt <= now()) return oauthError('invalid_grant', 'Authorization code is expired.', 'code expired');
    if (record.clientId !== app.clientId) return oauthError('invalid_grant', 'Authorization code was issued to another client.', 'code of another client');
    if (req.form.get('redirect_uri') !== record.redirectUri) return oauthError('invalid_grant', 'Redirect URI does not match the authorization request.', 'redirect_uri differs');
    const verifier = req.form.get('code_verifier') ?? '';
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || challengeOf(verifier) !== record.challenge) {
      return oauthError('invalid_request', 'Code verifier or code challenge is invalid.', 'code_verifier does not match the challenge');
    }
    record.used = true;
    const grant: Grant = {
      clientId: app.clientId,
      userId: record.userId,
      scopes: record.scopes,
      refreshToken: null,
      accessTokens: new Map(),
      revoked: false,
      refreshDeadline: now() + refreshLifetimeSec * 1000,
    };
    book.add(grant);
    return { ...issueTokens(grant), note: 'code exchanged' };
  }

  function refresh(req: FakeRequest, app: RegisteredApp): Reply {
    const grant = book.byRefresh.get(req.form.get('refresh_token') ?? '');
    if (!grant) return oauthError('invalid_grant', 'Refresh token is invalid or expired.', 'dead refresh token');
    if (grant.clientId !== app.clientId) return oauthError('invalid_grant', 'Refresh token is invalid or expired.', 'refresh token of another client');
    if (grant.refreshDeadline <= now()) return oauthError('invalid_grant', 'Refresh token is invalid or expired.', 'refresh token past its lifetime');
    return { ...issueTokens(grant), note: 'refreshed (rotated)' };
  }

  function token(req: FakeRequest): Reply {
    if (!req.form.has('client_key')) return oauthError('invalid_request', 'Missing required parameter: client_key.', 'no client_key');
    const app = authenticateClient(req);
    if (!app) return oauthError('invalid_client', 'Client key or secret is incorrect.', 'client authentication failed');
    const grantType = req.form.get('grant_type');
    if (grantType === 'authorization_code') return exchangeCode(req, app);
    if (grantType === 'refresh_token') return refresh(req, app);
    return oauthError('unsupported_grant_type', 'The grant type is not supported.', 'bad grant_type');
  }


  function revoke(req: FakeRequest): Reply {
    const app = authenticateClient(req);
    if (!app) return oauthError('invalid_client', 'Client key or secret is incorrect.', 'client authentication failed');
    const value = req.form.get('token');
    if (!value) return oauthError('invalid_request', 'Missing required parameter: token.', 'token missing');
    const grant = book.byAccess.get(value);
    if (!grant || grant.clientId !== app.clientId) return oauthError('invalid_request', 'The access token is invalid.', 'unknown token');
    book.revoke(grant);
    return { ...json(200, {}, TOKEN_JSON), note: 'grant revoked' };
  }

  function userInfo(req: FakeRequest): Reply {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return tokenInvalid('no bearer token');
    const grant = book.byAccess.get(m[1]!);
    const expiresAt = grant?.accessTokens.get(m[1]!);
    if (!grant || expiresAt === undefined) return tokenInvalid('unknown or revoked token');
    if (expiresAt <= now()) return tokenInvalid('expired token');
    const fields = (req.query.get('fields') ?? '').split(',').filter((f) => f.length > 0);
    if (fields.length === 0) return apiError(400, 'invalid_params', 'fields is required.', 'no fields');
    const invalid = fields.filter((f) => !(f in FIELD_SCOPES));
    if (invalid.length > 0) return apiError(400, 'invalid_params', `Invalid fields: ${invalid.join(',')}`, 'invalid fields');
    const missing = [...new Set(fields.map((f) => FIELD_SCOPES[f]!))].filter((s) => !grant.scopes.includes(s));
    if (missing.length > 0) {
      return apiError(401, 'scope_not_authorized', `The user did not authorize the scope required for completing this request: ${missing.join(',')}`, 'scope missing');
    }
    const user = users.find((u) => u.open_id === grant.userId)!;
    const all: Record<string, unknown> = {
      open_id: user.open_id,
      union_id: user.union_id,
      avatar_url: user.avatar_url,
      display_name: user.display_name,
      username: user.username,
    };
    const data = Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]]));
    return { ...json(200, { data: { user: data }, error: { code: 'ok', message: '', log_id: logId() } }), note: 'ok' };
  }

  function avatar(req: FakeRequest): Reply {
    const image = avatars.get(req.params.file ?? '');
    return image ? png(image) : { ...text(404, 'Not Found'), note: 'no such image' };
  }




  server.route('GET', '/v2/auth/authorize/', authorize);
  server.route('POST', '/v2/auth/authorize/', (req) => server.completeConsent(req));
  server.route('POST', '/v2/oauth/token/', token, { endpoint: (req) => (req.form.get('grant_type') === 'refresh_token' ? 'refresh' : 'token') });
  server.route('POST', '/v2/oauth/revoke/', revoke, { endpoint: 'revoke' });
  server.route('GET', '/v2/user/info/', userInfo, { endpoint: 'userinfo' });
  server.route('GET', `/${AVATAR_DIR}/:file`, avatar);

  return platformSurface(
    server,
    { endpoints: TIKTOK_ENDPOINTS, hosts: ['https://www.tiktok.com', 'https://open.tiktokapis.com', AVATAR_ORIGIN], users, grants: book, consent: true },
    { registerApp },
  );
}
