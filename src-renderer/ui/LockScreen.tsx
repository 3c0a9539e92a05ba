import { KeyRound, LoaderCircle, PlugZap, ShieldAlert } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import type { LockState } from '../../src-main/api/contract.ts';
import { openVault } from '../state/session.ts';
import { NewPassphrase } from './NewPassphrase.tsx';

/**
 * F12: shown instead of the app while a passphrase protects the data key and has not been typed,
 * or before the first passphrase is chosen where no keychain can be trusted. Nothing secret is
 * stored before the user has read why.
 */
export function LockScreen({ lock }: { lock: LockState }) {
  const choosing = lock.state === 'choose-passphrase';
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const mismatch = choosing && again !== '' && again !== passphrase;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (choosing && passphrase !== again) {
      setError('The two passphrases differ.');
      return;
    }
    setBusy(true);
    setError(null);
    const failed = await openVault(choosing ? 'choose' : 'unlock', passphrase);
    setBusy(false);
    if (failed) setError(failed);
  };

  return (
    <main className="lock-screen">
      <form className="lock-card" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <span className="brand-mark lock-mark" aria-hidden="true">
          {choosing ? <KeyRound size={22} /> : <PlugZap size={22} />}
        </span>
        <h1 id={`${id}-title`}>{choosing ? 'Protect your tokens with a passphrase' : 'Plugboard is locked'}</h1>
        {lock.weakKeychain ? (
          <p className="lock-warning" role="note">
            <ShieldAlert size={16} aria-hidden="true" />
            <span>
              This computer has no system keychain Plugboard can trust: Linux offered only its “basic text” fallback, whose key is built into the
              program and protects nothing. So a passphrase of yours protects your tokens instead{choosing ? '; nothing is stored until you choose it' : ''}.
              Starting a keyring (GNOME Keyring or KWallet) makes this unnecessary for new data folders.
            </span>
          </p>
        ) : (
          <p className="hint">
            {choosing
              ? 'This version of Plugboard has no system keychain to keep your tokens in, so a passphrase of yours protects them. Nothing is stored until you choose it.'
              : 'Enter the passphrase that protects your tokens on this computer.'}
          </p>
        )}
        {choosing ? (
          <NewPassphrase
            label="New passphrase"
            hint="At least 10 characters. You type it each time Plugboard starts; it cannot be recovered, but you can change it in Settings."
            value={passphrase}
            again={again}
            onChange={setPassphrase}
            onAgainChange={setAgain}
            onEdit={() => setError(null)}
            autoFocus
          />
        ) : (
          <div className="field">
            <label htmlFor={`${id}-pass`}>Passphrase</label>
            <input
              id={`${id}-pass`}
              className="input"
              type="password"
              autoFocus
              autoComplete="current-password"
              value={passphrase}
              aria-invalid={!!error}
              aria-describedby={error ? `${id}-error` : undefined}
              onChange={(e) => {
                setPassphrase(e.target.value);
                setError(null);
              }}
            />
          </div>
        )}
        {(error || mismatch) && (
          <p id={`${id}-error`} className="field-error" role="alert">
            {error ?? 'The two passphrases differ.'}
          </p>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy || !passphrase || mismatch}>
          {busy && <LoaderCircle size={16} className="spin" aria-hidden="true" />}
          {choosing ? 'Protect and continue' : 'Unlock'}
        </button>
      </form>
    </main>
  );
}
