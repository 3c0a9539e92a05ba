// The shared machinery of every fake platform: a loopback HTTP server with a
// small router, body parsing, a request log, failure injection, a movable clock,
// a consent page and tiny PNG avatars. A platform file (x.ts, …) adds its routes
// and says what its failures look like; everything else lives here so the fakes
// behave alike and tests can treat them alike.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { z } from 'zod';

/** The failure catalogue every fake understands; suites iterate over it. */
export const ERROR_KINDS = ['html_502', 'bad_json', 'missing_fields', 'rate_limited', 'invalid_grant', 'server_error', 'timeout'] as const;
export type FailureKind = (typeof ERROR_KINDS)[number];

export interface FailOptions {
  /** How many consecutive requests to the endpoint fail this way (default 1). */
  times?: number;
  /** rate_limited: seconds until the reset the platform announces (default 900, X's 15-minute window). */
  retryAfterSec?: number;
  /** rate_limited: the request limit the platform announces (default 75). */
  limit?: number;
  /**
   * invalid_grant: the platform's own dead-grant body, sent with this HTTP status instead of its usual one
   * (token endpoints differ: 400 per RFC 6749, 401 at some platforms and gateways).
   */
  status?: number;
  /** invalid_grant: a WWW-Authenticate challenge sent with the reply (RFC 6749 5.2 asks for one with a 401). */
  wwwAuthenticate?: string;
}

export interface LateOptions {
  /**
   * How long after the platform acted the answer is sent, ms; null: never (the connection stays open); 'drop': the
   * connection is cut instead of answering (a proxy or the network failing after the platform acted).
   */
  afterMs: number | null | 'drop';
  /** How many consecutive requests to the endpoint answer this way (default 1). */
  times?: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Short, secret-free words for the request log. */
  note?: string;
}

/** Returned by a handler that accepts a request and never answers it. */
export const HANG: unique symbol = Symbol('hang');
export type HandlerResult = Reply | typeof HANG;

export interface FakeRequest {
  method: string;
  path: string;
  url: URL;
  query: URLSearchParams;
  /** Values of `:name` segments in the route pattern. */
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The body when it was application/x-www-form-urlencoded, else empty. */
  form: URLSearchParams;
  /** The body when it was JSON, else undefined. */
  json: unknown;
}

export type Handler = (req: FakeRequest) => HandlerResult | Promise<HandlerResult>;

export interface RouteOptions {
  /** The failure-injection name of this route; a function when one path serves several (X's token endpoint: 'token' and 'refresh'). */
  endpoint?: string | ((req: FakeRequest) => string | undefined);
}

export interface RateLimitInfo {
  /** Epoch seconds on the fake clock. */
  resetAt: number;
  limit: number;
}

/** What a platform's failures look like; generic kinds have defaults a platform may override. */
export interface FailureShapes {
  /** A plausible successful body for the endpoint; bad_json sends it cut short. */
  sample(endpoint: string): unknown;
  /** A valid JSON body that lacks the fields a client needs. */
  missingFields(endpoint: string): unknown;
  rateLimited(endpoint: string, info: RateLimitInfo): Reply;
  /** The platform's own dead-grant answer for this endpoint. */
  invalidGrant(endpoint: string): Reply;
  /** Platform looks for the kinds that have a generic default. */
  overrides?: Partial<Record<'html_502' | 'bad_json' | 'server_error', (endpoint: string) => Reply>>;
}

export interface RequestLogEntry {
  /** Fake-clock epoch ms at arrival. */
  at: number;
  method: string;
  /** Path only: queries carry codes and state. */
  path: string;
  endpoint: string | null;
  /** null while unanswered (or forever, for a 'timeout'). */
  status: number | null;
  note: string;
  /** The names of the headers that came, never their values (which carry tokens). */
  headerNames: string[];
}

export interface FakeClock {
  /** Epoch ms: real time plus the offset built up by advance(). */
  now(): number;
  nowSec(): number;
  advance(seconds: number): void;
}

export function createFakeClock(): FakeClock {
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;
  return {
    now,
    nowSec: () => Math.floor(now() / 1000),
    advance(seconds) {
      offsetMs += seconds * 1000;
    },
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

export function html(status: number, markup: string): Reply {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: markup };
}

export function text(status: number, body: string): Reply {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

export function redirect(location: string, status = 302): Reply {
  return { status, headers: { location } };
}

export function png(body: Buffer): Reply {
  return { status: 200, headers: { 'content-type': 'image/png', 'cache-control': 'max-age=86400' }, body };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Opaque and unguessable, like a platform's tokens and codes. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

const BAD_GATEWAY_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';

function failureReply(kind: Exclude<FailureKind, 'timeout'>, endpoint: string, shapes: FailureShapes, info: RateLimitInfo, opts: FailOptions): Reply {
  switch (kind) {
    case 'missing_fields':
      return json(200, shapes.missingFields(endpoint));
    case 'rate_limited':
      return shapes.rateLimited(endpoint, info);
    case 'invalid_grant': {
      const reply = shapes.invalidGrant(endpoint);
      const headers = opts.wwwAuthenticate ? { ...reply.headers, 'www-authenticate': opts.wwwAuthenticate } : reply.headers;
      return { ...reply, status: opts.status ?? reply.status, headers };
    }
  }
  const override = shapes.overrides?.[kind];
  if (override) return override(endpoint);
  switch (kind) {
    case 'html_502':
      return html(502, BAD_GATEWAY_PAGE);
    case 'bad_json': {
      const whole = JSON.stringify(shapes.sample(endpoint));
      return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: whole.slice(0, Math.max(1, Math.floor(whole.length / 2))) };
    }
    case 'server_error':
      return text(500, 'Internal Server Error');
  }
}

export interface ConsentUser {
  id: string;
  name: string;
  handle: string;
}

export interface ConsentScope {
  name: string;
  description?: string;
}

export interface ConsentPageOptions {
  platform: string;
  appName: string;
  users: readonly ConsentUser[];
  scopes: readonly ConsentScope[];
  /** Where the form posts. */
  action: string;
  /** Hidden form fields, e.g. the consent transaction. */
  hidden: Record<string, string>;
  /** CSS colour of the platform mark. */
  accent?: string;
}

export type ConsentDecision = { approve: true; userId: string } | { approve: false };

export function renderConsentPage(o: ConsentPageOptions): string {
  const e = escapeHtml;
  const accent = o.accent ?? '#111';
  const hidden = Object.entries(o.hidden)
    .map(([k, v]) => `<input type="hidden" name="${e(k)}" value="${e(v)}">`)
    .join('');
  const users = o.users
    .map(
      (u, i) =>
        `<label class="user"><input type="radio" name="user_id" value="${e(u.id)}"${i === 0 ? ' checked' : ''}>` +
        `<span class="avatar" aria-hidden="true">${e(initial(u.name))}</span>` +
        `<span class="who"><span class="name">${e(u.name)}</span><span class="handle">@${e(u.handle)}</span></span></label>`,
    )
    .join('');
  const scopes = o.scopes.map((s) => `<li><code>${e(s.name)}</code>${s.description ? ` <span>${e(s.description)}</span>` : ''}</li>`).join('');
  // Authorize comes first in the DOM so Enter approves; row-reverse puts Cancel on the left.
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authorize ${e(o.appName)} · ${e(o.platform)}</title>
<style>
body{margin:0;font:15px/1.45 system-ui,sans-serif;background:#f4f5f7;color:#16181c;display:flex;justify-content:center;padding:40px 16px}
main{background:#fff;border-radius:14px;box-shadow:0 2px 12px #0002;max-width:440px;width:100%;padding:28px}
.mark{width:40px;height:40px;border-radius:10px;background:${e(accent)};color:#fff;display:grid;place-items:center;font-weight:700;font-size:20px}
h1{font-size:20px;margin:16px 0 20px}
fieldset{border:0;margin:0 0 18px;padding:0}legend{font-weight:600;margin-bottom:8px}
.user{display:flex;align-items:center;gap:10px;padding:8px 10px;border:1px solid #d9dce1;border-radius:10px;margin-bottom:6px;cursor:pointer}
.avatar{width:32px;height:32px;border-radius:50%;background:${e(accent)};color:#fff;display:grid;place-items:center;font-weight:600}
.who{display:flex;flex-direction:column}.handle{color:#5b6470;font-size:13px}
h2{font-size:15px;margin:0 0 6px}ul{margin:0 0 22px;padding-left:18px}li span{color:#5b6470}
.actions{display:flex;flex-direction:row-reverse;gap:10px}
button{flex:1;padding:10px 14px;border-radius:999px;font:inherit;font-weight:600;cursor:pointer;border:1px solid #16181c}
.primary{background:#16181c;color:#fff}.secondary{background:#fff;color:#16181c}
</style></head>
<body><main aria-labelledby="title">
<div class="mark" aria-hidden="true">${e(initial(o.platform))}</div>
<h1 id="title">${e(o.appName)} wants to access your ${e(o.platform)} account</h1>
<form method="post" action="${e(o.action)}">${hidden}
<fieldset><legend>Continue as</legend>${users}</fieldset>
<h2>This app will be able to</h2><ul>${scopes}</ul>
<div class="actions"><button type="submit" name="decision" value="approve" class="primary">Authorize app</button><button type="submit" name="decision" value="deny" class="secondary" formnovalidate>Cancel</button></div>
</form></main></body></html>`;
}

function initial(name: string): string {
  return (name.trim()[0] ?? '?').toUpperCase();
}

/** A solid-colour square PNG (8-bit RGB), enough for an avatar a client must fetch and decode. */
export function solidPng(size: number, rgb: readonly [number, number, number]): Buffer {
  const row = Buffer.alloc(1 + size * 3);
  for (let x = 0; x < size; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** The controls every platform fake exposes, so suites and the demo can drive any of them alike. */
export interface FakePlatform<E extends string = string> {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** Real platform origin → this fake, for the app's origin rewriting. */
  originMap(): Record<string, string>;
  /** The names failNext accepts. */
  readonly endpoints: readonly E[];
  readonly requests: RequestLogEntry[];
  clearRequests(): void;
  failNext(endpoint: E, kind: FailureKind, opts?: FailOptions): void;
  /**
   * The next request to the endpoint is served as usual (a refresh rotates, a code is used up),
   * but its answer is sent late or never: what a client sees when a slow platform outlasts its
   * time-out after acting.
   */
  answerLate(endpoint: E, opts: LateOptions): void;
  /** Fake-clock epoch ms. */
  now(): number;
  advance(seconds: number): void;
  expireAccessTokens(userId?: string): void;
  /** Every grant of the user dies, as when they remove the app in the platform's settings. */
  revokeUser(userId: string): void;
  /** Grants of the user still usable (a refresh token or an unexpired access token, not revoked). */
  liveGrants(userId: string): number;
  close(): Promise<void>;
}

/** A platform with a browser consent step. */
export interface FakeOAuthPlatform<E extends string = string> extends FakePlatform<E> {
  autoApprove(userId: string): void;
  autoDeny(): void;
}

/** What a fake does to its grants; the platform decides what a grant is. */
export interface GrantControls {
  expireAccessTokens(userId?: string): void;
  revokeUser(userId: string): void;
  liveGrants(userId: string): number;
}

/** One user's authorization of one client at an OAuth platform with access and refresh tokens. */
export interface OAuthGrant {
  clientId: string;
  userId: string;
  scopes: string[];
  refreshToken: string | null;
  /** Access token → expiry (fake-clock ms). Earlier access tokens stay valid until they expire. */
  accessTokens: Map<string, number>;
  revoked: boolean;
  /** When every refresh token of this grant stops working (fake-clock ms); null: never. */
  refreshDeadline: number | null;
}

/**
 * The grants of a refresh-token platform (X, TikTok, Google, LinkedIn), indexed by their tokens;
 * what a refresh rotates and a revoke removes is each platform's own.
 */
export class GrantBook<G extends OAuthGrant> implements GrantControls {
  readonly all: G[] = [];
  readonly byAccess = new Map<string, G>();
  readonly byRefresh = new Map<string, G>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  add(grant: G): G {
    this.all.push(grant);
    return grant;
  }

  /** The grant ends: none of its tokens is accepted any more. */
  revoke(grant: G): void {
    grant.revoked = true;
    for (const t of grant.accessTokens.keys()) this.byAccess.delete(t);
    if (grant.refreshToken) this.byRefresh.delete(grant.refreshToken);
    grant.refreshToken = null;
  }

  // Arrow functions: the platform surface hands these out detached from the book.
  readonly expireAccessTokens = (userId?: string): void => {
    const past = this.#now() - 1;
    for (const g of this.all) if (userId === undefined || g.userId === userId) for (const t of g.accessTokens.keys()) g.accessTokens.set(t, past);
  };

  readonly revokeUser = (userId: string): void => {
    for (const g of this.all) if (g.userId === userId) this.revoke(g);
  };

  /** Grants of the user still good for something: a refresh token before its deadline, or an unexpired access token. */
  readonly liveGrants = (userId: string): number => {
    const t = this.#now();
    const refreshable = (g: G) => g.refreshToken !== null && (g.refreshDeadline === null || g.refreshDeadline > t);
    return this.all.filter((g) => g.userId === userId && !g.revoked && (refreshable(g) || [...g.accessTokens.values()].some((exp) => exp > t))).length;
  };
}

export interface PlatformSurfaceOptions<E extends string, U> {
  endpoints: readonly E[];
  /** Real platform origins this one port stands in for. */
  hosts: readonly string[];
  users: readonly U[];
  grants: GrantControls;
  /** The platform has a browser consent step (autoApprove, autoDeny). */
  consent?: boolean;
  /**
   * false: the platform registers its own grant and user controls (Bluesky keys them by
   * did and must not hand out app passwords).
   */
  controls?: boolean;
}

type Surface<E extends string, U> = FakePlatform<E> & { readonly users: readonly U[] };

/**
 * The FakePlatform fields and grant/user HTTP controls that every fake shares, merged with
 * the platform's own members. `own` is assigned onto the surface rather than spread into it
 * because spreading would freeze the `requests` getter into a snapshot.
 */
export function platformSurface<E extends string, U, X extends object>(
  server: FakeServer,
  o: PlatformSurfaceOptions<E, U> & { consent: true },
  own: X,
): FakeOAuthPlatform<E> & Surface<E, U> & X;
export function platformSurface<E extends string, U, X extends object>(server: FakeServer, o: PlatformSurfaceOptions<E, U>, own: X): Surface<E, U> & X;
export function platformSurface<E extends string, U, X extends object>(server: FakeServer, o: PlatformSurfaceOptions<E, U>, own: X): Surface<E, U> & X {
  const { grants } = o;
  if (o.controls !== false) {
    server.control('expire-access-tokens', z.object({ userId: z.string().optional() }), ({ userId }) => grants.expireAccessTokens(userId));
    server.control('revoke-user', z.object({ userId: z.string() }), ({ userId }) => grants.revokeUser(userId));
    server.control('live-grants', z.object({ userId: z.string() }), ({ userId }) => grants.liveGrants(userId));
    server.control('users', z.object({}), () => o.users);
  }
  const surface: Surface<E, U> & Partial<Pick<FakeOAuthPlatform<E>, 'autoApprove' | 'autoDeny'>> = {
    origin: server.origin,
    endpoints: o.endpoints,
    users: o.users,
    originMap: () => Object.fromEntries(o.hosts.map((h) => [h, server.origin])),
    get requests() {
      return server.requests;
    },
    clearRequests: () => server.clearRequests(),
    failNext: (endpoint, kind, failOpts) => server.failNext(endpoint, kind, failOpts),
    answerLate: (endpoint, lateOpts) => server.answerLate(endpoint, lateOpts),
    now: () => server.clock.now(),
    advance: (seconds) => server.clock.advance(seconds),
    expireAccessTokens: grants.expireAccessTokens,
    revokeUser: grants.revokeUser,
    liveGrants: grants.liveGrants,
    close: () => server.close(),
  };
  if (o.consent) {
    surface.autoApprove = (userId) => server.autoApprove(userId);
    surface.autoDeny = () => server.autoDeny();
  }
  return Object.assign(surface, own);
}

export interface AppRegistration {
  clientId: string;
  /** null = a public client. */
  clientSecret: string | null;
  redirectUris: string[];
  name?: string;
}

export interface RegisteredApp {
  clientId: string;
  clientSecret: string | null;
  redirectUris: string[];
  name: string;
}

/** The client registry of a platform whose apps carry nothing beyond id, secret, redirects and name; also the register-app control. */
export function appRegistry(server: FakeServer, seed: readonly AppRegistration[] = []): { apps: Map<string, RegisteredApp>; registerApp(app: AppRegistration): void } {
  const apps = new Map<string, RegisteredApp>();
  function registerApp(app: AppRegistration): void {
    // Copied so a caller mutating its registration later cannot change what the platform knows.
    apps.set(app.clientId, { clientId: app.clientId, clientSecret: app.clientSecret, redirectUris: [...app.redirectUris], name: app.name ?? 'Plugboard' });
  }
  for (const app of seed) registerApp(app);
  server.control('register-app', z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1).nullable(), redirectUris: z.array(z.string()).min(1), name: z.string().optional() }), registerApp);
  return { apps, registerApp };
}

export interface FakeServerOptions {
  /** For error messages. */
  name: string;
  /** 0 or absent = a random free port. */
  port?: number;
  /** The endpoint names failNext accepts. */
  endpoints: readonly string[];
  failures: FailureShapes;
  /** Request bodies above this many bytes get 413 (default 64 KiB). */
  bodyLimit?: number;
  clock?: FakeClock;
}

export interface FakeServer {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly port: number;
  readonly clock: FakeClock;
  /** A copy of the log, oldest first; /__control requests are not logged. */
  readonly requests: RequestLogEntry[];
  clearRequests(): void;
  route(method: string, path: string, handler: Handler, opts?: RouteOptions): void;
  /** A JSON POST test control at /__control/<name>; the handler's result is sent back as {ok:true,result}. */
  control<S extends z.ZodType>(name: string, schema: S, handler: (body: z.infer<S>) => unknown): void;
  /** A read-only test control answering GET /__control/<name> with {ok:true,result}: what a demo page can poll. */
  view(name: string, read: () => unknown): void;
  failNext(endpoint: string, kind: FailureKind, opts?: FailOptions): void;
  answerLate(endpoint: string, opts: LateOptions): void;
  /** The next consent request is decided without a page. */
  autoApprove(userId: string): void;
  autoDeny(): void;
  /**
   * For an authorize handler whose request passed validation: applies a pending
   * auto decision at once, or renders the consent page and remembers `decide`
   * until the form posts to `page.action` (route it to completeConsent).
   */
  beginConsent(page: Omit<ConsentPageOptions, 'hidden'>, decide: (d: ConsentDecision) => Reply): Reply;
  completeConsent(req: FakeRequest): Reply;
  close(): Promise<void>;
}

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
  endpoint: RouteOptions['endpoint'];
}

interface QueuedFailure {
  kind: FailureKind;
  opts: FailOptions;
}

interface PendingConsent {
  userIds: Set<string>;
  decide: (d: ConsentDecision) => Reply;
  expiresAt: number;
}

const CONSENT_TTL_MS = 10 * 60_000;
const CONTROL_PREFIX = '/__control/';
/**
 * Not any platform's: bulk bytes for the gateway's proxy tests and bench, which stream 100 MiB each way, and a
 * redirect to anywhere. Every fake serves them, under whichever platform origin maps to it, never buffering a body:
 *   PUT|POST /__stream/sink         → {"bytes": n} once the whole body has been counted
 *   GET      /__stream/source?bytes=n  → n bytes (application/octet-stream, with content-length)
 *   GET      /__stream/redirect?to=URL → 302 to URL
 */
const STREAM_PREFIX = '/__stream/';
const STREAM_CHUNK = 64 * 1024;

export async function createFakeServer(opts: FakeServerOptions): Promise<FakeServer> {
  const clock = opts.clock ?? createFakeClock();
  const bodyLimit = opts.bodyLimit ?? 64 * 1024;
  const endpoints = new Set(opts.endpoints);
  const routes: Route[] = [];
  const controls = new Map<string, (body: unknown) => unknown>();
  const views = new Map<string, (body: unknown) => unknown>();
  const failures = new Map<string, QueuedFailure[]>();
  const lateAnswers = new Map<string, LateOptions['afterMs'][]>();
  const log: RequestLogEntry[] = [];
  const pendingConsents = new Map<string, PendingConsent>();
  let autoDecision: ConsentDecision | null = null;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, text(500, `${opts.name} fake crashed: ${(err as Error).message}`));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const isControl = url.pathname.startsWith(CONTROL_PREFIX);
    const entry: RequestLogEntry = { at: clock.now(), method, path: url.pathname, endpoint: null, status: null, note: '', headerNames: Object.keys(req.headers) };
    if (!isControl) log.push(entry);
    const answer = (reply: Reply) => {
      entry.status = reply.status;
      if (reply.note) entry.note = reply.note;
      send(res, reply);
    };
    if (url.pathname.startsWith(STREAM_PREFIX)) return stream(method, url, req, res, entry);

    let raw: Buffer;
    try {
      raw = await readBody(req, bodyLimit);
    } catch {
      answer({ ...text(413, 'Payload Too Large'), note: 'body over limit' });
      req.resume();
      return;
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    let body: unknown;
    if (contentType === 'application/json' && raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        answer({ ...text(400, 'Malformed JSON body'), note: 'malformed JSON body' });
        return;
      }
    }
    const base = {
      method,
      path: url.pathname,
      url,
      query: url.searchParams,
      headers: req.headers,
      form: contentType === 'application/x-www-form-urlencoded' ? new URLSearchParams(raw.toString('utf8')) : new URLSearchParams(),
      json: body,
    };

    if (isControl) {
      const name = url.pathname.slice(CONTROL_PREFIX.length);
      // GET reaches only views: a page the demo opens must not be able to change a fake.
      const control = method === 'POST' ? controls.get(name) : method === 'GET' ? views.get(name) : undefined;
      if (!control) return send(res, json(404, { ok: false, error: `no control ${method} ${url.pathname}` }));
      try {
        send(res, json(200, { ok: true, result: (await control(body ?? {})) ?? null }));
      } catch (err) {
        send(res, json(400, { ok: false, error: err instanceof z.ZodError ? z.prettifyError(err) : (err as Error).message }));
      }
      return;
    }

    const segments = splitPath(url.pathname);
    const match = matchRoute(method, segments);
    if (!match) return answer({ ...text(404, 'Not Found'), note: 'no route' });
    const request: FakeRequest = { ...base, params: match.params };
    const endpoint = typeof match.route.endpoint === 'function' ? match.route.endpoint(request) : match.route.endpoint;
    entry.endpoint = endpoint ?? null;

    const failure = endpoint ? failures.get(endpoint)?.shift() : undefined;
    if (failure && endpoint) {
      entry.note = `injected ${failure.kind}`;
      if (failure.kind === 'timeout') return;
      const info = { resetAt: clock.nowSec() + (failure.opts.retryAfterSec ?? 900), limit: failure.opts.limit ?? 75 };
      return answer({ ...failureReply(failure.kind, endpoint, opts.failures, info, failure.opts), note: `injected ${failure.kind}` });
    }
    const result = await match.route.handler(request);
    if (result === HANG) return;
    const late = endpoint ? lateAnswers.get(endpoint)?.shift() : undefined;
    if (late === undefined) return answer(result);
    // Done at the platform, logged as done; the answer alone is held back.
    entry.status = result.status;
    entry.note = `${result.note ?? ''}${result.note ? '; ' : ''}${late === null ? 'answer withheld' : late === 'drop' ? 'connection cut' : `answered ${late} ms late`}`;
    if (late === 'drop') return void res.destroy();
    // A client that gave up has closed the connection by then; nothing is left to answer.
    if (late !== null) setTimeout(() => res.destroyed || send(res, result), late).unref();
  }

  async function stream(method: string, url: URL, req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry): Promise<void> {
    const what = url.pathname.slice(STREAM_PREFIX.length);
    const finish = (status: number, note: string) => Object.assign(entry, { status, note });
    if (what === 'sink' && (method === 'PUT' || method === 'POST')) {
      let bytes = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) bytes += chunk.length;
      finish(200, `sank ${bytes} bytes`);
      return send(res, json(200, { bytes }));
    }
    req.resume();
    const bytes = Number(url.searchParams.get('bytes'));
    if (what === 'source' && method === 'GET' && Number.isSafeInteger(bytes) && bytes >= 0) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes) });
      const block = Buffer.alloc(STREAM_CHUNK, 0x61);
      for (let left = bytes; left > 0 && !res.destroyed; left -= STREAM_CHUNK) {
        // Waits for the reader: a slow one holds the source back rather than filling memory.
        if (!res.write(left >= STREAM_CHUNK ? block : block.subarray(0, left))) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
      }
      res.end();
      finish(200, `sourced ${bytes} bytes`);
      return;
    }
    const to = url.searchParams.get('to');
    if (what === 'redirect' && to) {
      finish(302, 'redirected');
      return send(res, redirect(to));
    }
    finish(404, 'no such stream');
    send(res, text(404, 'Not Found'));
  }

  function validEndpoint(endpoint: string): void {
    if (!endpoints.has(endpoint)) throw new Error(`${opts.name} fake has no endpoint '${endpoint}' (known: ${[...endpoints].join(', ')})`);
  }

  function matchRoute(method: string, segments: string[]): { route: Route; params: Record<string, string> } | null {
    for (const route of routes) {
      if (route.method !== method || route.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const ok = route.segments.every((s, i) => {
        if (s.startsWith(':')) {
          params[s.slice(1)] = segments[i]!;
          return true;
        }
        return s === segments[i];
      });
      if (ok) return { route, params };
    }
    return null;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`${opts.name} fake could not listen on 127.0.0.1:${opts.port ?? 0}: ${err.code ?? err.message}`, { cause: err })),
    );
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const fake: FakeServer = {
    origin: `http://127.0.0.1:${port}`,
    port,
    clock,
    get requests() {
      return log.map((e) => ({ ...e }));
    },
    clearRequests() {
      log.length = 0;
    },
    route(method, path, handler, routeOpts = {}) {
      routes.push({ method: method.toUpperCase(), segments: splitPath(path), handler, endpoint: routeOpts.endpoint });
    },
    control(name, schema, handler) {
      controls.set(name, (body) => handler(schema.parse(body)));
    },
    view(name, read) {
      views.set(name, () => read());
    },
    failNext(endpoint, kind, failOpts = {}) {
      validEndpoint(endpoint);
      if (!(ERROR_KINDS as readonly string[]).includes(kind)) throw new Error(`unknown failure kind '${kind}'`);
      const queue = failures.get(endpoint) ?? [];
      for (let i = 0; i < (failOpts.times ?? 1); i++) queue.push({ kind, opts: failOpts });
      failures.set(endpoint, queue);
    },
    answerLate(endpoint, lateOpts) {
      validEndpoint(endpoint);
      const queue = lateAnswers.get(endpoint) ?? [];
      for (let i = 0; i < (lateOpts.times ?? 1); i++) queue.push(lateOpts.afterMs);
      lateAnswers.set(endpoint, queue);
    },
    autoApprove(userId) {
      autoDecision = { approve: true, userId };
    },
    autoDeny() {
      autoDecision = { approve: false };
    },
    beginConsent(page, decide) {
      if (autoDecision) {
        const decision = autoDecision;
        autoDecision = null;
        if (decision.approve && !page.users.some((u) => u.id === decision.userId)) {
          return text(400, `auto-approve names unknown user ${decision.userId}`);
        }
        return decide(decision);
      }
      const txn = randomToken(16);
      pendingConsents.set(txn, { userIds: new Set(page.users.map((u) => u.id)), decide, expiresAt: clock.now() + CONSENT_TTL_MS });
      return { ...html(200, renderConsentPage({ ...page, hidden: { txn } })), note: 'consent page' };
    },
    completeConsent(req) {
      const txn = req.form.get('txn') ?? '';
      const pending = pendingConsents.get(txn);
      pendingConsents.delete(txn);
      if (!pending || pending.expiresAt < clock.now()) return { ...text(400, 'This authorization request has expired. Start again from the app.'), note: 'stale consent' };
      const decision = req.form.get('decision');
      if (decision === 'deny') return pending.decide({ approve: false });
      const userId = req.form.get('user_id') ?? '';
      if (decision !== 'approve' || !pending.userIds.has(userId)) return { ...text(400, 'Bad consent form'), note: 'bad consent form' };
      return pending.decide({ approve: true, userId });
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hanging 'timeout' requests and idle keep-alive sockets would hold close() open forever.
        server.closeAllConnections();
      });
    },
  };

  fake.control(
    'fail-next',
    z.object({
      endpoint: z.string(),
      kind: z.enum(ERROR_KINDS),
      times: z.number().int().positive().optional(),
      retryAfterSec: z.number().optional(),
      limit: z.number().int().optional(),
      status: z.number().int().min(400).max(599).optional(),
      wwwAuthenticate: z.string().optional(),
    }),
    ({ endpoint, kind, ...rest }) => fake.failNext(endpoint, kind, rest),
  );
  fake.control('answer-late', z.object({ endpoint: z.string(), afterMs: z.union([z.number().int().nonnegative(), z.literal('drop')]).nullable(), times: z.number().int().positive().optional() }), ({ endpoint, ...rest }) =>
    fake.answerLate(endpoint, rest),
  );
  fake.control('advance', z.object({ seconds: z.number() }), ({ seconds }) => {
    clock.advance(seconds);
    return { now: clock.now() };
  });
  fake.control('auto-approve', z.object({ userId: z.string() }), ({ userId }) => fake.autoApprove(userId));
  fake.control('auto-deny', z.object({}), () => fake.autoDeny());
  fake.control('requests', z.object({}), () => fake.requests);
  fake.control('clear-requests', z.object({}), () => fake.clearRequests());
  return fake;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, reply.headers ?? {});
  res.end(reply.body ?? '');
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(new Error('body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
