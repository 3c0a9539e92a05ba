// Pinterest (API v5): OAuth 2.0 authorization code, client_secret_basic, continuous refresh
// tokens, GET /v5/user_account. Pinterest has no token revocation endpoint.
//
// The token requests are made here rather than through the generic client (oauth4webapi):
// Pinterest's token endpoint answers errors in its own shape, {"code":283,"message":"The
// authorization grant is invalid"}, not RFC 6749's {"error": …}, and oauth4webapi can only call
// such a reply "not conform" (malformed), so a dead refresh token would never turn the account red.
import { z } from 'zod';
import { providerDecl } from './providers.ts';
import { readJson } from './api-errors.ts';
import { rejectUnusable } from '../oauth/oauth-client.ts';
import type { Connector, ConnectorContext, TokenSet } from './types.ts';
import { PlatformError } from '../errors/platform-error.ts';

const USER_ACCOUNT_URL = 'https://api.pinterest.com/v5/user_account';

/** Pinterest's error body on every v5 endpoint, the token endpoint included. */
const errorSchema = z.object({ code: z.number(), message: z.string() });

/** Pinterest's "authorization grant is invalid": a dead, expired or foreign code or refresh token. */
const INVALID_GRANT = 283;
/** Pinterest's "Authentication failed.": at the token endpoint, the client ID and secret were refused. */
const AUTHENTICATION_FAILED = 2;

const tokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
  // Continuous refresh: a new refresh token (and a new 60-day window) with every reply. Legacy
  // replies to a refresh carry none, and the stored one is kept.
  refresh_token: z.string().min(1).optional(),
  refresh_token_expires_in: z.number().optional(),
  /** Epoch seconds. */
  refresh_token_expires_at: z.number().optional(),
  scope: z.string().optional(),
  response_type: z.string().optional(),
});

const accountSchema = z.object({
  id: z.string().min(1).optional(),
  username: z.string().min(1),
  account_type: z.string().optional(),
  business_name: z.string().nullish(),
  profile_image: z.string().url().nullish(),
});

function basicAuth(ctx: ConnectorContext): string {
  const { clientId, clientSecret } = ctx.credentials;
  // RFC 6749 2.3.1: form-encode each part before Basic encoding.
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret ?? '')}`).toString('base64')}`;
}

async function tokenRequest(ctx: ConnectorContext, form: Record<string, string>, grant: 'code' | 'refresh', now: number): Promise<TokenSet> {
  const decl = pinterest.decl.oauth!;
  const res = await ctx.http.fetch(decl.tokenUrl, {
    method: 'POST',
    headers: { authorization: basicAuth(ctx), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
    tokenRequest: true,
  });
  await rejectUnusable(pinterest, res);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new PlatformError('malformed', `Pinterest sent a token reply that is not valid JSON (HTTP ${res.status}). Nothing was changed; try again later.`, { status: res.status });
  }
  if (!res.ok) throw tokenError(body, res.status, grant);
  const parsed = tokenSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlatformError('malformed', `Pinterest sent a token reply without the expected fields (${issue?.path.join('.') || 'body'}: ${issue?.message}). Nothing was changed.`, { status: res.status });
  }
  const r = parsed.data;
  const refreshTokenExpiresAt =
    r.refresh_token_expires_in !== undefined ? now + r.refresh_token_expires_in * 1000 : r.refresh_token_expires_at !== undefined ? r.refresh_token_expires_at * 1000 : undefined;
  return {
    accessToken: r.access_token,
    refreshToken: r.refresh_token,
    accessTokenExpiresAt: now + r.expires_in * 1000,
    refreshTokenExpiresAt,
    scopes: r.scope ? r.scope.split(/[\s,]+/).filter(Boolean) : decl.scopes,
  };
}

function tokenError(body: unknown, status: number, grant: 'code' | 'refresh'): PlatformError {
  const parsed = errorSchema.safeParse(body);
  const code = parsed.success ? String(parsed.data.code) : '';
  const message = parsed.success ? parsed.data.message : undefined;
  const mapped = pinterest.describeTokenError!(code, message, status);
  if (mapped && !(grant === 'code' && mapped.kind === 'auth')) return new PlatformError(mapped.kind, mapped.message, { status });
  if (grant === 'code') {
    return new PlatformError('denied', `Pinterest did not accept the sign-in code (${message ?? `HTTP ${status}`}). Click Connect to try again.`, { status });
  }
  if (!parsed.success) return new PlatformError('malformed', `Pinterest refused the refresh with a reply Plugboard could not read (HTTP ${status}). Nothing was changed; try again later.`, { status });
  return new PlatformError('auth', `Pinterest refused to renew this account's access (${message}). Reconnect the account.`, { status });
}

export const pinterest: Connector = {
  decl: providerDecl('pinterest'),

  async fetchProfile(ctx, accessToken) {
    const res = await ctx.http.fetch(USER_ACCOUNT_URL, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
    const account = await readJson(pinterest, res, accountSchema, 'the account');
    return {
      // `id` is optional in Pinterest's OpenAPI schema. Without it the username is the stable key:
      // it is unique on Pinterest, and the account keeps its Plugboard id across a rename because
      // a reconnect is matched in place by the flow, not by this value alone.
      platformUserId: account.id ?? account.username,
      handle: account.username,
      displayName: account.business_name || account.username,
      avatarUrl: account.profile_image ?? null,
      details: account.account_type ? { accountType: account.account_type } : ({} as Record<string, string>),
    };
  },

  exchange(ctx, p, now) {
    // continuous_refresh: apps created before Pinterest made continuous refresh the default ask for it
    // here; newer apps get it anyway (third-party reports; not in Pinterest's reference).
    return tokenRequest(ctx, { grant_type: 'authorization_code', code: p.code, redirect_uri: p.redirectUri, continuous_refresh: 'true' }, 'code', now);
  },

  renew(ctx, tokens, now) {
    if (!tokens.refreshToken) {
      return Promise.reject(new PlatformError('auth', 'Pinterest gave no refresh token for this account, so it cannot renew itself. Reconnect it.'));
    }
    return tokenRequest(ctx, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken }, 'refresh', now);
  },

  // No revoke: Pinterest's API v5 has no token revocation endpoint. The user removes the app's
  // access under Settings → Security and logins → Apps on pinterest.com.

  // The body's code decides: Pinterest answers a dead grant (283) with HTTP 401, the same status as
  // refused client credentials (2), so the status is only the last resort.
  describeTokenError(error, description, status) {
    if (/redirect/i.test(description ?? '')) {
      return {
        kind: 'setup',
        message: 'Pinterest refused the redirect URI. Add the exact redirect URI shown on the Credentials tab under Redirect URIs on your app\'s Manage page at developers.pinterest.com/apps.',
      };
    }
    if (error === String(INVALID_GRANT) || error === 'invalid_grant') {
      return { kind: 'auth', message: 'Pinterest no longer accepts this account\'s refresh token (it expired, was revoked, or the app was removed). Reconnect the account.' };
    }
    if (error === String(AUTHENTICATION_FAILED) || error === 'invalid_client' || error === 'unauthorized_client' || (error === '' && status === 401)) {
      return {
        kind: 'setup',
        message:
          'Pinterest did not accept the client ID and secret. Copy the App ID and the App secret key from your app\'s Manage page at developers.pinterest.com/apps and save them again on the Credentials tab.',
      };
    }
    return null;
  },
};
