// src-main/core/: core.ts composes the app (database, vault, services, domains, dispatch); the rest is what several domains share: the lifecycle, status, notices, guards, logs.
//
// What the lifecycle and the API's domains both need to know of an account and its platform: how it
// renews, its connection's deadline, the client credentials and the facts a connector may see.
import type { Renewal } from '../api/contract.ts';
import type { ClientCredentials, Connector, ConnectorContext, Profile, ProviderDecl, TokenSet } from '../connectors/types.ts';
import type { AccountRow } from '../store/accounts.ts';
import type { AppCredentials } from '../store/app-credentials.ts';
import { renewalOf } from './status.ts';

const DEADLINE_DRIFT_MS = 10 * 60_000;

/**
 * The account's current profile. Where one login has several identities (YouTube channels,
 * Pages), the one this account is; null when the login no longer has it.
 */
export async function readProfile(connector: Connector, ctx: ConnectorContext, accessToken: string, platformUserId: string | null): Promise<Profile | null> {
  if (!connector.listIdentities) return connector.fetchProfile(ctx, accessToken);
  const identities = await connector.listIdentities(ctx, accessToken);
  return identities.find((i) => i.platformUserId === platformUserId) ?? null;
}

const NO_CLIENT: ClientCredentials = { clientId: '', clientSecret: null };

/** The app's client credentials; app-password platforms have none and need none. */
export function clientCredentialsFor(decl: ProviderDecl, appCredentials: AppCredentials): ClientCredentials | null {
  return decl.auth === 'app-password' ? NO_CLIENT : appCredentials.read(decl.id);
}

/** What a connector may know of the account it works on: its id and non-secret facts. */
export function accountContext(row: AccountRow): { platformUserId: string; details: Record<string, string> } {
  return { platformUserId: row.platform_user_id, details: JSON.parse(row.details) as Record<string, string> };
}

export function canRenew(row: Pick<AccountRow, 'renewal'>, decl: ProviderDecl): boolean {
  return renewalOf(row, decl) !== 'none';
}

/**
 * How an account connected through `connector` renews: as the connector's platform does, except
 * that a platform which normally cannot renew (LinkedIn) can when it handed out a refresh token.
 */
export function renewalFor(connector: Connector, tokens: TokenSet): Renewal {
  return connector.decl.renewal === 'none' && tokens.refreshToken ? 'refresh' : connector.decl.renewal;
}

/**
 * The connection's own deadline: a refresh token's fixed expiry; a long-lived token's expiry (each
 * extension moves it); for a connection that cannot renew, the token's.
 */
export function connectionDeadline(renewal: Renewal, tokens: TokenSet, previous: number | null): number | null {
  if (tokens.refreshTokenExpiresAt !== undefined && tokens.refreshTokenExpiresAt !== null) {
    // A fixed deadline re-announced in whole seconds after each refresh drifts by a second or so;
    // keeping the stored one keeps the notices about it (keyed by deadline) from firing again.
    if (previous !== null && Math.abs(tokens.refreshTokenExpiresAt - previous) < DEADLINE_DRIFT_MS) return previous;
    return tokens.refreshTokenExpiresAt;
  }
  if (tokens.refreshTokenExpiresAt === null) return null;
  if (renewal === 'none' || renewal === 'long-lived-extension') return tokens.accessTokenExpiresAt;
  return tokens.refreshToken ? null : previous;
}
