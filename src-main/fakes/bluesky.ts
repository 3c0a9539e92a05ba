// src-main/fakes/: fake platforms on loopback that follow the real APIs, for the demo and the tests; the packaged app neither builds nor loads them (tsconfig.build.json).
//
// Fake Bluesky PDS (AT Protocol), per /work/shared/platforms.md: app-password
// sessions (createSession / refreshSession / deleteSession / getSession), the
// AppView's app.bsky.actor.getProfile (switchable off, as on a self-hosted PDS
// without an AppView), com.atproto.repo.getRecord, blobs and the avatar CDN.
// One port serves bsky.social, a self-hosted pds.example.com and cdn.bsky.app
// (see originMap()).
//
// Sessions are HS256 JWTs signed with a fake key and carrying real `exp` claims
// on the fake clock. Refresh rotates: the previous refresh JWT is refused at once
// (the reference PDS's 2-hour grace window is deliberately not emulated).
//
// Account states answer as @atproto/pds 0.5.35 does (checked against it by
// e2e/real/bluesky.real.test.ts):
//   - taken down (admin updateSubjectStatus): refreshSession → 401 AccountTakedown; an app
//     password's createSession → 401 AuthenticationRequired "Invalid identifier or password"
//     (app passwords cannot sign in to a taken-down account, and the PDS does not say why);
//     the main password's → 401 AccountTakedown; getSession → 400 InvalidRequest; the public
//     com.atproto.sync.getRepoStatus → {active: false, status: 'takendown'}. Lifting the
//     takedown leaves every earlier session revoked ("Token has been revoked").
//   - deactivated (deactivateAccount): createSession, refreshSession and getSession succeed
//     with {active: false, status: 'deactivated'}; records are not served.
//   - a privileged app password (direct-message access) gives scope com.atproto.appPassPrivileged.
//
// Test controls for another process: POST JSON to {origin}/__control/<name>.
//   fail-next          {endpoint, kind, times?, retryAfterSec?, limit?}
//   advance            {seconds}
//   set-app-view       {on: boolean}     off: getProfile answers "No service configured" (self-hosted PDS)
//   revoke-app-passwords {did}          every app password of the user stops working (and its sessions)
//   expire-refresh-tokens {did}          every refresh JWT of the user is refused as expired
//   live-grants        {did}             → number of live sessions
//   takedown           {did, on}         the PDS's admin takes the account down (on: false lifts it)
//   deactivate         {did, on}         the user deactivates the account (on: false reactivates it)
//   users              {}                → the test users (without passwords)
//   posts              {}                → the posts created (GET works too, for the demo)
//   requests / clear-requests
//
// com.atproto.repo.createRecord takes app.bsky.feed.post records validated as the PDS's lexicon does (text at
// most 300 graphemes and 3,000 bytes, createdAt, facets within the text's bytes), and answers a refusal as
// @atproto/pds 0.5.35 does (checked by e2e/real/bluesky.real.test.ts): 400 InvalidRequest "Invalid
// app.bsky.feed.post record: grapheme too big (maximum 300, got 301) at $.record.text".
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { countLength } from '../api/post-rules.ts';
import { createFakeServer, json, platformSurface, png, randomToken, solidPng, text, type FakePlatform, type FakeRequest, type Reply } from './fake-server.ts';

export const BLUESKY_ENDPOINTS = ['createSession', 'refreshSession', 'deleteSession', 'getSession', 'getProfile', 'getRecord', 'getRepoStatus', 'createRecord'] as const;
export type BlueskyEndpoint = (typeof BLUESKY_ENDPOINTS)[number];

export interface BlueskyUser {
  did: string;
  handle: string;
  email: string;
  displayName: string;
  /** The account's main password (a session from it has scope com.atproto.access). */
  mainPassword: string;
  /** App passwords (scope com.atproto.appPass); the first is the one tests use. */
  appPasswords: string[];
  /** App passwords with direct-message access (scope com.atproto.appPassPrivileged). */
  privilegedAppPasswords: string[];
  /** Email two-factor sign-in: a main-password login without a code answers AuthFactorTokenRequired. */
  emailAuthFactor: boolean;
  /** null: no profile picture. */
  avatarColor: [number, number, number] | null;
}

/** A post the fake PDS stored. */
export interface BlueskyPost {
  uri: string;
  rkey: string;
  did: string;
  handle: string;
  text: string;
  facets: { index: { byteStart: number; byteEnd: number }; features: { $type: string; uri?: string }[] }[];
}

export interface FakeBlueskyOptions {
  port?: number;
  /** Default 7200, the reference PDS's two hours. */
  accessTokenLifetimeSec?: number;
  /** Default 90 days, what the reference PDS signs. */
  refreshTokenLifetimeSec?: number;
}

export interface FakeBluesky extends FakePlatform<BlueskyEndpoint> {
  readonly users: readonly BlueskyUser[];
  /** Off: the PDS has no AppView, getProfile answers "No service configured" (400 InvalidRequest). */
  setAppView(on: boolean): void;
  /** The user deletes every app password in Bluesky's settings; their sessions die with them. */
  revokeAppPasswords(did: string): void;
  /** Every refresh JWT of the user is refused as ExpiredToken (a machine left off past the refresh JWT's life). */
  expireRefreshTokens(did: string): void;
  /** Whether the PDS still accepts this refresh JWT (it is signed, known, unexpired and not rotated away). */
  refreshTokenWorks(refreshJwt: string): boolean;
  /** The PDS's admin takes the account down (on: false lifts it, and its earlier sessions stay revoked). */
  takedown(did: string, on: boolean): void;
  /** The user deactivates the account in Bluesky (on: false reactivates it). */
  deactivate(did: string, on: boolean): void;
  /** The posts created, oldest first. */
  readonly posts: readonly BlueskyPost[];
}

export const BLUESKY_USERS: readonly BlueskyUser[] = [
  {
    did: 'did:plc:alicefake7x2k4m5n6p7q8r9s',
    handle: 'alice.bsky.social',
    email: 'alice@example.com',
    displayName: 'Alice Example',
    // Shaped like an app password on purpose: only the session's scope tells them apart.
    mainPassword: 'main-pass-word-0001',
    appPasswords: ['abcd-efgh-ijkl-mnop'],
    privilegedAppPasswords: ['dmdm-abcd-efgh-ijkl'],
    emailAuthFactor: false,
    avatarColor: [40, 120, 220],
  },
  {
    did: 'did:plc:bobfake3c4d5e6f7g8h9j2k3',
    handle: 'bob.bsky.social',
    email: 'bob@example.com',
    displayName: '',
    mainPassword: 'bobs-main-password',
    appPasswords: ['bbbb-cccc-dddd-eeee'],
    privilegedAppPasswords: [],
    emailAuthFactor: false,
    avatarColor: null,
  },
  {
    did: 'did:plc:carolfake2fa4m5n6p7q8r9s',
    handle: 'carol.bsky.social',
    email: 'carol@example.com',
    displayName: 'Carol Two-Factor',
    mainPassword: 'carol-2fa-main-password',
    appPasswords: ['qrst-uvwx-yzab-cdef'],
    privilegedAppPasswords: [],
    emailAuthFactor: true,
    avatarColor: [200, 60, 90],
  },
];

const JWT_KEY = 'fake-bluesky-signing-key-not-a-secret';
const PDS_DID = 'did:web:bsky.social';
const DAY = 86_400;

interface Session {
  did: string;
  scope: 'com.atproto.appPass' | 'com.atproto.appPassPrivileged' | 'com.atproto.access';
  /** The app password it came from (null for a main-password session). */
  appPassword: string | null;
  /** jti of the one live refresh JWT. */
  refreshJti: string | null;
  /** Access JWT jtis still valid until their exp. */
  accessJtis: Set<string>;
  revoked: boolean;
}

const b64u = (s: string | Buffer) => Buffer.from(s).toString('base64url');

function sign(payload: Record<string, unknown>, typ: string): string {
  const head = b64u(JSON.stringify({ typ, alg: 'HS256' }));
  const body = b64u(JSON.stringify(payload));
  const sig = createHmac('sha256', JWT_KEY).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

function verify(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const expected = createHmac('sha256', JWT_KEY).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    return JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** A CIDv1 (raw codec, sha2-256) in base32, as blob refs carry. */
export function rawCid(bytes: Buffer): string {
  const digest = createHash('sha256').update(bytes).digest();
  const data = Buffer.concat([Buffer.from([0x01, 0x55, 0x12, 0x20]), digest]);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return `b${out}`;
}

const S32 = '234567abcdefghijklmnopqrstuvwxyz';

const xrpcError = (status: number, error: string, message: string, note = ''): Reply => ({ ...json(status, { error, message }), note: note || error });
const expiredToken = (note = 'expired token') => xrpcError(400, 'ExpiredToken', 'Token has expired', note);
const invalidToken = (note = 'invalid token') => xrpcError(400, 'InvalidToken', 'Token could not be verified', note);

export async function startFakeBluesky(opts: FakeBlueskyOptions = {}): Promise<FakeBluesky> {
  const accessLife = opts.accessTokenLifetimeSec ?? 2 * 3600;
  const refreshLife = opts.refreshTokenLifetimeSec ?? 90 * DAY;
  const users: BlueskyUser[] = BLUESKY_USERS.map((u) => ({ ...u, appPasswords: [...u.appPasswords], privilegedAppPasswords: [...u.privilegedAppPasswords] }));
  const avatars = new Map<string, Buffer>();
  const avatarCids = new Map<string, string>();
  for (const u of users) {
    if (!u.avatarColor) continue;
    const image = solidPng(48, u.avatarColor);
    const cid = rawCid(image);
    avatars.set(cid, image);
    avatarCids.set(u.did, cid);
  }
  const sessions = new Map<string, Session>(); // by session id
  const byRefresh = new Map<string, string>(); // refresh jti → session id
  const byAccess = new Map<string, string>(); // access jti → session id
  /** Refresh JWT jtis refused as expired before their exp (the expire-refresh-tokens control). */
  const expiredRefresh = new Set<string>();
  let appView = true;
  const takenDown = new Set<string>();
  const deactivated = new Set<string>();
  /** What the PDS says of an account that is not active, as in its session and repo-status replies. */
  const accountStatus = (did: string) =>
    takenDown.has(did) ? { active: false, status: 'takendown' } : deactivated.has(did) ? { active: false, status: 'deactivated' } : { active: true };

  const sample = (did: string) => ({ did, handle: 'alice.bsky.social', accessJwt: 'a.b.c', refreshJwt: 'a.b.c', active: true });
  const server = await createFakeServer({
    name: 'Bluesky',
    port: opts.port,
    endpoints: BLUESKY_ENDPOINTS,
    failures: {
      sample: (endpoint) =>
        endpoint === 'getProfile' ? { did: users[0]!.did, handle: users[0]!.handle, displayName: users[0]!.displayName } : sample(users[0]!.did),
      missingFields: (endpoint) => (endpoint === 'getProfile' ? { displayName: 'x' } : endpoint === 'getRecord' ? { cid: 'x' } : { handle: 'alice.bsky.social' }),
      rateLimited: (_endpoint, { resetAt, limit }) =>
        json(429, { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' }, { 'ratelimit-limit': String(limit), 'ratelimit-remaining': '0', 'ratelimit-reset': String(resetAt), 'ratelimit-policy': `${limit};w=300` }),
      invalidGrant: (endpoint) =>
        endpoint === 'createSession'
          ? xrpcError(401, 'AuthenticationRequired', 'Invalid identifier or password')
          : endpoint === 'refreshSession' || endpoint === 'deleteSession'
            ? invalidToken('injected')
            : expiredToken('injected'),
      overrides: {
        server_error: () => json(500, { error: 'InternalServerError', message: 'Internal Server Error' }),
      },
    },
  });
  const nowSec = () => server.clock.nowSec();

  function didDoc(u: BlueskyUser) {
    return {
      '@context': ['https://www.w3.org/ns/did/v1'],
      id: u.did,
      alsoKnownAs: [`at://${u.handle}`],
      service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: 'https://bsky.social' }],
    };
  }

  function issue(sessionId: string, s: Session, u: BlueskyUser): Record<string, unknown> {
    const iat = nowSec();
    const accessJti = randomToken(12);
    const refreshJti = randomToken(12);
    if (s.refreshJti) byRefresh.delete(s.refreshJti);
    s.refreshJti = refreshJti;
    s.accessJtis.add(accessJti);
    byRefresh.set(refreshJti, sessionId);
    byAccess.set(accessJti, sessionId);
    return {
      did: u.did,
      handle: u.handle,
      email: u.email,
      emailConfirmed: true,
      emailAuthFactor: u.emailAuthFactor,
      didDoc: didDoc(u),
      ...accountStatus(u.did),
      accessJwt: sign({ scope: s.scope, sub: u.did, aud: PDS_DID, iat, exp: iat + accessLife, jti: accessJti }, 'at+jwt'),
      refreshJwt: sign({ scope: 'com.atproto.refresh', sub: u.did, aud: PDS_DID, iat, exp: iat + refreshLife, jti: refreshJti }, 'refresh+jwt'),
    };
  }

  function findUser(identifier: string): BlueskyUser | undefined {
    const id = identifier.trim().toLowerCase().replace(/^@/, '');
    return users.find((u) => u.did === id || u.handle === id || u.email === id);
  }

  function createSession(req: FakeRequest): Reply {
    const body = z.object({ identifier: z.string(), password: z.string(), authFactorToken: z.string().optional() }).safeParse(req.json);
    if (!body.success) return xrpcError(400, 'InvalidRequest', 'Input must have the property "identifier"', 'bad body');
    const u = findUser(body.data.identifier);
    const wrong = () => xrpcError(401, 'AuthenticationRequired', 'Invalid identifier or password', 'wrong identifier or password');
    if (!u) return wrong();
    let scope: Session['scope'];
    let appPassword: string | null = null;
    const isAppPassword = u.appPasswords.includes(body.data.password) || u.privilegedAppPasswords.includes(body.data.password);
    // A taken-down account: app passwords fail like wrong ones; the main password is told why.
    if (takenDown.has(u.did) && isAppPassword) return wrong();
    if (isAppPassword) {
      scope = u.privilegedAppPasswords.includes(body.data.password) ? 'com.atproto.appPassPrivileged' : 'com.atproto.appPass';
      appPassword = body.data.password;
    } else if (body.data.password === u.mainPassword) {
      if (takenDown.has(u.did)) return { ...xrpcError(401, 'AccountTakedown', 'Account has been taken down'), note: 'taken down' };
      // App passwords skip email two-factor; the main password does not.
      if (u.emailAuthFactor && !body.data.authFactorToken) return xrpcError(401, 'AuthFactorTokenRequired', 'A sign in code has been sent to your email address', 'needs email code');
      scope = 'com.atproto.access';
    } else return wrong();
    const id = randomToken(8);
    const s: Session = { did: u.did, scope, appPassword, refreshJti: null, accessJtis: new Set(), revoked: false };
    sessions.set(id, s);
    return { ...json(200, issue(id, s, u)), note: appPassword ? 'app-password session' : 'main-password session' };
  }

  type Auth = { ok: true; sessionId: string; session: Session; user: BlueskyUser } | { ok: false; reply: Reply };

  function authenticate(req: FakeRequest, kind: 'access' | 'refresh'): Auth {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return { ok: false, reply: xrpcError(401, 'AuthenticationRequired', 'Authentication Required', 'no bearer token') };
    const claims = verify(m[1]!);
    if (!claims) return { ok: false, reply: invalidToken('bad signature') };
    const wantRefresh = kind === 'refresh';
    if ((claims.scope === 'com.atproto.refresh') !== wantRefresh) return { ok: false, reply: invalidToken('wrong token type') };
    if (typeof claims.exp !== 'number' || claims.exp <= nowSec()) return { ok: false, reply: expiredToken() };
    const jti = String(claims.jti);
    const sessionId = (wantRefresh ? byRefresh : byAccess).get(jti);
    const session = sessionId ? sessions.get(sessionId) : undefined;
    if (!sessionId || !session || session.revoked) return { ok: false, reply: invalidToken(wantRefresh ? 'refresh token rotated or revoked' : 'session revoked') };
    if (wantRefresh && expiredRefresh.has(jti)) return { ok: false, reply: expiredToken('refresh token expired (control)') };
    const user = users.find((u) => u.did === session.did)!;
    return { ok: true, sessionId, session, user };
  }

  function endSession(id: string): void {
    const s = sessions.get(id);
    if (!s) return;
    s.revoked = true;
    if (s.refreshJti) byRefresh.delete(s.refreshJti);
    for (const j of s.accessJtis) byAccess.delete(j);
    s.refreshJti = null;
  }

  function refreshSession(req: FakeRequest): Reply {
    const auth = authenticate(req, 'refresh');
    if (!auth.ok) return auth.reply;
    if (takenDown.has(auth.user.did)) return xrpcError(401, 'AccountTakedown', 'Account has been taken down', 'taken down');
    return { ...json(200, issue(auth.sessionId, auth.session, auth.user)), note: 'refreshed (rotated)' };
  }

  function deleteSession(req: FakeRequest): Reply {
    const auth = authenticate(req, 'refresh');
    if (!auth.ok) return auth.reply;
    endSession(auth.sessionId);
    return { status: 200, note: 'session deleted' };
  }

  function getSession(req: FakeRequest): Reply {
    const auth = authenticate(req, 'access');
    if (!auth.ok) return auth.reply;
    const u = auth.user;
    if (takenDown.has(u.did)) return xrpcError(400, 'InvalidRequest', `Could not find user info for account: ${u.did}`, 'taken down');
    return { ...json(200, { did: u.did, handle: u.handle, email: u.email, emailConfirmed: true, emailAuthFactor: u.emailAuthFactor, didDoc: didDoc(u), ...accountStatus(u.did) }), note: 'ok' };
  }

  function getProfile(req: FakeRequest): Reply {
    const auth = authenticate(req, 'access');
    if (!auth.ok) return auth.reply;
    if (!appView) return xrpcError(400, 'InvalidRequest', 'No service configured for app.bsky.actor.getProfile', 'no AppView');
    const u = findUser(req.query.get('actor') ?? '');
    if (!u) return xrpcError(400, 'InvalidRequest', 'Profile not found', 'unknown actor');
    const cid = avatarCids.get(u.did);
    const profile: Record<string, unknown> = { did: u.did, handle: u.handle, followersCount: 3, followsCount: 5, postsCount: 8 };
    if (u.displayName) profile.displayName = u.displayName;
    if (cid) profile.avatar = `https://cdn.bsky.app/img/avatar/plain/${u.did}/${cid}@png`;
    return { ...json(200, profile), note: 'ok' };
  }

  function getRecord(req: FakeRequest): Reply {
    const repo = findUser(req.query.get('repo') ?? '');
    if (!repo) return xrpcError(400, 'InvalidRequest', `Could not find repo: ${req.query.get('repo') ?? ''}`, 'unknown repo');
    if (!accountStatus(repo.did).active) return xrpcError(400, 'InvalidRequest', 'Could not locate record', 'account not active');
    if (req.query.get('collection') !== 'app.bsky.actor.profile' || req.query.get('rkey') !== 'self') {
      return xrpcError(400, 'RecordNotFound', 'Could not locate record', 'no such record');
    }
    const cid = avatarCids.get(repo.did);
    const value: Record<string, unknown> = { $type: 'app.bsky.actor.profile' };
    if (repo.displayName) value.displayName = repo.displayName;
    if (cid) value.avatar = { $type: 'blob', ref: { $link: cid }, mimeType: 'image/png', size: avatars.get(cid)!.length };
    return { ...json(200, { uri: `at://${repo.did}/app.bsky.actor.profile/self`, cid: rawCid(Buffer.from(JSON.stringify(value))), value }), note: 'ok' };
  }

  function blob(cid: string | null): Reply {
    const image = cid ? avatars.get(cid) : undefined;
    return image ? png(image) : { ...text(404, 'Not Found'), note: 'no such blob' };
  }

  const posts: BlueskyPost[] = [];
  const facetSchema = z.object({
    index: z.object({ byteStart: z.number().int().nonnegative(), byteEnd: z.number().int().nonnegative() }),
    features: z.array(z.object({ $type: z.string(), uri: z.string().optional() })),
  });
  const postSchema = z.object({ $type: z.literal('app.bsky.feed.post'), text: z.string(), createdAt: z.iso.datetime({ offset: true }), facets: z.array(facetSchema).optional() });
  const invalidRecord = (why: string) => xrpcError(400, 'InvalidRequest', `Invalid app.bsky.feed.post record: ${why}`, 'invalid record');

  function createRecord(req: FakeRequest): Reply {
    const auth = authenticate(req, 'access');
    if (!auth.ok) return auth.reply;
    const body = z.object({ repo: z.string(), collection: z.string(), record: z.record(z.string(), z.unknown()) }).safeParse(req.json);
    if (!body.success) return xrpcError(400, 'InvalidRequest', 'Input must have the properties "repo", "collection" and "record"', 'bad body');
    if (findUser(body.data.repo)?.did !== auth.user.did) return xrpcError(401, 'AuthenticationRequired', 'Authentication Required', 'another repo');
    if (!accountStatus(auth.user.did).active) return xrpcError(400, 'AccountDeactivated', 'Account is deactivated', 'account not active');
    if (body.data.collection !== 'app.bsky.feed.post' || body.data.record.$type !== 'app.bsky.feed.post') {
      return xrpcError(400, 'InvalidRequest', `Invalid $type: expected ${body.data.collection}, got ${String(body.data.record.$type)}`, 'wrong type');
    }
    const record = postSchema.safeParse(body.data.record);
    if (!record.success) return invalidRecord(`${record.error.issues[0]?.message} at $.record.${record.error.issues[0]?.path.join('.')}`);
    const { text, facets = [] } = record.data;
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > 3000) return invalidRecord(`string too big (maximum 3000, got ${bytes}) at $.record.text`);
    const graphemes = countLength('graphemes', text);
    if (graphemes > 300) return invalidRecord(`grapheme too big (maximum 300, got ${graphemes}) at $.record.text`);
    if (facets.some((f) => f.index.byteEnd > bytes || f.index.byteStart > f.index.byteEnd)) return invalidRecord('facet index outside the text at $.record.facets');
    // A TID as the PDS makes them: 13 characters of base32-sortable, which the client checks commit.rev against.
    const rkey = `3l${[...(posts.length + 1).toString(32).padStart(11, '0')].map((d) => S32[parseInt(d, 32)]).join('')}`;
    const uri = `at://${auth.user.did}/app.bsky.feed.post/${rkey}`;
    posts.push({ uri, rkey, did: auth.user.did, handle: auth.user.handle, text, facets });
    const cid = rawCid(Buffer.from(JSON.stringify(record.data)));
    return { ...json(200, { uri, cid, commit: { cid, rev: rkey }, validationStatus: 'valid' }), note: `posted ${rkey}` };
  }

  function getRepoStatus(req: FakeRequest): Reply {
    const did = req.query.get('did') ?? '';
    if (!users.some((u) => u.did === did)) return xrpcError(400, 'RepoNotFound', `Could not find repo for DID: ${did}`, 'unknown repo');
    return { ...json(200, { did, ...accountStatus(did) }), note: accountStatus(did).status ?? 'active' };
  }

  function takedown(did: string, on: boolean): void {
    if (!users.some((u) => u.did === did)) throw new Error(`fake Bluesky has no user ${did}`);
    if (on) takenDown.add(did);
    else if (takenDown.delete(did)) for (const [id, s] of sessions) if (s.did === did) endSession(id);
  }

  function deactivate(did: string, on: boolean): void {
    if (!users.some((u) => u.did === did)) throw new Error(`fake Bluesky has no user ${did}`);
    if (on) deactivated.add(did);
    else deactivated.delete(did);
  }

  function liveGrants(did: string): number {
    return [...sessions.values()].filter((s) => s.did === did && !s.revoked).length;
  }

  function revokeAppPasswords(did: string): void {
    const u = users.find((x) => x.did === did);
    if (!u) throw new Error(`fake Bluesky has no user ${did}`);
    u.appPasswords = [];
    u.privilegedAppPasswords = [];
    for (const [id, s] of sessions) if (s.did === did && s.appPassword !== null) endSession(id);
  }

  function expireRefreshTokens(did: string): void {
    for (const s of sessions.values()) if (s.did === did && s.refreshJti) expiredRefresh.add(s.refreshJti);
  }

  function refreshTokenWorks(refreshJwt: string): boolean {
    const claims = verify(refreshJwt);
    if (!claims || claims.scope !== 'com.atproto.refresh' || typeof claims.exp !== 'number' || claims.exp <= nowSec()) return false;
    const id = byRefresh.get(String(claims.jti));
    const s = id ? sessions.get(id) : undefined;
    return Boolean(s && !s.revoked && !expiredRefresh.has(String(claims.jti)));
  }

  server.route('POST', '/xrpc/com.atproto.server.createSession', createSession, { endpoint: 'createSession' });
  server.route('POST', '/xrpc/com.atproto.server.refreshSession', refreshSession, { endpoint: 'refreshSession' });
  server.route('POST', '/xrpc/com.atproto.server.deleteSession', deleteSession, { endpoint: 'deleteSession' });
  server.route('GET', '/xrpc/com.atproto.server.getSession', getSession, { endpoint: 'getSession' });
  server.route('GET', '/xrpc/app.bsky.actor.getProfile', getProfile, { endpoint: 'getProfile' });
  server.route('GET', '/xrpc/com.atproto.repo.getRecord', getRecord, { endpoint: 'getRecord' });
  server.route('GET', '/xrpc/com.atproto.sync.getRepoStatus', getRepoStatus, { endpoint: 'getRepoStatus' });
  server.route('POST', '/xrpc/com.atproto.repo.createRecord', createRecord, { endpoint: 'createRecord' });
  server.control('posts', z.object({}), () => posts, { read: true });
  server.route('GET', '/xrpc/com.atproto.sync.getBlob', (req) => blob(req.query.get('cid')));
  server.route('GET', '/img/avatar/plain/:did/:file', (req) => blob(/^([a-z2-7]+)@(png|jpeg)$/.exec(req.params.file ?? '')?.[1] ?? null));

  server.control('set-app-view', z.object({ on: z.boolean() }), ({ on }) => {
    appView = on;
  });
  server.control('revoke-app-passwords', z.object({ did: z.string() }), ({ did }) => revokeAppPasswords(did));
  server.control('expire-refresh-tokens', z.object({ did: z.string() }), ({ did }) => expireRefreshTokens(did));
  server.control('live-grants', z.object({ did: z.string() }), ({ did }) => liveGrants(did));
  server.control('takedown', z.object({ did: z.string(), on: z.boolean() }), ({ did, on }) => takedown(did, on));
  server.control('deactivate', z.object({ did: z.string(), on: z.boolean() }), ({ did, on }) => deactivate(did, on));
  server.control('users', z.object({}), () => users.map((u) => ({ did: u.did, handle: u.handle, displayName: u.displayName, emailAuthFactor: u.emailAuthFactor })));

  return platformSurface(
    server,
    {
      endpoints: BLUESKY_ENDPOINTS,
      hosts: ['https://bsky.social', 'https://pds.example.com', 'https://cdn.bsky.app'],
      users,
      grants: {
        // Access JWTs carry their own exp: moving the clock past it is what expires them.
        expireAccessTokens: () => server.clock.advance(accessLife + 1),
        revokeUser: revokeAppPasswords,
        liveGrants,
      },
      controls: false,
    },
    {
      setAppView: (on: boolean) => {
        appView = on;
      },
      revokeAppPasswords,
      expireRefreshTokens,
      refreshTokenWorks,
      takedown,
      deactivate,
      posts,
    },
  );
}
