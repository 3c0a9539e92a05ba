// Threads (Meta): the code buys a 1-hour token, which is traded at once for a 60-day one; there is no
// refresh token. Renewing extends the 60-day token itself (th_refresh_token), which Threads allows
// only once the token is 24 hours old. graph.threads.net answers errors in the Graph shape, read by
// graph-errors.ts; what only the token steps can mean (app ID, secret, redirect URI, a used code,
// too early to extend) is sorted out here first.
//
// No revoke: Threads has no endpoint an app can call to give up its access (Meta's Threads docs list
// only the Uninstall and Delete callbacks, which Meta calls). The user removes Plugboard in Threads:
// Settings → Account → Website permissions → Active → Remove.
import { z } from 'zod';
import { graphErrorSchema, readGraph, type GraphErrorBody } from './graph-errors.ts';
import { providerDecl } from './providers.ts';
import type { Connector, ConnectorContext, TokenSet } from './types.ts';
import { PlatformError } from '../errors/platform-error.ts';

const GRAPH = 'https://graph.threads.net';
const PROFILE_FIELDS = 'id,username,name,threads_profile_picture_url';
const DAY_MS = 86_400_000;

const shortLivedSchema = z.object({
  access_token: z.string().min(1),
  // A bare 17-digit number that JSON.parse rounds: never used as the account's id (that comes from /me).
  user_id: z.union([z.string(), z.number()]).optional(),
});

const longLivedSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().int().positive(),
});

const meSchema = z.object({
  id: z.string().min(1),
  username: z.string().min(1),
  name: z.string().optional(),
  threads_profile_picture_url: z.string().optional(),
});

type Step = { kind: 'code' } | { kind: 'exchange' } | { kind: 'refresh'; now: number } | { kind: 'profile' };

/** What a Graph error means at a token step, where graph-errors.ts's general reading would mislead. */
function stepError(step: Step, err: GraphErrorBody, status: number): PlatformError | null {
  if (step.kind === 'code' || step.kind === 'exchange') {
    const mapped = threads.describeTokenError!(String(err.code ?? ''), err.message, status);
    return mapped ? new PlatformError(mapped.kind, mapped.message, { status }) : null;
  }
  // The refresh call carries only the token and the grant type, so an invalid-parameter answer (not
  // 190) means the token is sound but younger than 24 hours: try again when it is surely old enough.
  if (step.kind === 'refresh' && err.code === 100) {
    return new PlatformError('rate_limited', 'Threads extends this access only once it is at least 24 hours old; Plugboard will try again in a day.', {
      status,
      retryAt: step.now + DAY_MS,
    });
  }
  return null;
}

async function read<S extends z.ZodType>(res: Response, schema: S, what: string, step: Step): Promise<z.infer<S>> {
  const text = await res.clone().text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const graph = graphErrorSchema.safeParse(body);
  if (graph.success) {
    const mapped = stepError(step, graph.data.error, res.status);
    if (mapped) throw mapped;
  }
  return readGraph(threads, res, schema, what, step.kind === 'refresh' ? step.now : Date.now());
}

function graphUrl(path: string, query: Record<string, string>): string {
  const url = new URL(path, GRAPH);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.href;
}

function longLived(r: z.infer<typeof longLivedSchema>, now: number): TokenSet {
  return {
    accessToken: r.access_token,
    accessTokenExpiresAt: now + r.expires_in * 1000,
    // Threads does not say which permissions were granted; the authorization asks for all of them.
    scopes: threads.decl.oauth!.scopes,
  };
}

async function exchangeCode(ctx: ConnectorContext, p: { code: string; redirectUri: string }, now: number): Promise<TokenSet> {
  const secret = ctx.credentials.clientSecret ?? '';
  const res = await ctx.http.fetch(threads.decl.oauth!.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ client_id: ctx.credentials.clientId, client_secret: secret, code: p.code, grant_type: 'authorization_code', redirect_uri: p.redirectUri }),
    tokenRequest: true,
  });
  const short = await read(res, shortLivedSchema, 'the sign-in reply', { kind: 'code' });
  // A 1-hour token would leave the account to die before the first renewal: trade it now.
  const swap = await ctx.http.fetch(graphUrl('/access_token', { grant_type: 'th_exchange_token', client_secret: secret, access_token: short.access_token }), {
    headers: { accept: 'application/json' },
    tokenRequest: true,
  });
  return longLived(await read(swap, longLivedSchema, 'the long-lived access', { kind: 'exchange' }), now);
}

export const threads: Connector = {
  decl: providerDecl('threads'),

  async fetchProfile(ctx, accessToken) {
    const res = await ctx.http.fetch(graphUrl('/v1.0/me', { fields: PROFILE_FIELDS, access_token: accessToken }), { headers: { accept: 'application/json' } });
    const me = await read(res, meSchema, 'the profile', { kind: 'profile' });
    return {
      platformUserId: me.id,
      handle: me.username,
      displayName: me.name || me.username,
      avatarUrl: me.threads_profile_picture_url || null,
      details: {},
    };
  },

  exchange: (ctx, p, now) => exchangeCode(ctx, p, now),

  async renew(ctx, tokens, now) {
    if (!tokens.accessToken) throw new PlatformError('auth', 'No Threads access is stored for this account, so it cannot be extended. Reconnect the account.');
    const res = await ctx.http.fetch(graphUrl('/refresh_access_token', { grant_type: 'th_refresh_token', access_token: tokens.accessToken }), { headers: { accept: 'application/json' }, tokenRequest: true });
    return longLived(await read(res, longLivedSchema, 'the extended access', { kind: 'refresh', now }), now);
  },

  describeAuthorizeError(error, description) {
    const text = description ?? '';
    if (/tester|invite to test/i.test(text)) {
      return 'Threads lets only Threads Testers connect while the app is in development. In the Meta app dashboard, add this Threads account as a Threads Tester under App roles, accept the invitation in Threads (Settings → Account → Website permissions → Invites), then click Connect again.';
    }
    if (/redirect/i.test(text)) {
      return 'Threads refused the callback address. Add the redirect URI shown on the Credentials tab, exactly as shown, to the Redirect Callback URLs in the Threads use case settings, then click Connect again.';
    }
    if (/application data|app id|application id/i.test(text)) {
      return 'Threads did not recognise the app. On the Credentials tab, use the Threads app ID from the Threads use case settings, not the Facebook App ID at the top of the Meta app dashboard; they are different numbers.';
    }
    if (error === 'access_denied') return 'You declined the authorization on Threads, so nothing was connected. Click Connect to try again.';
    return null;
  },

  // Threads token errors come in the Graph shape: `error` is its numeric code as text, `description` its message.
  describeTokenError(error, description) {
    const text = description ?? '';
    if (error === '101' || /application id|invalid platform app|application data/i.test(text)) {
      return {
        kind: 'setup',
        message:
          'Threads did not recognise the app ID. On the Credentials tab, use the Threads app ID from the Threads use case settings, not the Facebook App ID at the top of the Meta app dashboard; they are different numbers.',
      };
    }
    if (/client secret|app secret/i.test(text)) {
      return {
        kind: 'setup',
        message: 'Threads did not accept the app secret. Copy the Threads app secret from the Threads use case settings (not the Facebook App secret) into the Credentials tab.',
      };
    }
    if (/redirect_uri|redirect uri/i.test(text)) {
      return {
        kind: 'setup',
        message:
          'Threads refused the callback address. Add the redirect URI shown on the Credentials tab, exactly as shown, to the Redirect Callback URLs in the Threads use case settings, then click Connect again.',
      };
    }
    if (/authorization code|verification code/i.test(text)) {
      return { kind: 'denied', message: 'Threads did not accept the sign-in code (it was already used or has expired). Click Connect to try again.' };
    }
    return null;
  },
};
