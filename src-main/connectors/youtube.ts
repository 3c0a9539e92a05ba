// YouTube: Google OAuth 2.0 for a "Desktop app" client (any loopback port, PKCE, client_secret_post),
// refresh replies without a new refresh token (the stored one is kept), revoke on disconnect.
// One Google login can own several channels; each chosen channel becomes its own account that
// shares the login's tokens (listIdentities). Per /work/shared/platforms.md.
import { z } from 'zod';
import { providerDecl } from './providers.ts';
import { readJson } from './api-errors.ts';
import { revokeToken } from '../oauth/oauth-client.ts';
import type { Connector, ConnectorContext, Identity, Profile } from './types.ts';
import { PlatformError } from '../errors/platform-error.ts';

// maxResults: a login with brand channels could list more than the default 5.
const CHANNELS_URL = 'https://www.googleapis.com/youtube/v3/channels?part=snippet&mine=true&maxResults=50';

const channelsSchema = z.object({
  // Google leaves `items` out entirely when the login has no channel.
  items: z
    .array(
      z.object({
        id: z.string().min(1),
        snippet: z.object({
          title: z.string(),
          customUrl: z.string().optional(),
          thumbnails: z.object({ default: z.object({ url: z.string().url() }).optional() }).partial().optional(),
        }),
      }),
    )
    .optional(),
});

/** Google's API error body: {"error":{"code":403,"status":"PERMISSION_DENIED","errors":[{"reason":"quotaExceeded",…}]}}. */
const apiErrorSchema = z.object({
  error: z.object({
    code: z.number().optional(),
    status: z.string().optional(),
    message: z.string().optional(),
    errors: z.array(z.object({ reason: z.string().optional() })).optional(),
  }),
});

const NO_CHANNEL =
  'This Google account has no YouTube channel. Create one at youtube.com (your profile picture → Create a channel) while signed in with this account, then click Connect again.';

const TESTING_MODE_OR_REVOKED =
  'Google ended this connection: it says the refresh token "has been expired or revoked". The usual cause is that a Google app left in Testing mode loses its refresh tokens after 7 days — publish the app (In production) in the Google Cloud console\'s OAuth consent screen, then Reconnect. Other causes: access was removed at myaccount.google.com/permissions, the Google password was changed, the connection went unused for 6 months, or more than 100 newer connections were made with this client.';

/** The next midnight in Pacific time, when YouTube's daily quota resets. */
function nextPacificMidnight(now = Date.now()): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(now);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  // hour12: false can say 24 for midnight.
  const sinceMidnight = (((n('hour') % 24) * 60 + n('minute')) * 60 + n('second')) * 1000;
  return now - sinceMidnight + 24 * 3600 * 1000;
}

/**
 * Google's 403 says why in `errors[].reason`: an exhausted quota is not a dead grant, and an API left
 * disabled in the Cloud project is a setup mistake. Anything else falls through to the shared rules.
 */
async function readApi<S extends z.ZodType>(res: Response, schema: S, what: string): Promise<z.infer<S>> {
  if (res.status !== 403) return readJson(youtube, res, schema, what);
  const body = await res.text();
  let parsed: z.infer<typeof apiErrorSchema> | null = null;
  try {
    const r = apiErrorSchema.safeParse(JSON.parse(body));
    parsed = r.success ? r.data : null;
  } catch {
    parsed = null;
  }
  const reasons = new Set((parsed?.error.errors ?? []).map((e) => e.reason));
  if (reasons.has('quotaExceeded') || reasons.has('dailyLimitExceeded')) {
    throw new PlatformError('rate_limited', 'YouTube\'s daily API quota for this Google Cloud project is used up; it resets at midnight Pacific time and Plugboard will try again then. Nothing is wrong with the account.', {
      status: 403,
      retryAt: nextPacificMidnight(),
    });
  }
  if (reasons.has('rateLimitExceeded') || reasons.has('userRateLimitExceeded')) {
    throw new PlatformError('rate_limited', 'YouTube is rate-limiting requests; Plugboard will try again later.', { status: 403 });
  }
  if (reasons.has('accessNotConfigured') || (parsed?.error.status === 'PERMISSION_DENIED' && /has not been used|is disabled/i.test(parsed.error.message ?? ''))) {
    throw new PlatformError('setup', 'The YouTube Data API v3 is not enabled in this client\'s Google Cloud project. Enable it under APIs & Services → Library, wait a few minutes, then try again.', { status: 403 });
  }
  return readJson(youtube, new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers }), schema, what);
}

async function listChannels(ctx: ConnectorContext, accessToken: string): Promise<Identity[]> {
  const res = await ctx.http.fetch(CHANNELS_URL, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
  const { items } = await readApi(res, channelsSchema, 'the YouTube channel list');
  return (items ?? []).map((item) => {
    const title = item.snippet.title;
    const custom = item.snippet.customUrl?.replace(/^@/, '') ?? '';
    return {
      platformUserId: item.id,
      handle: custom || title || item.id,
      displayName: title || custom || item.id,
      avatarUrl: item.snippet.thumbnails?.default?.url ?? null,
      details: {} as Record<string, string>,
    };
  });
}

export const youtube: Connector = {
  decl: providerDecl('youtube'),

  noIdentityMessage: NO_CHANNEL,

  listIdentities: listChannels,

  /**
   * Only the access token is given, so this cannot know which of a login's channels an account is:
   * it answers the first channel. The core does not rely on it for YouTube: with listIdentities it
   * re-reads profiles through readProfile (lifecycle.ts), which picks the account's own channel id.
   */
  async fetchProfile(ctx, accessToken): Promise<Profile> {
    const [first] = await listChannels(ctx, accessToken);
    if (!first) throw new PlatformError('setup', NO_CHANNEL);
    return first;
  },

  async revoke(ctx, tokens) {
    // Revoking either token ends the whole grant at Google; the refresh token is the one that outlives the hour.
    const token = tokens.refreshToken ?? tokens.accessToken;
    const hint = tokens.refreshToken ? 'refresh_token' : 'access_token';
    if (!token) return;
    try {
      await revokeToken(youtube, ctx.credentials, ctx.http, token, hint);
    } catch (e) {
      // 400 invalid_token: the grant is already gone (expired, revoked, Testing-mode death), which is what was asked.
      if (e instanceof PlatformError && e.status === 400 && (e.cause as { error?: unknown } | undefined)?.error === 'invalid_token') return;
      throw e;
    }
  },

  describeTokenError(error, description, status) {
    const desc = description ?? '';
    if (error === 'invalid_grant' && /expired or revoked/i.test(desc)) return { kind: 'auth', message: TESTING_MODE_OR_REVOKED };
    if (error === 'invalid_grant' && /code verifier/i.test(desc)) {
      return { kind: 'denied', message: 'Google did not accept the sign-in (the PKCE code verifier did not match). Click Connect to try again.' };
    }
    if (error === 'invalid_grant') {
      return {
        kind: 'auth',
        message: `Google refused the grant (invalid_grant${desc ? `: ${desc}` : ''}): a sign-in code that was already used or expired, or a refresh token Google no longer knows. Click Connect (or Reconnect) to sign in again.`,
      };
    }
    if (error === 'invalid_token') return { kind: 'auth', message: 'Google says this token has expired or been revoked. Reconnect the account.' };
    if (error === 'deleted_client') {
      return { kind: 'setup', message: 'Google says this OAuth client was deleted. Create a new OAuth client ID of type Desktop app in the Google Cloud console and save its ID and secret on the Credentials tab.' };
    }
    if (error === 'invalid_client' || error === 'unauthorized_client' || status === 401) {
      return {
        kind: 'setup',
        message:
          'Google did not accept the client ID and secret (invalid_client). Copy both from the OAuth client of type Desktop app under APIs & Services → Credentials in the Google Cloud console.',
      };
    }
    if (error === 'redirect_uri_mismatch') {
      return {
        kind: 'setup',
        message: 'Google refused the loopback redirect (redirect_uri_mismatch). Plugboard needs an OAuth client of type Desktop app, which accepts any 127.0.0.1 port; a Web application client does not.',
      };
    }
    if (error === 'invalid_scope') {
      return { kind: 'setup', message: 'Google refused the requested scopes. Add youtube.upload and youtube.readonly on the OAuth consent screen and enable the YouTube Data API v3.' };
    }
    return null;
  },
};
