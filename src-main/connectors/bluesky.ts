// Bluesky (AT Protocol): an app password opens a session (createSession) whose
// refresh JWT rotates on every refreshSession. All traffic goes through
// @atproto/api with Plugboard's HTTP layer as its fetch, so the origin map and
// token-free logs apply to it like to every other platform request.
import type { AtpSessionData, CredentialSession } from '@atproto/api';
import { z } from 'zod';
import { agentFor, classify, DEFAULT_PDS, hostOf, inactiveError, isTakedown, isXrpc, NAME, newSession, platformWords, takedownError } from './bluesky-sdk.ts';
import { providerDecl } from './providers.ts';
import type { AppPasswordConnection, Connector, ConnectorContext, Profile, TokenSet } from './types.ts';
import { PlatformError } from '../errors/platform-error.ts';

const APP_PASSWORDS_WHERE = 'Create one in Bluesky under Settings → Privacy and security → App passwords';
const APP_PASS_SCOPE = 'com.atproto.appPass';
/** An app password created with "Allow access to your direct messages". */
const PRIVILEGED_APP_PASS_SCOPE = 'com.atproto.appPassPrivileged';
const MAIN_PASSWORD_SCOPE = 'com.atproto.access';
const HOUR_MS = 3600_000;
/** When a JWT carries no readable `exp`: the reference PDS's lifetimes. */
const FALLBACK_ACCESS_MS = 2 * HOUR_MS;
/** A refresh JWT this close to its exp is not worth sending: the app password logs in instead. */
const REFRESH_MARGIN_MS = 60_000;

const APP_PASSWORD_SHAPE = /^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/i;

const valuesSchema = z.object({
  identifier: z
    .string({ error: 'Enter your Bluesky handle or the email address of the account.' })
    .trim()
    .transform((s) => s.replace(/^@/, ''))
    .pipe(
      z
        .string()
        .min(1, 'Enter your Bluesky handle (like you.bsky.social) or the email address of the account.')
        .max(253, 'That handle is too long to be a Bluesky handle.')
        .regex(/^(did:[a-z]+:\S+|[^\s@]+@[^\s@]+\.[^\s@]+|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i, 'Enter a full handle like you.bsky.social (or your own domain), or the account’s email address.'),
    ),
  appPassword: z
    .string({ error: 'Enter an app password.' })
    .trim()
    .min(1, `Enter an app password. ${APP_PASSWORDS_WHERE}.`)
    .regex(
      APP_PASSWORD_SHAPE,
      `That is not an app password: Bluesky app passwords look like xxxx-xxxx-xxxx-xxxx. Never enter your main password here. ${APP_PASSWORDS_WHERE}.`,
    ),
  pds: z
    .string()
    .trim()
    .optional()
    .transform((s, c) => {
      if (!s) return DEFAULT_PDS;
      let url: URL;
      try {
        url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `https://${s}`);
      } catch {
        c.addIssue({ code: 'custom', message: 'The server address is not a web address. Leave it empty for accounts hosted by Bluesky, or enter one like https://pds.example.com.' });
        return z.NEVER;
      }
      if (url.protocol !== 'https:') {
        c.addIssue({ code: 'custom', message: 'The server address must start with https://.' });
        return z.NEVER;
      }
      return url.origin;
    }),
});

/** The claims Plugboard reads from a session JWT, decoded without verifying (the PDS verifies). */
const claimsSchema = z.object({ exp: z.number().optional(), scope: z.string().optional(), sub: z.string().optional() });

export function jwtClaims(jwt: string): z.infer<typeof claimsSchema> {
  try {
    const parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

function pdsOf(ctx: ConnectorContext): string {
  return ctx.account?.details.pds || DEFAULT_PDS;
}

/** Closes a session of an inactive account (it is of no use) and says what the user must do. */
async function refuseInactive(ctx: ConnectorContext, pds: string, data: { refreshJwt: string; active?: boolean; status?: string }, then: string): Promise<void> {
  if (data.active !== false) return;
  await discardSession(ctx, pds, data.refreshJwt);
  throw inactiveError(pds, data.status, then);
}

function toTokenSet(session: { accessJwt: string; refreshJwt: string }, now: number): TokenSet {
  const access = jwtClaims(session.accessJwt);
  return {
    accessToken: session.accessJwt,
    refreshToken: session.refreshJwt,
    accessTokenExpiresAt: access.exp !== undefined ? access.exp * 1000 : now + FALLBACK_ACCESS_MS,
    // The refresh JWT has its own exp (~60–90 days), but it is not the connection's deadline: when it
    // lapses, renew() logs in again with the stored app password. Only the app password ends a connection.
    refreshTokenExpiresAt: null,
    scopes: [access.scope ?? APP_PASS_SCOPE],
  };
}

/** A session in @atproto/api's terms for calls made with a stored access JWT. */
export async function sessionFor(ctx: ConnectorContext, pds: string, did: string, accessJwt: string): Promise<CredentialSession> {
  const session = await newSession(ctx, pds);
  // No refresh JWT on purpose: on a 401/ExpiredToken the library would otherwise refresh by itself,
  // rotating the refresh JWT behind the core's back and losing the new one. The core renews instead.
  const data: AtpSessionData = { did, handle: '', accessJwt, refreshJwt: '', active: true };
  session.session = data;
  return session;
}

async function createSession(ctx: ConnectorContext, pds: string, identifier: string, password: string) {
  const session = await newSession(ctx, pds);
  try {
    const res = await session.login({ identifier, password });
    return { session, data: res.data };
  } catch (e) {
    if (isXrpc(e) && e.error === 'AuthFactorTokenRequired') {
      throw new PlatformError(
        'setup',
        `This Bluesky account signs in with a code sent by email, which means the password entered is the account's main password. Use an app password instead: app passwords never ask for the email code. ${APP_PASSWORDS_WHERE}.`,
        { status: e.status, cause: e },
      );
    }
    // Only the main password is told this; an app password of a taken-down account fails like a wrong one.
    if (isTakedown(e)) throw takedownError(pds, e);
    if (isXrpc(e) && (e.error === 'AuthenticationRequired' || e.status === 401)) {
      throw new PlatformError(
        'auth',
        `Bluesky did not accept that handle and app password ("Invalid identifier or password"). Check the handle (or email) and the app password${pds === DEFAULT_PDS ? '' : `, and that the account lives on ${hostOf(pds)}`}.`,
        { status: e.status, cause: e },
      );
    }
    const p = classify(e, 'the sign-in');
    if (p.kind === 'network') {
      throw new PlatformError('network', `Could not reach the Bluesky server at ${hostOf(pds)}: ${p.message} Check the server address (empty for accounts hosted by Bluesky) and your internet connection.`, { cause: e });
    }
    throw p;
  }
}

/** Ends a session at the PDS; errors are the caller's to judge. */
async function deleteSession(ctx: ConnectorContext, pds: string, refreshJwt: string): Promise<void> {
  const agent = await agentFor(await newSession(ctx, pds));
  await agent.com.atproto.server.deleteSession(undefined, { headers: { authorization: `Bearer ${refreshJwt}` } });
}

/**
 * Whether the PDS says the account was taken down: its public repo status is the only place that
 * tells, since the sign-in answers a taken-down account's app password like a wrong one. Any
 * failure to ask is a no (a PDS or entryway that does not serve it).
 */
async function repoTakenDown(ctx: ConnectorContext, pds: string, did: string): Promise<boolean> {
  try {
    const { data } = await (await agentFor(await newSession(ctx, pds))).com.atproto.sync.getRepoStatus({ did });
    return data.active === false && (data.status === 'takendown' || data.status === 'suspended');
  } catch {
    return false;
  }
}

/** Best effort: a session Plugboard will not keep should not stay open at the PDS. */
async function discardSession(ctx: ConnectorContext, pds: string, refreshJwt: string): Promise<void> {
  await deleteSession(ctx, pds, refreshJwt).catch(() => {});
}

/** True when the PDS has no AppView to answer app.bsky.* (a self-hosted PDS). */
function noAppView(e: unknown): boolean {
  if (!isXrpc(e) || e.cause instanceof PlatformError) return false;
  return e.error === 'UpstreamFailure' || /no service configured/i.test(e.message ?? '') || e.error === 'MethodNotImplemented' || e.status === 404 || e.status === 501;
}

async function readProfile(ctx: ConnectorContext, pds: string, did: string, accessJwt: string): Promise<Profile> {
  const agent = await agentFor(await sessionFor(ctx, pds, did, accessJwt));
  try {
    const { data } = await agent.app.bsky.actor.getProfile({ actor: did });
    return { platformUserId: data.did, handle: data.handle, displayName: data.displayName?.trim() || data.handle, avatarUrl: data.avatar ?? null, details: { pds } };
  } catch (e) {
    if (!noAppView(e)) throw classify(e, 'the profile');
  }
  // A PDS without an AppView: the profile record itself, and the handle from the session.
  let handle: string;
  try {
    handle = (await agent.com.atproto.server.getSession()).data.handle;
  } catch (e) {
    throw classify(e, 'the session');
  }
  let displayName = '';
  let avatarUrl: string | null = null;
  try {
    const { data } = await agent.com.atproto.repo.getRecord({ repo: did, collection: 'app.bsky.actor.profile', rkey: 'self' });
    const value = data.value as { displayName?: unknown; avatar?: { ref?: unknown } };
    if (typeof value.displayName === 'string') displayName = value.displayName.trim();
    const ref = value.avatar?.ref;
    const cid = ref && typeof ref === 'object' && '$link' in ref ? String((ref as { $link: unknown }).$link) : ref ? String(ref) : '';
    if (/^b[a-z2-7]+$/.test(cid)) avatarUrl = `${pds}/xrpc/com.atproto.sync.getBlob?did=${encodeURIComponent(did)}&cid=${cid}`;
  } catch (e) {
    // No profile record yet is a profile without a name or picture.
    if (!(isXrpc(e) && e.error === 'RecordNotFound')) throw classify(e, 'the profile record');
  }
  return { platformUserId: did, handle, displayName: displayName || handle, avatarUrl, details: { pds } };
}

/** Logs in with an app password and checks it is one; the session is deleted again if not. */
async function loginWithAppPassword(ctx: ConnectorContext, pds: string, identifier: string, appPassword: string) {
  const { data } = await createSession(ctx, pds, identifier, appPassword);
  const scope = jwtClaims(data.accessJwt).scope;
  if (scope === MAIN_PASSWORD_SCOPE) {
    await discardSession(ctx, pds, data.refreshJwt);
    throw new PlatformError(
      'setup',
      `That is the account's main password, not an app password. Plugboard signed out again at once and kept nothing. An app password can be revoked on its own and cannot change your account: ${APP_PASSWORDS_WHERE}, then enter it here. Consider changing your main password if you typed it anywhere you do not trust.`,
    );
  }
  return data;
}

/** Ends the session these tokens belong to; one the PDS no longer knows is already ended. */
async function endSession(ctx: ConnectorContext, tokens: { refreshToken: string | null }): Promise<void> {
  if (!tokens.refreshToken) return;
  try {
    await deleteSession(ctx, pdsOf(ctx), tokens.refreshToken);
  } catch (e) {
    const p = classify(e, 'the sign-out');
    if (p.kind === 'auth') return;
    throw p;
  }
}

export const bluesky: Connector = {
  decl: providerDecl('bluesky'),

  appPassword: {
    fields: [
      { name: 'identifier', label: 'Handle or email', kind: 'text', placeholder: 'you.bsky.social', autocomplete: 'username' },
      {
        name: 'appPassword',
        label: 'App password',
        kind: 'password',
        placeholder: 'xxxx-xxxx-xxxx-xxxx',
        help: 'Create one in Bluesky: Settings → Privacy and security → App passwords. Never your main password.',
        autocomplete: 'off',
      },
      { name: 'pds', label: 'Server (PDS)', kind: 'url', placeholder: 'https://bsky.social', help: 'Optional. Only if your account is on your own server.' },
    ],

    async verify(ctx, values, now, purpose): Promise<AppPasswordConnection> {
      const parsed = valuesSchema.safeParse(values);
      if (!parsed.success) throw new PlatformError('setup', parsed.error.issues.map((i) => i.message).join(' '));
      const { identifier, appPassword, pds } = parsed.data;
      const data = await loginWithAppPassword(ctx, pds, identifier, appPassword);
      await refuseInactive(ctx, pds, data, 'try again');
      let profile: Profile;
      try {
        profile = await readProfile(ctx, pds, data.did, data.accessJwt);
      } catch (e) {
        await discardSession(ctx, pds, data.refreshJwt);
        throw e;
      }
      // A test keeps nothing, so the session it opened is closed at once.
      if (purpose === 'test') await discardSession(ctx, pds, data.refreshJwt);
      const notes: string[] = [];
      if (pds !== DEFAULT_PDS) notes.push(`Signed in on your own server, ${hostOf(pds)}.`);
      if (identifier.includes('@')) notes.push(`Signed in with the email address; Plugboard shows the account as @${profile.handle}.`);
      if (jwtClaims(data.accessJwt).scope === PRIVILEGED_APP_PASS_SCOPE) {
        notes.push('This app password can also read and send your direct messages, which Plugboard does not need: consider creating one without “Allow access to your direct messages” and connecting with that instead.');
      }
      return { profile, tokens: toTokenSet(data, now), secret: appPassword, notes };
    },

    closeReplaced: endSession,
  },

  async fetchProfile(ctx, accessToken) {
    const did = ctx.account?.platformUserId ?? jwtClaims(accessToken).sub;
    if (!did) throw new PlatformError('auth', `${NAME} gave a session Plugboard cannot tie to an account. Reconnect the account.`);
    return readProfile(ctx, pdsOf(ctx), did, accessToken);
  },

  async renew(ctx, tokens, now) {
    const pds = pdsOf(ctx);
    const did = ctx.account?.platformUserId ?? (tokens.accessToken ? jwtClaims(tokens.accessToken).sub : undefined);
    const { refreshToken, appPassword } = tokens;
    const refreshExp = refreshToken ? jwtClaims(refreshToken).exp : undefined;
    const refreshUsable = Boolean(refreshToken && did) && (refreshExp === undefined || refreshExp * 1000 > now + REFRESH_MARGIN_MS);
    /** Why the app password has to sign in again, for the account's history. */
    let why = refreshToken ? 'the session had expired' : 'no session was stored';
    if (refreshUsable) {
      const session = await newSession(ctx, pds);
      let refreshed: Awaited<ReturnType<CredentialSession['resumeSession']>>['data'] | null = null;
      try {
        // resumeSession = refreshSession with this refresh JWT; it rotates, so the new pair is what gets stored.
        refreshed = (await session.resumeSession({ did: did!, handle: '', accessJwt: tokens.accessToken ?? '', refreshJwt: refreshToken!, active: true })).data;
      } catch (e) {
        // The app password cannot sign in to a taken-down account either: trying would only blame it.
        if (isTakedown(e)) throw takedownError(pds, e);
        const p = classify(e, 'the renewed session');
        // Only a refused refresh JWT falls through to the app password; anything else is retried later as it is.
        if (p.kind !== 'auth' || !appPassword) throw p;
        why = `${NAME} no longer accepted the session (${isXrpc(e) ? platformWords(e) : p.message})`;
      }
      if (refreshed) {
        await refuseInactive(ctx, pds, refreshed, 'refresh it here');
        return toTokenSet(refreshed, now);
      }
    }
    if (!appPassword || !did) {
      throw new PlatformError('auth', `${NAME} no longer accepts this account's session and Plugboard has no app password stored for it. Reconnect the account.`);
    }
    // Self-healing: the refresh JWT expired (a machine left off for months) or was refused, but the stored
    // app password still opens a new session. Only when the app password itself is refused is the account dead.
    let data: Awaited<ReturnType<typeof loginWithAppPassword>>;
    try {
      data = await loginWithAppPassword(ctx, pds, did, appPassword);
    } catch (e) {
      if (e instanceof PlatformError && (e.kind === 'auth' || e.kind === 'setup')) {
        if (isTakedown(e.cause) || (await repoTakenDown(ctx, pds, did))) throw takedownError(pds, e);
        throw new PlatformError(
          'auth',
          `${NAME} no longer accepts the app password saved for this account (it may have been deleted in Settings → Privacy and security → App passwords). Create a new app password and reconnect the account.`,
          { status: e.status, cause: e },
        );
      }
      throw e;
    }
    if (data.did !== did) {
      await discardSession(ctx, pds, data.refreshJwt);
      throw new PlatformError('auth', `The stored app password now signs in to a different ${NAME} account. Reconnect the account.`);
    }
    await refuseInactive(ctx, pds, data, 'refresh it here');
    return { ...toTokenSet(data, now), note: `signed in again with the app password: ${why}` };
  },

  // Ends Plugboard's session at the PDS. The app password itself stays valid until it is deleted in
  // Bluesky's settings; Plugboard has already forgotten it.
  revoke: endSession,
};
