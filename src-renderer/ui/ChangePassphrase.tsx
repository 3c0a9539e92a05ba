import { useId, useState, type FormEvent } from 'react';
import { changePassphrase } from '../state/session.ts';
import { NewPassphrase } from './NewPassphrase.tsx';

const DIFFER = 'The two new passphrases differ. Type the same one twice.';

/** F12: the passphrase that protects the data key can be changed; the current one first, the new one twice. */
export function ChangePassphrase() {
  const [open, setOpen] = useState(false);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const mismatch = again !== '' && again !== next;

  const close = () => {
    setOpen(false);
    setCurrent('');
    setNext('');
    setAgain('');
    setError(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== again) {
      setError(DIFFER);
      return;
    }
    setBusy(true);
    const failed = await changePassphrase(current, next);
    setBusy(false);
    setError(failed);
    if (!failed) close();
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
        <input id={`${id}-current`} className="input" type="password" autoComplete="current-password" autoFocus value={current} onChange={(e) => setCurrent(e.target.value)} />
      </div>
      <NewPassphrase
        label="New passphrase"
        hint="At least 10 characters. Your tokens stay as they are; only the key that opens them is protected anew."
        value={next}
        again={again}
        onChange={setNext}
        onAgainChange={setAgain}
        onEdit={() => setError(null)}
      />
      {(error || mismatch) && (
        <p className="field-error" role="alert">
          {error ?? DIFFER}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !current || !next || !again || mismatch}>
          Change passphrase
        </button>
        <button type="button" className="btn btn-ghost" onClick={close} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
