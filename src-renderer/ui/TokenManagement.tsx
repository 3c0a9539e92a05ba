import { LoaderCircle, RefreshCw, Sparkles, Wrench } from 'lucide-react';
import { useId } from 'react';
import { refreshAll, syncAllX, useAccounts } from '../state/accounts.ts';
import { useApp } from '../state/app.ts';
import { OFFLINE_REASON } from './format.ts';

/** A button that may be disabled for a reason: the reason is its tooltip and (shown once below the row) its description. */
function ActionButton(props: { label: string; icon: typeof RefreshCw; busy: boolean; blockedBy: string | null; reasonId: string; title: string; onClick: () => void }) {
  const Icon = props.icon;
  return (
    <span className="tool-action" title={props.blockedBy ?? undefined}>
      <button
        type="button"
        className="btn btn-secondary"
        disabled={props.busy || !!props.blockedBy}
        aria-describedby={props.blockedBy ? props.reasonId : undefined}
        title={props.blockedBy ?? props.title}
        onClick={props.onClick}
      >
        {props.busy ? <LoaderCircle size={16} className="spin" aria-hidden="true" /> : <Icon size={16} aria-hidden="true" />}
        {props.label}
      </button>
    </span>
  );
}

/** F15: the user's own "do it now" for what Plugboard otherwise does by itself (its settings are on the Settings page). */
export function TokenManagement() {
  const app = useApp((s) => s.app);
  const accounts = useAccounts((s) => s.accounts);
  const bulk = useAccounts((s) => s.bulk);
  const headingId = useId();
  const offline = app?.online === false;
  const xCount = accounts.filter((a) => a.platform === 'x').length;

  const reasonsId = useId();
  const refreshBlocked = offline ? OFFLINE_REASON : accounts.length === 0 ? 'Connect an account first.' : null;
  const syncBlocked = offline ? OFFLINE_REASON : xCount === 0 ? 'No X account is connected.' : null;
  // Each distinct reason is said once under the buttons; a button's description points at its own.
  const reasons = [...new Set([refreshBlocked, syncBlocked].filter((r): r is string => r !== null))];
  const reasonId = (reason: string | null) => (reason ? `${reasonsId}-${reasons.indexOf(reason)}` : '');

  return (
    <section className="card tools" aria-labelledby={headingId}>
      <header className="tools-head">
        <span className="tools-icon" aria-hidden="true">
          <Wrench size={16} />
        </span>
        <div>
          <h2 id={headingId}>Token management</h2>
          <p className="card-sub">
            Plugboard renews tokens by itself before they expire. Use these when you want it done now.
          </p>
        </div>
      </header>
      <div className="tools-actions">
        <ActionButton
          label="Refresh all now"
          icon={RefreshCw}
          busy={bulk === 'refreshAll'}
          blockedBy={refreshBlocked}
          reasonId={reasonId(refreshBlocked)}
          title="Renew every account's token now"
          onClick={() => void refreshAll()}
        />
        <ActionButton
          label="Refresh X premium status"
          icon={Sparkles}
          busy={bulk === 'syncX'}
          blockedBy={syncBlocked}
          reasonId={reasonId(syncBlocked)}
          title="Ask X whether each account has Premium now"
          onClick={() => void syncAllX()}
        />
        {reasons.length > 0 && (
          <ul className="tool-reasons">
            {reasons.map((reason, i) => (
              <li key={reason} id={`${reasonsId}-${i}`}>
                {reason}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
