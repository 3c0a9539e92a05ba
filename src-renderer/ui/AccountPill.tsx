import { memo, useEffect, useRef, useState } from 'react';
import type { AccountView } from '../../src-main/api/contract.ts';
import { consumeSpotlight } from '../state/accounts.ts';
import { Avatar } from './Avatar.tsx';
import { OFFLINE_REASON, STATUS_LABELS, atHandle, userDateLine } from './format.ts';

const SPOTLIGHT_MS = 2400;

interface Props {
  account: AccountView;
  /** A refresh started here is shown as refreshing before the main process reports it. */
  refreshing: boolean;
  /** Another connect for this platform is waiting: no second one may start. */
  connectBusy: boolean;
  /** The main process says it is offline: network actions explain why they may not work. */
  offline: boolean;
  expanded: boolean;
  detailsId: string;
  /** A notice click or the main process asked for this account (null for every other pill). */
  spotlight: { reconnect: boolean; seq: number } | null;
  /** In a windowed list: the pill's chunk, and its place in the whole list for assistive technology. */
  chunk?: number;
  posInSet?: number;
  setSize?: number;
  // Handlers take the account, so one function serves every pill and a memoised pill stays unchanged.
  onToggleDetails: (account: AccountView) => void;
  onRefresh: (account: AccountView) => void;
  onReconnect: (account: AccountView) => void;
  onDisconnect: (account: AccountView) => void;
}

/** Where the account lives when the handle alone does not say: a WordPress site, a LinkedIn page, the Facebook Page in between. */
function context(account: AccountView): string | null {
  const d = account.details;
  if (d.siteName) return d.siteName;
  if (d.organizationId) return 'Company page';
  if (d.via === 'facebook' && d.pageName) return `via ${d.pageName}`;
  return null;
}

/** Memoised: a long list re-renders only the pills whose account or state changed. */
export const AccountPill = memo(function AccountPill(props: Props) {
  const { account, refreshing, connectBusy, offline, expanded, spotlight } = props;
  const handle = atHandle(account.handle);
  const shownStatus = refreshing ? 'refreshing' : account.status;
  const tooltip = [account.displayName, STATUS_LABELS[shownStatus], userDateLine(account), account.statusReason].filter(Boolean).join(' · ');
  const needsUser = account.status === 'expired' || account.status === 'expiring';
  const reconnectBlocked = connectBusy ? 'Another connection is waiting for your browser' : offline ? OFFLINE_REASON : null;
  // While the platform makes it wait, a click is answered with the wait; the button says so up front.
  const refreshTitle = offline ? `${OFFLINE_REASON} You can still try now.` : account.lastError?.kind === 'rate_limited' ? account.lastError.message : 'Renew now';

  const ref = useRef<HTMLLIElement>(null);
  const reconnectRef = useRef<HTMLButtonElement>(null);
  const [lit, setLit] = useState(false);

  // A notice click or the main process asked for this account: bring it into view and light it up briefly.
  useEffect(() => {
    if (!spotlight) return;
    const el = ref.current;
    el?.scrollIntoView({ block: 'center', behavior: window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
    // In a long list the pills passed on the way are laid out as they come near, and their real
    // heights can move this one from where the smooth scroll aimed: once it stops, make sure.
    // Only for this scroll: a later one is the user's own.
    const settled = new AbortController();
    document.addEventListener(
      'scrollend',
      () => {
        const box = el?.getBoundingClientRect();
        if (el?.isConnected && box && (box.bottom < 0 || box.top > window.innerHeight)) el.scrollIntoView({ block: 'center' });
      },
      { capture: true, once: true, signal: settled.signal },
    );
    setTimeout(() => settled.abort(), SPOTLIGHT_MS);
    const reconnect = reconnectRef.current;
    const target = spotlight.reconnect && reconnect && !reconnect.disabled ? reconnect : el?.querySelector<HTMLElement>('.pill-body');
    target?.focus({ preventScroll: true });
    setLit(true);
    // Handled: a later remount (tab switch) must not scroll and steal focus again.
    consumeSpotlight(spotlight.seq);
  }, [spotlight?.seq]);

  useEffect(() => {
    if (!lit) return;
    const timer = setTimeout(() => setLit(false), SPOTLIGHT_MS);
    return () => clearTimeout(timer);
  }, [lit]);

  return (
    <li
      ref={ref}
      className={lit ? 'pill pill--spotlight' : 'pill'}
      data-testid="pill"
      data-account-id={account.id}
      data-status={account.status}
      data-chunk={props.chunk}
      aria-posinset={props.posInSet}
      aria-setsize={props.setSize}
    >
      <button
        type="button"
        className="pill-body"
        title={tooltip}
        aria-expanded={expanded}
        aria-controls={props.detailsId}
        // The context (a WordPress site, a company page) is visible in the pill, so it is part of the name too.
        aria-label={`Details for ${handle}${context(account) ? ` ${context(account)}` : ''}`}
        onClick={() => props.onToggleDetails(account)}
      >
        <span className="pill-avatar">
          <Avatar account={account} inLongList={props.chunk !== undefined} />
          <span className="status-dot" data-status={shownStatus} role="img" aria-label={STATUS_LABELS[shownStatus]} />
        </span>
        <span className="pill-handle">{handle}</span>
        {context(account) && (
          <>
            {' '}
            <span className="pill-context">{context(account)}</span>
          </>
        )}
      </button>
      {needsUser && (
        <span className={account.status === 'expired' ? 'pill-note pill-note--expired' : 'pill-note pill-note--expiring'} title={account.statusReason ?? undefined}>
          {userDateLine(account)} —{' '}
          <button
            ref={reconnectRef}
            type="button"
            className={account.status === 'expired' ? 'link-button link-button--danger' : 'link-button link-button--warning'}
            aria-label={`Reconnect ${handle}`}
            disabled={!!reconnectBlocked}
            title={reconnectBlocked ?? `Sign in as ${handle} again to renew this connection`}
            onClick={() => props.onReconnect(account)}
          >
            Reconnect
          </button>
        </span>
      )}
      <span className="pill-actions">
        {account.renews && (
          <button
            type="button"
            className="icon-button"
            aria-label={`Refresh ${handle}`}
            title={refreshTitle}
            disabled={refreshing}
            onClick={() => props.onRefresh(account)}
          >
            <span className={`pill-icon pill-icon--refresh${refreshing ? ' spin' : ''}`} aria-hidden="true" />
          </button>
        )}
        <button
          type="button"
          className="icon-button icon-button--danger"
          aria-label={`Disconnect ${handle}`}
          title="Disconnect"
          onClick={() => props.onDisconnect(account)}
        >
          <span className="pill-icon pill-icon--disconnect" aria-hidden="true" />
        </button>
      </span>
    </li>
  );
});
