// An account's status is derived from stored facts every time it is shown:
// token expiry, how the platform renews, the connection's own deadline and the
// last error's kind. Nothing stores a status string that could drift.
import type { AccountStatus, Renewal } from '../api/contract.ts';
import type { ProviderDecl } from '../connectors/types.ts';
import type { AccountRow } from '../store/accounts.ts';

export const DEFAULT_WARNING_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** Failures that say nothing about the account: it waits for the network or the platform. */
const OFFLINE_KINDS = new Set(['network', 'server', 'malformed']);

/** Most severe first: what needs the user now, what will soon, then what is only information. */
const SEVERITY: readonly AccountStatus[] = ['expired', 'expiring', 'offline', 'refreshing', 'connected'];

/** The most severe of these statuses; null for none. */
export function worstStatus(statuses: Iterable<AccountStatus>): AccountStatus | null {
  let worst: number | null = null;
  for (const s of statuses) worst = Math.min(worst ?? SEVERITY.length, SEVERITY.indexOf(s));
  return worst === null ? null : SEVERITY[worst]!;
}

/**
 * When the connection will need the user: the refresh token's or long-lived
 * token's own deadline, or, for a platform that cannot renew, the token's expiry.
 */
export function userDeadline(row: AccountRow, decl: ProviderDecl): number | null {
  return renewalOf(row, decl) === 'none' ? (row.connection_expires_at ?? row.token_expires_at) : row.connection_expires_at;
}

/** How this account renews: its own way when its login differs from its platform's usual one. */
export function renewalOf(row: Pick<AccountRow, 'renewal'>, decl: ProviderDecl): Renewal {
  return row.renewal ?? decl.renewal;
}

/** Why a refused account is red, in its status and in its notice: an empty stored sentence is no reason. */
export function refusedReason(row: AccountRow, decl: ProviderDecl): string {
  return row.last_error_message || `${decl.name} refused to renew this connection. Reconnect to sign in again.`;
}

/**
 * The one date the user cares about for an account with this status: when it stopped working (the
 * refusal, the passed deadline), or else when it will need them; null when it renews itself or never ends.
 */
export function userDate(row: AccountRow, decl: ProviderDecl, status: AccountStatus): number | null {
  if (status !== 'expired') return userDeadline(row, decl);
  if (row.last_error_kind === 'auth' || row.last_error_kind === 'setup') return row.last_error_at;
  // A renewing account stops only at its connection's deadline; one that cannot renew at the first of the two ends.
  if (renewalOf(row, decl) !== 'none') return row.connection_expires_at;
  const ends = [row.connection_expires_at, row.token_expires_at].filter((t) => t !== null);
  return ends.length ? Math.min(...ends) : null;
}

export function deriveStatus(
  row: AccountRow,
  decl: ProviderDecl,
  now: number,
  opts: { refreshing?: boolean; warningWindowMs?: number } = {},
): { status: AccountStatus; reason: string | null } {
  const window = opts.warningWindowMs ?? DEFAULT_WARNING_WINDOW_MS;
  if (opts.refreshing) return { status: 'refreshing', reason: null };
  if (row.last_error_kind === 'auth' || row.last_error_kind === 'setup') {
    return { status: 'expired', reason: refusedReason(row, decl) };
  }
  if (row.connection_expires_at !== null && row.connection_expires_at <= now) {
    return { status: 'expired', reason: `${decl.name} ends a connection after a fixed time, and this one has ended. Reconnect to sign in again.` };
  }
  const canRenew = renewalOf(row, decl) !== 'none';
  const tokenExpired = row.token_expires_at !== null && row.token_expires_at <= now;
  if (tokenExpired && !canRenew) return { status: 'expired', reason: `${decl.name} does not let Plugboard renew this connection, and it has run out. Reconnect to sign in again.` };
  // A network failure never turns an account red: it waits for the network.
  if (row.last_error_kind && OFFLINE_KINDS.has(row.last_error_kind)) {
    return { status: 'offline', reason: row.last_error_message ?? 'Could not reach the platform; will retry.' };
  }
  const deadline = userDeadline(row, decl);
  if (deadline !== null && deadline - now <= window) {
    // The date is the window's to put in words (userDate): in the user's format, next to this sentence.
    return { status: 'expiring', reason: `${decl.name} cannot renew this connection by itself. Reconnect before it ends.` };
  }
  // A rate limit is the platform asking for patience, not a fault: the account stays as it was, and
  // its stored sentence says when the next try is.
  if (row.last_error_kind === 'rate_limited') return { status: 'connected', reason: row.last_error_message };
  return { status: 'connected', reason: null };
}
