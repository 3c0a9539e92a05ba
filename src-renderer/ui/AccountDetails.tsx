import { X } from 'lucide-react';
import type { ReactNode } from 'react';
import type { AccountView, ErrorKind } from '../../src-main/api/contract.ts';
import { Avatar } from './Avatar.tsx';
import { STATUS_LABELS, atHandle, formatWhen } from './format.ts';

const ERROR_KINDS: Record<ErrorKind, string> = {
  auth: 'Refused by the platform',
  rate_limited: 'Rate limited',
  network: 'Network problem',
  server: 'Platform server error',
  malformed: 'Unexpected answer',
  setup: 'Setup problem',
  denied: 'Access denied',
};

/** Platform facts arrive keyed in camelCase (e.g. subscriptionType). */
function labelOf(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function When({ iso, none }: { iso: string | null; none: string }) {
  const when = formatWhen(iso);
  if (!when || !iso) return <span className="muted">{none}</span>;
  return (
    <time dateTime={iso} title={iso}>
      {when.absolute} <span className="muted">({when.relative})</span>
    </time>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="details-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

interface Props {
  id: string;
  account: AccountView;
  platformName: string;
  onClose: () => void;
}

export function AccountDetails({ id, account, platformName, onClose }: Props) {
  const handle = atHandle(account.handle);
  const extra = Object.entries(account.details);
  return (
    <section
      id={id}
      className="details"
      aria-label={`Details for ${handle}`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <header className="details-head">
        <Avatar account={account} size="lg" />
        <div className="details-title">
          <h3>{account.displayName || handle}</h3>
          <p className="muted">
            {handle} on {platformName}
          </p>
        </div>
        <span className="status-chip" data-status={account.status}>
          <span className="status-dot" data-status={account.status} aria-hidden="true" />
          {STATUS_LABELS[account.status]}
        </span>
        <button type="button" className="icon-button" aria-label="Close details" onClick={onClose}>
          <X size={16} aria-hidden="true" />
        </button>
      </header>
      {account.statusReason && <p className="details-reason">{account.statusReason}</p>}
      <dl className="details-grid">
        <Row label="Display name">{account.displayName || <span className="muted">None</span>}</Row>
        <Row label="Platform ID">
          <code>{account.platformUserId}</code>
        </Row>
        <Row label="Token expires">
          <When iso={account.tokenExpiresAt} none="Does not expire" />
        </Row>
        <Row label="Connection expires">
          <When iso={account.connectionExpiresAt} none="Does not expire" />
        </Row>
        <Row label="Last synced">
          <When iso={account.lastSyncedAt} none="Not yet" />
        </Row>
        <Row label="Connected since">
          <When iso={account.createdAt} none="Unknown" />
        </Row>
        {extra.map(([key, value]) => (
          <Row key={key} label={labelOf(key)}>
            {value}
          </Row>
        ))}
        <Row label="Granted scopes">
          {account.scopes.length === 0 ? (
            <span className="muted">None reported</span>
          ) : (
            <ul className="scope-list">
              {account.scopes.map((scope) => (
                <li key={scope}>
                  <code>{scope}</code>
                </li>
              ))}
            </ul>
          )}
        </Row>
        <Row label="Last error">
          {account.lastError ? (
            <span className="details-error">
              <strong>{ERROR_KINDS[account.lastError.kind] ?? account.lastError.kind}:</strong> {account.lastError.message}{' '}
              <When iso={account.lastError.at} none="" />
            </span>
          ) : (
            <span className="muted">None</span>
          )}
        </Row>
      </dl>
    </section>
  );
}
