// What the publisher tests share: an account row made from a connected identity as the accounts store writes
// it, the credentials the core hands a publisher, and a refusal caught for its checks.
import { expect } from 'vitest';
import type { PlatformId } from '../../src-main/api/contract.ts';
import type { Identity, TokenSet } from '../../src-main/connectors/types.ts';
import { PlatformError } from '../../src-main/errors/platform-error.ts';
import type { Http } from '../../src-main/http/http.ts';
import type { PublishContext } from '../../src-main/publish/types.ts';
import type { AccountRow } from '../../src-main/store/accounts.ts';

/** The row accounts.upsertConnected stores for the identity (details as JSON, scopes space-separated). */
function accountRow(platform: PlatformId, identity: Identity, tokens: TokenSet, now: number): AccountRow {
  return {
    id: `${platform}-${identity.platformUserId}`,
    workspace_id: 'default',
    platform,
    platform_user_id: identity.platformUserId,
    handle: identity.handle,
    display_name: identity.displayName,
    avatar: null,
    avatar_url: identity.avatarUrl,
    via: null,
    renewal: null,
    scopes: tokens.scopes.join(' '),
    details: JSON.stringify(identity.details),
    token_expires_at: tokens.accessTokenExpiresAt,
    connection_expires_at: null,
    last_synced_at: now,
    token_obtained_at: now,
    last_error_kind: null,
    last_error_message: null,
    last_error_at: null,
    created_at: now,
    updated_at: now,
  };
}

/** What the core hands a publisher for a connected identity: its own tokens where it has them (a Page's), else the login's. */
export function publishContext(http: Http, platform: PlatformId, identity: Identity, login: TokenSet, now: number): PublishContext {
  const tokens = identity.tokens ?? login;
  return { http, account: accountRow(platform, identity, tokens, now), credentials: { accessToken: tokens.accessToken, appPassword: null } };
}

export async function refusal(p: Promise<unknown>): Promise<PlatformError> {
  const e = await p.then(
    () => new Error('expected a PlatformError'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PlatformError);
  return e as PlatformError;
}
