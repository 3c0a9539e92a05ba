// Fake Google (for YouTube): OAuth 2.0 for "Desktop app" and "Web application" clients, PKCE S256,
// refresh replies without a refresh token, Testing-mode refresh-token death after 7 days, revoke,
// YouTube Data API v3 channels?mine=true and channel thumbnails, per /work/shared/platforms.md.
// One port serves accounts.google.com, oauth2.googleapis.com, www.googleapis.com and yt3.ggpht.com
// (see originMap()).
//
// Test controls for another process (the demo): POST JSON to {origin}/__control/<name>,
// answer {"ok":true,"result":…} or 400 {"ok":false,"error":"…"}.
//   register-app          {clientId, clientSecret, redirectUris: string[], type?: 'desktop'|'web', name?}
//   testing-mode          {on: boolean}     consent screen in Testing: refresh tokens issued now die after 7 days
//   auto-approve          {userId}          next authorize GET redirects with a code at once
//   auto-deny             {}                next authorize GET redirects with access_denied
//   fail-next             {endpoint: token|refresh|revoke|channels, kind, times?, retryAfterSec?, limit?}
//   advance               {seconds}         moves the fake clock → {now}
//   expire-access-tokens  {userId?}
//   revoke-user           {userId}
//   live-grants           {userId}          → number
//   users                 {}                → the test users and their channels
//   requests              {}                → the request log
//   clear-requests        {}
import { createHash } from 'node:crypto';
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

export const GOOGLE_ENDPOINTS = ['token', 'refresh', 'revoke', 'channels'] as const;
export type GoogleEndpoint = (typeof GOOGLE_ENDPOINTS)[number];

export interface GoogleChannel {
  id: string;
  title: string;
  /** With the '@', as the API gives it; absent for a channel that never claimed a handle. */
  customUrl?: string;
  thumbnailUrl: string;
  /** false: the thumbnail URL answers 404. */
  hasThumbnail: boolean;
}

export interface GoogleUser {
  /** The Google account's id (the `sub` of an id_token). */
  id: string;
  email: string;
  name: string;
  channels: GoogleChannel[];
}

export interface GoogleAppRegistration {
  clientId: string;
  clientSecret: string | null;
  /** Desktop: any port of http://127.0.0.1 or http://localhost with one of these paths. Web: exact match. */
  redirectUris: string[];
  /** Default 'desktop'. */
  type?: 'desktop' | 'web';
  name?: string;
}

export interface FakeGoogleOptions {
  port?: number;
  /** Default 3599, as Google sends for its one-hour tokens. */
  accessTokenLifetimeSec?: number;
  apps?: GoogleAppRegistration[];
  testingMode?: boolean;
}

export interface FakeGoogle extends FakeOAuthPlatform<GoogleEndpoint> {
  readonly users: readonly GoogleUser[];
  registerApp(app: GoogleAppRegistration): void;
  /** While on, refresh tokens issued die 7 days after issue (Google's Testing publishing status). */
  setTestingMode(on: boolean): void;
}

/** Ana: two channels. */
export const GOOGLE_USER_TWO_CHANNELS = '109876543210000000001';
/** Ben: one channel. */
export const GOOGLE_USER_ONE_CHANNEL = '109876543210000000002';
/** Cara: a Google account without a YouTube channel. */
export const GOOGLE_USER_NO_CHANNEL = '109876543210000000003';
/** Dev: one channel without a handle whose thumbnail answers 404. */
export const GOOGLE_USER_BROKEN_THUMBNAIL = '109876543210000000004';

const SEEDS: { id: string; email: string; name: string; channels: { id: string; title: string; customUrl?: string; color: [number, number, number] | null }[] }[] = [
  {
    id: GOOGLE_USER_TWO_CHANNELS,
    email: 'ana.example@gmail.com',
    name: 'Ana Example',
    channels: [
      { id: 'UCa1b2c3d4e5f6g7h8i9j0kA', title: 'Ana Cooks', customUrl: '@anacooks', color: [204, 0, 0] },
      { id: 'UCa1b2c3d4e5f6g7h8i9j0kB', title: 'Ana Travels', customUrl: '@anatravels', color: [0, 120, 215] },
    ],
  },
  { id: GOOGLE_USER_ONE_CHANNEL, email: 'ben.example@gmail.com', name: 'Ben Example', channels: [{ id: 'UCb1b2c3d4e5f6g7h8i9j0kA', title: 'Ben Builds', customUrl: '@benbuilds', color: [16, 160, 80] }] },
  { id: GOOGLE_USER_NO_CHANNEL, email: 'cara.example@gmail.com', name: 'Cara Example', channels: [] },
  { id: GOOGLE_USER_BROKEN_THUMBNAIL, email: 'dev.example@gmail.com', name: 'Dev Example', channels: [{ id: 'UCd1b2c3d4e5f6g7h8i9j0kA', title: 'Dev Diaries', color: null }] },
];

/** The channel ids a seeded test user's login lists, in order. */
export function seedChannelIds(userId: string): string[] {
  return SEEDS.find((u) => u.id === userId)?.channels.map((c) => c.id) ?? [];
}

const SCOPES: Record<string, string> = {
  'https://www.googleapis.com/auth/youtube': 'Manage your YouTube account',
  'https://www.googleapis.com/auth/youtube.readonly': 'View your YouTube account',
  'https://www.googleapis.com/auth/youtube.upload': 'Manage your YouTube videos',
  'https://www.googleapis.com/auth/youtube.force-ssl': 'See, edit, and permanently delete your YouTube videos, ratings, comments and captions',
  openid: 'Associate you with your personal info on Google',
  email: 'See your primary Google Account email address',
  profile: 'See your personal info, including any personal info you\'ve made publicly available',
};
const CHANNEL_READ_SCOPES = ['https://www.googleapis.com/auth/youtube', 'https://www.googleapis.com/auth/youtube.readonly', 'https://www.googleapis.com/auth/youtube.force-ssl'];

const THUMB_SIZE = 88;
const CODE_LIFETIME_MS = 10 * 60_000;
const TESTING_REFRESH_LIFETIME_MS = 7 * 24 * 3600_000;
const TOKEN_JSON = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate', pragma: 'no-cache' };

const tokenError = (status: number, error: string, description: string, note: string): Reply => ({ ...json(status, { error, error_description: description }, TOKEN_JSON), note });
const expiredOrRevoked = (note: string) => tokenError(400, 'invalid_grant', 'Token has been expired or revoked.', note);
const badCode = (note: string) => tokenError(400, 'invalid_grant', 'Bad Request', note);
const badClient = (note: string) => tokenError(401, 'invalid_client', 'Unauthorized', note);

function apiError(code: number, status: string, message: string, errors: { reason: string; domain: string; location?: string; locationType?: string }[], note: string): Reply {
  return { ...json(code, { error: { code, message, errors: errors.map((e) => ({ message, ...e })), status } }), note };
}
const unauthenticated = (note: string) =>
  apiError(
    401,
    'UNAUTHENTICATED',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    [{ reason: 'authError', domain: 'global', location: 'Authorization', locationType: 'header' }],
    note,
  );

const GOOGLE_502 =
  '<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error 502 (Server Error)!!1</title>\n  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>\n  <p><b>502.</b> <ins>That’s an error.</ins>\n  <p>The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds.  <ins>That’s all we know.</ins>\n';

interface App {
  clientId: string;
  clientSecret: string | null;
  redirectUris: string[];
  type: 'desktop' | 'web';
  name: string;
}

interface CodeRecord {
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  challenge: string;
  offline: boolean;
  /** access_type=offline with prompt=consent, or the user's first consent to this client. */
  issueRefresh: boolean;
  expiresAt: number;
  used: boolean;
}

type Grant = OAuthGrant;

export async function startFakeGoogle(opts: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const lifetimeSec = opts.accessTokenLifetimeSec ?? 3599;
  let testingMode = opts.testingMode ?? false;
  const apps = new Map<string, App>();
  const codes = new Map<string, CodeRecord>();
  const book = new GrantBook<Grant>(() => now());
  /** client|user pairs that have consented (the first consent issues a refresh token without prompt=consent). */
  const consented = new Set<string>();

  const users: GoogleUser[] = SEEDS.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    channels: u.channels.map((c) => ({
      id: c.id,
      title: c.title,
      customUrl: c.customUrl,
      thumbnailUrl: `https://yt3.ggpht.com/ytc/${thumbKey(c.id)}=s88-c-k-c0x00ffffff-no-rj`,
      hasThumbnail: c.color !== null,
    })),
  }));
  const thumbnails = new Map(SEEDS.flatMap((u) => u.channels.flatMap((c) => (c.color ? [[thumbKey(c.id), solidPng(THUMB_SIZE, c.color)] as const] : []))));

  const sampleToken = { access_token: `ya29.${randomToken()}`, expires_in: lifetimeSec, refresh_token: `1//${randomToken()}`, scope: 'https://www.googleapis.com/auth/youtube.readonly', token_type: 'Bearer' };
  const server = await createFakeServer({
    name: 'Google',
    port: opts.port,
    endpoints: GOOGLE_ENDPOINTS,
    failures: {
      sample: (endpoint) => (endpoint === 'channels' ? channelList(users[0]!.channels) : endpoint === 'revoke' ? {} : sampleToken),
      missingFields: (endpoint) =>
        endpoint === 'channels'
          ? { kind: 'youtube#channelListResponse', etag: 'x', pageInfo: { totalResults: 1, resultsPerPage: 5 }, items: [{ kind: 'youtube#channel', etag: 'y' }] }
          : endpoint === 'revoke'
            ? {}
            : { expires_in: lifetimeSec, scope: sampleToken.scope, token_type: 'Bearer' },
      rateLimited: (endpoint, { resetAt }) => {
        const retry = { 'retry-after': String(Math.max(1, resetAt - server.clock.nowSec())) };
        if (endpoint === 'channels') {
          return {
            ...json(
              429,
              { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', errors: [{ message: 'Resource has been exhausted (e.g. check quota).', domain: 'global', reason: 'rateLimitExceeded' }], status: 'RESOURCE_EXHAUSTED' } },
              retry,
            ),
          };
        }
        return json(429, { error: 'rate_limit_exceeded', error_description: 'Rate Limit Exceeded' }, { ...TOKEN_JSON, ...retry });
      },
      invalidGrant: (endpoint) =>
        endpoint === 'channels'
          ? unauthenticated('')
          : endpoint === 'token'
            ? badCode('')
            : endpoint === 'revoke'
              ? tokenError(400, 'invalid_token', 'Token expired or revoked', '')
              : expiredOrRevoked(''),
      overrides: {
        html_502: () => html(502, GOOGLE_502),
        server_error: (endpoint) =>
          endpoint === 'channels'
            ? apiError(500, 'INTERNAL', 'Internal error encountered.', [{ reason: 'backendError', domain: 'global' }], '')
            : json(500, { error: 'internal_failure', error_description: 'Backend Error' }, TOKEN_JSON),
      },
    },
  });
  const now = () => server.clock.now();

  function registerApp(app: GoogleAppRegistration): void {
    apps.set(app.clientId, { clientId: app.clientId, clientSecret: app.clientSecret, redirectUris: [...app.redirectUris], type: app.type ?? 'desktop', name: app.name ?? 'Plugboard' });
  }
  for (const app of opts.apps ?? []) registerApp(app);

  // Google shows its own error page, not a redirect, for a request it cannot trust.
  function errorPage(status: number, error: string, detail: string): Reply {
    return {
      ...html(
        status,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error ${status}: ${escapeHtml(error)}</title></head><body style="font:14px Roboto,Arial,sans-serif;max-width:450px;margin:60px auto">` +
          `<h1>Access blocked: authorization error</h1><p>Error ${status}: ${escapeHtml(error)}</p>` +
          `<p data-testid="error-detail" style="color:#5f6368">${escapeHtml(detail)}</p></body></html>`,
      ),
      note: `authorize refused: ${error}: ${detail}`,
    };
  }

  /** Desktop clients: Google ignores the loopback port (RFC 8252 7.3); the scheme, host and path must fit. */
  function redirectAccepted(app: App, uri: string): boolean {
    if (app.type === 'web') return app.redirectUris.includes(uri);
    let u: URL;
    try {
      u = new URL(uri);
    } catch {
      return false;
    }
    if (u.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) || u.search || u.hash) return false;
    return app.redirectUris.some((r) => {
      const reg = new URL(r);
      return reg.pathname === u.pathname;
    });
  }

  function authorize(req: FakeRequest): Reply {
    const q = req.query;
    const app = apps.get(q.get('client_id') ?? '');
    if (!app) return errorPage(401, 'invalid_client', 'The OAuth client was not found.');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!redirectAccepted(app, redirectUri)) return errorPage(400, 'redirect_uri_mismatch', `redirect_uri=${redirectUri} is not allowed for this ${app.type} client`);
    if (q.get('response_type') !== 'code') return errorPage(400, 'invalid_request', 'response_type must be code');
    const scopes = (q.get('scope') ?? '').split(' ').filter((s) => s.length > 0);
    if (scopes.length === 0) return errorPage(400, 'invalid_request', 'Missing required parameter: scope');
    const unknown = scopes.filter((s) => !(s in SCOPES));
    if (unknown.length > 0) return errorPage(400, 'invalid_scope', `Some requested scopes were invalid: ${unknown.join(' ')}`);
    const accessType = q.get('access_type') ?? 'online';
    if (accessType !== 'online' && accessType !== 'offline') return errorPage(400, 'invalid_request', `Invalid access_type: ${accessType}`);
    const prompts = (q.get('prompt') ?? '').split(' ').filter(Boolean);
    if (prompts.some((p) => !['none', 'consent', 'select_account'].includes(p))) return errorPage(400, 'invalid_request', `Invalid prompt: ${prompts.join(' ')}`);
    const state = q.get('state');
    if (!state) return errorPage(400, 'invalid_request', 'state is missing (Plugboard always sends one)');
    const challenge = q.get('code_challenge') ?? '';
    if (!challenge) return errorPage(400, 'invalid_request', 'code_challenge is missing (Plugboard always uses PKCE)');
    if (q.get('code_challenge_method') !== 'S256') return errorPage(400, 'invalid_request', 'code_challenge_method must be S256');
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) return errorPage(400, 'invalid_request', 'code_challenge is not a base64url SHA-256');

    const decide = (d: ConsentDecision): Reply => {
      const target = new URL(redirectUri);
      if (!d.approve) {
        target.searchParams.set('error', 'access_denied');
        target.searchParams.set('state', state);
        return { ...redirect(target.href), note: 'denied' };
      }
      const pair = `${app.clientId}|${d.userId}`;
      const firstConsent = !consented.has(pair);
      consented.add(pair);
      const offline = accessType === 'offline';
      const code = `4/${randomToken()}`;
      codes.set(code, {
        clientId: app.clientId,
        userId: d.userId,
        redirectUri,
        scopes,
        challenge,
        offline,
        issueRefresh: offline && (prompts.includes('consent') || firstConsent),
        expiresAt: now() + CODE_LIFETIME_MS,
        used: false,
      });
      target.searchParams.set('state', state);
      target.searchParams.set('code', code);
      target.searchParams.set('scope', scopes.join(' '));
      return { ...redirect(target.href), note: 'approved' };
    };
    return server.beginConsent(
      {
        platform: 'Google',
        appName: app.name,
        users: users.map((u) => ({ id: u.id, name: u.name, handle: u.email })),
        scopes: scopes.map((s) => ({ name: s, description: SCOPES[s] })),
        action: '/o/oauth2/v2/auth',
        accent: '#1a73e8',
      },
      decide,
    );
  }

  /** client_secret_post: client_id and client_secret in the form body. */
  function authenticateClient(req: FakeRequest): App | null {
    const app = apps.get(req.form.get('client_id') ?? '');
    if (!app) return null;
    if (app.clientSecret !== null && req.form.get('client_secret') !== app.clientSecret) return null;
    return app;
  }

  function refreshDead(grant: Grant): boolean {
    return grant.refreshDeadline !== null && grant.refreshDeadline <= now();
  }

  function issueAccess(grant: Grant): string {
    const accessToken = `ya29.${randomToken()}`;
    grant.accessTokens.set(accessToken, now() + lifetimeSec * 1000);
    book.byAccess.set(accessToken, grant);
    return accessToken;
  }

  function exchangeCode(req: FakeRequest, app: App): Reply {
    const record = codes.get(req.form.get('code') ?? '');
    if (!record) return badCode('unknown code');
    if (record.used) return badCode('code replayed');
    if (record.expiresAt <= now()) return badCode('code expired');
    if (record.clientId !== app.clientId) return tokenError(400, 'invalid_grant', 'Bad Request', 'code belongs to another client');
    if (req.form.get('redirect_uri') !== record.redirectUri) return tokenError(400, 'redirect_uri_mismatch', 'Bad Request', 'redirect_uri differs from the authorize request');
    const verifier = req.form.get('code_verifier');
    if (!verifier) return tokenError(400, 'invalid_grant', 'Missing code verifier.', 'code_verifier missing');
    if (createHash('sha256').update(verifier).digest('base64url') !== record.challenge) return tokenError(400, 'invalid_grant', 'Invalid code verifier.', 'code_verifier mismatch');
    record.used = true;
    const grant: Grant = { clientId: app.clientId, userId: record.userId, scopes: record.scopes, refreshToken: null, refreshDeadline: null, accessTokens: new Map(), revoked: false };
    book.add(grant);
    const reply: Record<string, unknown> = { access_token: issueAccess(grant), expires_in: lifetimeSec, scope: grant.scopes.join(' '), token_type: 'Bearer' };
    if (record.issueRefresh) {
      grant.refreshToken = `1//${randomToken()}`;
      grant.refreshDeadline = testingMode ? now() + TESTING_REFRESH_LIFETIME_MS : null;
      book.byRefresh.set(grant.refreshToken, grant);
      // Nothing in the reply announces the Testing-mode deadline: the token simply stops working.
      reply.refresh_token = grant.refreshToken;
    }
    return { ...json(200, reply, TOKEN_JSON), note: record.issueRefresh ? 'code exchanged (with refresh token)' : 'code exchanged (no refresh token)' };
  }

  function refresh(req: FakeRequest, app: App): Reply {
    const grant = book.byRefresh.get(req.form.get('refresh_token') ?? '');
    if (!grant || grant.revoked) return expiredOrRevoked('dead refresh token');
    if (grant.clientId !== app.clientId) return tokenError(400, 'unauthorized_client', 'Unauthorized', 'refresh token of another client');
    if (refreshDead(grant)) return expiredOrRevoked('refresh token died (Testing mode, 7 days)');
    // Google's refresh reply carries no refresh_token: the client keeps the one it has.
    return { ...json(200, { access_token: issueAccess(grant), expires_in: lifetimeSec, scope: grant.scopes.join(' '), token_type: 'Bearer' }, TOKEN_JSON), note: 'refreshed' };
  }

  function token(req: FakeRequest): Reply {
    const app = authenticateClient(req);
    if (!app) return badClient('client authentication failed');
    const grantType = req.form.get('grant_type');
    if (grantType === 'authorization_code') return exchangeCode(req, app);
    if (grantType === 'refresh_token') return refresh(req, app);
    return tokenError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`, 'bad grant_type');
  }


  /** Revoking any token removes the app's access to the account: every grant of that user to that client. */
  function revoke(req: FakeRequest): Reply {
    const value = req.query.get('token') ?? req.form.get('token');
    if (!value) return tokenError(400, 'invalid_request', 'Missing required parameter: token', 'token missing');
    const grant = book.byAccess.get(value) ?? book.byRefresh.get(value);
    const live = grant && !grant.revoked && (book.byRefresh.has(value) ? !refreshDead(grant) : (grant.accessTokens.get(value) ?? 0) > now());
    if (!grant || !live) return tokenError(400, 'invalid_token', 'Token expired or revoked', 'dead or unknown token');
    for (const g of book.all) if (g.userId === grant.userId && g.clientId === grant.clientId) book.revoke(g);
    consented.delete(`${grant.clientId}|${grant.userId}`);
    return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{}', note: 'grant revoked' };
  }

  function channelList(channels: GoogleChannel[]): Record<string, unknown> {
    const body: Record<string, unknown> = {
      kind: 'youtube#channelListResponse',
      etag: randomToken(12),
      pageInfo: { totalResults: channels.length, resultsPerPage: channels.length },
    };
    // Google leaves `items` out when there is nothing to list.
    if (channels.length > 0) {
      body.items = channels.map((c) => ({
        kind: 'youtube#channel',
        etag: randomToken(12),
        id: c.id,
        snippet: {
          title: c.title,
          description: '',
          ...(c.customUrl ? { customUrl: c.customUrl } : {}),
          publishedAt: '2019-03-14T09:26:53Z',
          thumbnails: {
            default: { url: c.thumbnailUrl, width: 88, height: 88 },
            medium: { url: c.thumbnailUrl.replace('=s88-', '=s240-'), width: 240, height: 240 },
            high: { url: c.thumbnailUrl.replace('=s88-', '=s800-'), width: 800, height: 800 },
          },
          localized: { title: c.title, description: '' },
        },
      }));
    }
    return body;
  }

  function channels(req: FakeRequest): Reply {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return unauthenticated('no bearer token');
    const grant = book.byAccess.get(m[1]!);
    const expiresAt = grant?.accessTokens.get(m[1]!);
    if (!grant || grant.revoked || expiresAt === undefined) return unauthenticated('unknown or revoked token');
    if (expiresAt <= now()) return unauthenticated('expired token');
    if (!grant.scopes.some((s) => CHANNEL_READ_SCOPES.includes(s))) {
      return apiError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', [{ reason: 'insufficientPermissions', domain: 'global' }], 'insufficient scopes');
    }
    const part = req.query.get('part');
    if (!part) return apiError(400, 'INVALID_ARGUMENT', "No filter selected. Expected one of: forUsername, mine, id, managedByMe, forHandle, categoryId", [{ reason: 'missingRequiredParameter', domain: 'youtube.parameter', location: 'part', locationType: 'parameter' }], 'part missing');
    if (!part.split(',').includes('snippet')) return apiError(400, 'INVALID_ARGUMENT', 'This fake answers part=snippet only.', [{ reason: 'invalidPart', domain: 'youtube.parameter' }], 'part without snippet');
    if (req.query.get('mine') !== 'true') return apiError(400, 'INVALID_ARGUMENT', 'No filter selected. Expected one of: forUsername, mine, id, managedByMe, forHandle, categoryId', [{ reason: 'missingRequiredParameter', domain: 'youtube.parameter' }], 'mine missing');
    const user = users.find((u) => u.id === grant.userId)!;
    return { ...json(200, channelList(user.channels)), note: `${user.channels.length} channel(s)` };
  }

  function thumbnail(req: FakeRequest): Reply {
    const key = req.params.file?.split('=')[0] ?? '';
    const image = thumbnails.get(key);
    return image ? png(image) : { ...text(404, 'Not Found'), note: 'no such thumbnail' };
  }


  /** Revoking also forgets the consent, so the next sign-in asks again. */
  function revokeUser(userId: string): void {
    book.revokeUser(userId);
    for (const pair of [...consented]) if (pair.endsWith(`|${userId}`)) consented.delete(pair);
  }


  function setTestingMode(on: boolean): void {
    testingMode = on;
  }

  server.route('GET', '/o/oauth2/v2/auth', authorize);
  server.route('POST', '/o/oauth2/v2/auth', (req) => server.completeConsent(req));
  server.route('POST', '/token', token, { endpoint: (req) => (req.form.get('grant_type') === 'refresh_token' ? 'refresh' : 'token') });
  server.route('POST', '/revoke', revoke, { endpoint: 'revoke' });
  server.route('GET', '/youtube/v3/channels', channels, { endpoint: 'channels' });
  server.route('GET', '/ytc/:file', thumbnail);

  server.control(
    'register-app',
    z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1).nullable(), redirectUris: z.array(z.string()).min(1), type: z.enum(['desktop', 'web']).optional(), name: z.string().optional() }),
    registerApp,
  );
  server.control('testing-mode', z.object({ on: z.boolean() }), ({ on }) => setTestingMode(on));

  return platformSurface(
    server,
    { endpoints: GOOGLE_ENDPOINTS, hosts: ['https://accounts.google.com', 'https://oauth2.googleapis.com', 'https://www.googleapis.com', 'https://yt3.ggpht.com'], users, grants: { expireAccessTokens: book.expireAccessTokens, revokeUser, liveGrants: book.liveGrants }, consent: true },
    { registerApp, setTestingMode },
  );
}

function thumbKey(channelId: string): string {
  return createHash('sha256').update(channelId).digest('base64url').slice(0, 24);
}
