// Refresh all's answer (F15): for every account it was asked about, whether it renewed, and if not,
// why — so the window can say "4 renewed · 1 needs Reconnect · 5 do not expire" instead of
// counting an account that cannot renew as refreshed.
import type { RefreshAllSummary } from '../api/contract.ts';
import { providerDecl } from '../connectors/providers.ts';
import type { RunOutcome } from '../scheduler/refresh-scheduler.ts';
import type { AccountRow } from '../store/accounts.ts';
import { canRenew } from './account-facts.ts';
import { deriveStatus, userDeadline } from './status.ts';

/** `rows`: every account Refresh all was asked about, `outcomes` what the scheduler's runs made of them. */
export function summarizeRefreshAll(
  rows: AccountRow[],
  outcomes: Map<string, RunOutcome>,
  renewed: (id: string) => boolean,
  now: number,
  warningWindowMs: number,
): RefreshAllSummary {
  const summary: RefreshAllSummary = { refreshed: 0, needReconnect: [], failed: [], noExpiry: 0, notRenewable: 0 };
  for (const row of rows) {
    // An account with nothing to wait for is not in the scheduler at all: nothing ran, nothing failed.
    const outcome = outcomes.get(row.id) ?? { ok: true };
    const decl = providerDecl(row.platform);
    const { status, reason } = deriveStatus(row, decl, now, { warningWindowMs });
    const because = { accountId: row.id, handle: row.handle };
    // A renewed token on a connection that still ends (a refresh token's fixed deadline) needs Reconnect all the same.
    if (status === 'expired' || status === 'expiring') summary.needReconnect.push({ ...because, message: reason ?? `${decl.name} needs you to reconnect.` });
    else if (outcome.ok && renewed(row.id)) summary.refreshed++;
    else if (!outcome.ok) summary.failed.push({ ...because, message: row.last_error_message ?? 'The refresh failed.' });
    else if (!canRenew(row, decl) && userDeadline(row, decl) !== null) summary.notRenewable++;
    else summary.noExpiry++;
  }
  return summary;
}
