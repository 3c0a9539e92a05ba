import { describe, expect, it } from 'vitest';
import type { Http } from '../http/http.ts';
import { tiktok } from './tiktok.ts';
import type { ConnectorContext } from './types.ts';
import { PlatformError } from '../errors/platform-error.ts';

const NOW = 1_800_000_000_000;

/** The stored secrets a connector is handed (not a literal, so a field added to the shared type does not break this file). */
const held = (refreshToken: string | null, accessToken: string | null = null) => ({ accessToken, refreshToken, appPassword: null });

function ctxReplying(status: number, body: unknown, seen: { url?: string; body?: URLSearchParams }[] = []): ConnectorContext {
  const http: Http = {
    async fetch(url, init) {
      seen.push({ url: String(url), body: init?.body instanceof URLSearchParams ? init.body : undefined });
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    },
    stream: () => Promise.reject(new Error('the TikTok connector does not stream')),
    rewrite: (u) => u,
    isRewritten: () => false,
  };
  return { http, credentials: { clientId: 'ck', clientSecret: 'cs' } };
}

async function kindOf(p: Promise<unknown>): Promise<string> {
  const e = await p.catch((err: unknown) => err);
  expect(e).toBeInstanceOf(PlatformError);
  return (e as PlatformError).kind;
}

describe('tiktok connector', () => {
  it('exchanges with client_key in the form and maps both lifetimes', async () => {
    const seen: { url?: string; body?: URLSearchParams }[] = [];
    const ctx = ctxReplying(200, { access_token: 'act.a', expires_in: 7200, refresh_token: 'rft.r', refresh_expires_in: 100, open_id: 'o', scope: 'user.info.basic,video.upload', token_type: 'Bearer' }, seen);
    const t = await tiktok.exchange!(ctx, { code: 'c', redirectUri: 'http://127.0.0.1:1/cb', verifier: 'v'.repeat(43) }, NOW);
    expect(t).toEqual({ accessToken: 'act.a', refreshToken: 'rft.r', accessTokenExpiresAt: NOW + 7_200_000, refreshTokenExpiresAt: NOW + 100_000, scopes: ['user.info.basic', 'video.upload'] });
    const form = seen[0]!.body!;
    expect(seen[0]!.url).toBe('https://open.tiktokapis.com/v2/oauth/token/');
    expect(form.get('client_key')).toBe('ck');
    expect(form.get('client_id')).toBeNull();
    expect(form.get('client_secret')).toBe('cs');
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('code_verifier')).toBe('v'.repeat(43));
  });

  it('classifies OAuth errors whether TikTok sends them with 200 or 400', async () => {
    for (const status of [200, 400]) {
      expect(await kindOf(tiktok.renew!(ctxReplying(status, { error: 'invalid_grant', error_description: 'Refresh token is invalid or expired.', log_id: 'l' }), held('r'), NOW))).toBe('auth');
      expect(await kindOf(tiktok.renew!(ctxReplying(status, { error: 'invalid_client', error_description: 'Client key or secret is incorrect.', log_id: 'l' }), held('r'), NOW))).toBe('setup');
      expect(await kindOf(tiktok.exchange!(ctxReplying(status, { error: 'invalid_grant', error_description: 'Authorization code is expired.' }), { code: 'c', redirectUri: 'r', verifier: null }, NOW))).toBe('denied');
    }
    expect(await kindOf(tiktok.renew!(ctxReplying(401, 'Unauthorized'), held('r'), NOW))).toBe('setup');
    expect(await kindOf(tiktok.renew!(ctxReplying(200, { expires_in: 1 }), held('r'), NOW))).toBe('malformed');
    expect(await kindOf(tiktok.renew!(ctxReplying(429, {}), held('r'), NOW))).toBe('rate_limited');
    expect(await kindOf(tiktok.renew!(ctxReplying(200, {}), held(null, 'a'), NOW))).toBe('auth');
  });

  it('reads the profile, falling back to display_name for the handle', async () => {
    const p = await tiktok.fetchProfile(ctxReplying(200, { data: { user: { open_id: 'o1', display_name: 'Dee', avatar_url: 'https://p16-sign.tiktokcdn-us.com/a.png' } }, error: { code: 'ok', message: '' } }), 'act');
    expect(p).toEqual({ platformUserId: 'o1', handle: 'Dee', displayName: 'Dee', avatarUrl: 'https://p16-sign.tiktokcdn-us.com/a.png', details: {} });
  });

  it('treats error.code other than ok as an error even with HTTP 200', async () => {
    expect(await kindOf(tiktok.fetchProfile(ctxReplying(200, { data: {}, error: { code: 'access_token_invalid', message: 'x' } }), 'act'))).toBe('auth');
    expect(await kindOf(tiktok.fetchProfile(ctxReplying(401, { data: {}, error: { code: 'access_token_invalid', message: 'x' } }), 'act'))).toBe('auth');
    expect(await kindOf(tiktok.fetchProfile(ctxReplying(200, { data: {}, error: { code: 'rate_limit_exceeded' } }), 'act'))).toBe('rate_limited');
    expect(await kindOf(tiktok.fetchProfile(ctxReplying(200, { data: { user: {} }, error: { code: 'ok' } }), 'act'))).toBe('malformed');
  });

  it('revokes with client_key, client_secret and the access token', async () => {
    const seen: { url?: string; body?: URLSearchParams }[] = [];
    await tiktok.revoke!(ctxReplying(200, {}, seen), held('rft.r', 'act.a'));
    expect(seen[0]!.url).toBe('https://open.tiktokapis.com/v2/oauth/revoke/');
    expect(Object.fromEntries(seen[0]!.body!)).toEqual({ client_key: 'ck', client_secret: 'cs', token: 'act.a' });
    expect(await kindOf(tiktok.revoke!(ctxReplying(200, { error: 'invalid_client', error_description: 'x' }), held(null, 'a')))).toBe('setup');
  });
});
