// X (Twitter): OAuth 2.0 with PKCE, rotating refresh tokens, revoke on disconnect.
import { z } from 'zod';
import { providerDecl } from './providers.ts';
import { readJson } from './api-errors.ts';
import { revokeToken } from '../oauth/oauth-client.ts';
import type { Connector } from './types.ts';

const CLIENT_REFUSED =
  'X did not recognise the client ID and secret ("Client Not Found" / unauthorized). Copy the OAuth 2.0 Client ID and Client Secret from the X developer portal\'s "Keys and tokens" page — not the API Key and Secret of OAuth 1.0a.';

const ME_URL = 'https://api.x.com/2/users/me?user.fields=profile_image_url,username,name,subscription_type';

const meSchema = z.object({
  data: z.object({
    id: z.string().min(1),
    username: z.string().min(1),
    name: z.string(),
    profile_image_url: z.string().url().optional(),
    subscription_type: z.string().optional(),
  }),
});

export const x: Connector = {
  decl: providerDecl('x'),

  async fetchProfile(ctx, accessToken) {
    const res = await ctx.http.fetch(ME_URL, { headers: { authorization: `Bearer ${accessToken}` } });
    const { data } = await readJson(x, res, meSchema, 'the profile');
    return {
      platformUserId: data.id,
      handle: data.username,
      displayName: data.name || data.username,
      avatarUrl: data.profile_image_url ?? null,
      details: data.subscription_type ? { subscriptionType: data.subscription_type } : ({} as Record<string, string>),
    };
  },

  async revoke(ctx, tokens) {
    // Revoking the refresh token ends the whole grant; the access token is revoked too
    // for a grant made without offline.access.
    if (tokens.refreshToken) await revokeToken(x, ctx.credentials, ctx.http, tokens.refreshToken, 'refresh_token');
    else if (tokens.accessToken) await revokeToken(x, ctx.credentials, ctx.http, tokens.accessToken, 'access_token');
  },

  // The body's error code first: a dead refresh token answered with 401 is still the account's end.
  describeTokenError(error, description, status) {
    if (error === 'unauthorized_client' || error === 'invalid_client') return { kind: 'setup', message: CLIENT_REFUSED };
    if (error === 'invalid_request' && /token was invalid/i.test(description ?? '')) {
      return { kind: 'auth', message: 'X no longer accepts this account\'s refresh token (it was revoked, used elsewhere, or expired). Reconnect the account.' };
    }
    if (error === 'invalid_request' && /authorization code/i.test(description ?? '')) {
      return { kind: 'denied', message: 'X did not accept the sign-in code (it was already used or has expired). Click Connect to try again.' };
    }
    if (/redirect/i.test(description ?? '')) {
      return { kind: 'setup', message: 'X refused the callback URL. Register the exact redirect URI shown on the Credentials tab in your X app\'s "User authentication settings".' };
    }
    if (status === 401) return { kind: 'setup', message: CLIENT_REFUSED };
    return null;
  },
};
