import { RefreshCw, X } from 'lucide-react';
import type { AccountView } from '../../src-main/api/contract.ts';
import { Avatar } from './Avatar.tsx';
import { STATUS_LABELS, atHandle } from './format.ts';

interface Props {
  account: AccountView;
  /** A refresh started here is shown as refreshing before the main process reports it. */
  refreshing: boolean;
  /** Another connect for this platform is waiting: no second one may start. */
  connectBusy: boolean;
  expanded: boolean;
  detailsId: string;
  onToggleDetails: () => void;
  onRefresh: () => void;
  onReconnect: () => void;
  onDisconnect: () => void;
}

export function AccountPill(props: Props) {
  const { account, refreshing, connectBusy, expanded } = props;
  const handle = atHandle(account.handle);
  const shownStatus = refreshing ? 'refreshing' : account.status;
  const tooltip = [account.displayName, STATUS_LABELS[shownStatus], account.statusReason].filter(Boolean).join(' · ');

  return (
    <li className="pill" data-testid="pill" data-account-id={account.id} data-status={account.status}>
      <button
        type="button"
        className="pill-body"
        title={tooltip}
        aria-expanded={expanded}
        aria-controls={props.detailsId}
        aria-label={`Details for ${handle}`}
        onClick={props.onToggleDetails}
      >
        <span className="pill-avatar">
          <Avatar account={account} />
          <span className="status-dot" data-status={shownStatus} role="img" aria-label={STATUS_LABELS[shownStatus]} />
        </span>
        <span className="pill-handle">{handle}</span>
      </button>
      {account.status === 'expired' && (
        <span className="pill-expired">
          Token expired —{' '}
          <button
            type="button"
            className="link-button link-button--danger"
            aria-label={`Reconnect ${handle}`}
            disabled={connectBusy}
            title={connectBusy ? 'Another connection is waiting for your browser' : undefined}
            onClick={props.onReconnect}
          >
            Reconnect
          </button>
        </span>
      )}
      <span className="pill-actions">
        <button
          type="button"
          className="icon-button"
          aria-label={`Refresh ${handle}`}
          title="Renew now"
          disabled={refreshing}
          onClick={props.onRefresh}
        >
          <RefreshCw size={14} className={refreshing ? 'spin' : undefined} aria-hidden="true" />
        </button>
        <button
          type="button"
          className="icon-button icon-button--danger"
          aria-label={`Disconnect ${handle}`}
          title="Disconnect"
          onClick={props.onDisconnect}
        >
          <X size={14} aria-hidden="true" />
        </button>
      </span>
    </li>
  );
}
