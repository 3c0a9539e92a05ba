import { BellOff, CheckCheck, CircleAlert, CircleCheck, HardDriveDownload, Info, TriangleAlert } from 'lucide-react';
import type { NoticeSeverity, NoticeView, Results } from '../../src-main/api/contract.ts';
import { showAccount, useAccounts } from '../state/accounts.ts';
import { connect, isActive, useFlows } from '../state/connect.ts';
import { markNoticesRead, useNotices } from '../state/notices.ts';
import { coreNow, formatWhen } from './format.ts';
import { PlatformBadge } from './PlatformBadge.tsx';
import './notices.css';

type ListedNotice = Results['notices.list'][number];

const SEVERITY_ICONS: Record<NoticeSeverity, typeof Info> = { urgent: CircleAlert, soon: TriangleAlert, info: Info, resolved: CircleCheck };
const SEVERITY_LABELS: Record<NoticeSeverity, string> = { urgent: 'Needs you now', soon: 'Needs you soon', info: 'Information', resolved: 'Resolved' };
const RESOLVED_BY: Record<NonNullable<NonNullable<NoticeView['resolved']>['how']>, string> = {
  renewed: 'renewed',
  reconnected: 'reconnected',
  disconnected: 'account disconnected',
  imported: 'newer tokens imported',
};

const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayAndClock = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

/** "Resolved — reconnected at 14:02"; a day other than today names the day. */
function resolvedLine(resolved: NonNullable<NoticeView['resolved']>): string {
  const at = new Date(resolved.at);
  const today = new Date(coreNow()).toDateString() === at.toDateString();
  const when = today ? `at ${clock.format(at)}` : `on ${dayAndClock.format(at)}`;
  return resolved.how ? `Resolved — ${RESOLVED_BY[resolved.how]} ${when}` : `Resolved ${when}`;
}

/** The worst unread notice decides the badge's colour: red only when one has stopped working. */
function unreadSeverity(notices: ListedNotice[]): NoticeSeverity | null {
  const unread = notices.filter((n) => !n.read);
  for (const s of ['urgent', 'soon', 'info', 'resolved'] as const) if (unread.some((n) => n.severity === s)) return s;
  return null;
}

/** The sidebar's unread count for the Notices entry; nothing when all are read. */
export function NoticesBadge() {
  const notices = useNotices((s) => s.notices);
  const unread = notices.filter((n) => !n.read).length;
  if (unread === 0) return null;
  return (
    <span className="count notices-count nav-count" data-severity={unreadSeverity(notices)} data-testid="unread-count">
      {unread > 99 ? '99+' : unread}
      <span className="sr-only"> unread</span>
    </span>
  );
}

function ReconnectButton({ notice }: { notice: NoticeView }) {
  const waiting = useFlows((s) => isActive(s.flows[notice.platform]));
  const handle = useAccounts((s) => s.accounts.find((a) => a.id === notice.accountId)?.handle);
  return (
    <button type="button" className="btn btn-secondary btn-sm" disabled={waiting} onClick={() => void connect(notice.platform, notice.accountId)}>
      {waiting ? 'Waiting for sign-in…' : 'Reconnect'}
      {handle && <span className="sr-only"> @{handle}</span>}
    </button>
  );
}

/** An account's notice opens that account; one whose account is gone, or the app's own, has nothing to open. */
function NoticeItem({ notice, offersReconnect, onOpen }: { notice: ListedNotice; offersReconnect: boolean; onOpen: (notice: NoticeView) => void }) {
  const account = useAccounts((s) => (notice.accountId === null ? undefined : s.accounts.find((a) => a.id === notice.accountId)));
  const when = formatWhen(notice.sentAt);
  const Icon = SEVERITY_ICONS[notice.severity];
  const ofAccount = notice.accountId === null ? null : notice;
  const opens = notice.resolved?.how !== 'disconnected';
  const needsReconnect = offersReconnect && notice.resolved === null && (account?.status === 'expired' || account?.status === 'expiring');
  const title = (
    <>
      {notice.title}
      {!notice.read && <span className="sr-only"> (unread)</span>}
    </>
  );
  return (
    <li className="notice-row" data-severity={notice.severity} data-unread={!notice.read || undefined}>
      {ofAccount === null ? (
        <span className="platform-badge platform-badge--sm" data-platform="app" aria-hidden="true">
          <HardDriveDownload size={14} />
        </span>
      ) : (
        <PlatformBadge platform={ofAccount.platform} size="sm" />
      )}
      <div className="notice-row-text">
        <span className="notice-severity">
          <Icon size={14} aria-hidden="true" />
          {SEVERITY_LABELS[notice.severity]}
        </span>
        {ofAccount && opens ? (
          <button type="button" className="notice-row-title notice-row-open" onClick={() => onOpen(ofAccount)}>
            {title}
          </button>
        ) : (
          <span className="notice-row-title">{title}</span>
        )}
        <span className="notice-row-body">{notice.body}</span>
        {notice.resolved && <span className="notice-row-resolved">{resolvedLine(notice.resolved)}</span>}
        {when && (
          <time className="notice-row-when" dateTime={notice.sentAt} title={when.absolute}>
            {when.relative}
          </time>
        )}
      </div>
      {ofAccount && needsReconnect && <ReconnectButton notice={ofAccount} />}
      {!notice.read && <span className="notice-row-unread" aria-hidden="true" />}
    </li>
  );
}

/** The notices Plugboard sent, newest first, with "Mark all read". */
function NoticesPanel() {
  const notices = useNotices((s) => s.notices);
  const accounts = useAccounts((s) => s.accounts);
  const unread = notices.filter((n) => !n.read).length;
  // One Reconnect per account, on its newest open notice: the older ones ask for the same thing.
  const reconnectOn = new Set<string>();
  const offered = new Set<string>();
  for (const n of notices) {
    if (n.accountId === null || n.resolved !== null || offered.has(n.accountId)) continue;
    offered.add(n.accountId);
    reconnectOn.add(n.id);
  }
  const openNotice = (notice: NoticeView) => {
    const account = accounts.find((a) => a.id === notice.accountId);
    void showAccount(notice.accountId, account ? account.status === 'expired' || account.status === 'expiring' : false);
  };
  return (
    <section className="notices-panel" aria-label="Notices">
      <div className="notices-panel-head">
        <h2>{unread > 0 ? `${unread} unread` : 'All read'}</h2>
        <button type="button" className="btn btn-ghost btn-sm" disabled={unread === 0} onClick={() => void markNoticesRead()}>
          <CheckCheck size={15} aria-hidden="true" />
          Mark all read
        </button>
      </div>
      {notices.length === 0 ? (
        <p className="notices-panel-empty">
          <BellOff size={18} aria-hidden="true" />
          Nothing yet. Plugboard tells you here before a connection needs you.
        </p>
      ) : (
        <ul className="notices-panel-list">
          {notices.map((n) => (
            <NoticeItem key={n.id} notice={n} offersReconnect={reconnectOn.has(n.id)} onOpen={openNotice} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** The sidebar's Notices page. */
export function NoticesPage() {
  return (
    <main className="main">
      <div className="page">
        <header className="page-head">
          <div>
            <h1>Notices</h1>
            <p className="page-sub">What Plugboard told you about your connections, and which of those no longer need you.</p>
          </div>
        </header>
        <NoticesPanel />
      </div>
    </main>
  );
}
