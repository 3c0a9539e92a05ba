// A token endpoint's successful reply, for the connectors that send their own token requests
// (TikTok's client_key, LinkedIn's replies oauth4webapi refuses): checked against the
// connector's schema, then turned into a TokenSet the same way for all of them.
import type { z } from 'zod';
import type { OAuthDecl, TokenSet } from './types.ts';
import { PlatformError } from '../errors/platform-error.ts';

export interface TokenReply {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  scope?: string;
}

export function readTokenReply<S extends z.ZodType<TokenReply>>(platformName: string, schema: S, json: unknown, status: number): z.infer<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlatformError('malformed', `${platformName} sent a token reply without the expected fields (${issue?.path.join('.') || 'body'}: ${issue?.message}). Nothing was changed.`, {
      status,
    });
  }
  return parsed.data;
}

/** `refreshExpiresIn`: the platform's refresh-token lifetime field, in seconds, when it sends one. */
export function tokenSetOf(decl: OAuthDecl, r: TokenReply, refreshExpiresIn: number | undefined, now: number): TokenSet {
  return {
    accessToken: r.access_token,
    refreshToken: r.refresh_token,
    accessTokenExpiresAt: now + r.expires_in * 1000,
    refreshTokenExpiresAt: refreshExpiresIn !== undefined ? now + refreshExpiresIn * 1000 : undefined,
    scopes: r.scope ? r.scope.split(/[\s,]+/).filter(Boolean) : decl.scopes,
  };
}
