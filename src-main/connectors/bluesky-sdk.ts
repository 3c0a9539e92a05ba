// @atproto/api as Plugboard uses it: loaded on first use, its fetch routed through Plugboard's HTTP
// layer, and its failures turned into classified PlatformErrors with the sentence for each.
import type { CredentialSession, XRPCError } from '@atproto/api';
import { PlatformError } from '../errors/platform-error.ts';
import type { Http } from '../http/http.ts';
import type { ConnectorContext } from './types.ts';

export const NAME = 'Bluesky';

/**
 * @atproto/api, loaded on first use: importing it takes ~0.85 s, most of the core's start-up, and
 * only Bluesky accounts need it.
 */
let sdk: typeof import('@atproto/api') | null = null;
async function atproto(): Promise<typeof import('@atproto/api')> {
  return (sdk ??= await import('@atproto/api'));
}
/** An error of @atproto/api's; none can exist before it was loaded. */
export function isXrpc(e: unknown): e is XRPCError {
  return sdk !== null && e instanceof sdk.XRPCError;
}
/** A session without tokens yet, whose requests go through Plugboard's HTTP layer. */
export async function newSession(ctx: ConnectorContext, pds: string): Promise<CredentialSession> {
  return new (await atproto()).CredentialSession(new URL(pds), viaHttp(ctx.http));
}
export async function agentFor(session: CredentialSession) {
  return new (await atproto()).Agent(session);
}

export const DEFAULT_PDS = 'https://bsky.social';

/** @atproto/xrpc's ResponseType.InvalidResponse: a body that is not JSON or does not fit the lexicon. */
const INVALID_RESPONSE = 2;

/** @atproto/api's fetch, routed through Plugboard's HTTP layer (origin map, time-outs, logs without tokens). */
function viaHttp(http: Http): typeof globalThis.fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    if (input instanceof Request) {
      const body = input.method === 'GET' || input.method === 'HEAD' ? undefined : new Uint8Array(await input.arrayBuffer());
      return http.fetch(input.url, { method: input.method, headers: input.headers, body, redirect: 'follow' });
    }
    const { signal: _signal, ...rest } = init ?? {};
    return http.fetch(input instanceof URL ? input.href : input, rest);
  }) as typeof globalThis.fetch;
}

export function hostOf(pds: string): string {
  return new URL(pds).host;
}

/** Any failure from @atproto/api as a classified PlatformError (its fetch already turns network trouble into one). */
export function classify(e: unknown, what: string): PlatformError {
  if (e instanceof PlatformError) return e;
  if (isXrpc(e)) {
    if (e.cause instanceof PlatformError) return e.cause;
    const status = e.status;
    if (status === INVALID_RESPONSE) {
      return new PlatformError('malformed', `${NAME} sent ${what} that Plugboard could not read (not JSON, or without the expected fields). Nothing was changed; try again later.`, { cause: e });
    }
    if (status === 429) {
      return new PlatformError('rate_limited', `${NAME} is rate-limiting requests; Plugboard will try again later.`, { status, retryAt: rateLimitReset(e.headers), cause: e });
    }
    if (status >= 500) {
      return new PlatformError('server', `${NAME} answered with a server error (HTTP ${status}); Plugboard will try again later.`, { status, cause: e });
    }
    if (status === 401 || e.error === 'ExpiredToken' || e.error === 'InvalidToken') {
      return new PlatformError('auth', `${NAME} no longer accepts this account's session (${e.error ?? `HTTP ${status}`}). Reconnect the account.`, { status, cause: e });
    }
    return new PlatformError('server', `${NAME} refused ${what}: ${e.error ?? `HTTP ${status}`}${e.message && e.message !== e.error ? ` (${e.message})` : ''}.`, { status, cause: e });
  }
  return new PlatformError('malformed', `${NAME} sent ${what} that Plugboard could not use: ${(e as Error).message ?? String(e)}.`, { cause: e });
}

/** The platform's own words for a refusal: its error name, and its message where that adds something. */
export function platformWords(e: XRPCError): string {
  const name = e.error ?? `HTTP ${e.status}`;
  return e.message && e.message !== e.error ? `${name}: ${e.message}` : name;
}

export const isTakedown = (e: unknown) => isXrpc(e) && e.error === 'AccountTakedown';

/**
 * The PDS's moderators took the account down. Its app passwords then fail like wrong ones, so this
 * must be told apart from a deleted app password: a new one cannot sign in either.
 */
export function takedownError(pds: string, cause?: unknown): PlatformError {
  const host = hostOf(pds);
  const who = pds === DEFAULT_PDS ? 'contact Bluesky’s moderators to appeal' : `contact the operator of ${host}`;
  return new PlatformError(
    'auth',
    `${NAME} says this account was taken down by its server, ${host} (AccountTakedown), so it can neither post nor renew. Reconnecting will not help: ${who}, and once they restore the account, refresh it here.`,
    { status: 401, cause },
  );
}

/**
 * A session of an account that is not active (deactivated by its owner) opens and refreshes, but
 * nothing can be posted with it. `then`: what to do after reactivating.
 */
export function inactiveError(pds: string, status: string | undefined, then: string): PlatformError {
  if (status === 'takendown' || status === 'suspended') return takedownError(pds);
  if (status === 'deactivated') {
    return new PlatformError('auth', `This ${NAME} account is deactivated (status: deactivated), so nothing can be posted with it. Sign in to Bluesky and reactivate it, then ${then}.`);
  }
  return new PlatformError('auth', `${NAME} says this account is not active (status: ${status ?? 'not given'}), so nothing can be posted with it. Sign in to Bluesky to see why, then ${then}.`);
}

/** Bluesky's ratelimit-reset is epoch seconds; the IETF draft's is seconds from now. */
function rateLimitReset(headers: Record<string, string | undefined> | undefined): number | null {
  const reset = headers?.['ratelimit-reset'] ?? headers?.['retry-after'];
  if (!reset || !/^\d+$/.test(reset)) return null;
  const n = Number(reset);
  return n > 1e9 ? n * 1000 : Date.now() + n * 1000;
}
