// src-main/domains/: the API by domain, each a table of typed handlers over the parts of CoreContext it names (context.ts); core.ts combines them.
//
// Connected accounts: how they look to the window and the tray, storing a new one, renewing, re-reading
// the profile, the activity log, and Disconnect with its revoke.
import type { AccountView, Results } from '../api/contract.ts';
import { providerDecl } from '../connectors/providers.ts';
import { connectorFor } from '../connectors/registry.ts';
import type { ClientCredentials, Connector, Profile, TokenSet } from '../connectors/types.ts';
import { accountContext, canRenew, clientCredentialsFor, connectionDeadline, readProfile, renewalFor } from '../core/account-facts.ts';
import { ApiFailure } from '../core/api-failure.ts';
import { AVATAR_PATH, avatarAddress } from '../core/avatars.ts';
import { RECENT_RENEWAL_MS } from '../core/lifecycle.ts';
import { summarizeRefreshAll } from '../core/refresh-summary.ts';
import { deriveStatus, userDate } from '../core/status.ts';
import type { AttentionItem } from '../core/types.ts';
import { PlatformError } from '../errors/platform-error.ts';
import type { Flow } from '../oauth/flows.ts';
import { UNREADABLE_TOKEN_MESSAGE, type AccountRow, type StoredTokens } from '../store/accounts.ts';
import { VaultCorruptError } from '../vault/vault.ts';
import { activeWorkspace, switchTo, workspacePrefix, type CoreContext, type DomainHandlers } from './context.ts';
import { requireConnector, requireCredentials } from './platforms.ts';

type AccountsContext = Pick<
  CoreContext,
  'accounts' | 'activity' | 'appCredentials' | 'lifecycle' | 'http' | 'clock' | 'logger' | 'emit' | 'db' | 'prefs' | 'isOnline' | 'warningWindowMs'
>;

export function accountView(ctx: Pick<CoreContext, 'lifecycle' | 'clock' | 'warningWindowMs'>, row: AccountRow): AccountView {
  const decl = providerDecl(row.platform);
  const derived = deriveStatus(row, decl, ctx.clock.now(), { refreshing: ctx.lifecycle.isRefreshing(row.id), warningWindowMs: ctx.warningWindowMs() });
  // Offline, an account whose renewal is waiting for the network says so instead of looking fine.
  const { status, reason } =
    !ctx.lifecycle.online && derived.status === 'connected' && canRenew(row, decl) && row.token_expires_at !== null && row.token_expires_at <= ctx.clock.now()
      ? { status: 'offline' as const, reason: 'Offline — Plugboard will renew this account when the network is back.' }
      : derived;
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    platform: row.platform,
    platformUserId: row.platform_user_id,
    handle: row.handle,
    displayName: row.display_name,
    avatar: avatarAddress(AVATAR_PATH, row.id, row.avatar),
    status,
    statusReason: reason,
    renews: canRenew(row, decl) && status !== 'expired',
    userDate: iso(userDate(row, decl, status)),
    scopes: row.scopes ? row.scopes.split(' ') : [],
    tokenExpiresAt: iso(row.token_expires_at),
    connectionExpiresAt: iso(row.connection_expires_at),
    lastSyncedAt: iso(row.last_synced_at),
    lastError: row.last_error_kind ? { kind: row.last_error_kind, message: row.last_error_message ?? '', at: iso(row.last_error_at)! } : null,
    details: JSON.parse(row.details) as Record<string, string>,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

/** An account of the active workspace: another workspace's accounts are not there for the API. */
export function requireAccount(ctx: Pick<CoreContext, 'accounts' | 'db' | 'prefs'>, id: string): AccountRow {
  const row = ctx.accounts.get(id);
  if (!row || row.workspace_id !== activeWorkspace(ctx)) throw new ApiFailure('not_found', 'That account is not connected in this workspace (it may have been disconnected already).');
  return row;
}

/** Stores one identity as an account (new, or renewed in place) and puts it in the scheduler's care. */
export function storeIdentity(
  ctx: Pick<CoreContext, 'accounts' | 'lifecycle' | 'clock' | 'logger'>,
  flow: Pick<Flow, 'workspaceId' | 'platform' | 'via'>,
  connector: Connector,
  profile: Profile,
  tokens: TokenSet,
  avatar: string | null,
  appPassword: string | null = null,
) {
  const renewal = renewalFor(connector, tokens);
  const result = ctx.accounts.upsertConnected({
    workspaceId: flow.workspaceId,
    platform: flow.platform,
    via: flow.via,
    renewal,
    appPassword,
    profile,
    avatar,
    tokens,
    connectionExpiresAt: connectionDeadline(renewal, tokens, null),
    now: ctx.clock.now(),
  });
  const stored = ctx.accounts.get(result.id)!;
  ctx.lifecycle.plan(stored);
  // A connection whose deadline is already inside the warning window says so now, not at its first renewal.
  ctx.lifecycle.checkNotices(stored, 'reconnected');
  ctx.logger.info('account connected', { platform: flow.platform, account: result.id, renewed: result.renewed });
  return result;
}

/** Deletes the account's secrets at once, then revokes at the platform where it can (best effort). */
export async function disconnect(
  ctx: Pick<CoreContext, 'accounts' | 'appCredentials' | 'lifecycle' | 'http' | 'clock' | 'logger' | 'emit'>,
  row: AccountRow,
): Promise<Results['accounts.disconnect']> {
  const accountId = row.id;
  const connector = connectorFor(row.platform, row.via);
  // A token that no longer opens does not stop Disconnect: the account goes, the platform cannot be told.
  const readable = tokensIfReadable(ctx, accountId);
  const tokens = readable ?? { accessToken: null, refreshToken: null, appPassword: null };
  // Identities chosen from one login share its grant (YouTube channels share tokens; Facebook Pages and
  // Instagram accounts reached through them share the Facebook login): revoking it would cut the others off.
  // Accounts of every workspace count, but one in another workspace is not named here.
  const grant = connector?.grantOf?.(accountContext(row).details) ?? null;
  const sharer = ctx.accounts
    .all()
    .find(
      (a) =>
        a.id !== accountId &&
        ((a.platform === row.platform && sharesGrant(tokensIfReadable(ctx, a.id), tokens)) ||
          (grant !== null && connectorFor(a.platform, a.via)?.grantOf?.(accountContext(a).details) === grant)),
    );
  ctx.accounts.remove(accountId, ctx.clock.now());
  ctx.lifecycle.forget(accountId);
  ctx.emit({ type: 'accounts.changed' });
  ctx.logger.info('account disconnected', { platform: row.platform, account: accountId });
  const name = providerDecl(row.platform).name;
  let creds: ClientCredentials | null;
  try {
    creds = clientCredentialsFor(providerDecl(row.via ?? row.platform), ctx.appCredentials);
  } catch (e) {
    if (!(e instanceof VaultCorruptError)) throw e;
    creds = null;
  }
  if (!connector?.revoke) {
    return { accountId, revoked: false, revokeError: null, note: `Plugboard cannot revoke access at ${name}; to end it there too, remove Plugboard (its app or application password) in your ${name} settings.` };
  }
  if (sharer) {
    const who = sharer.workspace_id === row.workspace_id ? `@${sharer.handle}` : 'an account in another workspace';
    return { accountId, revoked: false, revokeError: null, note: `Access stays granted at ${name}: ${who} was connected in the same sign-in and still uses it.` };
  }
  if (!readable) {
    return { accountId, revoked: false, revokeError: `Plugboard could not tell ${name}: this account’s stored token could not be read. To end access there too, remove Plugboard in your ${name} settings.`, note: null };
  }
  if (!creds) {
    return { accountId, revoked: false, revokeError: 'The app credentials were cleared or cannot be read, so Plugboard could not revoke access at the platform.', note: null };
  }
  try {
    const kept = await connector.revoke({ http: ctx.http, credentials: creds, account: accountContext(row) }, tokens);
    return kept ? { accountId, revoked: false, revokeError: null, note: kept.note } : { accountId, revoked: true, revokeError: null, note: null };
  } catch (e) {
    ctx.logger.warn('revoke failed', { platform: row.platform, account: accountId, error: (e as Error).message });
    return { accountId, revoked: false, revokeError: (e as Error).message, note: null };
  }
}

/** The account's tokens, or null when a stored secret no longer opens. */
function tokensIfReadable(ctx: Pick<CoreContext, 'accounts'>, accountId: string): StoredTokens | null {
  try {
    return ctx.accounts.readTokens(accountId);
  } catch (e) {
    if (e instanceof VaultCorruptError) return null;
    throw e;
  }
}

/** The account's tokens; a damaged one turns the account red with the fix, once, and is refused. */
function readTokensOrMark(ctx: Pick<CoreContext, 'accounts' | 'clock' | 'logger'>, row: AccountRow): StoredTokens {
  const tokens = tokensIfReadable(ctx, row.id);
  if (tokens) return tokens;
  markUnreadable(ctx, row.id);
  throw new PlatformError('auth', UNREADABLE_TOKEN_MESSAGE);
}

export function markUnreadable(ctx: Pick<CoreContext, 'accounts' | 'clock' | 'logger'>, accountId: string): void {
  const row = ctx.accounts.get(accountId);
  if (!row || row.last_error_message === UNREADABLE_TOKEN_MESSAGE) return;
  ctx.logger.warn('a stored token no longer opens', { account: accountId });
  ctx.accounts.recordError(accountId, 'auth', UNREADABLE_TOKEN_MESSAGE, ctx.clock.now());
}

/** `a` null: that account's tokens cannot be read, so nothing is known to be shared. */
function sharesGrant(a: StoredTokens | null, b: StoredTokens): boolean {
  if (!a) return false;
  return (a.refreshToken !== null && a.refreshToken === b.refreshToken) || (a.accessToken !== null && a.accessToken === b.accessToken);
}

/** Accounts needing the user, across workspaces (the tray). */
export function attention(ctx: Pick<CoreContext, 'accounts' | 'clock' | 'db' | 'warningWindowMs'>): AttentionItem[] {
  // Derived as if nothing were in flight: a refresh under way must not make the tray flicker.
  return ctx.accounts
    .all()
    .map((row) => ({ row, derived: deriveStatus(row, providerDecl(row.platform), ctx.clock.now(), { warningWindowMs: ctx.warningWindowMs() }) }))
    .filter(({ derived }) => derived.status === 'expired' || derived.status === 'expiring')
    .map(({ row, derived }) => ({
      accountId: row.id,
      platform: row.platform,
      label: `${workspacePrefix(ctx, row.workspace_id)}${providerDecl(row.platform).name} @${row.handle}`,
      status: derived.status,
      reason: derived.reason,
    }));
}

/** A notification or the tray item was clicked: the renderer shows that account. */
export function openAccount(ctx: Pick<CoreContext, 'accounts' | 'lifecycle' | 'clock' | 'db' | 'prefs' | 'emit' | 'warningWindowMs'>, accountId: string): void {
  const row = ctx.accounts.get(accountId);
  if (!row) return;
  // A notice or the tray can name an account of any workspace: show that workspace first.
  switchTo(ctx, row.workspace_id);
  const { status } = accountView(ctx, row);
  ctx.emit({ type: 'ui.openAccount', accountId, reconnect: status === 'expired' || status === 'expiring' });
}

export function accountHandlers(
  ctx: AccountsContext,
): DomainHandlers<'accounts.list' | 'accounts.refresh' | 'accounts.refreshAll' | 'accounts.syncProfile' | 'accounts.activity' | 'accounts.disconnect'> {
  return {
    'accounts.list': async () => ctx.accounts.list(activeWorkspace(ctx)).map((row) => accountView(ctx, row)),

    'accounts.refresh': async ({ accountId }) => {
      const row = requireAccount(ctx, accountId);
      if (!canRenew(row, providerDecl(row.platform))) {
        throw new ApiFailure('bad_request', `${providerDecl(row.platform).name} tokens cannot be renewed without you: use Reconnect.`);
      }
      if (row.connection_expires_at !== null && row.connection_expires_at <= ctx.clock.now()) {
        throw new ApiFailure('bad_request', `This ${providerDecl(row.platform).name} connection has ended and cannot be renewed: use Reconnect.`);
      }
      // Only the OS's word refuses at once: after a failed request the user may know the network is back.
      if (ctx.isOnline?.() === false) {
        throw new ApiFailure('offline', 'You are offline. Plugboard will renew this account by itself when the network is back.');
      }
      await ctx.lifecycle.refreshNow(accountId);
      return accountView(ctx, requireAccount(ctx, accountId));
    },

    'accounts.refreshAll': async () => {
      const here = activeWorkspace(ctx);
      // A renewal that finished just before is the answer to this click too (as for a burst of clicks).
      const since = ctx.clock.now() - RECENT_RENEWAL_MS;
      const outcomes = await ctx.lifecycle.refreshAll((row) => row.workspace_id === here);
      return summarizeRefreshAll(ctx.accounts.list(here), outcomes, (id) => ctx.lifecycle.renewedSince(id, since), ctx.clock.now(), ctx.warningWindowMs());
    },

    'accounts.syncProfile': async ({ accountId }) => {
      const row = requireAccount(ctx, accountId);
      const connector = requireConnector(row.platform, row.via);
      const creds = requireCredentials(ctx, providerDecl(row.via ?? row.platform));
      // App-password platforms (WordPress) have no access token: the password itself is the credential.
      const stored = readTokensOrMark(ctx, row);
      const accessToken = stored.accessToken || stored.appPassword;
      if (!accessToken) throw new ApiFailure('not_found', 'This account has no access token; reconnect it.');
      try {
        const profile = await readProfile(connector, { http: ctx.http, credentials: creds, account: accountContext(row) }, accessToken, row.platform_user_id);
        if (!profile) throw new ApiFailure('not_found', `This ${connector.decl.name} login no longer has @${row.handle}. Reconnect to choose again.`);
        ctx.accounts.updateProfile(accountId, profile, ctx.clock.now());
      } catch (e) {
        if (e instanceof PlatformError && e.kind === 'auth') {
          // An expired access token: renew it first (the lifecycle re-reads the profile after renewing).
          await ctx.lifecycle.refreshNow(accountId);
        } else throw e;
      }
      ctx.emit({ type: 'accounts.changed' });
      return accountView(ctx, requireAccount(ctx, accountId));
    },

    'accounts.activity': async ({ accountId }) => {
      requireAccount(ctx, accountId);
      return ctx.activity.recent(accountId, 50).map((a) => ({ kind: a.kind, detail: a.detail, at: new Date(a.at).toISOString() }));
    },

    'accounts.disconnect': async ({ accountId }) => disconnect(ctx, requireAccount(ctx, accountId)),
  };
}
