import { LoaderCircle, RefreshCw, Settings, Sparkles, Wrench } from 'lucide-react';
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { ApiError, AppStatus } from '../../src-main/api/contract.ts';
import { refreshAll, syncAllX, useAccounts } from '../state/accounts.ts';
import { updateSettings, useApp } from '../state/app.ts';
import { useSession } from '../state/session.ts';
import { toast } from '../state/toasts.ts';
import { ChangePassphrase } from './ChangePassphrase.tsx';
import { OFFLINE_REASON, plural } from './format.ts';

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

function WarningWindow({ app }: { app: AppStatus }) {
  const [value, setValue] = useState(String(app.warningWindowDays));
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const field = useId();
  // Follow the stored value when it changes elsewhere (another window), unless the user is typing.
  useEffect(() => {
    if (!pending) setValue(String(app.warningWindowDays));
  }, [app.warningWindowDays]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 60) {
      setError('Choose a whole number of days from 1 to 60.');
      return;
    }
    setPending(true);
    setError(null);
    const failure: ApiError | null = await updateSettings({ warningWindowDays: n });
    setPending(false);
    if (failure) setError(failure.issues?.[0]?.message ?? failure.message);
    else toast('success', `Plugboard will warn you ${plural(n, 'day')} before a connection needs you`);
  };

  const dirty = value.trim() !== String(app.warningWindowDays);
  return (
    <form className="setting" onSubmit={submit} noValidate>
      <label htmlFor={field} className="setting-label">
        Warn me
        <input
          id={field}
          className="input input--days"
          type="number"
          inputMode="numeric"
          min={1}
          max={60}
          step={1}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-invalid={!!error}
          aria-describedby={error ? `${field}-error` : `${field}-hint`}
        />
        days before a connection needs me
      </label>
      <button type="submit" className="btn btn-secondary btn-sm" disabled={pending || !dirty}>
        {pending && <LoaderCircle size={14} className="spin" aria-hidden="true" />}
        Save
      </button>
      {error ? (
        <p id={`${field}-error`} className="field-error setting-note" role="alert">
          {error}
        </p>
      ) : (
        <p id={`${field}-hint`} className="hint setting-note">
          Accounts turn yellow and you get a notice this many days before a connection ends (1 to 60).
        </p>
      )}
    </form>
  );
}

/** A desktop on/off setting (launch at login, keep running in the tray). */
function Toggle({ on, label, note, setting }: { on: boolean; label: string; note: string; setting: 'launchAtLogin' | 'keepInTray' }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const field = useId();
  const change = async (next: boolean) => {
    setPending(true);
    setError(null);
    const failure = await updateSettings({ [setting]: next });
    setPending(false);
    if (failure) setError(failure.message);
  };
  return (
    <div className="setting">
      <input id={field} type="checkbox" className="checkbox" checked={on} disabled={pending} onChange={(e) => void change(e.target.checked)} />
      <label htmlFor={field} className="setting-label">
        {label}
      </label>
      {error ? (
        <p className="field-error setting-note" role="alert">
          {error}
        </p>
      ) : (
        <p className="hint setting-note">{note}</p>
      )}
    </div>
  );
}

const THEMES = [
  ['system', 'Same as the system'],
  ['light', 'Light'],
  ['dark', 'Dark'],
] as const;

function Theme({ theme }: { theme: AppStatus['theme'] }) {
  const field = useId();
  return (
    <div className="setting setting--inline">
      <label htmlFor={field} className="setting-label">
        Appearance
      </label>
      <select
        id={field}
        className="input input--select"
        value={theme}
        onChange={(e) => void updateSettings({ theme: e.target.value as AppStatus['theme'] })}
      >
        {THEMES.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** F15: the user's own "do it now" for what Plugboard otherwise does by itself, and the settings that shape it. */
export function TokenManagement() {
  const app = useApp((s) => s.app);
  const lock = useSession((s) => s.lock);
  const accounts = useAccounts((s) => s.accounts);
  const bulk = useAccounts((s) => s.bulk);
  const headingId = useId();
  const settingsId = useId();
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
      {app && (
        <section className="settings" aria-labelledby={settingsId}>
          <h3 id={settingsId} className="settings-head">
            <Settings size={15} aria-hidden="true" />
            Settings
          </h3>
          <WarningWindow app={app} />
          <Theme theme={app.theme} />
          {app.launchAtLogin !== null && (
            <Toggle on={app.launchAtLogin} setting="launchAtLogin" label="Launch Plugboard at login" note="So it can renew your accounts without you opening it." />
          )}
          {app.keepInTray !== null && (
            <Toggle
              on={app.keepInTray}
              setting="keepInTray"
              label="Keep running in the tray when the window is closed"
              note="It keeps renewing and warns you from there; off, closing the window quits Plugboard."
            />
          )}
          {lock?.protection === 'passphrase' && <ChangePassphrase />}
        </section>
      )}
    </section>
  );
}
