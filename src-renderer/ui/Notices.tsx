import { Bell, BellOff, HardDriveDownload, X } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';
import type { NoticeView, Results } from '../../src-main/api/contract.ts';
import { showAccount, useAccounts } from '../state/accounts.ts';
import { useApp } from '../state/app.ts';
import { markNoticesRead, useNotices } from '../state/notices.ts';
import { formatWhen } from './format.ts';
import { PlatformBadge } from './PlatformBadge.tsx';

type ListedNotice = Results['notices.list'][number];

/** An account's notice opens that account; the app's own (an export) has nothing to open, so it is no button. */
function NoticeItem({ notice, unread, onOpen }: { notice: ListedNotice; unread: boolean; onOpen: (notice: NoticeView) => void }) {
  const when = formatWhen(notice.sentAt);
  const content = (
    <>
      {notice.accountId === null ? (
        <span className="platform-badge platform-badge--sm" data-platform="app" aria-hidden="true">
          <HardDriveDownload size={14} />
        </span>
      ) : (
        <PlatformBadge platform={notice.platform} size="sm" />
      )}
      <span className="notice-text">
        <span className="notice-title">
          {notice.title}
          {unread && <span className="sr-only"> (unread)</span>}
        </span>
        <span className="notice-body">{notice.body}</span>
        {when && (
          <time className="notice-when" dateTime={notice.sentAt} title={when.absolute}>
            {when.relative}
          </time>
        )}
      </span>
      {unread && <span className="notice-unread" aria-hidden="true" />}
    </>
  );
  return (
    <li>
      {notice.accountId === null ? (
        <div className="notice notice--app" data-unread={unread || undefined}>
          {content}
        </div>
      ) : (
        <button type="button" className="notice" data-unread={unread || undefined} onClick={() => onOpen(notice)}>
          {content}
        </button>
      )}
    </li>
  );
}

/**
 * The bell in the page header: the unread count from the main process, and a
 * popover with the notices Plugboard sent. Opening it marks them read; the ones
 * that were unread keep their marker until it closes.
 */
export function NoticesButton() {
  const notices = useNotices((s) => s.notices);
  const unread = useApp((s) => s.app?.unreadNotices ?? notices.filter((n) => !n.read).length);
  const accounts = useAccounts((s) => s.accounts);
  const [open, setOpen] = useState(false);
  const [unreadAtOpen, setUnreadAtOpen] = useState<Set<string>>(new Set());
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const countId = useId();

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  const toggle = () => {
    if (open) {
      close(false);
      return;
    }
    setUnreadAtOpen(new Set(notices.filter((n) => !n.read).map((n) => n.id)));
    setOpen(true);
    if (unread > 0 || notices.some((n) => !n.read)) void markNoticesRead();
  };

  // Notices that arrive while the panel is open are unread too, until it closes.
  useEffect(() => {
    if (!open) return;
    const fresh = notices.filter((n) => !n.read && !unreadAtOpen.has(n.id));
    if (fresh.length === 0) return;
    setUnreadAtOpen(new Set([...unreadAtOpen, ...fresh.map((n) => n.id)]));
    void markNoticesRead();
  }, [open, notices]);

  useEffect(() => {
    if (!open) return;
    panelRef.current?.focus();
    const onDown = (e: MouseEvent) => {
      const t = e.target as Node;
      // The button, the count on its corner and the panel are all inside; a press anywhere else closes.
      if (!wrapRef.current?.contains(t)) close(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const openNotice = (notice: NoticeView) => {
    close(false);
    const account = accounts.find((a) => a.id === notice.accountId);
    void showAccount(notice.accountId, account ? account.status === 'expired' || account.status === 'expiring' : false);
  };

  return (
    <div ref={wrapRef} className="bell-wrap">
      <button
        ref={buttonRef}
        type="button"
        className="bell"
        aria-label="Notifications"
        aria-describedby={countId}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        title={unread > 0 ? `${unread} unread ${unread === 1 ? 'notice' : 'notices'}` : 'Notifications'}
        onClick={toggle}
      >
        <Bell size={18} aria-hidden="true" />
      </button>
      {/* Beside the button, not in it: speech users say the button's name ("Notifications"), and visible text
          inside it would have to be part of that name (WCAG 2.5.3). The count is read as its description; a
          click on it does what a click on the bell does (keyboard users have the button itself). */}
      {unread > 0 && (
        <span className="bell-count" data-testid="unread-count" aria-hidden="true" onClick={toggle}>
          {unread > 99 ? '99+' : unread}
        </span>
      )}
      <span id={countId} className="sr-only">
        {unread > 0 ? `${unread} unread` : 'No unread notices'}
      </span>
      {open && (
        <div
          ref={panelRef}
          id={panelId}
          className="notices"
          role="dialog"
          aria-label="Notifications"
          tabIndex={-1}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              close(true);
            }
          }}
        >
          <header className="notices-head">
            <h2>Notifications</h2>
            <button type="button" className="icon-button" aria-label="Close" onClick={() => close(true)}>
              <X size={16} aria-hidden="true" />
            </button>
          </header>
          {notices.length === 0 ? (
            <p className="notices-empty">
              <BellOff size={18} aria-hidden="true" />
              Nothing yet. Plugboard tells you here before a connection needs you.
            </p>
          ) : (
            <ul className="notices-list">
              {notices.map((n) => (
                <NoticeItem key={n.id} notice={n} unread={unreadAtOpen.has(n.id)} onOpen={openNotice} />
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
