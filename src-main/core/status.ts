// An account's status is derived from stored facts every time it is shown:
// token expiry, how the platform renews, the connection's own deadline and the
// last error's kind. Nothing stores a status string that could drift.
import type { AccountStatus, Renewal } from '../api/contract.ts';
import type { ProviderDecl } from '../connectors/types.ts';
import type { AccountRow } from '../store/accounts.ts';

export const DEFAULT_WARNING_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** Failures that say nothing about the account: it waits for the network or the platform. */
const OFFLINE_KINDS = new Set(['network', 'server', 'malformed']);

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

export function deriveStatus(
  row: AccountRow,
  decl: ProviderDecl,
  now: number,
  opts: { refreshing?: boolean; warningWindowMs?: number } = {},
): { status: AccountStatus; reason: string | null } {
  const window = opts.warningWindowMs ?? DEFAULT_WARNING_WINDOW_MS;
  if (opts.refreshing) return { status: 'refreshing', reason: null };
  if (row.last_error_kind === 'auth' || row.last_error_kind === 'setup') {
    return { status: 'expired', reason: row.last_error_message ?? `${decl.name} refused the connection. Reconnect.` };
  }
  if (row.connection_expires_at !== null && row.connection_expires_at <= now) {
    return { status: 'expired', reason: `The connection ended on ${new Date(row.connection_expires_at).toISOString().slice(0, 10)}. Reconnect.` };
  }
  const canRenew = renewalOf(row, decl) !== 'none';
  const tokenExpired = row.token_expires_at !== null && row.token_expires_at <= now;
  if (tokenExpired && !canRenew) return { status: 'expired', reason: `The ${decl.name} token expired and cannot renew itself. Reconnect.` };
  // A network failure never turns an account red: it waits for the network.
  if (row.last_error_kind && OFFLINE_KINDS.has(row.last_error_kind)) {
    return { status: 'offline', reason: row.last_error_message ?? 'Could not reach the platform; will retry.' };
  }
  const deadline = userDeadline(row, decl);
  if (deadline !== null && deadline - now <= window) {
    return { status: 'expiring', reason: `Needs you by ${new Date(deadline).toISOString().slice(0, 10)}: ${decl.name} cannot renew this connection by itself. Reconnect before then.` };
  }
  // A rate limit is the platform asking for patience, not a fault: the account stays as it was, and
  // its stored sentence says when the next try is.
  if (row.last_error_kind === 'rate_limited') return { status: 'connected', reason: row.last_error_message };
  return { status: 'connected', reason: null };
}
