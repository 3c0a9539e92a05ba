import { useId, useState, type FormEvent } from 'react';
import { changePassphrase } from '../state/session.ts';

/** F12: the passphrase that protects the data key can be changed; the current one must be typed first. */
export function ChangePassphrase() {
  const [open, setOpen] = useState(false);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const failed = await changePassphrase(current, next);
    setBusy(false);
    setError(failed);
    if (!failed) {
      setOpen(false);
      setCurrent('');
      setNext('');
    }
  };

  if (!open) {
    return (
      <div className="setting-row">
        <span>Your tokens are protected by a passphrase you type at start.</span>
        <button type="button" className="btn btn-secondary" onClick={() => setOpen(true)}>
          Change passphrase…
        </button>
      </div>
    );
  }
  return (
    <form className="change-passphrase" onSubmit={submit} noValidate aria-label="Change passphrase">
      <div className="field">
        <label htmlFor={`${id}-current`}>Current passphrase</label>
        <input id={`${id}-current`} className="input" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-next`}>New passphrase</label>
        <input
          id={`${id}-next`}
          className="input"
          type="password"
          autoComplete="new-password"
          value={next}
          aria-describedby={`${id}-hint`}
          onChange={(e) => setNext(e.target.value)}
        />
        <p id={`${id}-hint`} className="hint">
          At least 10 characters. Your tokens stay as they are; only the key that opens them is protected anew.
        </p>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !current || !next}>
          Change passphrase
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
