import { LoaderCircle, RotateCcw, X } from 'lucide-react';
import { useEffect, useState, type ReactNode } from 'react';
import type { AccountView, ActivityView, ErrorKind } from '../../src-main/api/contract.ts';
import { syncProfile, useAccounts } from '../state/accounts.ts';
import { loadAccountPosts, usePosts } from '../state/posts.ts';
import { Avatar } from './Avatar.tsx';
import { PostEntry } from './PostResults.tsx';
import './account-details.css';
import { OFFLINE_REASON, STATUS_LABELS, activityPhrase, atHandle, formatWhen, subscriptionLabel, userDateLine } from './format.ts';

const ERROR_KINDS: Record<ErrorKind, string> = {
  auth: 'Refused by the platform',
  rate_limited: 'Rate limited',
  network: 'Network problem',
  server: 'Platform server error',
  malformed: 'Unexpected answer',
  setup: 'Setup problem',
  denied: 'Access denied',
};

/** Activity shown before "Show all". */
const ACTIVITY_SHOWN = 6;

/** Platform facts arrive keyed in camelCase (e.g. subscriptionType). */
function labelOf(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function When({ iso, none }: { iso: string | null; none: string }) {
  const when = formatWhen(iso);
  if (!when || !iso) return <span className="muted">{none}</span>;
  return (
    <time dateTime={iso}>
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

function ActivityItem({ entry }: { entry: ActivityView }) {
  const when = formatWhen(entry.at);
  return (
    <li className="activity-item" data-kind={entry.kind}>
      <span className="activity-dot" aria-hidden="true" />
      <span className="activity-what">{activityPhrase(entry)}</span>
      {when && (
        <time className="activity-when" dateTime={entry.at} title={when.absolute}>
          {when.relative}
        </time>
      )}
    </li>
  );
}

function RecentActivity({ accountId }: { accountId: string }) {
  const activity = useAccounts((s) => s.activity[accountId]);
  const [all, setAll] = useState(false);
  let body: ReactNode;
  if (activity === undefined) {
    body = (
      <p className="muted activity-state">
        <LoaderCircle size={14} className="spin" aria-hidden="true" /> Loading…
      </p>
    );
  } else if (activity === 'error') {
    body = <p className="muted activity-state">Plugboard could not load this account's history.</p>;
  } else if (activity.length === 0) {
    body = <p className="muted activity-state">Nothing has happened yet.</p>;
  } else {
    const shown = all ? activity : activity.slice(0, ACTIVITY_SHOWN);
    body = (
      <>
        <ol className="activity" aria-label="Recent activity">
          {shown.map((entry, i) => (
            <ActivityItem key={`${entry.at}|${entry.kind}|${i}`} entry={entry} />
          ))}
        </ol>
        {activity.length > ACTIVITY_SHOWN && (
          <button type="button" className="link-button link-button--quiet" onClick={() => setAll(!all)}>
            {all ? 'Show fewer' : `Show all ${activity.length}`}
          </button>
        )}
      </>
    );
  }
  return (
    <section className="details-activity" aria-labelledby={`${accountId}-activity`}>
      <h4 id={`${accountId}-activity`} className="details-subhead">
        Recent activity
      </h4>
      {body}
    </section>
  );
}

/** Posts shown in the details before "Show all". */
const POSTS_SHOWN = 3;

function AccountPosts({ accountId }: { accountId: string }) {
  const posts = usePosts((s) => s.byAccount[accountId]);
  const [all, setAll] = useState(false);
  useEffect(() => {
    void loadAccountPosts(accountId);
  }, [accountId]);
  // Nothing posted is no news in the details: the section shows once there is something to show.
  if (posts === undefined || (posts !== 'error' && posts.length === 0)) return null;
  const headingId = `${accountId}-posts`;
  return (
    <section className="details-activity" aria-labelledby={headingId}>
      <h4 id={headingId} className="details-subhead">
        Posts
      </h4>
      {posts === 'error' ? (
        <p className="muted activity-state">Plugboard could not load this account's posts.</p>
      ) : (
        <>
          <ol className="post-list" aria-labelledby={headingId}>
            {(all ? posts : posts.slice(0, POSTS_SHOWN)).map((p) => (
              <PostEntry key={p.id} post={p} accountId={accountId} />
            ))}
          </ol>
          {posts.length > POSTS_SHOWN && (
            <button type="button" className="link-button link-button--quiet" onClick={() => setAll(!all)}>
              {all ? 'Show fewer' : `Show all ${posts.length}`}
            </button>
          )}
        </>
      )}
    </section>
  );
}

/** What the one date means for an account that needs nothing now (a red or yellow one has its reason instead). */
function whyThisDate(account: AccountView, platformName: string): string {
  if (account.userDate) {
    return account.renews
      ? `Plugboard renews it by itself until then; after that, ${platformName} asks you to sign in again.`
      : `${platformName} does not let Plugboard renew it: reconnect before then.`;
  }
  return account.renews ? 'Plugboard renews it before it runs out: nothing for you to do.' : `It keeps working until its access is removed at ${platformName}.`;
}

interface Props {
  id: string;
  account: AccountView;
  platformName: string;
  /** Another connect for this platform is waiting: Reconnect must wait. */
  connectBusy: boolean;
  offline: boolean;
  onReconnect: () => void;
  onClose: () => void;
}

export function AccountDetails({ id, account, platformName, connectBusy, offline, onReconnect, onClose }: Props) {
  const handle = atHandle(account.handle);
  const syncing = useAccounts((s) => !!s.syncing[account.id]);
  const subscription = account.platform === 'x' ? (account.details.subscriptionType ?? null) : null;
  const extra = Object.entries(account.details).filter(([key]) => !(account.platform === 'x' && key === 'subscriptionType'));
  const needsUser = account.status === 'expired' || account.status === 'expiring';
  const reconnectBlocked = connectBusy ? 'Another connection is waiting for your browser' : offline ? OFFLINE_REASON : null;
  const syncBlocked = offline ? OFFLINE_REASON : null;

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
      {/* Every account says the one date that matters; a non-green one also says why (a green one only while a rate limit makes it wait). */}
      <div className="details-reason" data-status={account.status}>
        <div className="details-reason-text">
          <p className="details-when">{userDateLine(account)}</p>
          {account.statusReason ? <p>{account.statusReason}</p> : account.status !== 'expired' && <p>{whyThisDate(account, platformName)}</p>}
        </div>
        {needsUser && (
          <button
            type="button"
            className={account.status === 'expired' ? 'btn btn-danger btn-sm' : 'btn btn-secondary btn-sm'}
            disabled={!!reconnectBlocked}
            title={reconnectBlocked ?? `Sign in as ${handle} again to renew this connection`}
            onClick={onReconnect}
          >
            <RotateCcw size={14} aria-hidden="true" />
            Reconnect
          </button>
        )}
      </div>
      <dl className="details-grid">
        <Row label="Display name">{account.displayName || <span className="muted">None</span>}</Row>
        <Row label="Connected since">
          <When iso={account.createdAt} none="Unknown" />
        </Row>
        <Row label="Last synced">
          <When iso={account.lastSyncedAt} none="Not yet" />
        </Row>
        {subscription !== null && (
          <Row label="Subscription">
            <span className="details-inline">
              <span>{subscriptionLabel(subscription)}</span>
              <button
                type="button"
                className="link-button link-button--quiet"
                disabled={syncing || !!syncBlocked}
                title={syncBlocked ?? `Ask ${platformName} whether ${handle} has Premium now`}
                onClick={() => void syncProfile(account)}
              >
                {syncing && <LoaderCircle size={12} className="spin" aria-hidden="true" />}
                Refresh premium status
              </button>
            </span>
          </Row>
        )}
        {extra.map(([key, value]) => (
          <Row key={key} label={labelOf(key)}>
            {value}
          </Row>
        ))}
      </dl>
      {/* The token's own dates and grants are for whoever debugs a connection; the date above is the one that matters. */}
      <details className="details-advanced">
        <summary>Advanced</summary>
        <dl className="details-grid">
          <Row label="Platform ID">
            <code>{account.platformUserId}</code>
          </Row>
          <Row label="Access token expires">
            <When iso={account.tokenExpiresAt} none="Does not expire" />
          </Row>
          <Row label="Connection ends">
            <When iso={account.connectionExpiresAt} none="No fixed end" />
          </Row>
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
          {account.lastError && (
            <Row label="Last error">
              <span className="details-error">
                <strong>{ERROR_KINDS[account.lastError.kind] ?? account.lastError.kind}:</strong> {account.lastError.message}{' '}
                <When iso={account.lastError.at} none="" />
              </span>
            </Row>
          )}
        </dl>
      </details>
      <AccountPosts accountId={account.id} />
      <RecentActivity accountId={account.id} />
    </section>
  );
}
