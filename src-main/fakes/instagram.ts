// Fake Instagram, "Instagram API with Instagram Login" (Business Login for Instagram): the
// authorization window at www.instagram.com, the code exchange at api.instagram.com, and the
// long-lived token exchange, its extension and /me at graph.instagram.com, per
// /work/shared/platforms.md and Meta's Instagram Platform docs (2026). One port serves those three
// hosts and the picture CDN (see originMap()). Accounts come from meta-seed.ts, so an account is
// the same igUserId here and behind a Facebook Page.
//
// Shapes, and what the docs do not settle:
// - api.instagram.com answers errors in Instagram's own shape {error_type, code, error_message}
//   with HTTP 400 ("Invalid redirect_uri", "Matching code was not found or was already used").
// - The code exchange reply: the current Business Login page documents
//   {data: [{access_token, user_id, permissions: "a,b"}]}; apps in the wild also report the older flat
//   {access_token, user_id: <number>, permissions: [...]}. `tokenReply` picks one (default: the documented).
// - graph.instagram.com answers Graph errors {error: {message, type, code, error_subcode, fbtrace_id}}.
// - A refresh of a token younger than 24 hours is refused, but Meta documents no error body for it;
//   this fake answers code 100 with a message that says so (unconfirmed).
// - The window appends `#_` to the redirect ("not part of the code itself", Meta's oauth-authorize
//   reference); a code sent back with it is not found.
// - A personal account cannot finish the window: it shows a page asking to switch to a professional
//   account and never redirects (Instagram Login serves professional accounts only; the exact page is
//   not documented). A development-mode app lets only its Instagram testers in ("Insufficient developer role").
// - Instagram Login has no revoke endpoint: the user removes the app in Instagram (Settings → Apps and
//   websites); revokeUser() models that, after which tokens answer 190/458.
//
// Test controls for another process (the demo): POST JSON to {origin}/__control/<name>,
// answer {"ok":true,"result":…} or 400 {"ok":false,"error":"…"}.
//   register-app          {clientId, clientSecret, redirectUris: string[], name?}
//   set-app-mode          {clientId, mode: live|development, testers?: igUserId[]}
//   auto-approve          {userId}          next authorize GET decides at once for that igUserId
//   auto-deny             {}
//   fail-next             {endpoint: token|exchange|refresh|me, kind, times?, retryAfterSec?, limit?}
//   fail-next-graph       {endpoint: exchange|refresh|me, code, subcode?, message?, times?}   any Graph error (17, 32, 190/460 …)
//   set-account-type      {userId, accountType: BUSINESS|MEDIA_CREATOR|PERSONAL}
//   checkpoint            {userId, on: boolean}   /me answers 25/2207050 while on
//   change-password       {userId}          every token of the user answers 190/460
//   advance               {seconds}
//   expire-access-tokens  {userId?}
//   revoke-user           {userId}
//   live-grants           {userId}          → number
//   users                 {}                → the accounts
//   requests              {}                → the request log
//   clear-requests        {}
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
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
  type Reply,
} from './fake-server.ts';
import { INSTAGRAM_ACCOUNTS, type SeedInstagram } from './meta-seed.ts';

export const INSTAGRAM_ENDPOINTS = ['token', 'exchange', 'refresh', 'me'] as const;
export type InstagramEndpoint = (typeof INSTAGRAM_ENDPOINTS)[number];
/** The graph.instagram.com endpoints, which answer Graph errors. */
export type GraphEndpoint = Exclude<InstagramEndpoint, 'token'>;

export type AccountType = SeedInstagram['accountType'];

export interface InstagramAccount {
  igUserId: string;
  username: string;
  name: string;
  accountType: AccountType;
  /** Always set: an account without a loadable picture has a URL the CDN refuses. */
  profilePictureUrl: string;
  hasPicture: boolean;
}

export interface InstagramAppRegistration extends AppRegistration {
  /** 'development' (default 'live'): only the testers can finish the window. */
  mode?: 'live' | 'development';
  /** igUserIds added as Instagram testers. */
  testers?: string[];
}

export interface GraphErrorSpec {
  code: number;
  subcode?: number;
  message?: string;
  /** Default 400, as Meta sends most Graph errors. */
  status?: number;
  times?: number;
}

export interface FakeInstagramOptions {
  port?: number;
  /** Default 3600 (Meta: short-lived tokens last one hour). */
  shortLivedSec?: number;
  /** Default 60 days (5,184,000 s). */
  longLivedSec?: number;
  /** The code-exchange reply: 'data-array' as documented (default), or the older 'flat' object. */
  tokenReply?: 'data-array' | 'flat';
  apps?: InstagramAppRegistration[];
}

export interface FakeInstagram extends FakeOAuthPlatform<InstagramEndpoint> {
  readonly users: readonly InstagramAccount[];
  registerApp(app: InstagramAppRegistration): void;
  setAppMode(clientId: string, mode: 'live' | 'development', testers?: string[]): void;
  failNextGraph(endpoint: GraphEndpoint, spec: GraphErrorSpec): void;
  setAccountType(igUserId: string, accountType: AccountType): void;
  checkpoint(igUserId: string, on: boolean): void;
  changePassword(igUserId: string): void;
}

const DAY_SEC = 86_400;
const CODE_LIFETIME_MS = 3600_000;
const REFRESH_MIN_AGE_MS = DAY_SEC * 1000;
const PICTURE_SIZE = 48;
const CDN_ORIGIN = 'https://scontent.cdninstagram.com';
const CDN_DIR = '/v/t51.2885-19/';

const SCOPES: Record<string, string> = {
  instagram_business_basic: 'Access profile and media',
  instagram_business_content_publish: 'Publish content',
  instagram_business_manage_messages: 'Manage messages',
  instagram_business_manage_comments: 'Manage comments',
  instagram_business_manage_insights: 'Access insights',
};

/** Fields /me can return (all under instagram_business_basic). */
const ME_FIELDS = new Set(['id', 'user_id', 'username', 'name', 'account_type', 'profile_picture_url', 'followers_count', 'follows_count', 'media_count']);

const PICTURE_COLOURS: readonly (readonly [number, number, number])[] = [
  [225, 48, 108],
  [131, 58, 180],
  [252, 175, 69],
  [64, 93, 230],
];

/** Meta's default messages for the codes tests inject by number. */
const GRAPH_MESSAGES: Record<number, string> = {
  1: 'An unknown error occurred',
  2: 'An unexpected error has occurred. Please retry your request later.',
  4: 'Application request limit reached',
  17: 'User request limit reached',
  32: 'Page request limit reached',
  190: 'Invalid OAuth access token - Cannot parse access token',
};

const THROTTLE_CODES = new Set([4, 17, 32]);

interface Grant {
  appId: string;
  userId: string;
  /** The Instagram-scoped id the code exchange names (not the professional account's id). */
  appScopedId: string;
  scopes: string[];
  /** Why every token of this grant stopped working: 458 app removed, 460 password changed. */
  dead: 458 | 460 | null;
}

interface TokenRecord {
  grant: Grant;
  kind: 'short' | 'long';
  /** When it was issued or last extended (fake-clock ms): the 24-hour rule counts from here. */
  since: number;
  expiresAt: number;
}

interface CodeRecord {
  appId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

const fbtrace = () => randomBytes(8).toString('base64url');

/** Instagram's own error shape, used by api.instagram.com. */
const igError = (message: string, note: string, status = 400): Reply => ({
  ...json(status, { error_type: 'OAuthException', code: status, error_message: message }),
  note,
});

function graphBody(code: number, message: string, subcode?: number, extra: Record<string, unknown> = {}): unknown {
  return { error: { message, type: 'OAuthException', code, ...(subcode !== undefined ? { error_subcode: subcode } : {}), ...extra, fbtrace_id: fbtrace() } };
}

function graphError(status: number, code: number, message: string, note: string, subcode?: number, extra: Record<string, unknown> = {}): Reply {
  const reply: Reply = { ...json(status, graphBody(code, message, subcode, extra)), note };
  if (THROTTLE_CODES.has(code)) {
    // Meta announces throttling in usage headers (percentages), not Retry-After.
    reply.headers = { ...reply.headers, 'x-app-usage': JSON.stringify({ call_count: 100, total_cputime: 12, total_time: 14 }) };
  }
  return reply;
}

/** Meta's "Session has expired on Sunday, 09-Aug-20 01:30:58 PDT" date, in UTC. */
function metaDate(ms: number): string {
  const d = new Date(ms);
  const day = d.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' });
  const month = d.toLocaleDateString('en-US', { month: 'short', timeZone: 'UTC' });
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day}, ${pad(d.getUTCDate())}-${month}-${pad(d.getUTCFullYear() % 100)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

export async function startFakeInstagram(opts: FakeInstagramOptions = {}): Promise<FakeInstagram> {
  const shortSec = opts.shortLivedSec ?? 3600;
  const longSec = opts.longLivedSec ?? 60 * DAY_SEC;
  const tokenShape = opts.tokenReply ?? 'data-array';
  const codes = new Map<string, CodeRecord>();
  const grants: Grant[] = [];
  const tokens = new Map<string, TokenRecord>();
  const modes = new Map<string, { mode: 'live' | 'development'; testers: Set<string> }>();
  const graphFailures = new Map<GraphEndpoint, GraphErrorSpec[]>();
  const checkpointed = new Set<string>();

  const accounts: InstagramAccount[] = INSTAGRAM_ACCOUNTS.map((a) => ({
    igUserId: a.igUserId,
    username: a.username,
    name: a.name,
    accountType: a.accountType,
    profilePictureUrl: `${CDN_ORIGIN}${CDN_DIR}${pictureFile(a.igUserId)}?stp=dst-jpg_s206x206&_nc_ht=scontent.cdninstagram.com&oh=${randomBytes(8).toString('hex')}`,
    hasPicture: a.hasPicture,
  }));
  const pictures = new Map(
    INSTAGRAM_ACCOUNTS.flatMap((a, i) => (a.hasPicture ? [[pictureFile(a.igUserId), solidPng(PICTURE_SIZE, PICTURE_COLOURS[i % PICTURE_COLOURS.length]!)] as const] : [])),
  );

  const sampleShort = { access_token: `IGAA${randomToken()}`, user_id: '26123456789012345', permissions: 'instagram_business_basic,instagram_business_content_publish' };
  const sampleLong = { access_token: `IGAA${randomToken()}`, token_type: 'bearer', expires_in: longSec };
  const server = await createFakeServer({
    name: 'Instagram',
    port: opts.port,
    endpoints: INSTAGRAM_ENDPOINTS,
    failures: {
      sample: (endpoint) =>
        endpoint === 'token' ? { data: [sampleShort] } : endpoint === 'me' ? { user_id: accounts[0]!.igUserId, username: accounts[0]!.username, id: '26123456789012345' } : sampleLong,
      missingFields: (endpoint) =>
        endpoint === 'token' ? { data: [{ user_id: sampleShort.user_id, permissions: sampleShort.permissions }] } : endpoint === 'me' ? { id: '26123456789012345', name: 'x' } : { token_type: 'bearer' },
      rateLimited: (endpoint) =>
        endpoint === 'token'
          ? // api.instagram.com's throttle is not documented; its own error shape with 429 is the guess.
            { ...igError('Too many requests. Please wait a few minutes and try again.', '', 429) }
          : graphError(400, 4, GRAPH_MESSAGES[4]!, '', undefined, { is_transient: true }),
      invalidGrant: (endpoint) =>
        endpoint === 'token'
          ? igError('Matching code was not found or was already used', '')
          : graphError(400, 190, `Error validating access token: Session has expired on ${metaDate(server.clock.now() - 3600_000)}. The current time is ${metaDate(server.clock.now())}.`, '', 463),
      overrides: {
        server_error: (endpoint) =>
          endpoint === 'token' ? igError('An unknown error has occurred.', '', 500) : graphError(500, 2, GRAPH_MESSAGES[2]!, '', undefined, { is_transient: true }),
      },
    },
  });
  const now = () => server.clock.now();

  const { apps, registerApp: registerBase } = appRegistry(server);
  function setAppMode(clientId: string, mode: 'live' | 'development', testers: string[] = []): void {
    modes.set(clientId, { mode, testers: new Set(testers) });
  }
  function registerApp(app: InstagramAppRegistration): void {
    registerBase(app);
    setAppMode(app.clientId, app.mode ?? 'live', app.testers);
  }
  for (const app of opts.apps ?? []) registerApp(app);

  function account(igUserId: string): InstagramAccount {
    const found = accounts.find((a) => a.igUserId === igUserId);
    if (!found) throw new Error(`no Instagram account ${igUserId}`);
    return found;
  }

  function appScopedId(appId: string, userId: string): string {
    // 17 digits, above 2^53 like real ones: a client reading it as a JSON number gets it wrong.
    const digits = [...createHash('sha256').update(`${appId}:${userId}`).digest('hex').slice(0, 15)].map((c) => parseInt(c, 16) % 10);
    return `26${digits.join('')}`;
  }

  // The window's own error page: Instagram shows these instead of redirecting when the request is wrong.
  function windowError(detail: string, note: string, status = 400): Reply {
    return {
      ...html(
        status,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Instagram</title></head><body style="font:15px system-ui,sans-serif;max-width:420px;margin:60px auto">` +
          `<h1>Sorry, this page isn't available.</h1><p data-testid="error-detail">${escapeHtml(detail)}</p></body></html>`,
      ),
      note,
    };
  }

  function authorize(req: FakeRequest): Reply {
    const q = req.query;
    const app = apps.get(q.get('client_id') ?? '');
    // A Facebook App ID in client_id is the usual mistake; Instagram calls it an invalid platform app.
    if (!app) return windowError('Invalid Request: Request parameters are invalid: Invalid platform app', 'authorize refused: unknown client_id');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!app.redirectUris.includes(redirectUri) || !redirectUri.startsWith('https://')) {
      return windowError('Invalid Request: Request parameters are invalid: Invalid redirect_uri', 'authorize refused: redirect_uri');
    }
    if (q.get('response_type') !== 'code') return windowError('Invalid Request: Request parameters are invalid: Invalid response_type', 'authorize refused: response_type');
    // Meta: "A comma-separated list, or URL-encoded space-separated list, of permissions".
    const scopes = (q.get('scope') ?? '').split(/[,\s]+/).filter((s) => s.length > 0);
    const unknown = scopes.filter((s) => !(s in SCOPES));
    if (unknown.length > 0) return windowError(`Invalid Scopes: ${unknown.join(', ')}`, 'authorize refused: scope');
    if (!scopes.includes('instagram_business_basic')) return windowError('Invalid Scopes: instagram_business_basic is required', 'authorize refused: scope');
    const state = q.get('state');
    // Apps registered through the shared register-app control have no mode entry: they are live.
    const mode = modes.get(app.clientId) ?? { mode: 'live', testers: new Set<string>() };

    const decide = (d: ConsentDecision): Reply => {
      const target = new URL(redirectUri);
      if (!d.approve) {
        target.searchParams.set('error', 'access_denied');
        target.searchParams.set('error_reason', 'user_denied');
        target.searchParams.set('error_description', 'The user denied your request.');
        if (state !== null) target.searchParams.set('state', state);
        return { ...redirect(`${target.href}#_`), note: 'denied' };
      }
      const who = account(d.userId);
      if (who.accountType === 'PERSONAL') {
        return {
          ...html(
            200,
            `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Instagram</title></head><body style="font:15px system-ui,sans-serif;max-width:420px;margin:60px auto">` +
              `<h1>Switch to a professional account</h1><p data-testid="error-detail">${escapeHtml(app.name)} works with Instagram professional accounts only. ` +
              `Switch @${escapeHtml(who.username)} to a Business or Creator account in the Instagram app, then try again.</p></body></html>`,
          ),
          note: 'personal account refused',
        };
      }
      if (mode.mode === 'development' && !mode.testers.has(who.igUserId)) {
        return windowError('Insufficient developer role', 'not a tester of a development-mode app', 200);
      }
      const code = `AQ${randomToken(96)}`;
      codes.set(code, { appId: app.clientId, userId: who.igUserId, redirectUri, scopes, expiresAt: now() + CODE_LIFETIME_MS, used: false });
      target.searchParams.set('code', code);
      if (state !== null) target.searchParams.set('state', state);
      return { ...redirect(`${target.href}#_`), note: 'approved' };
    };
    return server.beginConsent(
      {
        platform: 'Instagram',
        appName: app.name,
        users: accounts.map((a) => ({ id: a.igUserId, name: a.name, handle: a.username })),
        scopes: scopes.map((s) => ({ name: s, description: SCOPES[s] })),
        action: '/oauth/authorize',
        accent: '#e1306c',
      },
      decide,
    );
  }

  function codeExchange(req: FakeRequest): Reply {
    const f = req.form;
    const app = apps.get(f.get('client_id') ?? '');
    if (!app) return igError('Invalid platform app', 'unknown client_id');
    if (f.get('client_secret') !== app.clientSecret) return igError('Error validating client secret.', 'bad client_secret');
    if (f.get('grant_type') !== 'authorization_code') return igError('Invalid grant_type', 'bad grant_type');
    const redirectUri = f.get('redirect_uri') ?? '';
    if (!app.redirectUris.includes(redirectUri)) return igError('Invalid redirect_uri', 'redirect_uri not registered');
    const record = codes.get(f.get('code') ?? '');
    if (!record || record.used || record.expiresAt <= now() || record.appId !== app.clientId) {
      return igError('Matching code was not found or was already used', record?.used ? 'code replayed' : 'unknown or expired code');
    }
    if (record.redirectUri !== redirectUri) return igError('Invalid redirect_uri', 'redirect_uri differs from the authorize request');
    record.used = true;
    const grant: Grant = { appId: app.clientId, userId: record.userId, appScopedId: appScopedId(app.clientId, record.userId), scopes: record.scopes, dead: null };
    grants.push(grant);
    const accessToken = issue(grant, 'short', shortSec);
    if (tokenShape === 'flat') {
      // The older reply carries user_id as a bare JSON number, which JSON.stringify cannot write above 2^53.
      const body = `{"access_token":${JSON.stringify(accessToken)},"user_id":${grant.appScopedId},"permissions":${JSON.stringify(grant.scopes)}}`;
      return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body, note: 'short-lived token (flat)' };
    }
    return { ...json(200, { data: [{ access_token: accessToken, user_id: grant.appScopedId, permissions: grant.scopes.join(',') }] }), note: 'short-lived token' };
  }

  function issue(grant: Grant, kind: 'short' | 'long', lifetimeSec: number): string {
    const token = `IGAA${randomToken(64)}`;
    tokens.set(token, { grant, kind, since: now(), expiresAt: now() + lifetimeSec * 1000 });
    return token;
  }

  /** The token a Graph request carries, or the Graph error Instagram answers for it. */
  function tokenOf(raw: string | null): TokenRecord | Reply {
    if (!raw) return graphError(400, 2500, 'An active access token must be used to query information about the current user.', 'no access token');
    const record = tokens.get(raw);
    if (!record) return graphError(400, 190, GRAPH_MESSAGES[190]!, 'unknown token');
    if (record.grant.dead === 458) return graphError(400, 190, `Error validating access token: The user has not authorized application ${record.grant.appId}.`, 'app removed by user', 458);
    if (record.grant.dead === 460) {
      return graphError(
        400,
        190,
        'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
        'password changed',
        460,
      );
    }
    if (record.expiresAt <= now()) {
      return graphError(400, 190, `Error validating access token: Session has expired on ${metaDate(record.expiresAt)}. The current time is ${metaDate(now())}.`, 'token expired', 463);
    }
    return record;
  }

  function injectedGraphError(endpoint: GraphEndpoint): Reply | null {
    const spec = graphFailures.get(endpoint)?.shift();
    if (!spec) return null;
    return graphError(spec.status ?? 400, spec.code, spec.message ?? GRAPH_MESSAGES[spec.code] ?? `Error code ${spec.code}`, `injected graph error ${spec.code}${spec.subcode ? `/${spec.subcode}` : ''}`, spec.subcode);
  }

  function longLivedExchange(req: FakeRequest): Reply {
    const injected = injectedGraphError('exchange');
    if (injected) return injected;
    const q = req.query;
    if (q.get('grant_type') !== 'ig_exchange_token') return graphError(400, 100, 'Unsupported grant_type: expected ig_exchange_token', 'bad grant_type');
    const record = tokenOf(q.get('access_token'));
    if (!('grant' in record)) return record;
    // Meta says code 1 for a wrong secret, like Facebook's own token endpoints.
    if (q.get('client_secret') !== apps.get(record.grant.appId)?.clientSecret) return graphError(400, 1, 'Error validating client secret.', 'bad client_secret');
    const accessToken = issue(record.grant, 'long', longSec);
    return { ...json(200, { access_token: accessToken, token_type: 'bearer', expires_in: longSec }), note: 'long-lived token' };
  }

  function refresh(req: FakeRequest): Reply {
    const injected = injectedGraphError('refresh');
    if (injected) return injected;
    const q = req.query;
    if (q.get('grant_type') !== 'ig_refresh_token') return graphError(400, 100, 'Unsupported grant_type: expected ig_refresh_token', 'bad grant_type');
    const raw = q.get('access_token');
    const record = tokenOf(raw);
    if (!('grant' in record)) return record;
    if (record.kind === 'short' || now() - record.since < REFRESH_MIN_AGE_MS) {
      return graphError(400, 100, 'Cannot refresh this access token: a long-lived token can be refreshed once it is at least 24 hours old.', 'refused: token under 24 hours old');
    }
    // Meta's docs describe the refresh as extending the long-lived token; the same token comes back.
    record.since = now();
    record.expiresAt = now() + longSec * 1000;
    return { ...json(200, { access_token: raw, token_type: 'bearer', expires_in: longSec }), note: 'extended' };
  }

  function me(req: FakeRequest): Reply {
    if (req.params.version !== undefined && !/^v\d+\.\d+$/.test(req.params.version)) return { ...text(404, 'Not Found'), note: 'no route' };
    const injected = injectedGraphError('me');
    if (injected) return injected;
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const record = tokenOf(bearer?.[1] ?? req.query.get('access_token'));
    if (!('grant' in record)) return record;
    const who = account(record.grant.userId);
    if (checkpointed.has(who.igUserId)) {
      return graphError(400, 25, "The app user's Instagram Professional account is inactive, checkpointed, or restricted.", 'checkpointed', 2207050, {
        is_transient: false,
        error_user_title: 'Account unavailable',
        error_user_msg: 'Log in to instagram.com or the Instagram app and complete any steps shown to re-enable your account.',
      });
    }
    const fields = (req.query.get('fields') ?? 'id').split(',').filter((s) => s.length > 0);
    const unknown = fields.find((f) => !ME_FIELDS.has(f));
    if (unknown) return graphError(400, 100, `Tried accessing nonexisting field (${unknown}) on node type (User)`, 'unknown field');
    const all: Record<string, unknown> = {
      id: record.grant.appScopedId,
      user_id: who.igUserId,
      username: who.username,
      name: who.name,
      account_type: who.accountType,
      profile_picture_url: who.profilePictureUrl,
      followers_count: 1200,
      follows_count: 180,
      media_count: 42,
    };
    // Graph always adds the id.
    const body = Object.fromEntries([...new Set([...fields, 'id'])].map((f) => [f, all[f]]));
    return { ...json(200, body), note: 'ok' };
  }

  function picture(req: FakeRequest): Reply {
    const image = pictures.get(req.params.file ?? '');
    // Instagram's CDN refuses a stale signed URL like this.
    return image ? png(image) : { ...text(403, 'URL signature expired'), note: 'picture refused' };
  }

  function expireAccessTokens(userId?: string): void {
    for (const t of tokens.values()) if (userId === undefined || t.grant.userId === userId) t.expiresAt = now() - 1;
  }

  function revokeUser(userId: string): void {
    for (const g of grants) if (g.userId === userId) g.dead = 458;
  }

  function changePassword(userId: string): void {
    for (const g of grants) if (g.userId === userId) g.dead = 460;
  }

  function liveGrants(userId: string): number {
    const t = now();
    return grants.filter((g) => g.userId === userId && g.dead === null && [...tokens.values()].some((r) => r.grant === g && r.expiresAt > t)).length;
  }

  function failNextGraph(endpoint: GraphEndpoint, spec: GraphErrorSpec): void {
    const queue = graphFailures.get(endpoint) ?? [];
    for (let i = 0; i < (spec.times ?? 1); i++) queue.push(spec);
    graphFailures.set(endpoint, queue);
  }

  function setAccountType(igUserId: string, accountType: AccountType): void {
    account(igUserId).accountType = accountType;
  }

  function checkpoint(igUserId: string, on: boolean): void {
    account(igUserId);
    if (on) checkpointed.add(igUserId);
    else checkpointed.delete(igUserId);
  }

  server.control('set-app-mode', z.object({ clientId: z.string(), mode: z.enum(['live', 'development']), testers: z.array(z.string()).optional() }), ({ clientId, mode, testers }) =>
    setAppMode(clientId, mode, testers),
  );
  server.control(
    'fail-next-graph',
    z.object({
      endpoint: z.enum(['exchange', 'refresh', 'me']),
      code: z.number().int(),
      subcode: z.number().int().optional(),
      message: z.string().optional(),
      status: z.number().int().optional(),
      times: z.number().int().positive().optional(),
    }),
    ({ endpoint, ...spec }) => failNextGraph(endpoint, spec),
  );
  server.control('set-account-type', z.object({ userId: z.string(), accountType: z.enum(['BUSINESS', 'MEDIA_CREATOR', 'PERSONAL']) }), ({ userId, accountType }) =>
    setAccountType(userId, accountType),
  );
  server.control('checkpoint', z.object({ userId: z.string(), on: z.boolean() }), ({ userId, on }) => checkpoint(userId, on));
  server.control('change-password', z.object({ userId: z.string() }), ({ userId }) => changePassword(userId));

  server.route('GET', '/oauth/authorize', authorize);
  server.route('POST', '/oauth/authorize', (req) => server.completeConsent(req));
  server.route('POST', '/oauth/access_token', codeExchange, { endpoint: 'token' });
  server.route('GET', '/access_token', longLivedExchange, { endpoint: 'exchange' });
  server.route('GET', '/refresh_access_token', refresh, { endpoint: 'refresh' });
  server.route('GET', '/me', me, { endpoint: 'me' });
  server.route('GET', '/:version/me', me, { endpoint: 'me' });
  server.route('GET', `${CDN_DIR}:file`, picture);

  return platformSurface(
    server,
    {
      endpoints: INSTAGRAM_ENDPOINTS,
      hosts: ['https://www.instagram.com', 'https://api.instagram.com', 'https://graph.instagram.com', CDN_ORIGIN],
      users: accounts,
      grants: { expireAccessTokens, revokeUser, liveGrants },
      consent: true,
    },
    { registerApp, setAppMode, failNextGraph, setAccountType, checkpoint, changePassword },
  );
}

function pictureFile(igUserId: string): string {
  return `${createHash('sha1').update(igUserId).digest('hex').slice(0, 24)}_n.png`;
}
