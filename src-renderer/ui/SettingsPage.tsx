// The Settings page (sidebar's Settings, Ctrl/Cmd+,): what shapes Plugboard's habits, and its lock.
import { Lock, LoaderCircle } from 'lucide-react';
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { ApiError, AppStatus, LockAfterMinutes } from '../../src-main/api/contract.ts';
import { LOCK_AFTER_MINUTES } from '../../src-main/api/views.ts';
import { updateSettings, useApp } from '../state/app.ts';
import { lockNow, useSession } from '../state/session.ts';
import { toast } from '../state/toasts.ts';
import { ChangePassphrase } from './ChangePassphrase.tsx';
import { plural } from './format.ts';
import { TokenManagement } from './TokenManagement.tsx';
import './settings-page.css';

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

function LockAfter({ minutes }: { minutes: LockAfterMinutes }) {
  const field = useId();
  const [error, setError] = useState<string | null>(null);
  const change = async (next: LockAfterMinutes) => {
    const failure = await updateSettings({ lockAfterMinutes: next });
    setError(failure?.message ?? null);
  };
  return (
    <div className="setting setting--inline">
      <label htmlFor={field} className="setting-label">
        Lock when I have been away for
      </label>
      <select id={field} className="input input--select" value={minutes} onChange={(e) => void change(Number(e.target.value) as LockAfterMinutes)}>
        {LOCK_AFTER_MINUTES.map((m) => (
          <option key={m} value={m}>
            {m === 0 ? 'Never' : plural(m, 'minute')}
          </option>
        ))}
      </select>
      {error ? (
        <p className="field-error setting-note" role="alert">
          {error}
        </p>
      ) : (
        <p className="hint setting-note">Away means no key or click in Plugboard (in the desktop app: on this computer). While locked, nothing is renewed.</p>
      )}
    </div>
  );
}

function LockSettings({ app }: { app: AppStatus }) {
  const headingId = useId();
  const [busy, setBusy] = useState(false);
  return (
    <section className="card settings-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Lock</h2>
      <p className="card-sub">Locked, Plugboard shows only the passphrase field, and your tools hear that it is locked.</p>
      <div className="setting-row">
        <span>Lock Plugboard now; your passphrase opens it again.</span>
        <button
          type="button"
          className="btn btn-secondary"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            await lockNow();
            setBusy(false);
          }}
        >
          <Lock size={16} aria-hidden="true" />
          Lock now
        </button>
      </div>
      <LockAfter minutes={app.lockAfterMinutes} />
      <ChangePassphrase />
    </section>
  );
}

export function SettingsPage() {
  const app = useApp((s) => s.app);
  const lock = useSession((s) => s.lock);
  const generalId = useId();
  return (
    <main className="main">
      <div className="page settings-page">
        <header className="page-head">
          <div>
            <h1>Settings</h1>
            <p className="page-sub">How Plugboard renews, warns you, looks and starts, and how it locks.</p>
          </div>
        </header>
        {app && (
          <div className="settings-cards">
            <section className="card settings-card" aria-labelledby={generalId}>
              <h2 id={generalId}>General</h2>
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
            </section>
            <TokenManagement />
            {lock?.protection === 'passphrase' ? (
              <LockSettings app={app} />
            ) : (
              <section className="card settings-card" aria-label="Lock">
                <p className="card-sub">The system keychain protects your tokens and unlocks with your computer, so Plugboard has no lock of its own.</p>
              </section>
            )}
          </div>
        )}
      </div>
    </main>
  );
}
