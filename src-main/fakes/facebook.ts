// Fake Facebook: the Login dialog (www.facebook.com/vNN.N/dialog/oauth) with granular consent, and the
// Graph API (graph.facebook.com/vNN.N/…) a Pages connector needs: code → short-lived user token,
// fb_exchange_token → 60-day user token, /me, /me/accounts with Page tokens, a Page's linked Instagram
// account, debug_token, revoking the app (DELETE …/permissions), and posting on a Page (facebook-posts.ts).
// One port serves www.facebook.com, graph.facebook.com and the picture CDN (see originMap()). Facts per
// /work/shared/platforms.md ("Facebook Pages", and Instagram "via Facebook Page"); people, Pages and IG
// accounts from meta-seed.ts.
//
// Every Graph error is Meta's body {"error":{"message","type","code","error_subcode","fbtrace_id"}}:
// 190 with subcodes 458 (app removed), 459 (checkpoint), 460 (password changed), 463 (expired),
// 467 (logged out), and the malformed-token message; throttles 4, 17, 32, 613 with X-App-Usage /
// X-Business-Use-Case-Usage headers. The dialog shows an error page (HTTP 200, as Facebook does) for a
// request it will not redirect: an unknown app, a redirect URI not listed exactly (Strict Mode), plain
// http outside development mode on localhost, invalid scopes.
//
// Unconfirmed and decided here: http://127.0.0.1 is refused even in development mode (Meta's 2018
// "Enforce HTTPS" notice names only "localhost"); /me/accounts without pages_show_list answers an empty
// list; a Page role with only the ANALYZE task comes without an access_token; granular_scopes lists
// target_ids for every Page- or Instagram-scoped permission.
//
// Test controls for another process (the demo): POST JSON to {origin}/__control/<name>,
// answer {"ok":true,"result":…} or 400 {"ok":false,"error":"…"}.
//   register-app          {clientId, clientSecret, redirectUris: string[], name?, mode?: 'development'|'live'}
//   auto-approve          {userId}          next dialog GET redirects with a code at once
//   auto-deny             {}                next dialog GET redirects with error=access_denied
//   next-consent          {pages?, declineScopes?, targets?: {scope: ids[]}}   what the next approval grants
//   kill-tokens           {userId, why: app_removed|checkpoint|password_changed|expired|logged_out}
//   clear-checkpoint      {userId}
//   throttle-next         {endpoint, code: 4|17|32|613, retryAfterSec?}
//   link-instagram        {pageId, igUserId: string|null}
//   set-page-tasks        {userId, pageId, tasks: string[]}
//   fail-next             {endpoint: token|exchange|debug_token|me|accounts|page|permissions|feed, kind, times?, retryAfterSec?}
//   answer-late           {endpoint, afterMs: number|null, times?}   served, but answered late or never
//   GET posts                               → the Page posts received (facebook-posts.ts)
//   advance               {seconds}         moves the fake clock → {now}
//   expire-access-tokens  {userId?}         tokens that expire (user tokens, Page tokens of short-lived ones)
//   revoke-user           {userId}          as when the user removes the app in Facebook's settings
//   live-grants           {userId}          → number
//   users                 {}                → the test users
//   requests              {}                → the request log
//   clear-requests        {}
import { createHash, randomBytes } from 'node:crypto';
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
  type HandlerResult,
  type RateLimitInfo,
  type Reply,
} from './fake-server.ts';
import { FACEBOOK_POST_ENDPOINTS, mountFacebookPosts, type FacebookPost } from './facebook-posts.ts';
import { FACEBOOK_USERS, INSTAGRAM_ACCOUNTS, seedInstagram, type SeedFacebookUser, type SeedPage } from './meta-seed.ts';

export const FACEBOOK_ENDPOINTS = ['token', 'exchange', 'debug_token', 'me', 'accounts', 'page', 'permissions'] as const;
export type FacebookEndpoint = (typeof FACEBOOK_ENDPOINTS)[number] | (typeof FACEBOOK_POST_ENDPOINTS)[number];
const ALL_ENDPOINTS = [...FACEBOOK_ENDPOINTS, ...FACEBOOK_POST_ENDPOINTS];

export const PICTURE_ORIGIN = 'https://scontent.xx.fbcdn.net';
/** Dana's Studio: its picture answers 404 (the pill shows the initial). */
export const PAGE_WITHOUT_PICTURE = '200000000000002';

export type TokenDeath = 'app_removed' | 'checkpoint' | 'password_changed' | 'expired' | 'logged_out';
export type ThrottleCode = 4 | 17 | 32 | 613;

export interface FacebookAppRegistration {
  clientId: string;
  clientSecret: string | null;
  redirectUris: string[];
  name?: string;
  /** 'development' (default) lets an http://localhost redirect through, as Facebook does for apps in development. */
  mode?: 'development' | 'live';
}

/** What the user leaves ticked in the dialog's "Edit settings" (granular consent). */
export interface ConsentChoice {
  /** The Pages the user shares; default all of theirs. */
  pages?: string[];
  /** Permissions the user unticks. */
  declineScopes?: string[];
  /** Per permission, the Pages or Instagram accounts it is granted for where that differs from `pages`. */
  targets?: Record<string, string[]>;
}

export interface FakeFacebookOptions {
  port?: number;
  /** The code exchange's user token; default 5400 s (platforms.md: ~1–2 h). */
  shortLivedSec?: number;
  /** The fb_exchange_token user token; default 60 days. */
  longLivedSec?: number;
  apps?: FacebookAppRegistration[];
}

export interface FakeFacebook extends FakeOAuthPlatform<FacebookEndpoint> {
  readonly users: readonly SeedFacebookUser[];
  registerApp(app: FacebookAppRegistration): void;
  /** The next approval (auto or through the page) grants this instead of everything asked. */
  nextConsent(choice: ConsentChoice): void;
  /** Every token of the user issued so far dies this way (checkpoint: until clearCheckpoint). */
  killTokens(userId: string, why: TokenDeath): void;
  clearCheckpoint(userId: string): void;
  /** The next request to the endpoint is throttled with this Graph code and Meta's usage headers. */
  throttleNext(endpoint: FacebookEndpoint, code: ThrottleCode, opts?: { retryAfterSec?: number }): void;
  linkInstagram(pageId: string, igUserId: string | null): void;
  setPageTasks(userId: string, pageId: string, tasks: string[]): void;
  /** The Page posts received, oldest first (facebook-posts.ts). */
  posts(): FacebookPost[];
}

const DAY_SEC = 86_400;
const CODE_LIFETIME_MS = 10 * 60_000;
const DATA_ACCESS_MS = 90 * DAY_SEC * 1000;
const PICTURE_SIZE = 50;
const PICTURE_DIR = '/v/t39.30808-1';
const FULL_TASKS = ['ANALYZE', 'ADVERTISE', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'];

const SCOPES: Record<string, string> = {
  public_profile: 'Your name and profile picture',
  email: 'Your email address',
  pages_show_list: 'Show a list of the Pages you manage',
  pages_manage_posts: 'Create and manage content on your Page',
  pages_read_engagement: 'Read content posted on the Page',
  pages_manage_metadata: 'Manage accounts, settings and webhooks for a Page',
  business_management: 'Manage your business',
  instagram_basic: 'Access profile and posts from the Instagram account connected to your Page',
  instagram_content_publish: 'Create posts on the Instagram account connected to your Page',
};
/** Permissions granted per Page (target_ids = the Pages ticked). */
const PAGE_SCOPES = new Set(['pages_show_list', 'pages_manage_posts', 'pages_read_engagement', 'pages_manage_metadata']);
/** Permissions granted per Instagram account (target_ids = the IG accounts of the Pages ticked). */
const IG_SCOPES = new Set(['instagram_basic', 'instagram_content_publish']);

const USER_FIELDS = new Set(['id', 'name', 'picture']);
const PAGE_FIELDS = new Set(['id', 'name', 'picture', 'access_token', 'tasks', 'instagram_business_account', 'category']);
const IG_FIELDS = new Set(['id', 'username', 'name', 'profile_picture_url']);

const TOKEN_JSON = { 'content-type': 'application/json; charset=UTF-8', 'cache-control': 'private, no-cache, no-store, must-revalidate' };

const fbtrace = () => randomBytes(8).toString('base64url');

interface GraphErr {
  message: string;
  type?: string;
  code: number;
  subcode?: number;
}

function graphError(status: number, e: GraphErr, note: string, headers: Record<string, string> = {}): Reply {
  const error: Record<string, unknown> = { message: e.message, type: e.type ?? 'OAuthException', code: e.code };
  if (e.subcode !== undefined) error.error_subcode = e.subcode;
  error.fbtrace_id = fbtrace();
  return { ...json(status, { error }, { ...TOKEN_JSON, ...headers }), note };
}

const unsupportedGet = (id: string, note: string) =>
  graphError(
    400,
    {
      type: 'GraphMethodException',
      code: 100,
      subcode: 33,
      message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    },
    note,
  );

const THROTTLE_MESSAGES: Record<ThrottleCode, string> = {
  4: '(#4) Application request limit reached',
  17: '(#17) User request limit reached',
  32: '(#32) Page request limit reached',
  613: '(#613) Calls to this api have exceeded the rate limit.',
};

/** The throttle each endpoint is most likely to meet: app-level for app calls, user- or Page-level otherwise. */
const DEFAULT_THROTTLE: Record<FacebookEndpoint, ThrottleCode> = {
  token: 4,
  exchange: 4,
  debug_token: 4,
  permissions: 4,
  me: 17,
  accounts: 17,
  page: 32,
  feed: 32,
};

/**
 * Meta sends no Retry-After: X-App-Usage carries percentages only, and X-Business-Use-Case-Usage (Page
 * and other business objects) carries estimated_time_to_regain_access in minutes.
 */
function throttleReply(code: ThrottleCode, retryAfterSec: number, objectId: string): Reply {
  const usage = { call_count: 100, total_cputime: 34, total_time: 41 };
  const headers: Record<string, string> =
    code === 32
      ? {
          'x-business-use-case-usage': JSON.stringify({
            [objectId]: [{ type: 'pages', ...usage, estimated_time_to_regain_access: Math.max(1, Math.ceil(retryAfterSec / 60)) }],
          }),
        }
      : { 'x-app-usage': JSON.stringify(usage) };
  return graphError(code === 4 ? 403 : 400, { code, message: THROTTLE_MESSAGES[code] }, `throttled (#${code})`, headers);
}

interface App {
  clientId: string;
  clientSecret: string | null;
  redirectUris: string[];
  name: string;
  mode: 'development' | 'live';
}

/** One user's consent to one app; later consents update it, removing the app ends it. */
interface Authorization {
  appId: string;
  userId: string;
  scopes: string[];
  declined: string[];
  pageIds: string[];
  igIds: string[];
  /** Per permission, targets that differ from pageIds / igIds. */
  targets: Record<string, string[]>;
  revoked: boolean;
  dataAccessExpiresAt: number;
}

interface TokenRecord {
  auth: Authorization;
  kind: 'user' | 'page';
  pageId?: string;
  issuedAt: number;
  /** Fake-clock ms; 0 = never. */
  expiresAt: number;
  longLived: boolean;
  death: { subcode: number; message: string } | null;
}

interface CodeRecord {
  appId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  choice: ConsentChoice | null;
  expiresAt: number;
  used: boolean;
}

type Field = { name: string; sub: Field[] | null };

/** Graph's field syntax: a,b,c{d,e}; unbalanced braces give null. */
export function parseFields(spec: string): Field[] | null {
  const out: Field[] = [];
  let i = 0;
  const parseList = (into: Field[]): boolean => {
    while (i < spec.length) {
      const m = /^[a-z_0-9]+/.exec(spec.slice(i));
      if (!m) return false;
      i += m[0].length;
      let sub: Field[] | null = null;
      if (spec[i] === '{') {
        i++;
        sub = [];
        if (!parseList(sub) || spec[i] !== '}') return false;
        i++;
      }
      into.push({ name: m[0], sub });
      if (spec[i] === ',') {
        i++;
        continue;
      }
      return true;
    }
    return true;
  };
  if (spec === '') return [];
  return parseList(out) && i === spec.length ? out : null;
}

function colorOf(id: string): [number, number, number] {
  const h = createHash('sha1').update(id).digest();
  return [h[0]!, h[1]!, h[2]!];
}

function fbDate(ms: number): string {
  return new Date(ms).toUTCString();
}

export async function startFakeFacebook(opts: FakeFacebookOptions = {}): Promise<FakeFacebook> {
  const shortLivedSec = opts.shortLivedSec ?? 5400;
  const longLivedSec = opts.longLivedSec ?? 60 * DAY_SEC;
  const apps = new Map<string, App>();
  const codes = new Map<string, CodeRecord>();
  const authorizations: Authorization[] = [];
  const tokens = new Map<string, TokenRecord>();
  /** The Page token /me/accounts gives for (user token, Page): the same one on every call, as Facebook does. */
  const pageTokens = new Map<string, string>();
  const checkpoints = new Set<string>();
  const throttles = new Map<FacebookEndpoint, { code: ThrottleCode; retryAfterSec: number }[]>();
  const igLinks = new Map<string, string | null>(FACEBOOK_USERS.flatMap((u) => u.pages.map((p) => [p.pageId, p.instagram] as const)));
  const tasks = new Map<string, string[]>();
  let pendingChoice: ConsentChoice | null = null;

  const sampleUser = FACEBOOK_USERS[0]!;
  const samplePage = sampleUser.pages[0]!;
  const server = await createFakeServer({
    name: 'Facebook',
    port: opts.port,
    endpoints: ALL_ENDPOINTS,
    failures: {
      sample: (endpoint) => sampleBody(endpoint as FacebookEndpoint),
      missingFields: (endpoint) => {
        switch (endpoint as FacebookEndpoint) {
          case 'token':
          case 'exchange':
            return { token_type: 'bearer', expires_in: shortLivedSec };
          case 'debug_token':
            return { data: { app_id: 'x', type: 'USER' } };
          case 'me':
            return { name: sampleUser.name };
          case 'accounts':
            return { paging: { cursors: {} } };
          case 'page':
            return { instagram_business_account: { username: 'sunrise.bakery' } };
          case 'permissions':
            return {};
          case 'feed':
            return { post_id: `${samplePage.pageId}_1` };
        }
      },
      rateLimited: (endpoint, info: RateLimitInfo) => throttleReply(DEFAULT_THROTTLE[endpoint as FacebookEndpoint], info.resetAt - server.clock.nowSec(), samplePage.pageId),
      invalidGrant: (endpoint) =>
        endpoint === 'token'
          ? graphError(400, { code: 100, subcode: 36009, message: 'This authorization code has been used.' }, '')
          : graphError(400, expiredError(now() - 1000), ''),
      overrides: {
        server_error: () => graphError(500, { code: 1, message: 'An unknown error has occurred.' }, ''),
      },
    },
  });
  const now = () => server.clock.now();

  function sampleBody(endpoint: FacebookEndpoint): unknown {
    switch (endpoint) {
      case 'token':
      case 'exchange':
        return { access_token: `EAA${randomToken(40)}`, token_type: 'bearer', expires_in: shortLivedSec };
      case 'debug_token':
        return { data: { app_id: 'x', type: 'USER', application: 'Plugboard', expires_at: 0, is_valid: true, scopes: ['pages_show_list'], user_id: sampleUser.userId } };
      case 'me':
        return { id: sampleUser.userId, name: sampleUser.name };
      case 'accounts':
        return { data: [{ id: samplePage.pageId, name: samplePage.name, access_token: `EAA${randomToken(40)}`, tasks: FULL_TASKS }] };
      case 'page':
        return { id: samplePage.pageId, instagram_business_account: { id: samplePage.instagram, username: 'sunrise.bakery' } };
      case 'permissions':
        return { success: true };
      case 'feed':
        return { id: `${samplePage.pageId}_1` };
    }
  }

  function registerApp(app: FacebookAppRegistration): void {
    apps.set(app.clientId, { clientId: app.clientId, clientSecret: app.clientSecret, redirectUris: [...app.redirectUris], name: app.name ?? 'Plugboard', mode: app.mode ?? 'development' });
  }
  for (const app of opts.apps ?? []) registerApp(app);

  const pictureUrl = (id: string) => `${PICTURE_ORIGIN}${PICTURE_DIR}/${id}_n.png?stp=dst-png_s50x50&_nc_cat=1&oh=00_fake`;
  const pictureOf = (id: string) => ({ data: { height: PICTURE_SIZE, is_silhouette: false, url: pictureUrl(id), width: PICTURE_SIZE } });
  const pictures = new Map<string, Buffer>([
    ...FACEBOOK_USERS.flatMap((u) => [u.userId, ...u.pages.map((p) => p.pageId)]).filter((id) => id !== PAGE_WITHOUT_PICTURE),
    ...INSTAGRAM_ACCOUNTS.filter((a) => a.hasPicture).map((a) => a.igUserId),
  ].map((id) => [`${id}_n.png`, solidPng(PICTURE_SIZE, colorOf(id))] as const));

  const userOf = (userId: string) => FACEBOOK_USERS.find((u) => u.userId === userId);
  const pageOf = (pageId: string): { page: SeedPage; admin: SeedFacebookUser } | undefined => {
    for (const admin of FACEBOOK_USERS) {
      const page = admin.pages.find((p) => p.pageId === pageId);
      if (page) return { page, admin };
    }
    return undefined;
  };
  const tasksOf = (userId: string, pageId: string) => tasks.get(`${userId}|${pageId}`) ?? FULL_TASKS;

  // ---- the dialog ----

  function dialogError(title: string, message: string, note: string): Reply {
    // Facebook answers these with a page (HTTP 200) and no redirect: the app's redirect cannot be trusted.
    return {
      ...html(
        200,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Facebook</title></head>` +
          `<body style="font:14px system-ui,sans-serif;max-width:460px;margin:60px auto"><div role="alert">` +
          `<h1 data-testid="error-title" style="font-size:18px">${escapeHtml(title)}</h1><p data-testid="error-detail">${escapeHtml(message)}</p></div></body></html>`,
      ),
      note: `dialog refused: ${title}`,
    };
  }

  function redirectAllowed(app: App, redirectUri: string): 'ok' | 'blocked' | 'insecure' {
    if (!app.redirectUris.includes(redirectUri)) return 'blocked';
    let url: URL;
    try {
      url = new URL(redirectUri);
    } catch {
      return 'blocked';
    }
    if (url.protocol === 'https:') return 'ok';
    return url.protocol === 'http:' && url.hostname === 'localhost' && app.mode === 'development' ? 'ok' : 'insecure';
  }

  function dialog(req: FakeRequest): Reply {
    const q = req.query;
    if (!validVersion(req.params.version)) return dialogError('Sorry, this content isn’t available right now', 'The link you followed may be broken.', 'bad version');
    const app = apps.get(q.get('client_id') ?? '');
    if (!app) return dialogError('Invalid App ID', 'The provided app ID does not look like a valid app ID.', 'unknown app');
    const redirectUri = q.get('redirect_uri') ?? '';
    const allowed = redirectAllowed(app, redirectUri);
    if (allowed === 'blocked') {
      return dialogError(
        'URL Blocked',
        "This redirect failed because the redirect URI is not whitelisted in the app's Client OAuth Settings. Make sure Client and Web OAuth Login are on and add all your app domains as Valid OAuth Redirect URIs.",
        'redirect_uri not listed',
      );
    }
    if (allowed === 'insecure') {
      return dialogError('Insecure Login Blocked', "You can't get an access token or log in to this app from an insecure page. Try re-loading the page as https://", 'http redirect refused');
    }
    const responseType = q.get('response_type') ?? 'code';
    if (responseType !== 'code') return dialogError('Unsupported response_type', `This fake issues codes only (response_type=${responseType}).`, 'bad response_type');
    const scopes = (q.get('scope') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const invalid = scopes.filter((s) => !(s in SCOPES));
    if (invalid.length > 0) {
      return dialogError(
        'Invalid Scopes',
        `Invalid Scopes: ${invalid.join(', ')}. This message is only shown to developers. Users of your app will ignore these permissions if present. Please read the documentation for valid permissions at: https://developers.facebook.com/docs/facebook-login/permissions`,
        'invalid scopes',
      );
    }
    const state = q.get('state');

    const decide = (d: ConsentDecision): Reply => {
      const target = new URL(redirectUri);
      const choice = pendingChoice;
      pendingChoice = null;
      if (!d.approve) {
        target.searchParams.set('error', 'access_denied');
        target.searchParams.set('error_code', '200');
        target.searchParams.set('error_description', 'Permissions error');
        target.searchParams.set('error_reason', 'user_denied');
      } else {
        const code = `AQ${randomToken(96)}`;
        codes.set(code, { appId: app.clientId, userId: d.userId, redirectUri, scopes, choice, expiresAt: now() + CODE_LIFETIME_MS, used: false });
        target.searchParams.set('code', code);
      }
      if (state !== null) target.searchParams.set('state', state);
      // Facebook appends an empty fragment to every Login redirect.
      target.hash = '_=_';
      return { ...redirect(target.href), note: d.approve ? 'approved' : 'denied' };
    };
    return server.beginConsent(
      {
        platform: 'Facebook',
        appName: app.name,
        users: FACEBOOK_USERS.map((u) => ({ id: u.userId, name: u.name, handle: u.userId })),
        scopes: scopes.map((s) => ({ name: s, description: SCOPES[s] })),
        action: `/${req.params.version}/dialog/oauth`,
        accent: '#0866ff',
      },
      decide,
    );
  }

  /** The consent a code carries becomes the user's authorization of the app (created or updated). */
  function authorize(record: CodeRecord): Authorization {
    const user = userOf(record.userId)!;
    const declined = record.choice?.declineScopes ?? [];
    const scopes = [...new Set(['public_profile', ...record.scopes])].filter((s) => !declined.includes(s));
    const pageIds = (record.choice?.pages ?? user.pages.map((p) => p.pageId)).filter((id) => user.pages.some((p) => p.pageId === id));
    const igIds = pageIds.map((id) => igLinks.get(id)).filter((ig): ig is string => Boolean(ig));
    const targets = record.choice?.targets ?? {};
    let auth = authorizations.find((a) => a.appId === record.appId && a.userId === record.userId && !a.revoked);
    if (!auth) {
      auth = { appId: record.appId, userId: record.userId, scopes, declined, pageIds, igIds, targets, revoked: false, dataAccessExpiresAt: 0 };
      authorizations.push(auth);
    }
    Object.assign(auth, { scopes, declined, pageIds, igIds, targets, dataAccessExpiresAt: now() + DATA_ACCESS_MS });
    return auth;
  }

  // ---- tokens ----

  function mint(rec: Omit<TokenRecord, 'issuedAt' | 'death'>): string {
    const token = `EAA${randomToken(96)}`;
    tokens.set(token, { ...rec, issuedAt: now(), death: null });
    return token;
  }

  function expiredError(expiresAt: number): GraphErr {
    return { code: 190, subcode: 463, message: `Error validating access token: Session has expired on ${fbDate(expiresAt)}. The current time is ${fbDate(now())}.` };
  }

  /** Why a token is refused, in Graph's words; null = usable. */
  function tokenProblem(raw: string | null): GraphErr | null {
    if (!raw) return { code: 2500, message: 'An active access token must be used to query information about the current user.', type: 'OAuthException' };
    if (!/^EAA[A-Za-z0-9_-]{20,}$/.test(raw)) return { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' };
    const rec = tokens.get(raw);
    if (!rec) return { code: 190, message: 'The access token could not be decrypted' };
    if (rec.auth.revoked) return { code: 190, subcode: 458, message: `Error validating access token: User ${rec.auth.userId} has not authorized application ${rec.auth.appId}.` };
    if (checkpoints.has(rec.auth.userId)) {
      return { code: 190, subcode: 459, message: 'Error validating access token: You cannot access the app till you log in to www.facebook.com and follow the instructions given.' };
    }
    if (rec.death) return { code: 190, subcode: rec.death.subcode, message: rec.death.message };
    if (rec.expiresAt !== 0 && rec.expiresAt <= now()) return expiredError(rec.expiresAt);
    return null;
  }

  function bearer(req: FakeRequest): string | null {
    const header = /^(?:OAuth|Bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    return header?.[1] ?? req.query.get('access_token') ?? req.form.get('access_token');
  }

  /** The request's token as a record, or the Graph error to send. */
  function requireToken(req: FakeRequest): { token: string; rec: TokenRecord } | Reply {
    const raw = bearer(req);
    const problem = tokenProblem(raw);
    if (problem) return graphError(400, problem, problem.subcode ? `token refused (${problem.subcode})` : 'token refused', problem.code === 190 ? { 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${problem.message}"` } : {});
    return { token: raw!, rec: tokens.get(raw!)! };
  }

  function appFromToken(raw: string | null): App | null {
    const [id, secret, ...rest] = (raw ?? '').split('|');
    const app = apps.get(id ?? '');
    return app && rest.length === 0 && app.clientSecret !== null && secret === app.clientSecret ? app : null;
  }

  function param(req: FakeRequest, name: string): string | null {
    return req.query.get(name) ?? req.form.get(name);
  }

  function tokenReply(token: string, expiresInSec: number, note: string): Reply {
    return { ...json(200, { access_token: token, token_type: 'bearer', expires_in: expiresInSec }, TOKEN_JSON), note };
  }

  function accessToken(req: FakeRequest): Reply {
    if (!validVersion(req.params.version)) return unknownPath(req);
    const clientId = param(req, 'client_id');
    if (!clientId) return graphError(400, { code: 101, message: 'Missing client_id parameter.' }, 'no client_id');
    const app = apps.get(clientId);
    if (!app) return graphError(400, { code: 101, message: 'Error validating application. Invalid application ID.' }, 'unknown app');
    if (app.clientSecret !== null && param(req, 'client_secret') !== app.clientSecret) {
      return graphError(400, { code: 1, message: 'Error validating client secret.' }, 'wrong client secret');
    }
    if (param(req, 'grant_type') === 'fb_exchange_token') return exchangeToken(req, app);
    const redirectUri = param(req, 'redirect_uri');
    if (redirectUri === null) return graphError(400, { code: 191, message: 'Missing redirect_uri parameter.' }, 'no redirect_uri');
    const record = codes.get(param(req, 'code') ?? '');
    if (!record || record.appId !== app.clientId) return graphError(400, { code: 100, message: 'Invalid verification code format.' }, 'unknown code');
    if (record.used) return graphError(400, { code: 100, subcode: 36009, message: 'This authorization code has been used.' }, 'code replayed');
    if (record.expiresAt <= now()) return graphError(400, { code: 100, subcode: 36007, message: 'This authorization code has expired.' }, 'code expired');
    if (redirectUri !== record.redirectUri) {
      return graphError(
        400,
        { code: 100, subcode: 36008, message: 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request' },
        'redirect_uri differs',
      );
    }
    record.used = true;
    const auth = authorize(record);
    return tokenReply(mint({ auth, kind: 'user', expiresAt: now() + shortLivedSec * 1000, longLived: false }), shortLivedSec, 'code exchanged (short-lived)');
  }

  function exchangeToken(req: FakeRequest, app: App): Reply {
    const raw = param(req, 'fb_exchange_token');
    const problem = tokenProblem(raw);
    if (problem) return graphError(400, problem, 'exchange refused');
    const rec = tokens.get(raw!)!;
    if (rec.kind !== 'user' || rec.auth.appId !== app.clientId) return graphError(400, { code: 190, message: 'Invalid OAuth access token.' }, 'not a user token of this app');
    return tokenReply(mint({ auth: rec.auth, kind: 'user', expiresAt: now() + longLivedSec * 1000, longLived: true }), longLivedSec, 'long-lived issued');
  }

  // ---- Graph nodes ----

  function fieldsOf(req: FakeRequest, allowed: Set<string>, node: string, fallback: string): Field[] | Reply {
    const fields = parseFields(req.query.get('fields') ?? fallback);
    if (!fields) return graphError(400, { code: 2500, message: `Syntax error "Expected end of string instead of "${req.query.get('fields')}"." at character 0` }, 'bad fields');
    const unknown = fields.find((f) => !allowed.has(f.name));
    if (unknown) return graphError(400, { code: 100, message: `(#100) Tried accessing nonexisting field (${unknown.name}) on node type (${node})` }, 'unknown field');
    return fields;
  }

  /** The fields asked for; Graph answers a node's id whether asked or not. */
  function pick(values: Record<string, unknown>, fields: Field[]): Record<string, unknown> {
    const asked = Object.fromEntries(fields.filter((f) => values[f.name] !== undefined).map((f) => [f.name, values[f.name]]));
    return { ...asked, id: values.id };
  }

  /** A node's fields, or the Graph error that answers instead. */
  type NodeResult = { ok: true; value: Record<string, unknown> } | { ok: false; reply: Reply };

  function igNode(igUserId: string, fields: Field[] | null): NodeResult {
    const ig = seedInstagram(igUserId)!;
    const wanted = fields ?? [{ name: 'id', sub: null }];
    const unknown = wanted.find((f) => !IG_FIELDS.has(f.name));
    if (unknown) return { ok: false, reply: graphError(400, { code: 100, message: `(#100) Tried accessing nonexisting field (${unknown.name}) on node type (IGUser)` }, 'unknown field') };
    return { ok: true, value: pick({ id: ig.igUserId, username: ig.username, name: ig.name, profile_picture_url: pictureUrl(ig.igUserId) }, wanted) };
  }

  /** Whether this token may act for the Page: its own Page token, or a user token whose consent shares it. */
  function managesPage(rec: TokenRecord, pageId: string): boolean {
    if (rec.kind === 'page') return rec.pageId === pageId;
    return rec.auth.pageIds.includes(pageId) && pageOf(pageId)?.admin.userId === rec.auth.userId;
  }

  /** The Page's fields; access_token and tasks only where the caller passes them (a role's own view). */
  function pageNode(rec: TokenRecord, pageId: string, fields: Field[], own: Record<string, unknown> = {}): NodeResult {
    const { page } = pageOf(pageId)!;
    const values: Record<string, unknown> = { id: page.pageId, name: page.name, picture: pictureOf(page.pageId), category: 'Local business', ...own };
    const igField = fields.find((f) => f.name === 'instagram_business_account');
    if (igField) {
      if (!managesPage(rec, pageId)) return { ok: false, reply: graphError(400, { code: 10, message: '(#10) Requires pages_read_engagement permission to manage the object' }, 'not a Page of this token') };
      if (!rec.auth.scopes.includes('instagram_basic')) return { ok: false, reply: graphError(400, { code: 10, message: '(#10) Application does not have permission for this action' }, 'instagram_basic not granted') };
      const ig = igLinks.get(pageId);
      // A Page without a linked professional account simply has no such field.
      if (ig) {
        const linked = igNode(ig, igField.sub);
        if (!linked.ok) return linked;
        values.instagram_business_account = linked.value;
      }
    }
    return { ok: true, value: pick(values, fields) };
  }

  const answer = (result: NodeResult, note: string): Reply => (result.ok ? { ...json(200, result.value), note } : result.reply);

  function me(req: FakeRequest): Reply {
    if (!validVersion(req.params.version)) return unknownPath(req);
    const t = requireToken(req);
    if ('status' in t) return t;
    // A Page token's /me is the Page.
    if (t.rec.kind === 'page') {
      const fields = fieldsOf(req, PAGE_FIELDS, 'Page', 'id,name');
      if (!Array.isArray(fields)) return fields;
      return answer(pageNode(t.rec, t.rec.pageId!, fields.filter((f) => f.name !== 'access_token' && f.name !== 'tasks')), 'me (Page)');
    }
    const fields = fieldsOf(req, USER_FIELDS, 'User', 'id,name');
    if (!Array.isArray(fields)) return fields;
    const user = userOf(t.rec.auth.userId)!;
    return { ...json(200, pick({ id: user.userId, name: user.name, picture: pictureOf(user.userId) }, fields)), note: 'me (User)' };
  }

  function accounts(req: FakeRequest): Reply {
    if (!validVersion(req.params.version)) return unknownPath(req);
    const t = requireToken(req);
    if ('status' in t) return t;
    if (t.rec.kind === 'page') return graphError(400, { code: 100, message: '(#100) Tried accessing nonexisting field (accounts) on node type (Page)' }, 'accounts with a Page token');
    const fields = fieldsOf(req, PAGE_FIELDS, 'Page', 'id,name');
    if (!Array.isArray(fields)) return fields;
    const { auth } = t.rec;
    const user = userOf(auth.userId)!;
    const listed = auth.scopes.includes('pages_show_list')
      ? user.pages.filter((p) => auth.pageIds.includes(p.pageId) && (!p.inBusinessPortfolio || auth.scopes.includes('business_management')))
      : [];
    const data: Record<string, unknown>[] = [];
    for (const p of listed) {
      const roleTasks = tasksOf(user.userId, p.pageId);
      const own: Record<string, unknown> = { tasks: roleTasks };
      if (roleTasks.some((task) => task !== 'ANALYZE')) own.access_token = pageTokenFor(t.token, t.rec, p.pageId);
      const result = pageNode(t.rec, p.pageId, fields, own);
      if (!result.ok) return result.reply;
      data.push(result.value);
    }
    const cursor = (id: string | undefined) => (id ? Buffer.from(id).toString('base64url') : undefined);
    const body = data.length > 0 ? { data, paging: { cursors: { before: cursor(listed[0]?.pageId), after: cursor(listed.at(-1)?.pageId) } } } : { data };
    return { ...json(200, body), note: `${data.length} Page(s) listed` };
  }

  function pageTokenFor(userToken: string, userRec: TokenRecord, pageId: string): string {
    const key = `${userToken}|${pageId}`;
    const known = pageTokens.get(key);
    if (known) return known;
    // With a long-lived user token the Page token does not expire; with a short-lived one it dies with it.
    const token = mint({ auth: userRec.auth, kind: 'page', pageId, expiresAt: userRec.longLived ? 0 : userRec.expiresAt, longLived: userRec.longLived });
    pageTokens.set(key, token);
    return token;
  }

  function node(req: FakeRequest): Reply {
    if (!validVersion(req.params.version)) return unknownPath(req);
    const t = requireToken(req);
    if ('status' in t) return t;
    const id = req.params.id!;
    if (pageOf(id)) {
      const fields = fieldsOf(req, PAGE_FIELDS, 'Page', 'id,name');
      if (!Array.isArray(fields)) return fields;
      if (fields.some((f) => f.name === 'access_token' || f.name === 'tasks') && !managesPage(t.rec, id)) return unsupportedGet(id, 'Page fields without a role');
      return answer(pageNode(t.rec, id, fields), 'Page read');
    }
    const linkedPage = [...igLinks].find(([, ig]) => ig === id)?.[0];
    if (linkedPage && managesPage(t.rec, linkedPage) && t.rec.auth.scopes.includes('instagram_basic')) {
      const fields = parseFields(req.query.get('fields') ?? 'id');
      if (!fields) return graphError(400, { code: 2500, message: 'Syntax error in fields' }, 'bad fields');
      return answer(igNode(id, fields), 'IG user read');
    }
    return unsupportedGet(id, 'unknown node');
  }

  function debugToken(req: FakeRequest): Reply {
    if (!validVersion(req.params.version)) return unknownPath(req);
    const app = appFromToken(bearer(req));
    if (!app) return graphError(400, { code: 190, message: 'Invalid OAuth access token signature.' }, 'bad app token');
    const input = req.query.get('input_token');
    if (!input) return graphError(400, { code: 100, message: '(#100) The parameter input_token is required' }, 'no input_token');
    const rec = tokens.get(input);
    const problem = tokenProblem(input);
    if (!rec || rec.auth.appId !== app.clientId) {
      const message = problem?.message ?? 'Invalid OAuth access token.';
      return { ...json(200, { data: { error: { code: 190, message }, is_valid: false, scopes: [] } }), note: 'debug: unknown token' };
    }
    const sec = (ms: number) => Math.floor(ms / 1000);
    const { auth } = rec;
    const granular = auth.scopes
      .filter((s) => PAGE_SCOPES.has(s) || IG_SCOPES.has(s) || s === 'business_management')
      .map((scope) => {
        const own = auth.targets[scope];
        if (own) return { scope, target_ids: own };
        return PAGE_SCOPES.has(scope) ? { scope, target_ids: auth.pageIds } : IG_SCOPES.has(scope) ? { scope, target_ids: auth.igIds } : { scope };
      });
    const data: Record<string, unknown> = {
      app_id: app.clientId,
      type: rec.kind === 'page' ? 'PAGE' : 'USER',
      application: app.name,
      data_access_expires_at: sec(auth.dataAccessExpiresAt),
      expires_at: rec.expiresAt === 0 ? 0 : sec(rec.expiresAt),
      is_valid: problem === null,
      issued_at: sec(rec.issuedAt),
      scopes: problem === null ? auth.scopes : [],
      granular_scopes: problem === null ? granular : [],
      user_id: auth.userId,
    };
    if (rec.kind === 'page') data.profile_id = rec.pageId;
    if (problem) data.error = { code: problem.code, message: problem.message, subcode: problem.subcode };
    return { ...json(200, { data }), note: `debug: ${rec.kind} token${problem ? ' (invalid)' : ''}` };
  }

  function revokeAuthorization(auth: Authorization): void {
    auth.revoked = true;
  }

  function deletePermissions(req: FakeRequest): Reply {
    if (!validVersion(req.params.version)) return unknownPath(req);
    const raw = bearer(req);
    const app = appFromToken(raw);
    const target = req.params.id ?? 'me';
    let auth: Authorization | undefined;
    if (app) {
      if (target === 'me') return graphError(400, { code: 2500, message: 'An active access token must be used to query information about the current user.' }, 'me with an app token');
      if (!userOf(target)) return unsupportedGet(target, 'unknown user');
      auth = authorizations.find((a) => a.appId === app.clientId && a.userId === target && !a.revoked);
    } else {
      const t = requireToken(req);
      if ('status' in t) return t;
      if (t.rec.kind !== 'user') return graphError(400, { code: 100, message: '(#100) Tried accessing nonexisting field (permissions) on node type (Page)' }, 'permissions with a Page token');
      if (target !== 'me' && target !== t.rec.auth.userId) return graphError(400, { code: 200, message: '(#200) Permissions error' }, 'another user');
      auth = t.rec.auth;
    }
    // Removing an app that was already removed succeeds: the outcome asked for holds.
    if (auth) revokeAuthorization(auth);
    return { ...json(200, { success: true }), note: auth ? 'app removed for the user' : 'nothing to remove' };
  }

  function picture(req: FakeRequest): Reply {
    const image = pictures.get(req.params.file ?? '');
    return image ? png(image) : { ...text(404, 'Not Found'), note: 'no such picture' };
  }

  function validVersion(v: string | undefined): boolean {
    return /^v\d{1,2}\.\d$/.test(v ?? '');
  }

  function unknownPath(req: FakeRequest): Reply {
    return graphError(400, { code: 2500, message: `Unknown path components: ${req.path}` }, 'unknown version');
  }

  /** Queued throttles answer before the handler, like the server's own failure injection. */
  function throttled(endpoint: FacebookEndpoint, handler: (req: FakeRequest) => Reply): (req: FakeRequest) => HandlerResult {
    return (req) => {
      const next = throttles.get(endpoint)?.shift();
      return next ? throttleReply(next.code, next.retryAfterSec, req.params.id ?? samplePage.pageId) : handler(req);
    };
  }

  // ---- controls ----

  function killTokens(userId: string, why: TokenDeath): void {
    if (why === 'app_removed') return revokeUser(userId);
    if (why === 'checkpoint') {
      checkpoints.add(userId);
      return;
    }
    const death =
      why === 'password_changed'
        ? { subcode: 460, message: 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.' }
        : why === 'logged_out'
          ? { subcode: 467, message: 'Error validating access token: The session is invalid because the user logged out.' }
          : { subcode: 463, message: `Error validating access token: Session has expired on ${fbDate(now() - 1000)}. The current time is ${fbDate(now())}.` };
    for (const rec of tokens.values()) if (rec.auth.userId === userId && !rec.death) rec.death = death;
  }

  function expireAccessTokens(userId?: string): void {
    const past = now() - 1;
    for (const rec of tokens.values()) if ((userId === undefined || rec.auth.userId === userId) && rec.expiresAt !== 0) rec.expiresAt = past;
  }

  function revokeUser(userId: string): void {
    for (const auth of authorizations) if (auth.userId === userId) revokeAuthorization(auth);
  }

  function liveGrants(userId: string): number {
    return authorizations.filter((a) => a.userId === userId && !a.revoked && [...tokens.entries()].some(([raw, rec]) => rec.auth === a && tokenProblem(raw) === null)).length;
  }

  const choiceSchema = z.object({ pages: z.array(z.string()).optional(), declineScopes: z.array(z.string()).optional(), targets: z.record(z.string(), z.array(z.string())).optional() });
  server.control('register-app', z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1).nullable(), redirectUris: z.array(z.string()).min(1), name: z.string().optional(), mode: z.enum(['development', 'live']).optional() }), registerApp);
  server.control('next-consent', choiceSchema, (choice) => {
    pendingChoice = choice;
  });
  server.control('kill-tokens', z.object({ userId: z.string(), why: z.enum(['app_removed', 'checkpoint', 'password_changed', 'expired', 'logged_out']) }), ({ userId, why }) => killTokens(userId, why));
  server.control('clear-checkpoint', z.object({ userId: z.string() }), ({ userId }) => checkpoints.delete(userId));
  server.control('throttle-next', z.object({ endpoint: z.enum(ALL_ENDPOINTS), code: z.union([z.literal(4), z.literal(17), z.literal(32), z.literal(613)]), retryAfterSec: z.number().positive().optional() }), ({ endpoint, code, retryAfterSec }) =>
    throttleNext(endpoint, code, { retryAfterSec }),
  );
  server.control('link-instagram', z.object({ pageId: z.string(), igUserId: z.string().nullable() }), ({ pageId, igUserId }) => linkInstagram(pageId, igUserId));
  server.control('set-page-tasks', z.object({ userId: z.string(), pageId: z.string(), tasks: z.array(z.string()) }), ({ userId, pageId, tasks: t }) => tasks.set(`${userId}|${pageId}`, t));

  function throttleNext(endpoint: FacebookEndpoint, code: ThrottleCode, o: { retryAfterSec?: number } = {}): void {
    if (!ALL_ENDPOINTS.includes(endpoint)) throw new Error(`Facebook fake has no endpoint '${endpoint}'`);
    const queue = throttles.get(endpoint) ?? [];
    queue.push({ code, retryAfterSec: o.retryAfterSec ?? 600 });
    throttles.set(endpoint, queue);
  }

  function linkInstagram(pageId: string, igUserId: string | null): void {
    if (!pageOf(pageId)) throw new Error(`no Page ${pageId}`);
    if (igUserId !== null && !seedInstagram(igUserId)) throw new Error(`no Instagram account ${igUserId}`);
    igLinks.set(pageId, igUserId);
  }

  /** A Page token of this Page, granted pages_manage_posts and pages_read_engagement for it, held by a role that creates content. */
  function mayPost(rec: TokenRecord, pageId: string): boolean {
    const granted = (scope: string) => rec.auth.scopes.includes(scope) && (rec.auth.targets[scope] ?? rec.auth.pageIds).includes(pageId);
    return rec.kind === 'page' && rec.pageId === pageId && granted('pages_manage_posts') && granted('pages_read_engagement') && tasksOf(rec.auth.userId, pageId).includes('CREATE_CONTENT');
  }
  const { feed, posts } = mountFacebookPosts({ server, now, validVersion, unknownPath, requireToken, pageExists: (id) => pageOf(id) !== undefined, mayPost, graphError });

  // Specific paths first: the router takes the first match.
  server.route('GET', '/:version/dialog/oauth', dialog);
  server.route('POST', '/:version/dialog/oauth', (req) => server.completeConsent(req));
  const tokenEndpoint = (req: FakeRequest) => ((req.query.get('grant_type') ?? req.form.get('grant_type')) === 'fb_exchange_token' ? 'exchange' : 'token');
  const tokenHandler = (req: FakeRequest) => {
    const throttle = throttles.get(tokenEndpoint(req) as FacebookEndpoint)?.shift();
    return throttle ? throttleReply(throttle.code, throttle.retryAfterSec, samplePage.pageId) : accessToken(req);
  };
  server.route('GET', '/:version/oauth/access_token', tokenHandler, { endpoint: tokenEndpoint });
  server.route('POST', '/:version/oauth/access_token', tokenHandler, { endpoint: tokenEndpoint });
  server.route('GET', '/:version/debug_token', throttled('debug_token', debugToken), { endpoint: 'debug_token' });
  server.route('GET', '/:version/me', throttled('me', me), { endpoint: 'me' });
  server.route('GET', '/:version/me/accounts', throttled('accounts', accounts), { endpoint: 'accounts' });
  server.route('DELETE', '/:version/me/permissions', throttled('permissions', deletePermissions), { endpoint: 'permissions' });
  server.route('DELETE', '/:version/:id/permissions', throttled('permissions', deletePermissions), { endpoint: 'permissions' });
  server.route('GET', `${PICTURE_DIR}/:file`, picture);
  server.route('POST', '/:version/:id/feed', throttled('feed', feed), { endpoint: 'feed' });
  server.route('GET', '/:version/:id', throttled('page', node), { endpoint: 'page' });

  return platformSurface(
    server,
    { endpoints: FACEBOOK_ENDPOINTS, hosts: ['https://www.facebook.com', 'https://graph.facebook.com', PICTURE_ORIGIN], users: FACEBOOK_USERS, grants: { expireAccessTokens, revokeUser, liveGrants }, consent: true },
    {
      registerApp,
      nextConsent: (choice: ConsentChoice) => {
        pendingChoice = choice;
      },
      killTokens,
      clearCheckpoint: (userId: string) => {
        checkpoints.delete(userId);
      },
      throttleNext,
      linkInstagram,
      setPageTasks: (userId: string, pageId: string, t: string[]) => {
        tasks.set(`${userId}|${pageId}`, [...t]);
      },
      posts,
    },
  );
}
