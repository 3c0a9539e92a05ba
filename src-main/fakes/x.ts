// Fake X (Twitter): OAuth 2.0 Authorization Code with PKCE, rotating refresh
// tokens, revoke, GET /2/users/me and profile images, per /work/shared/platforms.md.
// One port serves x.com, twitter.com, api.x.com and pbs.twimg.com (see originMap()).
//
// Test controls for another process (the demo): POST JSON to {origin}/__control/<name>,
// answer {"ok":true,"result":…} or 400 {"ok":false,"error":"…"}.
//   register-app          {clientId, clientSecret: string|null, redirectUris: string[], name?}
//   auto-approve          {userId}          next authorize GET redirects with a code at once
//   auto-deny             {}                next authorize GET redirects with access_denied
//   fail-next             {endpoint: token|refresh|revoke|me, kind, times?, retryAfterSec?, limit?}
//   advance               {seconds}         moves the fake clock → {now}
//   expire-access-tokens  {userId?}
//   revoke-user           {userId}
//   live-grants           {userId}          → number
//   users                 {}                → the test users
//   change-profile        {userId, name?, color?: [r,g,b]}  a new name and/or picture (new picture URL)
//   requests              {}                → the request log
//   clear-requests        {}
//   posts                 {}                → the posts received (GET works too, for the demo to show them arriving)
//   answer-late           {endpoint: 'tweets', afterMs: 'drop'}   the next post is made, its answer lost
//
// POST /2/tweets follows X's rules: text required and at most 280 as twitter-text weighs it (api/post-rules.ts
// counts the same way), tweet.write needed, the same text twice refused as a duplicate.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { countLength } from '../api/post-rules.ts';
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

export const X_ENDPOINTS = ['token', 'refresh', 'revoke', 'me', 'tweets'] as const;
export type XEndpoint = (typeof X_ENDPOINTS)[number];

export type XSubscription = 'None' | 'Basic' | 'Premium' | 'PremiumPlus';

export interface XUser {
  id: string;
  username: string;
  name: string;
  subscription_type: XSubscription;
  profile_image_url: string;
  /** false: the profile image URL answers 404 (the app must fall back to the initial). */
  hasAvatar: boolean;
}

export type XAppRegistration = AppRegistration;

/** A post the fake X accepted. */
export interface XPost {
  id: string;
  authorId: string;
  username: string;
  text: string;
  /** Fake-clock epoch ms. */
  at: number;
}

export interface FakeXOptions {
  port?: number;
  /** Default 7200, X's two hours. */
  accessTokenLifetimeSec?: number;
  /**
   * Not X's behaviour (X documents no refresh-token lifetime): a demo and test knob that gives each
   * grant's refresh tokens a fixed deadline from the first issue, sent as refresh_token_expires_in
   * and enforced, like LinkedIn's — so a connection can be watched going yellow and red.
   */
  refreshTokenLifetimeSec?: number;
  apps?: XAppRegistration[];
}

export interface FakeX extends FakeOAuthPlatform<XEndpoint> {
  readonly users: readonly XUser[];
  registerApp(app: XAppRegistration): void;
  /** The user renames themselves or uploads a new picture (which, as on X, gets a new URL). */
  changeProfile(userId: string, change: { name?: string; color?: [number, number, number] }): void;
  /** The posts received, oldest first (a lost answer's post among them: X made it). */
  posts(): readonly XPost[];
}

const AVATAR_SIZE = 48;
const CODE_LIFETIME_MS = 30_000;

const USER_SEEDS: { id: string; username: string; name: string; subscription_type: XSubscription; color: [number, number, number] | null }[] = [
  { id: '1500000000000000001', username: 'plugboard_demo', name: 'Plugboard Demo', subscription_type: 'None', color: [29, 155, 240] },
  { id: '1500000000000000002', username: 'alice_creates', name: 'Alice Example', subscription_type: 'Premium', color: [249, 24, 128] },
  { id: '1500000000000000003', username: 'bob_builds', name: 'Bob Example', subscription_type: 'Basic', color: null },
];

const SCOPES: Record<string, string> = {
  'tweet.read': 'See posts from your timeline, including protected posts',
  'tweet.write': 'Post and repost for you',
  'tweet.moderate.write': 'Hide and unhide replies to your posts',
  'users.read': 'See your profile information',
  'follows.read': 'See who you follow and who follows you',
  'follows.write': 'Follow and unfollow accounts for you',
  'offline.access': 'Stay connected to your account until you revoke access',
  'space.read': 'See Spaces you can view',
  'mute.read': 'See accounts you have muted',
  'mute.write': 'Mute and unmute accounts for you',
  'like.read': 'See posts you have liked',
  'like.write': 'Like and unlike posts for you',
  'list.read': 'See lists you can view',
  'list.write': 'Create and manage lists for you',
  'block.read': 'See accounts you have blocked',
  'block.write': 'Block and unblock accounts for you',
  'bookmark.read': 'See your bookmarks',
  'bookmark.write': 'Bookmark and remove bookmarks for you',
  'dm.read': 'See your direct messages',
  'dm.write': 'Send direct messages for you',
  'media.write': 'Upload media for you',
};

/** X refuses /2/users/me without both (users.read alone gives 403). */
const ME_SCOPES = ['tweet.read', 'users.read'];

const USER_FIELDS = [
  'affiliation', 'confirmed_email', 'connection_status', 'created_at', 'description', 'entities', 'id', 'is_identity_verified',
  'location', 'most_recent_tweet_id', 'name', 'parody', 'pinned_tweet_id', 'profile_banner_url', 'profile_image_url', 'protected',
  'public_metrics', 'receives_your_dm', 'subscription', 'subscription_type', 'url', 'username', 'verified', 'verified_followers_count',
  'verified_type', 'withheld',
];

const PROBLEM = { 'content-type': 'application/problem+json' };
const TOKEN_JSON = { 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store' };

const unauthorized = (note: string): Reply => ({
  ...json(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }, PROBLEM),
  note,
});
const forbidden = (note: string): Reply => ({ ...json(403, { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' }, PROBLEM), note });
const badClient = (note: string): Reply => ({
  ...json(401, { error: 'unauthorized_client', error_description: 'Missing valid authorization header' }, TOKEN_JSON),
  note,
});
const deadCode = (note: string): Reply => ({
  ...json(400, { error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.' }, TOKEN_JSON),
  note,
});
const deadToken = (note: string): Reply => ({
  ...json(400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' }, TOKEN_JSON),
  note,
});

interface CodeRecord {
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  challenge: string;
  expiresAt: number;
  used: boolean;
}

type Grant = OAuthGrant;

export async function startFakeX(opts: FakeXOptions = {}): Promise<FakeX> {
  const lifetimeSec = opts.accessTokenLifetimeSec ?? 7200;
  const codes = new Map<string, CodeRecord>();
  const book = new GrantBook<Grant>(() => now());

  const sampleTokenReply = { token_type: 'bearer', expires_in: lifetimeSec, access_token: randomToken(), scope: 'tweet.read users.read offline.access', refresh_token: randomToken() };
  const server = await createFakeServer({
    name: 'X',
    port: opts.port,
    endpoints: X_ENDPOINTS,
    failures: {
      sample: (endpoint) =>
        endpoint === 'tweets'
          ? { data: { id: '1800000000000000001', text: 'hello', edit_history_tweet_ids: ['1800000000000000001'] } }
          : endpoint === 'me' ? { data: { id: USER_SEEDS[0]!.id, name: USER_SEEDS[0]!.name, username: USER_SEEDS[0]!.username } } : endpoint === 'revoke' ? { revoked: true } : sampleTokenReply,
      missingFields: (endpoint) =>
        endpoint === 'tweets' ? { data: { text: 'hello' } } : endpoint === 'me' ? { data: { name: 'x' } } : endpoint === 'revoke' ? {} : { token_type: 'bearer', expires_in: lifetimeSec, scope: sampleTokenReply.scope },
      rateLimited: (_endpoint, { resetAt, limit }) =>
        json(429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }, {
          ...PROBLEM,
          'x-rate-limit-limit': String(limit),
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(resetAt),
        }),
      invalidGrant: (endpoint) => (endpoint === 'me' || endpoint === 'tweets' ? unauthorized('') : endpoint === 'token' ? deadCode('') : deadToken('')),
      overrides: {
        server_error: () => json(500, { title: 'Internal Server Error', type: 'about:blank', status: 500, detail: 'Internal Server Error' }, PROBLEM),
      },
    },
  });
  const now = () => server.clock.now();

  const users: XUser[] = USER_SEEDS.map((u) => ({
    id: u.id,
    username: u.username,
    name: u.name,
    subscription_type: u.subscription_type,
    profile_image_url: `https://pbs.twimg.com/profile_images/${u.id}/${u.username}_normal.png`,
    hasAvatar: u.color !== null,
  }));
  const avatars = new Map(USER_SEEDS.flatMap((u) => (u.color ? [[u.id, solidPng(AVATAR_SIZE, u.color)] as const] : [])));

  const { apps, registerApp } = appRegistry(server, opts.apps);

  // X shows this page, not a redirect, for a request it cannot trust; the detail line is for test diagnostics.
  function errorPage(detail: string): Reply {
    return {
      ...html(
        400,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>X</title></head><body style="font:15px system-ui,sans-serif;max-width:420px;margin:60px auto">` +
          `<h1>Something went wrong</h1><p>You weren’t able to give access to the App. Go back and try logging in again.</p>` +
          `<p data-testid="error-detail" style="color:#777">${escapeHtml(detail)}</p></body></html>`,
      ),
      note: `authorize refused: ${detail}`,
    };
  }

  function authorize(req: FakeRequest): Reply {
    const q = req.query;
    const app = apps.get(q.get('client_id') ?? '');
    if (!app) return errorPage('unknown client_id');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!app.redirectUris.includes(redirectUri)) return errorPage('redirect_uri is not registered for this app');
    if (q.get('response_type') !== 'code') return errorPage('response_type must be code');
    const scopes = (q.get('scope') ?? '').split(' ').filter((s) => s.length > 0);
    if (scopes.length === 0) return errorPage('scope is missing');
    const unknown = scopes.filter((s) => !(s in SCOPES));
    if (unknown.length > 0) return errorPage(`unknown scope: ${unknown.join(' ')}`);
    const state = q.get('state');
    if (!state) return errorPage('state is missing');
    const challenge = q.get('code_challenge') ?? '';
    if (!challenge) return errorPage('code_challenge is missing');
    if (q.get('code_challenge_method') !== 'S256') return errorPage('code_challenge_method must be S256');
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) return errorPage('code_challenge is not a base64url SHA-256');

    const decide = (d: ConsentDecision): Reply => {
      const target = new URL(redirectUri);
      if (!d.approve) {
        target.searchParams.set('error', 'access_denied');
        target.searchParams.set('state', state);
        return { ...redirect(target.href), note: 'denied' };
      }
      const code = randomToken();
      codes.set(code, { clientId: app.clientId, userId: d.userId, redirectUri, scopes, challenge, expiresAt: now() + CODE_LIFETIME_MS, used: false });
      target.searchParams.set('state', state);
      target.searchParams.set('code', code);
      return { ...redirect(target.href), note: 'approved' };
    };
    return server.beginConsent(
      {
        platform: 'X',
        appName: app.name,
        users: users.map((u) => ({ id: u.id, name: u.name, handle: u.username })),
        scopes: scopes.map((s) => ({ name: s, description: SCOPES[s] })),
        action: '/i/oauth2/authorize',
        accent: '#000',
      },
      decide,
    );
  }

  // RFC 6749 2.3.1: client id and secret are form-urlencoded before Basic encoding.
  function authenticateClient(req: FakeRequest): RegisteredApp | null {
    const header = req.headers.authorization;
    const bodyId = req.form.get('client_id');
    if (header) {
      const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
      if (!m) return null;
      const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return null;
      const id = formDecode(decoded.slice(0, colon));
      const secret = formDecode(decoded.slice(colon + 1));
      const app = id === null ? undefined : apps.get(id);
      if (!app || app.clientSecret === null || app.clientSecret !== secret) return null;
      if (bodyId !== null && bodyId !== app.clientId) return null;
      return app;
    }
    const app = apps.get(bodyId ?? '');
    // A confidential client must authenticate; its ID alone is not enough.
    return app && app.clientSecret === null ? app : null;
  }

  function issueTokens(grant: Grant): Reply {
    const accessToken = randomToken();
    grant.accessTokens.set(accessToken, now() + lifetimeSec * 1000);
    book.byAccess.set(accessToken, grant);
    const reply: Record<string, unknown> = { token_type: 'bearer', expires_in: lifetimeSec, access_token: accessToken, scope: grant.scopes.join(' ') };
    if (grant.scopes.includes('offline.access')) {
      if (grant.refreshToken) book.byRefresh.delete(grant.refreshToken);
      grant.refreshToken = randomToken();
      book.byRefresh.set(grant.refreshToken, grant);
      reply.refresh_token = grant.refreshToken;
      // Rounded, not floored: the milliseconds spent serving this reply must not cost a whole second.
      if (grant.refreshDeadline !== null) reply.refresh_token_expires_in = Math.max(0, Math.round((grant.refreshDeadline - now()) / 1000));
    }
    return json(200, reply, TOKEN_JSON);
  }

  function exchangeCode(req: FakeRequest, app: RegisteredApp): Reply {
    const record = codes.get(req.form.get('code') ?? '');
    if (!record) return deadCode('unknown code');
    if (record.used) return deadCode('code replayed');
    if (record.expiresAt <= now()) return deadCode('code expired');
    if (record.clientId !== app.clientId) return deadCode('code belongs to another client');
    if (req.form.get('redirect_uri') !== record.redirectUri) return deadCode('redirect_uri differs from the authorize request');
    const verifier = req.form.get('code_verifier') ?? '';
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return deadCode('code_verifier missing or malformed');
    if (createHash('sha256').update(verifier).digest('base64url') !== record.challenge) return deadCode('code_verifier does not match the challenge');
    record.used = true;
    const grant: Grant = {
      clientId: app.clientId,
      userId: record.userId,
      scopes: record.scopes,
      refreshToken: null,
      accessTokens: new Map(),
      revoked: false,
      refreshDeadline: opts.refreshTokenLifetimeSec ? now() + opts.refreshTokenLifetimeSec * 1000 : null,
    };
    book.add(grant);
    return { ...issueTokens(grant), note: 'code exchanged' };
  }

  function refresh(req: FakeRequest, app: RegisteredApp): Reply {
    const token = req.form.get('refresh_token') ?? '';
    const grant = book.byRefresh.get(token);
    if (!grant) return deadToken('dead refresh token');
    if (grant.clientId !== app.clientId) return deadToken('refresh token of another client');
    if (grant.refreshDeadline !== null && grant.refreshDeadline <= now()) return deadToken('refresh token past its lifetime');
    return { ...issueTokens(grant), note: 'refreshed (rotated)' };
  }

  function token(req: FakeRequest): Reply {
    const app = authenticateClient(req);
    if (!app) return badClient('client authentication failed');
    const grantType = req.form.get('grant_type');
    if (grantType === 'authorization_code') return exchangeCode(req, app);
    if (grantType === 'refresh_token') return refresh(req, app);
    return {
      ...json(400, { error: 'unsupported_grant_type', error_description: 'Value passed for the grant type was invalid.' }, TOKEN_JSON),
      note: 'bad grant_type',
    };
  }


  function revoke(req: FakeRequest): Reply {
    const app = authenticateClient(req);
    if (!app) return badClient('client authentication failed');
    const value = req.form.get('token');
    if (!value) return { ...json(400, { error: 'invalid_request', error_description: 'Missing required parameter [token].' }, TOKEN_JSON), note: 'token missing' };
    const grant = book.byAccess.get(value) ?? book.byRefresh.get(value);
    // RFC 7009: an unknown token is not an error, so the reply does not tell.
    if (!grant || grant.clientId !== app.clientId) return { ...json(200, { revoked: true }, TOKEN_JSON), note: 'unknown token' };
    book.revoke(grant);
    return { ...json(200, { revoked: true }, TOKEN_JSON), note: 'grant revoked' };
  }

  /** The grant behind a request's live bearer token, or X's 401 for a missing, unknown, revoked or expired one. */
  function bearerGrant(req: FakeRequest): Grant | Reply {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return unauthorized('no bearer token');
    const grant = book.byAccess.get(m[1]!);
    const expiresAt = grant?.accessTokens.get(m[1]!);
    if (!grant || expiresAt === undefined) return unauthorized('unknown or revoked token');
    if (expiresAt <= now()) return unauthorized('expired token');
    return grant;
  }

  function me(req: FakeRequest): Reply {
    const grant = bearerGrant(req);
    if ('status' in grant) return grant;
    if (!ME_SCOPES.every((s) => grant.scopes.includes(s))) return forbidden(`needs scopes ${ME_SCOPES.join(' ')}`);
    const fields = (req.query.get('user.fields') ?? '').split(',').filter((f) => f.length > 0);
    const invalid = fields.filter((f) => !USER_FIELDS.includes(f));
    if (invalid.length > 0) {
      return {
        ...json(
          400,
          {
            errors: invalid.map((f) => ({
              parameters: { 'user.fields': [f] },
              message: `The \`user.fields\` query parameter value [${f}] is not one of [${USER_FIELDS.join(',')}]`,
            })),
            title: 'Invalid Request',
            detail: 'One or more parameters to your request was invalid.',
            type: 'https://api.twitter.com/2/problems/invalid-request',
          },
          PROBLEM,
        ),
        note: 'invalid user.fields',
      };
    }
    const user = users.find((u) => u.id === grant.userId)!;
    const data: Record<string, unknown> = { id: user.id, name: user.name, username: user.username };
    if (fields.includes('profile_image_url')) data.profile_image_url = user.profile_image_url;
    if (fields.includes('subscription_type')) data.subscription_type = user.subscription_type;
    return { ...json(200, { data }), note: 'ok' };
  }

  const posts: XPost[] = [];
  let nextPostId = 1_800_000_000_000_000_001n;
  const TWEET_LIMIT = 280;
  const invalid = (message: string, note: string): Reply => ({
    ...json(400, { errors: [{ message }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.twitter.com/2/problems/invalid-request' }, PROBLEM),
    note,
  });

  function tweet(req: FakeRequest): Reply {
    const grant = bearerGrant(req);
    if ('status' in grant) return grant;
    if (!grant.scopes.includes('tweet.write')) return forbidden('needs scope tweet.write');
    if (req.json === undefined) return invalid('Requests with bodies must have content-type of application/json.', 'not JSON');
    const body = req.json as { text?: unknown };
    if (typeof body.text !== 'string' || body.text.length === 0) return invalid('$.text: is missing but it is required', 'no text');
    if (countLength('x-weighted', body.text) > TWEET_LIMIT) {
      return invalid('Your Tweet text is too long. For more information on how Twitter determines text length see https://github.com/twitter/twitter-text.', 'too long');
    }
    const user = users.find((u) => u.id === grant.userId)!;
    if (posts.some((p) => p.authorId === user.id && p.text === body.text)) {
      return { ...json(403, { detail: 'You are not allowed to create a Tweet with duplicate content.', type: 'about:blank', title: 'Forbidden', status: 403 }, PROBLEM), note: 'duplicate' };
    }
    const id = String(nextPostId++);
    posts.push({ id, authorId: user.id, username: user.username, text: body.text, at: now() });
    return { ...json(201, { data: { id, text: body.text, edit_history_tweet_ids: [id] } }), note: `posted ${id}` };
  }

  function avatar(req: FakeRequest): Reply {
    const user = users.find((u) => u.id === req.params.id && u.profile_image_url.endsWith(`/${req.params.file}`));
    const image = user && avatars.get(user.id);
    return image ? png(image) : { ...text(404, 'Not Found'), note: 'no such image' };
  }

  function changeProfile(userId: string, change: { name?: string; color?: [number, number, number] }): void {
    const user = users.find((u) => u.id === userId);
    if (!user) throw new Error(`fake X has no user ${userId}`);
    if (change.name) user.name = change.name;
    if (change.color) {
      avatars.set(user.id, solidPng(AVATAR_SIZE, change.color));
      user.profile_image_url = `https://pbs.twimg.com/profile_images/${user.id}/${user.username}_${change.color.join('')}_normal.png`;
      user.hasAvatar = true;
    }
  }




  server.route('GET', '/i/oauth2/authorize', authorize);
  server.route('POST', '/i/oauth2/authorize', (req) => server.completeConsent(req));
  server.route('POST', '/2/oauth2/token', token, { endpoint: (req) => (req.form.get('grant_type') === 'refresh_token' ? 'refresh' : 'token') });
  server.route('POST', '/2/oauth2/revoke', revoke, { endpoint: 'revoke' });
  server.route('GET', '/2/users/me', me, { endpoint: 'me' });
  server.route('POST', '/2/tweets', tweet, { endpoint: 'tweets' });
  server.view('posts', () => posts);
  server.route('GET', '/profile_images/:id/:file', avatar);

  server.control('change-profile', z.object({ userId: z.string(), name: z.string().optional(), color: z.tuple([z.number(), z.number(), z.number()]).optional() }), ({ userId, ...change }) =>
    changeProfile(userId, change),
  );

  return platformSurface(
    server,
    { endpoints: X_ENDPOINTS, hosts: ['https://x.com', 'https://twitter.com', 'https://api.x.com', 'https://pbs.twimg.com'], users, grants: book, consent: true },
    {
      registerApp,
      changeProfile,
      posts: () => posts,
    },
  );
}

function formDecode(s: string): string | null {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}
