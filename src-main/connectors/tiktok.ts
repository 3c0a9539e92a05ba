// TikTok: Login Kit v2 for desktop. The token endpoint wants `client_key` (not client_id) and the
// secret in the form body, and answers errors as {error, error_description, log_id} — sometimes with
// HTTP 200 — so exchange, renew and revoke are done here rather than through oauth4webapi.
// Refresh tokens rotate (the previous one stops working), and carry their own deadline in
// refresh_expires_in (seconds left), which becomes the connection's deadline.
// The API (user info) answers {data, error: {code, message, log_id}}, where code 'ok' is success.
import { z } from 'zod';
import { providerDecl } from './providers.ts';
import { readTokenReply, tokenSetOf } from './token-reply.ts';
import { rejectUnusable } from '../oauth/oauth-client.ts';
import type { Connector, ConnectorContext, TokenSet } from './types.ts';
import { PlatformError } from '../errors/platform-error.ts';
import type { ErrorKind } from '../api/contract.ts';

const USER_INFO_URL = 'https://open.tiktokapis.com/v2/user/info/?fields=open_id,union_id,avatar_url,display_name,username';
const NAME = 'TikTok';

const tokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
  refresh_expires_in: z.number().int().nonnegative().optional(),
  open_id: z.string().optional(),
  scope: z.string().optional(),
  token_type: z.string().optional(),
});

/** The OAuth endpoints' error shape. */
const oauthErrorSchema = z.object({
  error: z.string().min(1),
  error_description: z.string().optional(),
  log_id: z.string().optional(),
});

/** The API's error object; present on success too, as {code: 'ok'}. */
const apiErrorSchema = z.object({
  error: z.object({ code: z.string().min(1), message: z.string().optional(), log_id: z.string().optional() }),
});

const userInfoSchema = z.object({
  data: z.object({
    user: z.object({
      open_id: z.string().min(1),
      union_id: z.string().optional(),
      avatar_url: z.string().optional(),
      display_name: z.string().optional(),
      username: z.string().optional(),
    }),
  }),
  error: z.object({ code: z.literal('ok') }).passthrough(),
});

type Grant = 'authorization_code' | 'refresh_token' | 'revoke';

function fail(kind: ErrorKind, message: string, status: number | null): never {
  throw new PlatformError(kind, message, { status });
}

/** The sentence for an OAuth error reply; `grant` says which request it answered. */
function describeOAuthError(error: string, description: string | undefined, status: number, grant: Grant): { kind: ErrorKind; message: string } {
  const mapped = tiktok.describeTokenError!(error, description, status);
  if (error === 'invalid_grant' && grant === 'authorization_code') {
    return { kind: 'denied', message: 'TikTok did not accept the sign-in code (it was already used or has expired). Click Connect to try again.' };
  }
  if (mapped) return mapped;
  return { kind: 'auth', message: `TikTok refused the request (${error}${description ? `: ${description}` : ''}). Reconnect the account.` };
}

/** Reads a reply of the token or revoke endpoint: JSON, with an OAuth error checked whatever the status. */
async function readOAuthReply(res: Response, grant: Grant): Promise<unknown> {
  await rejectUnusable(tiktok, res);
  const text = await res.text();
  let json: unknown;
  try {
    json = text.trim() === '' && res.ok ? {} : JSON.parse(text);
  } catch {
    if (res.status === 401 || res.status === 403) fail('setup', tiktok.describeTokenError!('invalid_client', undefined, res.status)!.message, res.status);
    if (!res.ok) fail('server', `TikTok answered the ${grant === 'revoke' ? 'revoke' : 'token'} request with HTTP ${res.status}; Plugboard will try again later.`, res.status);
    fail('malformed', 'TikTok sent a token reply that is not valid JSON. Nothing was changed; try again later.', res.status);
  }
  const oauthError = oauthErrorSchema.safeParse(json);
  if (oauthError.success) {
    const { kind, message } = describeOAuthError(oauthError.data.error, oauthError.data.error_description, res.status, grant);
    fail(kind, message, res.status);
  }
  // The API error shape (e.g. rate_limit_exceeded) can reach the OAuth endpoints too.
  const apiError = apiErrorSchema.safeParse(json);
  if (apiError.success && apiError.data.error.code !== 'ok') throwApiError(apiError.data.error.code, apiError.data.error.message, res.status);
  if (!res.ok) {
    if (res.status === 401 || res.status === 403) fail('setup', tiktok.describeTokenError!('invalid_client', undefined, res.status)!.message, res.status);
    fail('server', `TikTok answered the ${grant === 'revoke' ? 'revoke' : 'token'} request with HTTP ${res.status}; Plugboard will try again later.`, res.status);
  }
  return json;
}

function throwApiError(code: string, message: string | undefined, status: number): never {
  switch (code) {
    case 'access_token_invalid':
      fail('auth', 'TikTok no longer accepts this account\'s access (access_token_invalid). Reconnect the account.', status);
    case 'scope_not_authorized':
    case 'scope_permission_missed':
      fail('auth', `TikTok says this account did not grant a permission Plugboard needs (${code}). Reconnect it and allow every permission asked for.`, status);
    case 'rate_limit_exceeded':
      throw new PlatformError('rate_limited', 'TikTok is rate-limiting requests; Plugboard will try again later.', { status });
    default:
      if (status === 401 || status === 403) fail('auth', `TikTok no longer accepts this account's access (${code}). Reconnect the account.`, status);
      fail('server', `TikTok could not answer (${code}${message ? `: ${message}` : ''}); Plugboard will try again later.`, status);
  }
}

async function tokenRequest(ctx: ConnectorContext, grant: 'authorization_code' | 'refresh_token', params: Record<string, string>, now: number): Promise<TokenSet> {
  const decl = tiktok.decl.oauth!;
  const res = await ctx.http.fetch(decl.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'cache-control': 'no-cache', accept: 'application/json' },
    body: new URLSearchParams({ client_key: ctx.credentials.clientId, client_secret: ctx.credentials.clientSecret ?? '', grant_type: grant, ...params }),
    tokenRequest: true,
  });
  const r = readTokenReply('TikTok', tokenSchema, await readOAuthReply(res, grant), res.status);
  return tokenSetOf(decl, r, r.refresh_expires_in, now);
}

export const tiktok: Connector = {
  decl: providerDecl('tiktok'),

  async fetchProfile(ctx, accessToken) {
    const res = await ctx.http.fetch(USER_INFO_URL, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
    await rejectUnusable(tiktok, res);
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      if (res.status === 401 || res.status === 403) fail('auth', `TikTok no longer accepts this account's access (HTTP ${res.status}). Reconnect the account.`, res.status);
      if (!res.ok) fail('server', `TikTok could not return the profile (HTTP ${res.status}).`, res.status);
      fail('malformed', 'TikTok sent the profile in a reply that is not valid JSON. Nothing was changed; try again later.', res.status);
    }
    // TikTok reports errors in error.code, and not always with an error status.
    const apiError = apiErrorSchema.safeParse(json);
    if (apiError.success && apiError.data.error.code !== 'ok') throwApiError(apiError.data.error.code, apiError.data.error.message, res.status);
    if (res.status === 401 || res.status === 403) fail('auth', `TikTok no longer accepts this account's access (HTTP ${res.status}). Reconnect the account.`, res.status);
    if (!res.ok) fail('server', `TikTok could not return the profile (HTTP ${res.status}).`, res.status);
    const parsed = userInfoSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      fail('malformed', `TikTok sent the profile without the expected fields (${issue?.path.join('.') || 'body'}: ${issue?.message}). Nothing was changed.`, res.status);
    }
    const user = parsed.data.data.user;
    const handle = user.username || user.display_name || user.open_id;
    return {
      platformUserId: user.open_id,
      handle,
      displayName: user.display_name || handle,
      avatarUrl: user.avatar_url || null,
      details: {},
    };
  },

  exchange(ctx, p, now) {
    const params: Record<string, string> = { code: p.code, redirect_uri: p.redirectUri };
    if (p.verifier) params.code_verifier = p.verifier;
    return tokenRequest(ctx, 'authorization_code', params, now);
  },

  renew(ctx, tokens, now) {
    if (!tokens.refreshToken) {
      return Promise.reject(new PlatformError('auth', 'TikTok gave no refresh token for this account, so it cannot renew itself. Reconnect it.'));
    }
    return tokenRequest(ctx, 'refresh_token', { refresh_token: tokens.refreshToken }, now);
  },

  async revoke(ctx, tokens) {
    // TikTok revokes with the user access token, which ends the whole grant (refresh token too).
    const token = tokens.accessToken ?? tokens.refreshToken;
    if (!token) return;
    const res = await ctx.http.fetch(tiktok.decl.oauth!.revokeUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'cache-control': 'no-cache', accept: 'application/json' },
      body: new URLSearchParams({ client_key: ctx.credentials.clientId, client_secret: ctx.credentials.clientSecret ?? '', token }),
    });
    await readOAuthReply(res, 'revoke');
  },

  describeTokenError(error, description) {
    const text = description ?? '';
    if (error === 'invalid_client' || error === 'unauthorized_client') {
      return {
        kind: 'setup',
        message:
          'TikTok did not accept the client key and secret. Copy the Client key and Client secret from your app at TikTok for Developers (Manage apps) into the Credentials tab, and check that Login Kit is added to the app.',
      };
    }
    if (/redirect/i.test(text)) {
      return { kind: 'setup', message: 'TikTok refused the callback URL. Under Login Kit in your TikTok app, register the exact redirect URI shown on the Credentials tab.' };
    }
    if (error === 'invalid_scope') {
      return { kind: 'setup', message: 'TikTok refused the permissions asked for. Under Scopes in your TikTok app, add user.info.basic, user.info.profile, video.upload and video.publish.' };
    }
    if (/code verifier|code challenge|code_verifier|code_challenge/i.test(text)) {
      return { kind: 'setup', message: 'TikTok did not accept the sign-in\'s PKCE code verifier. Check that the app is set up in Login Kit with Desktop as the platform, then click Connect again.' };
    }
    if (error === 'invalid_grant') {
      return { kind: 'auth', message: 'TikTok no longer accepts this account\'s refresh token (it expired, was revoked, or was replaced by a newer one). Reconnect the account.' };
    }
    if (error === 'access_denied') {
      return { kind: 'auth', message: 'TikTok says access was withdrawn for this account. Reconnect the account.' };
    }
    return null;
  },
};
