// Fake Pinterest (API v5): authorization code at www.pinterest.com/oauth/, the token endpoint
// api.pinterest.com/v5/oauth/token with HTTP Basic client authentication, continuous refresh
// tokens, GET /v5/user_account and profile images on i.pinimg.com, per /work/shared/platforms.md.
// One port serves www.pinterest.com, api.pinterest.com and i.pinimg.com (see originMap()).
//
// Refresh models:
//   'continuous' (default; Pinterest's only model since 2025, per its own notice): every token reply
//     carries a new refresh token with a fresh 60-day window (refresh_token_expires_in/_at). An older
//     refresh token of the grant keeps working until its own expiry (Pinterest documents no retirement),
//     unless the option retireReplacedRefreshTokens makes each new one retire the one it replaced —
//     what accounts that lost a renewal's answer were seen doing.
//   'legacy': one refresh token per grant with a hard 365-day deadline; refresh replies carry only a
//     new access token, and refresh_token_expires_in at the exchange counts down from there.
//
// Errors are Pinterest's shape, {"code": n, "message": "…"}: HTTP 401 with 283 "The authorization grant
// is invalid" for a dead code or refresh token (as Pinterest answers it: the status alone does not tell
// it from a client refused), 401 with 2 "Authentication failed." for bad client credentials or a bad
// bearer token.
// Pinterest has no revoke endpoint; revokeUser() stands for removing the app in Pinterest's settings.
//
// Test controls for another process (the demo): POST JSON to {origin}/__control/<name>:
//   register-app          {clientId, clientSecret, redirectUris: string[], name?}
//   auto-approve / auto-deny / fail-next {endpoint: token|refresh|user_account, kind, …} / advance / requests / clear-requests
//   answer-late           {endpoint, afterMs: number|null, times?}  served (a refresh rotates), answered late or never
//   expire-access-tokens  {userId?}
//   revoke-user           {userId}
//   live-grants           {userId}          → number
//   users                 {}                → the test users
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
} from './fake-server.ts';

export const PINTEREST_ENDPOINTS = ['token', 'refresh', 'user_account'] as const;
export type PinterestEndpoint = (typeof PINTEREST_ENDPOINTS)[number];

const DAY = 86_400;
export const PINTEREST_ACCESS_LIFETIME_SEC = 30 * DAY;
export const PINTEREST_CONTINUOUS_REFRESH_SEC = 60 * DAY;
export const PINTEREST_LEGACY_REFRESH_SEC = 365 * DAY;

export interface PinterestUser {
  id: string;
  username: string;
  business_name: string | null;
  account_type: 'BUSINESS' | 'PINNER';
  profile_image: string;
  /** false: the profile image answers 404. */
  hasAvatar: boolean;
}

export type PinterestAppRegistration = AppRegistration;

export interface FakePinterestOptions {
  port?: number;
  refreshModel?: 'continuous' | 'legacy';
  accessTokenLifetimeSec?: number;
  /** Continuous model: a refresh token stops working once the refresh it was used for issued a new one. */
  retireReplacedRefreshTokens?: boolean;
  apps?: PinterestAppRegistration[];
}

export interface FakePinterest extends FakeOAuthPlatform<PinterestEndpoint> {
  readonly users: readonly PinterestUser[];
  registerApp(app: PinterestAppRegistration): void;
}

const CODE_LIFETIME_MS = 10 * 60_000;
const AVATAR_SIZE = 75;

const USER_SEEDS: { id: string; username: string; business_name: string | null; account_type: 'BUSINESS' | 'PINNER'; color: [number, number, number] | null }[] = [
  { id: '1123581321345589144', username: 'plugboard_pins', business_name: 'Plugboard Studio', account_type: 'BUSINESS', color: [230, 0, 35] },
  { id: '1123581321345589233', username: 'alice_pins', business_name: null, account_type: 'PINNER', color: [0, 120, 80] },
  { id: '1123581321345589377', username: 'bob_boards', business_name: 'Bob Boards Co', account_type: 'BUSINESS', color: null },
];

const SCOPES: Record<string, string> = {
  'ads:read': 'See your advertising data',
  'ads:write': 'Create and manage your ads',
  'billing:read': 'See your billing data',
  'billing:write': 'Manage your billing',
  'biz_access:read': 'See your business access',
  'biz_access:write': 'Manage your business access',
  'boards:read': 'See your public boards',
  'boards:read_secret': 'See your secret boards',
  'boards:write': 'Create, update and delete your public boards',
  'boards:write_secret': 'Create, update and delete your secret boards',
  'catalogs:read': 'See your catalogs',
  'catalogs:write': 'Manage your catalogs',
  'pins:read': 'See your public Pins',
  'pins:read_secret': 'See your secret Pins',
  'pins:write': 'Create, update and delete your public Pins',
  'pins:write_secret': 'Create, update and delete your secret Pins',
  'user_accounts:read': 'See your user account and followers',
  'user_accounts:write': 'Update your user account',
};

const err = (status: number, code: number, message: string, note: string): Reply => ({ ...json(status, { code, message }), note });
const badGrant = (note: string) => err(401, 283, 'The authorization grant is invalid', note);
const badClient = (note: string) => err(401, 2, 'Authentication failed.', note);
const badBearer = (note: string) => err(401, 2, 'Authentication failed.', note);

interface CodeRecord {
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

interface Grant {
  clientId: string;
  userId: string;
  scopes: string[];
  /** Refresh token → its expiry (fake-clock ms). */
  refreshTokens: Map<string, number>;
  /** Access token → its expiry (fake-clock ms). */
  accessTokens: Map<string, number>;
  revoked: boolean;
}

export async function startFakePinterest(opts: FakePinterestOptions = {}): Promise<FakePinterest> {
  const model = opts.refreshModel ?? 'continuous';
  const accessLifetime = opts.accessTokenLifetimeSec ?? PINTEREST_ACCESS_LIFETIME_SEC;
  const codes = new Map<string, CodeRecord>();
  const grants: Grant[] = [];

  const sampleToken = {
    access_token: `pina_${randomToken()}`,
    refresh_token: `pinr_${randomToken()}`,
    response_type: 'authorization_code',
    token_type: 'bearer',
    expires_in: accessLifetime,
    refresh_token_expires_in: PINTEREST_CONTINUOUS_REFRESH_SEC,
    refresh_token_expires_at: Math.floor(Date.now() / 1000) + PINTEREST_CONTINUOUS_REFRESH_SEC,
    scope: 'boards:read,pins:read,pins:write,user_accounts:read',
  };
  const server = await createFakeServer({
    name: 'Pinterest',
    port: opts.port,
    endpoints: PINTEREST_ENDPOINTS,
    failures: {
      sample: (endpoint) =>
        endpoint === 'user_account' ? { account_type: 'BUSINESS', id: USER_SEEDS[0]!.id, username: USER_SEEDS[0]!.username, profile_image: 'https://i.pinimg.com/x.jpg' } : sampleToken,
      missingFields: (endpoint) =>
        endpoint === 'user_account' ? { account_type: 'BUSINESS', follower_count: 0 } : { token_type: 'bearer', expires_in: accessLifetime, scope: sampleToken.scope },
      rateLimited: (_endpoint, { resetAt, limit }) =>
        json(429, { code: 8, message: 'You have exceeded your rate limit. Try again later.' }, {
          // Header names as seen on v5 replies (unconfirmed in Pinterest's reference); reset in seconds from now.
          'x-ratelimit-limit': String(limit),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.max(0, resetAt - server.clock.nowSec())),
        }),
      invalidGrant: (endpoint) => (endpoint === 'user_account' ? badBearer('') : badGrant('')),
      overrides: {
        server_error: () => json(500, { code: 1, message: 'Something went wrong on our end. Sorry about that.' }),
      },
    },
  });
  const now = () => server.clock.now();

  const users: PinterestUser[] = USER_SEEDS.map((u) => ({
    id: u.id,
    username: u.username,
    business_name: u.business_name,
    account_type: u.account_type,
    profile_image: `https://i.pinimg.com/75x75_RS/${u.id.slice(-6, -4)}/${u.id.slice(-4, -2)}/${u.id.slice(-2)}/${u.id}.png`,
    hasAvatar: u.color !== null,
  }));
  const avatars = new Map(USER_SEEDS.flatMap((u) => (u.color ? [[u.id, solidPng(AVATAR_SIZE, u.color)] as const] : [])));

  const { apps, registerApp } = appRegistry(server, opts.apps);

  // Pinterest shows an error page, not a redirect, for a request it cannot trust.
  function errorPage(detail: string): Reply {
    return {
      ...html(
        400,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pinterest</title></head><body style="font:15px system-ui,sans-serif;max-width:420px;margin:60px auto">` +
          `<h1>Something went wrong</h1><p>You are not permitted to access that resource.</p>` +
          `<p data-testid="error-detail" style="color:#777">${escapeHtml(detail)}</p></body></html>`,
      ),
      note: `authorize refused: ${detail}`,
    };
  }

  function authorize(req: FakeRequest): Reply {
    const q = req.query;
    const app = apps.get(q.get('client_id') ?? '');
    if (!app) return errorPage('Invalid Application ID');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!app.redirectUris.includes(redirectUri)) return errorPage(`The provided redirect_uri ${redirectUri} does not match any of the registered redirect URIs.`);
    if (q.get('response_type') !== 'code') return errorPage('response_type must be code');
    const scopes = (q.get('scope') ?? '').split(',').filter((s) => s.length > 0);
    if (scopes.length === 0) return errorPage('scope is missing');
    const unknown = scopes.filter((s) => !(s in SCOPES));
    if (unknown.length > 0) return errorPage(`unknown scope: ${unknown.join(',')}`);
    const state = q.get('state');
    if (!state) return errorPage('state is missing');

    const decide = (d: ConsentDecision): Reply => {
      const target = new URL(redirectUri);
      if (!d.approve) {
        target.searchParams.set('error', 'access_denied');
        target.searchParams.set('state', state);
        return { ...redirect(target.href), note: 'denied' };
      }
      const code = randomToken();
      codes.set(code, { clientId: app.clientId, userId: d.userId, redirectUri, scopes, expiresAt: now() + CODE_LIFETIME_MS, used: false });
      target.searchParams.set('code', code);
      target.searchParams.set('state', state);
      return { ...redirect(target.href), note: 'approved' };
    };
    return server.beginConsent(
      {
        platform: 'Pinterest',
        appName: app.name,
        users: users.map((u) => ({ id: u.id, name: u.business_name ?? u.username, handle: u.username })),
        scopes: scopes.map((s) => ({ name: s, description: SCOPES[s] })),
        action: '/oauth/',
        accent: '#e60023',
      },
      decide,
    );
  }

  /** HTTP Basic only: Pinterest's token endpoint takes no client credentials in the body. */
  function authenticateClient(req: FakeRequest): RegisteredApp | null {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return null;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    const id = formDecode(decoded.slice(0, colon));
    const secret = formDecode(decoded.slice(colon + 1));
    const app = id === null ? undefined : apps.get(id);
    if (!app || app.clientSecret === null || app.clientSecret !== secret) return null;
    return app;
  }

  function issue(grant: Grant, responseType: 'authorization_code' | 'refresh_token'): Reply {
    const accessToken = `pina_${randomToken()}`;
    grant.accessTokens.set(accessToken, now() + accessLifetime * 1000);
    const reply: Record<string, unknown> = { access_token: accessToken, response_type: responseType, token_type: 'bearer', expires_in: accessLifetime, scope: grant.scopes.join(',') };
    let refreshExpiry: number | null = null;
    if (model === 'continuous') {
      refreshExpiry = now() + PINTEREST_CONTINUOUS_REFRESH_SEC * 1000;
      const refreshToken = `pinr_${randomToken()}`;
      grant.refreshTokens.set(refreshToken, refreshExpiry);
      reply.refresh_token = refreshToken;
      reply.response_type = 'everlasting_refresh';
    } else if (responseType === 'authorization_code') {
      refreshExpiry = now() + PINTEREST_LEGACY_REFRESH_SEC * 1000;
      const refreshToken = `pinr_${randomToken()}`;
      grant.refreshTokens.set(refreshToken, refreshExpiry);
      reply.refresh_token = refreshToken;
    }
    if (refreshExpiry !== null) {
      reply.refresh_token_expires_in = Math.max(0, Math.round((refreshExpiry - now()) / 1000));
      reply.refresh_token_expires_at = Math.floor(refreshExpiry / 1000);
    }
    return json(200, reply);
  }

  function exchangeCode(req: FakeRequest, app: RegisteredApp): Reply {
    const record = codes.get(req.form.get('code') ?? '');
    if (!record) return badGrant('unknown code');
    if (record.used) return badGrant('code replayed');
    if (record.expiresAt <= now()) return badGrant('code expired');
    if (record.clientId !== app.clientId) return badGrant('code belongs to another client');
    if (req.form.get('redirect_uri') !== record.redirectUri) return badGrant('redirect_uri differs from the authorize request');
    record.used = true;
    const grant: Grant = { clientId: app.clientId, userId: record.userId, scopes: record.scopes, refreshTokens: new Map(), accessTokens: new Map(), revoked: false };
    grants.push(grant);
    return { ...issue(grant, 'authorization_code'), note: 'code exchanged' };
  }

  function refresh(req: FakeRequest, app: RegisteredApp): Reply {
    const token = req.form.get('refresh_token') ?? '';
    const grant = grants.find((g) => g.refreshTokens.has(token));
    if (!grant || grant.revoked) return badGrant('dead refresh token');
    if (grant.clientId !== app.clientId) return badGrant('refresh token of another client');
    if (grant.refreshTokens.get(token)! <= now()) return badGrant('refresh token expired');
    if (model === 'continuous' && opts.retireReplacedRefreshTokens) grant.refreshTokens.delete(token);
    return { ...issue(grant, 'refresh_token'), note: model === 'continuous' ? 'refreshed (new refresh token)' : 'refreshed' };
  }

  function token(req: FakeRequest): Reply {
    const app = authenticateClient(req);
    if (!app) return badClient('client authentication failed');
    const grantType = req.form.get('grant_type');
    if (grantType === 'authorization_code') return exchangeCode(req, app);
    if (grantType === 'refresh_token') return refresh(req, app);
    return err(400, 1, `Invalid parameters. grant_type ${grantType ?? '(missing)'} is not supported.`, 'bad grant_type');
  }

  function userAccount(req: FakeRequest): Reply {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return badBearer('no bearer token');
    const grant = grants.find((g) => g.accessTokens.has(m[1]!));
    const expiresAt = grant?.accessTokens.get(m[1]!);
    if (!grant || grant.revoked || expiresAt === undefined) return badBearer('unknown or revoked token');
    if (expiresAt <= now()) return badBearer('expired token');
    if (!grant.scopes.includes('user_accounts:read')) return err(403, 3, 'Authorization failed.', 'needs user_accounts:read');
    const user = users.find((u) => u.id === grant.userId)!;
    return {
      ...json(200, {
        account_type: user.account_type,
        id: user.id,
        profile_image: user.profile_image,
        website_url: '',
        username: user.username,
        about: '',
        business_name: user.business_name,
        board_count: 4,
        pin_count: 120,
        follower_count: 37,
        following_count: 12,
        monthly_views: 1500,
      }),
      note: 'ok',
    };
  }

  function avatar(req: FakeRequest): Reply {
    const user = users.find((u) => new URL(u.profile_image).pathname === req.path);
    const image = user && avatars.get(user.id);
    return image ? png(image) : { ...text(404, 'Not Found'), note: 'no such image' };
  }

  function expireAccessTokens(userId?: string): void {
    const past = now() - 1;
    for (const g of grants) if (userId === undefined || g.userId === userId) for (const t of g.accessTokens.keys()) g.accessTokens.set(t, past);
  }

  function revokeUser(userId: string): void {
    for (const g of grants) {
      if (g.userId !== userId) continue;
      g.revoked = true;
      g.refreshTokens.clear();
      g.accessTokens.clear();
    }
  }

  function liveGrants(userId: string): number {
    const t = now();
    return grants.filter(
      (g) => g.userId === userId && !g.revoked && ([...g.refreshTokens.values()].some((exp) => exp > t) || [...g.accessTokens.values()].some((exp) => exp > t)),
    ).length;
  }

  server.route('GET', '/oauth/', authorize);
  server.route('POST', '/oauth/', (req) => server.completeConsent(req));
  server.route('POST', '/v5/oauth/token', token, { endpoint: (req) => (req.form.get('grant_type') === 'refresh_token' ? 'refresh' : 'token') });
  server.route('GET', '/v5/user_account', userAccount, { endpoint: 'user_account' });
  server.route('GET', '/75x75_RS/:a/:b/:c/:file', avatar);

  return platformSurface(
    server,
    { endpoints: PINTEREST_ENDPOINTS, hosts: ['https://www.pinterest.com', 'https://api.pinterest.com', 'https://i.pinimg.com'], users, grants: { expireAccessTokens, revokeUser, liveGrants }, consent: true },
    { registerApp },
  );
}

function formDecode(s: string): string | null {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}
