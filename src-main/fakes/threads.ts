// Fake Threads: the authorization window, the code → short-lived (1 h) → long-lived (60 days) token
// chain, the 60-day extension of a long-lived token that is at least 24 hours old, GET /v1.0/me and
// profile pictures, and publishing a text post (threads-posts.ts), per /work/shared/platforms.md "Threads"
// and Meta's Threads docs. One port serves threads.net and www.threads.net (the dialog; Meta's newest
// pages write threads.com, so that host is mapped too), graph.threads.net and the picture CDN (see
// originMap()).
//
// Shapes: graph.threads.net answers errors in the Graph API shape
// {"error":{"message","type","code","error_subcode","fbtrace_id"}} with HTTP 400 (500 for code 2).
// The authorization window shows refusals as a page holding {"error_message","error_code"}, never as
// a redirect: that is how the wrong app ID (1349026) and a non-tester in development mode (1349245)
// appear in fbsamples/threads_api issues 17 and 14. Codes and state come back with "#_" appended to
// the redirect, as Meta's "Get Access Tokens" page says.
//
// Modelled where Meta documents the rule but not the refusal (unconfirmed wording and codes): the
// refusal of an unregistered redirect URI, the token endpoint's messages (taken from Facebook Login,
// whose Graph errors Threads shares), and the refusal to extend a token younger than 24 hours
// (code 100, not 190: the token is fine, only early).
//
// Test controls for another process (the demo): POST JSON to {origin}/__control/<name>,
// answer {"ok":true,"result":…} or 400 {"ok":false,"error":"…"}.
//   register-app          {clientId, clientSecret, redirectUris: string[] (https only), name?, live?, testers?, facebookAppId?}
//   auto-approve          {userId}          next authorize GET redirects with a code at once
//   auto-deny             {}                next authorize GET redirects with access_denied
//   fail-next             {endpoint: token|exchange|refresh|me|threads|threads_publish|media, kind, times?, retryAfterSec?, limit?}
//   answer-late           {endpoint, afterMs: number|null, times?}   served, but answered late or never
//   GET posts                               → the posts published (threads-posts.ts)
//   throttle-next         {endpoint, code: 4|17|32, times?, retryAfterSec?}
//   advance               {seconds}         moves the fake clock → {now}
//   expire-access-tokens  {userId?}
//   revoke-user           {userId}          the user removed the app (190/458)
//   change-password       {userId}          every session of the user ends (190/460)
//   live-grants           {userId}          → number
//   users                 {}                → the test users
//   requests              {}                → the request log
//   clear-requests        {}
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  createFakeServer,
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
} from './fake-server.ts';
import { mountThreadsPosts, THREADS_POST_ENDPOINTS, type ThreadsPost, type ThreadsPostEndpoint } from './threads-posts.ts';

export const THREADS_ENDPOINTS = ['token', 'exchange', 'refresh', 'me'] as const;
export type ThreadsEndpoint = (typeof THREADS_ENDPOINTS)[number];
const ALL_ENDPOINTS = [...THREADS_ENDPOINTS, ...THREADS_POST_ENDPOINTS];
const postStep = (endpoint: string) => (THREADS_POST_ENDPOINTS as readonly string[]).includes(endpoint);

export type ThrottleCode = 4 | 17 | 32;

export interface ThreadsUser {
  /** Threads user ids are 17 digits: past Number.MAX_SAFE_INTEGER, so they must stay strings. */
  id: string;
  username: string;
  name: string;
  threads_profile_picture_url: string;
  /** false: the picture URL answers 403 (the app must fall back to the initial). */
  hasPicture: boolean;
  /** A Threads Tester of the apps registered without their own tester list. */
  tester: boolean;
}

export interface ThreadsAppRegistration {
  /** The Threads app ID (not the Facebook App ID; a Meta app with the Threads use case has both). */
  clientId: string;
  clientSecret: string;
  /** The use case's Redirect Callback URLs: HTTPS only, matched exactly. */
  redirectUris: string[];
  name?: string;
  /** false (default): development mode, where only Threads Testers may authorize. */
  live?: boolean;
  /** User ids that accepted the tester invite; default: the seed users marked tester. */
  testers?: string[];
  /** The same Meta app's Facebook App ID, which the authorization window does not accept. */
  facebookAppId?: string;
}

export interface FakeThreads extends FakeOAuthPlatform<ThreadsEndpoint | ThreadsPostEndpoint> {
  readonly users: readonly ThreadsUser[];
  registerApp(app: ThreadsAppRegistration): void;
  /** The next `times` requests to the endpoint are throttled with this Graph code and its usage headers. */
  throttleNext(endpoint: ThreadsEndpoint, code: ThrottleCode, opts?: { times?: number; retryAfterSec?: number }): void;
  /** The user changed their password: every token of theirs answers 190/460. */
  changePassword(userId: string): void;
  /** The posts published, oldest first (threads-posts.ts). */
  posts(): ThreadsPost[];
}

export interface FakeThreadsOptions {
  port?: number;
  apps?: ThreadsAppRegistration[];
}

const SHORT_LIFETIME_SEC = 3600;
const LONG_LIFETIME_SEC = 60 * 86400;
const REFRESH_MIN_AGE_SEC = 86400;
const CODE_LIFETIME_MS = 3600_000;
const PICTURE_SIZE = 48;
const PICTURE_ORIGIN = 'https://scontent-iad3-1.cdninstagram.com';
const PICTURE_DIR = '/v/t51.2885-19';

const SCOPES: Record<string, string> = {
  threads_basic: 'Read your Threads profile and posts',
  threads_content_publish: 'Publish posts on your behalf',
  threads_read_replies: 'Read replies to your posts',
  threads_manage_replies: 'Hide and manage replies to your posts',
  threads_manage_insights: 'Read insights on your profile and posts',
};

const FIELDS = new Set(['id', 'username', 'name', 'threads_profile_picture_url', 'threads_biography']);

const USER_SEEDS: { id: string; username: string; name: string; color: [number, number, number] | null; tester: boolean }[] = [
  { id: '26000000000000001', username: 'plugboard.demo', name: 'Plugboard Demo', color: [16, 16, 16], tester: true },
  { id: '26000000000000002', username: 'maya.makes', name: 'Maya Makes', color: [120, 60, 200], tester: true },
  { id: '26000000000000003', username: 'no.picture.shop', name: 'No Picture Shop', color: null, tester: true },
  { id: '26000000000000004', username: 'not.a.tester', name: 'Nat Outsider', color: [0, 150, 120], tester: false },
];

const TOKEN_HEADERS = { 'content-type': 'application/json; charset=UTF-8', 'cache-control': 'private, no-cache, no-store, must-revalidate' };

const fbtrace = () => randomBytes(8).toString('base64url');

function graphError(status: number, code: number, message: string, note: string, extra: { subcode?: number; userMessage?: string; headers?: Record<string, string> } = {}): Reply {
  const error: Record<string, unknown> = { message, type: 'OAuthException', code };
  if (extra.subcode !== undefined) error.error_subcode = extra.subcode;
  if (extra.userMessage !== undefined) error.error_user_msg = extra.userMessage;
  error.fbtrace_id = fbtrace();
  // Graph names a dead token in WWW-Authenticate as well as in the body.
  const challenge: Record<string, string> = code === 190 ? { 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${message.replace(/"/g, "'")}"` } : {};
  return { ...json(status, { error }, { ...TOKEN_HEADERS, ...challenge, ...extra.headers }), note };
}

const cannotParse = (note: string) => graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token', note);

/**
 * What the authorization window shows when it refuses the request itself. 1349026 and 1349245 are
 * the observed codes; 1349048, used for malformed requests, is a stand-in.
 */
function dialogError(code: number, message: string, note: string): Reply {
  return { ...json(400, { error_message: message, error_code: code }), note };
}

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
  /** Why every token of the grant stopped working: 458 app removed, 460 password changed. */
  ended: 458 | 460 | null;
}

interface TokenRecord {
  grant: Grant;
  kind: 'short' | 'long';
  issuedAt: number;
  expiresAt: number;
}

interface RegisteredThreadsApp {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  name: string;
  live: boolean;
  testers: Set<string>;
  facebookAppId: string | null;
}

const registrationSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  redirectUris: z.array(z.string()).min(1),
  name: z.string().optional(),
  live: z.boolean().optional(),
  testers: z.array(z.string()).optional(),
  facebookAppId: z.string().optional(),
});

export async function startFakeThreads(opts: FakeThreadsOptions = {}): Promise<FakeThreads> {
  const codes = new Map<string, CodeRecord>();
  const grants: Grant[] = [];
  const tokens = new Map<string, TokenRecord>();
  const apps = new Map<string, RegisteredThreadsApp>();
  const throttles = new Map<ThreadsEndpoint, { code: ThrottleCode; retryAfterSec: number }[]>();

  const users: ThreadsUser[] = USER_SEEDS.map((u) => ({
    id: u.id,
    username: u.username,
    name: u.name,
    threads_profile_picture_url: `${PICTURE_ORIGIN}${PICTURE_DIR}/${u.id}_n.png?stp=dst-jpg_s150x150&_nc_ht=scontent-iad3-1.cdninstagram.com&oh=00_fake&oe=6A000000`,
    hasPicture: u.color !== null,
    tester: u.tester,
  }));
  const pictures = new Map<string, Buffer>(USER_SEEDS.flatMap((u) => (u.color ? [[`${u.id}_n.png`, solidPng(PICTURE_SIZE, u.color)] as const] : [])));

  const sampleShort = { access_token: `THAA${randomToken()}`, user_id: USER_SEEDS[0]!.id };
  const sampleLong = { access_token: `THAA${randomToken()}`, token_type: 'bearer', expires_in: LONG_LIFETIME_SEC };
  const sampleMe = { id: users[0]!.id, username: users[0]!.username, name: users[0]!.name, threads_profile_picture_url: users[0]!.threads_profile_picture_url };

  const server = await createFakeServer({
    name: 'Threads',
    port: opts.port,
    endpoints: ALL_ENDPOINTS,
    failures: {
      sample: (endpoint) => (postStep(endpoint) ? { id: '18000000000000001' } : endpoint === 'token' ? sampleShort : endpoint === 'me' ? sampleMe : sampleLong),
      missingFields: (endpoint) =>
        postStep(endpoint) ? {} : endpoint === 'token' ? { user_id: USER_SEEDS[0]!.id } : endpoint === 'me' ? { name: users[0]!.name } : { token_type: 'bearer' },
      rateLimited: (endpoint, { resetAt }) => throttled(4, Math.max(0, resetAt - server.clock.nowSec()), endpoint),
      invalidGrant: (endpoint) =>
        endpoint === 'token'
          ? graphError(400, 100, 'This authorization code has been used.', '', { subcode: 36009 })
          : graphError(400, 190, `Error validating access token: Session has expired on ${metaDate(server.clock.now() - 60_000)}.`, '', { subcode: 463 }),
      overrides: {
        server_error: () => ({ ...json(500, { error: { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', is_transient: true, code: 2, fbtrace_id: fbtrace() } }) }),
      },
    },
  });
  const now = () => server.clock.now();

  /**
   * A throttled call: code 4 (app) and 17 (user) carry X-App-Usage percentages; 32 carries
   * X-Business-Use-Case-Usage, whose estimated_time_to_regain_access (minutes) says when to come back.
   */
  function throttled(code: ThrottleCode, retryAfterSec: number, endpoint: string): Reply {
    const message = code === 4 ? '(#4) Application request limit reached' : code === 17 ? '(#17) User request limit reached' : '(#32) Page request limit reached';
    const usage = JSON.stringify({ call_count: 100, total_cputime: 34, total_time: 41 });
    const headers: Record<string, string> =
      code === 32
        ? {
            'x-business-use-case-usage': JSON.stringify({
              [users[0]!.id]: [{ type: 'threads', call_count: 100, total_cputime: 12, total_time: 18, estimated_time_to_regain_access: Math.ceil(retryAfterSec / 60) }],
            }),
          }
        : { 'x-app-usage': usage };
    return graphError(code === 32 ? 403 : 400, code, message, `throttled ${code} on ${endpoint}`, { headers });
  }

  function registerApp(app: ThreadsAppRegistration): void {
    const r = registrationSchema.parse(app);
    const notHttps = r.redirectUris.find((u) => !u.startsWith('https://'));
    // The use case's settings refuse to save anything but HTTPS, so such an app cannot exist.
    if (notHttps) throw new Error(`Threads Redirect Callback URLs must be HTTPS: ${notHttps}`);
    apps.set(r.clientId, {
      clientId: r.clientId,
      clientSecret: r.clientSecret,
      redirectUris: [...r.redirectUris],
      name: r.name ?? 'Plugboard',
      live: r.live ?? false,
      testers: new Set(r.testers ?? users.filter((u) => u.tester).map((u) => u.id)),
      facebookAppId: r.facebookAppId ?? null,
    });
  }
  for (const app of opts.apps ?? []) registerApp(app);

  function authorize(req: FakeRequest): Reply {
    const q = req.query;
    const clientId = q.get('client_id') ?? '';
    const app = apps.get(clientId);
    if (!app) {
      const facebookId = [...apps.values()].some((a) => a.facebookAppId === clientId);
      return dialogError(
        1349026,
        'No application data was given: There was a problem getting data for an application. The application may not be valid or there is a temporary glitch. Please try again later.',
        facebookId ? 'authorize refused: Facebook App ID instead of the Threads app ID' : 'authorize refused: unknown client_id',
      );
    }
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!app.redirectUris.includes(redirectUri)) return dialogError(1349048, 'Invalid Request: Request parameters are invalid: Invalid redirect_uri', 'authorize refused: redirect_uri not registered');
    if (q.get('response_type') !== 'code') return dialogError(1349048, 'Invalid Request: Request parameters are invalid: response_type must be code', 'authorize refused: response_type');
    const scopes = (q.get('scope') ?? '').split(/[\s,]+/).filter((s) => s.length > 0);
    const unknown = scopes.filter((s) => !(s in SCOPES));
    if (unknown.length > 0) return dialogError(1349048, `Invalid Request: Request parameters are invalid: Invalid scope: ${unknown.join(',')}`, 'authorize refused: unknown scope');
    if (!scopes.includes('threads_basic')) return dialogError(1349048, 'Invalid Request: Request parameters are invalid: threads_basic is required', 'authorize refused: no threads_basic');
    const state = q.get('state');

    const decide = (d: ConsentDecision): Reply => {
      const target = new URL(redirectUri);
      if (!d.approve) {
        target.searchParams.set('error', 'access_denied');
        target.searchParams.set('error_reason', 'user_denied');
        target.searchParams.set('error_description', 'Permissions error');
        if (state !== null) target.searchParams.set('state', state);
        return { ...redirect(`${target.href}#_`), note: 'denied' };
      }
      if (!app.live && !app.testers.has(d.userId)) {
        return dialogError(1349245, 'Invalid Request: The  user has not accepted the invite to test the app', 'authorize refused: not a Threads Tester of an app in development');
      }
      const code = `AQ${randomToken(96)}`;
      codes.set(code, { clientId: app.clientId, userId: d.userId, redirectUri, scopes, expiresAt: now() + CODE_LIFETIME_MS, used: false });
      target.searchParams.set('code', code);
      if (state !== null) target.searchParams.set('state', state);
      return { ...redirect(`${target.href}#_`), note: 'approved' };
    };
    return server.beginConsent(
      {
        platform: 'Threads',
        appName: app.name,
        users: users.map((u) => ({ id: u.id, name: u.name, handle: u.username })),
        scopes: scopes.map((s) => ({ name: s, description: SCOPES[s] })),
        action: '/oauth/authorize',
        accent: '#000',
      },
      decide,
    );
  }

  function issue(grant: Grant, kind: 'short' | 'long'): { token: string; lifetimeSec: number } {
    const token = `THAA${randomToken(64)}`;
    const lifetimeSec = kind === 'short' ? SHORT_LIFETIME_SEC : LONG_LIFETIME_SEC;
    tokens.set(token, { grant, kind, issuedAt: now(), expiresAt: now() + lifetimeSec * 1000 });
    return { token, lifetimeSec };
  }

  /** A usable token, or the Graph error the real API gives for it. */
  function check(value: string): TokenRecord | Reply {
    const record = tokens.get(value);
    if (!record) return cannotParse('unknown token');
    if (record.grant.ended === 458) {
      return graphError(400, 190, `Error validating access token: The user has not authorized application ${record.grant.clientId}.`, 'app removed by the user', { subcode: 458 });
    }
    if (record.grant.ended === 460) {
      return graphError(
        400,
        190,
        'Error validating access token: The session has been invalidated because the user changed their password or Meta has changed the session for security reasons.',
        'password changed',
        { subcode: 460 },
      );
    }
    if (record.expiresAt <= now()) {
      return graphError(400, 190, `Error validating access token: Session has expired on ${metaDate(record.expiresAt)}. The current time is ${metaDate(now())}.`, 'token expired', { subcode: 463 });
    }
    return record;
  }

  const param = (req: FakeRequest, name: string) => req.form.get(name) ?? req.query.get(name);

  function token(req: FakeRequest): Reply {
    const app = apps.get(param(req, 'client_id') ?? '');
    if (!app) return graphError(400, 101, 'Error validating application. Invalid application ID.', 'unknown client_id');
    if (param(req, 'client_secret') !== app.clientSecret) return graphError(400, 1, 'Error validating client secret.', 'client secret wrong');
    if (param(req, 'grant_type') !== 'authorization_code') return graphError(400, 100, 'Unsupported grant_type, must be authorization_code.', 'bad grant_type');
    const record = codes.get(param(req, 'code') ?? '');
    if (!record || record.clientId !== app.clientId) return graphError(400, 100, 'Invalid verification code format.', 'unknown code');
    if (record.used) return graphError(400, 100, 'This authorization code has been used.', 'code replayed', { subcode: 36009 });
    if (record.expiresAt <= now()) return graphError(400, 100, 'This authorization code has expired.', 'code expired', { subcode: 36007 });
    if (param(req, 'redirect_uri') !== record.redirectUri) {
      return graphError(400, 100, 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request', 'redirect_uri differs', {
        subcode: 36008,
      });
    }
    record.used = true;
    const grant: Grant = { clientId: app.clientId, userId: record.userId, scopes: record.scopes, ended: null };
    grants.push(grant);
    const { token: accessToken } = issue(grant, 'short');
    // user_id goes out as a bare JSON number, as Threads sends it: 17 digits that JSON.parse rounds.
    return { status: 200, headers: TOKEN_HEADERS, body: `{"access_token":${JSON.stringify(accessToken)},"user_id":${grant.userId}}`, note: 'code exchanged (short-lived)' };
  }

  function exchange(req: FakeRequest): Reply {
    if (req.query.get('grant_type') !== 'th_exchange_token') return graphError(400, 100, 'Unsupported grant_type, must be th_exchange_token.', 'bad grant_type');
    const found = check(req.query.get('access_token') ?? '');
    if (!('grant' in found)) return found;
    const app = apps.get(found.grant.clientId)!;
    if (req.query.get('client_secret') !== app.clientSecret) return graphError(400, 1, 'Error validating client secret.', 'client secret wrong');
    if (found.kind !== 'short') return graphError(400, 100, 'Only a short-lived access token can be exchanged for a long-lived one.', 'not a short-lived token');
    const { token: accessToken, lifetimeSec } = issue(found.grant, 'long');
    return { ...json(200, { access_token: accessToken, token_type: 'bearer', expires_in: lifetimeSec }, TOKEN_HEADERS), note: 'exchanged for long-lived' };
  }

  function refresh(req: FakeRequest): Reply {
    if (req.query.get('grant_type') !== 'th_refresh_token') return graphError(400, 100, 'Unsupported grant_type, must be th_refresh_token.', 'bad grant_type');
    const found = check(req.query.get('access_token') ?? '');
    if (!('grant' in found)) return found;
    if (found.kind !== 'long') return graphError(400, 100, 'Only a long-lived access token can be refreshed.', 'not a long-lived token');
    if (now() - found.issuedAt < REFRESH_MIN_AGE_SEC * 1000) {
      return graphError(400, 100, 'The access token cannot be refreshed yet: a long-lived token can be refreshed once it is at least 24 hours old.', 'token younger than 24 hours');
    }
    const { token: accessToken, lifetimeSec } = issue(found.grant, 'long');
    return { ...json(200, { access_token: accessToken, token_type: 'bearer', expires_in: lifetimeSec }, TOKEN_HEADERS), note: 'refreshed (60 days)' };
  }

  function me(req: FakeRequest): Reply {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const value = req.query.get('access_token') ?? bearer;
    if (!value) return graphError(400, 2500, 'An active access token must be used to query information about the current user.', 'no token');
    const found = check(value);
    if (!('grant' in found)) return found;
    const fields = (req.query.get('fields') ?? 'id').split(',').map((f) => f.trim()).filter((f) => f.length > 0);
    const bad = fields.find((f) => !FIELDS.has(f));
    if (bad) return graphError(400, 100, `(#100) Tried accessing nonexisting field (${bad}) on node type (ThreadsUser)`, 'unknown field');
    const user = users.find((u) => u.id === found.grant.userId)!;
    const all: Record<string, string> = { id: user.id, username: user.username, name: user.name, threads_profile_picture_url: user.threads_profile_picture_url, threads_biography: '' };
    return { ...json(200, Object.fromEntries(fields.map((f) => [f, all[f]]))), note: 'ok' };
  }

  function picture(req: FakeRequest): Reply {
    const image = pictures.get(req.params.file ?? '');
    // The CDN refuses a stale signed URL with 403 and a plain-text reason.
    return image ? png(image) : { ...text(403, 'URL signature expired'), note: 'no such picture' };
  }

  /** Serves a queued throttle before the handler runs, like the shared failure injection. */
  function guarded(endpoint: ThreadsEndpoint, handler: (req: FakeRequest) => Reply): (req: FakeRequest) => Reply {
    return (req) => {
      const next = throttles.get(endpoint)?.shift();
      return next ? throttled(next.code, next.retryAfterSec, endpoint) : handler(req);
    };
  }

  function throttleNext(endpoint: ThreadsEndpoint, code: ThrottleCode, o: { times?: number; retryAfterSec?: number } = {}): void {
    if (!THREADS_ENDPOINTS.includes(endpoint)) throw new Error(`Threads fake has no endpoint '${endpoint}'`);
    const queue = throttles.get(endpoint) ?? [];
    for (let i = 0; i < (o.times ?? 1); i++) queue.push({ code, retryAfterSec: o.retryAfterSec ?? 3600 });
    throttles.set(endpoint, queue);
  }

  function expireAccessTokens(userId?: string): void {
    const past = now() - 1;
    for (const record of tokens.values()) if (userId === undefined || record.grant.userId === userId) record.expiresAt = past;
  }

  function endGrants(userId: string, why: 458 | 460): void {
    for (const g of grants) if (g.userId === userId && g.ended === null) g.ended = why;
  }

  function liveGrants(userId: string): number {
    const t = now();
    return grants.filter((g) => g.userId === userId && g.ended === null && [...tokens.values()].some((r) => r.grant === g && r.expiresAt > t)).length;
  }

  server.control('register-app', registrationSchema, registerApp);
  server.control('throttle-next', z.object({ endpoint: z.enum(THREADS_ENDPOINTS), code: z.union([z.literal(4), z.literal(17), z.literal(32)]), times: z.number().int().positive().optional(), retryAfterSec: z.number().optional() }), ({ endpoint, code, ...rest }) =>
    throttleNext(endpoint, code, rest),
  );
  server.control('change-password', z.object({ userId: z.string() }), ({ userId }) => endGrants(userId, 460));

  server.route('GET', '/oauth/authorize', authorize);
  server.route('POST', '/oauth/authorize', (req) => server.completeConsent(req));
  server.route('POST', '/oauth/access_token', guarded('token', token), { endpoint: 'token' });
  server.route('GET', '/access_token', guarded('exchange', exchange), { endpoint: 'exchange' });
  server.route('GET', '/refresh_access_token', guarded('refresh', refresh), { endpoint: 'refresh' });
  server.route('GET', '/v1.0/me', guarded('me', me), { endpoint: 'me' });
  server.route('GET', `${PICTURE_DIR}/:file`, picture);
  // After /v1.0/me: the router takes the first match, and a media id sits where "me" does.
  const { posts } = mountThreadsPosts({
    server,
    now,
    grantOf: (req) => {
      const value = param(req, 'access_token') ?? /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!value) return graphError(400, 2500, 'An active access token must be used to query information about the current user.', 'no token');
      const found = check(value);
      return 'grant' in found ? found.grant : found;
    },
    usernameOf: (userId) => users.find((u) => u.id === userId)!.username,
    graphError,
  });

  return platformSurface(
    server,
    {
      endpoints: ALL_ENDPOINTS,
      hosts: ['https://threads.net', 'https://www.threads.net', 'https://threads.com', 'https://www.threads.com', 'https://graph.threads.net', PICTURE_ORIGIN],
      users,
      grants: { expireAccessTokens, revokeUser: (userId) => endGrants(userId, 458), liveGrants },
      consent: true,
    },
    { registerApp, throttleNext, changePassword: (userId: string) => endGrants(userId, 460), posts },
  );
}

/** Meta's wording of a moment in its error messages: "Wednesday, 10-Dec-25 20:00:00 PST". */
function metaDate(ms: number): string {
  const d = new Date(ms - 8 * 3600_000);
  const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())}-${months[d.getUTCMonth()]}-${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} PST`;
}
