// Which accounts need the user, which notices are due, and when the next
// threshold will be crossed — pure functions of stored facts and the time, so
// the scheduler can wake for a threshold and the tests can move the clock.
import type { AccountStatus } from '../api/contract.ts';
import type { ProviderDecl } from '../connectors/types.ts';
import type { AccountRow } from '../store/accounts.ts';
import type { Threshold } from '../store/notices.ts';
import { refusedReason, userDeadline } from './status.ts';

const DAY = 24 * 3600 * 1000;

export interface NoticeDue {
  threshold: Threshold;
  /** What the notice is about: the deadline, or for a refusal the token generation refused. */
  deadline: number;
  title: string;
  body: string;
  /** Less severe thresholds this one makes moot (recorded as sent, never shown). */
  supersedes: { threshold: Threshold; deadline: number }[];
}

const accountLabel = (row: AccountRow, decl: ProviderDecl) => `${decl.name} @${row.handle}`;

/** "Dec 15" (with the year when it is not this one): the window's format, so a notice and the account say the same date. */
function day(t: number, now: number): string {
  const year = new Date(t).getFullYear() === new Date(now).getFullYear() ? undefined : 'numeric';
  return new Date(t).toLocaleDateString(undefined, { month: 'short', day: 'numeric', year });
}

/** The one notice due now for this account, if any: the most severe threshold crossed. */
export function noticeDue(row: AccountRow, decl: ProviderDecl, status: AccountStatus, now: number, warningWindowMs: number, workspaceName: string): NoticeDue | null {
  // Named in the title, as the tray names it, once there is more than one workspace.
  const label = (r: AccountRow, d: ProviderDecl) => `${workspaceName ? `${workspaceName} · ` : ''}${accountLabel(r, d)}`;
  if (status === 'expired' && (row.last_error_kind === 'auth' || row.last_error_kind === 'setup')) {
    return {
      threshold: 'refused',
      deadline: row.token_obtained_at ?? row.created_at,
      title: `${label(row, decl)} needs you`,
      body: refusedReason(row, decl),
      supersedes: [],
    };
  }
  const deadline = userDeadline(row, decl);
  if (deadline === null) return null;
  const left = deadline - now;
  if (left <= 0) {
    return {
      threshold: 'expired',
      deadline,
      title: `${label(row, decl)} has expired`,
      body: `The connection ended on ${day(deadline, now)}. Reconnect to use it again.`,
      supersedes: [
        { threshold: 'warn_window', deadline },
        { threshold: 'warn_1d', deadline },
      ],
    };
  }
  if (left <= DAY) {
    return {
      threshold: 'warn_1d',
      deadline,
      title: `${label(row, decl)} expires within a day`,
      body: `${decl.name} cannot renew this connection by itself; it ends ${day(deadline, now)}. Reconnect now.`,
      supersedes: [{ threshold: 'warn_window', deadline }],
    };
  }
  if (left <= warningWindowMs) {
    return {
      threshold: 'warn_window',
      deadline,
      title: `${label(row, decl)} expires in ${Math.ceil(left / DAY)} days`,
      body: `${decl.name} cannot renew this connection by itself; it ends ${day(deadline, now)}. Reconnect before then.`,
      supersedes: [],
    };
  }
  return null;
}

/** The next moment a threshold will be crossed for this account (the scheduler wakes then), or null. */
export function nextThresholdAt(row: AccountRow, decl: ProviderDecl, now: number, warningWindowMs: number): number | null {
  const deadline = userDeadline(row, decl);
  if (deadline === null) return null;
  const times = [deadline - warningWindowMs, deadline - DAY, deadline].filter((t) => t > now);
  return times.length ? Math.min(...times) : null;
}
