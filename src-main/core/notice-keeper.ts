// Sends the notice due for an account once, and marks its earlier notices resolved once their
// condition has ended: the account renewed, was reconnected or disconnected, so the list shows that
// they no longer need the user instead of leaving a red line behind.
import type { ApiEvent } from '../api/contract.ts';
import { providerDecl } from '../connectors/providers.ts';
import type { AccountRow } from '../store/accounts.ts';
import type { NoticeRow, Notices, ResolvedHow } from '../store/notices.ts';
import { noticeDue } from './attention.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import { deriveStatus, userDeadline } from './status.ts';

export interface NoticeKeeperDeps {
  clock: Clock;
  logger: Logger;
  notices: Notices;
  emit: (event: ApiEvent) => void;
  notify?: (notice: NoticeRow) => void;
  warningWindowMs: () => number;
  workspaceName: (workspaceId: string) => string;
}

/** Sends the notice due for this account now (if not sent before) and resolves the ones whose condition ended. */
export function checkNotices(d: NoticeKeeperDeps, row: AccountRow, how: ResolvedHow): void {
  const decl = providerDecl(row.platform);
  const now = d.clock.now();
  const { status } = deriveStatus(row, decl, now, { warningWindowMs: d.warningWindowMs() });
  const due = noticeDue(row, decl, status, now, d.warningWindowMs(), d.workspaceName(row.workspace_id));
  // While the account still needs the user, a notice about the deadline it still has (or a refusal not yet
  // mended) holds, even when a worse one follows (a day left, then expired); any other has ended.
  const holds = status === 'expired' || status === 'expiring' ? new Set([due?.deadline, userDeadline(row, decl)]) : new Set<number>();
  const ended = d.notices.open(row.id).filter((n) => !holds.has(n.deadline));
  const resolved = ended.length > 0 && d.notices.resolve(row.id, ended, how, now);
  if (resolved) d.logger.info('notices resolved', { account: row.id, how: how ?? 'changed' });
  const sent = due !== null && send(d, row, due, now);
  if (resolved && !sent) d.emit({ type: 'notices.changed' });
}

function send(d: NoticeKeeperDeps, row: AccountRow, due: NonNullable<ReturnType<typeof noticeDue>>, now: number): boolean {
  const base = { account_id: row.id, workspace_id: row.workspace_id, platform: row.platform, sent_at: now };
  const notice = { ...base, threshold: due.threshold, deadline: due.deadline, title: due.title, body: due.body };
  if (!d.notices.record(notice)) return false;
  for (const moot of due.supersedes) d.notices.record({ ...base, ...moot, title: '', body: '' });
  d.logger.info('notice sent', { account: row.id, threshold: due.threshold });
  d.notify?.({ ...notice, read_at: null, resolved_at: null, resolved_how: null });
  d.emit({ type: 'notices.changed' });
  return true;
}

/** The account is gone: whatever its notices asked of the user no longer applies. */
export function resolveAll(d: Pick<NoticeKeeperDeps, 'clock' | 'notices' | 'emit'>, accountId: string): void {
  const open = d.notices.open(accountId);
  if (open.length > 0 && d.notices.resolve(accountId, open, 'disconnected', d.clock.now())) d.emit({ type: 'notices.changed' });
}
