// Notices: what Plugboard told the user (a connection about to end, an export), read or not, and
// whether the condition a notice was about has ended since.
import type { AppNoticeView, NoticeSeverity, NoticeView } from '../api/contract.ts';
import type { AppNoticeRow, NoticeRow, Threshold } from '../store/notices.ts';
import type { CoreContext, DomainHandlers } from './context.ts';

const SEVERITY: Record<Threshold, NoticeSeverity> = { refused: 'urgent', expired: 'urgent', warn_1d: 'soon', warn_window: 'soon' };
/** A tool waits for the user's answer; an export only tells. */
const APP_SEVERITY: Record<AppNoticeRow['kind'], NoticeSeverity> = { export: 'info', tool_pairing: 'soon', tool_post: 'soon' };

export function noticeView(row: NoticeRow): NoticeView {
  return {
    id: `${row.account_id}|${row.threshold}|${row.deadline}`,
    accountId: row.account_id,
    workspaceId: row.workspace_id,
    platform: row.platform,
    title: row.title,
    body: row.body,
    sentAt: new Date(row.sent_at).toISOString(),
    read: row.read_at !== null,
    severity: row.resolved_at === null ? SEVERITY[row.threshold] : 'resolved',
    resolved: row.resolved_at === null ? null : { at: new Date(row.resolved_at).toISOString(), how: row.resolved_how },
  };
}

/** Account notices and the app's own (an export), newest first. */
function noticeList(ctx: Pick<CoreContext, 'notices'>, limit = 50): (NoticeView | AppNoticeView)[] {
  const app = ctx.notices.recentApp(limit).map(
    (row): AppNoticeView => ({
      id: `app|${row.id}`,
      accountId: null,
      workspaceId: null,
      platform: null,
      title: row.title,
      body: row.body,
      sentAt: new Date(row.sent_at).toISOString(),
      read: row.read_at !== null,
      severity: APP_SEVERITY[row.kind],
      resolved: null,
    }),
  );
  return [...ctx.notices.recent(limit).map(noticeView), ...app].sort((a, b) => b.sentAt.localeCompare(a.sentAt)).slice(0, limit);
}
export function noticeHandlers(ctx: Pick<CoreContext, 'notices' | 'clock' | 'emit'>): DomainHandlers<'notices.list' | 'notices.markRead'> {
  return {
    'notices.list': async () => noticeList(ctx),

    'notices.markRead': async () => {
      ctx.notices.markAllRead(ctx.clock.now());
      ctx.emit({ type: 'notices.changed' });
      return noticeList(ctx);
    },
  };
}
