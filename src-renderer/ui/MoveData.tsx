import { Download, HardDriveDownload, Upload } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import type { ExportLeftOut, ImportSummaryView, PlatformId } from '../../src-main/api/contract.ts';
import { exportData, importData, importTitle } from '../state/data.ts';
import { usePlatforms } from '../state/platforms.ts';
import { useSession } from '../state/session.ts';
import { Dialog, FormDialog } from './Dialog.tsx';
import { NewPassphrase } from './NewPassphrase.tsx';
import { plural } from './format.ts';

/**
 * F16: everything (workspaces, accounts, tokens, app credentials, notification memory) in one file
 * sealed under a passphrase, and back on another machine, merged account by account.
 */
export function MoveData() {
  const headingId = useId();
  const [open, setOpen] = useState<'export' | 'import' | null>(null);
  return (
    <section className="card tools" aria-labelledby={headingId}>
      <header className="tools-head">
        <span className="tools-icon" aria-hidden="true">
          <HardDriveDownload size={16} />
        </span>
        <div>
          <h2 id={headingId}>Move to another computer</h2>
          <p className="card-sub">
            One file with every workspace, account and token, sealed under a passphrase you choose. Import it on the other computer; it merges
            with what is there.
          </p>
        </div>
      </header>
      <div className="tools-actions">
        <button type="button" className="btn btn-secondary" onClick={() => setOpen('export')}>
          <Download size={16} aria-hidden="true" /> Export…
        </button>
        <button type="button" className="btn btn-secondary" onClick={() => setOpen('import')}>
          <Upload size={16} aria-hidden="true" /> Import…
        </button>
      </div>
      {open === 'export' && <ExportDialog onClose={() => setOpen(null)} />}
      {open === 'import' && <ImportDialog onClose={() => setOpen(null)} />}
    </section>
  );
}

function ExportDialog({ onClose }: { onClose: () => void }) {
  // Where a passphrase protects the data key, it is asked here; where the keychain does, the main process
  // asks in a window of its own, which nothing in this page can answer.
  const protection = useSession((s) => s.lock?.protection ?? 'passphrase');
  const platforms = usePlatforms((s) => s.platforms);
  const [vaultPassphrase, setVaultPassphrase] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [partial, setPartial] = useState<{ leftOut: ExportLeftOut; fileName: string } | null>(null);
  const id = useId();
  const mismatch = again !== '' && again !== passphrase;
  const needsVault = protection === 'passphrase';
  const nameOf = (platform: PlatformId) => platforms.find((p) => p.id === platform)?.name ?? platform;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (passphrase !== again) {
      setError('The two passphrases differ.');
      return;
    }
    setBusy(true);
    const result = await exportData(passphrase, needsVault ? vaultPassphrase : undefined);
    setBusy(false);
    if ('error' in result) setError(result.error);
    else if (result.leftOut.accounts.length > 0 || result.leftOut.appCredentials.length > 0) setPartial(result);
    else onClose();
  };
  if (partial) {
    const { accounts, appCredentials } = partial.leftOut;
    return (
      <Dialog
        title="Exported, with some left out"
        onClose={onClose}
        actions={
          <button type="button" className="btn btn-primary" onClick={onClose} data-autofocus>
            Done
          </button>
        }
      >
        <p>
          {partial.fileName} holds everything else. Plugboard could not read what is below on this computer, so the file does not have it:
        </p>
        <ul className="import-summary">
          {accounts.map((a) => (
            <li key={`${a.platform}/${a.workspace}/${a.handle}`}>
              <strong>
                {nameOf(a.platform)} @{a.handle}
              </strong>{' '}
              ({a.workspace}): {a.reason}. Reconnect it, then export again.
            </li>
          ))}
          {appCredentials.length > 0 && (
            <li>
              <strong>App credentials for {appCredentials.map(nameOf).join(', ')}</strong>: the stored secret is damaged. Save them again on the
              Credentials tab, then export again.
            </li>
          )}
        </ul>
      </Dialog>
    );
  }
  return (
    <FormDialog
      title="Export everything"
      formId={`${id}-form`}
      submitLabel={busy ? (needsVault ? 'Sealing…' : 'Confirm in the window Plugboard opened…') : 'Export'}
      submitDisabled={!passphrase || mismatch || (needsVault && !vaultPassphrase)}
      busy={busy}
      onClose={onClose}
    >
      <form id={`${id}-form`} className="dialog-form" onSubmit={submit} noValidate>
        <p>
          The file holds your tokens, sealed under the passphrase you choose below (scrypt and AES-256-GCM). Anyone with the file and that
          passphrase can use your accounts: choose a long one, and keep the file somewhere private.
        </p>
        {needsVault ? (
          <div className="field">
            <label htmlFor={`${id}-vault`}>Plugboard passphrase</label>
            <input
              id={`${id}-vault`}
              className="input"
              type="password"
              autoComplete="current-password"
              data-autofocus
              value={vaultPassphrase}
              aria-describedby={`${id}-vault-hint`}
              onChange={(e) => {
                setVaultPassphrase(e.target.value);
                setError(null);
              }}
            />
            <p id={`${id}-vault-hint`} className="hint">
              The one that unlocks Plugboard: it shows the export is yours.
            </p>
          </div>
        ) : (
          <p className="hint">Plugboard will then ask you to confirm in a window of its own.</p>
        )}
        <NewPassphrase
          label="Passphrase for the file"
          hint="At least 10 characters. Plugboard cannot recover it."
          value={passphrase}
          again={again}
          onChange={setPassphrase}
          onAgainChange={setAgain}
          onEdit={() => setError(null)}
        />
        {(error || mismatch) && (
          <p className="field-error" role="alert">
            {error ?? 'The two passphrases differ.'}
          </p>
        )}
      </form>
    </FormDialog>
  );
}

function ImportDialog({ onClose }: { onClose: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [summary, setSummary] = useState<ImportSummaryView | null>(null);
  const id = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    const result = await importData(file, passphrase);
    setBusy(false);
    if (typeof result === 'string') setError(result);
    else setSummary(result);
  };
  if (summary) {
    const { added, renewed, kept, unchanged } = summary.accounts;
    return (
      <Dialog
        title={importTitle(summary)}
        onClose={onClose}
        actions={
          <button type="button" className="btn btn-primary" onClick={onClose} data-autofocus>
            Done
          </button>
        }
      >
        <ul className="import-summary">
          {/* Only what happened: "0 accounts renewed" under "Already up to date" would read as something went wrong. */}
          {added.length > 0 && (
            <li>
              <strong>{plural(added.length, 'account')} added</strong>: {added.map((a) => `${a.handle} (${a.workspace})`).join(', ')}
            </li>
          )}
          {renewed.length > 0 && (
            <li>
              <strong>{plural(renewed.length, 'account')} renewed</strong> with the file's newer tokens: {renewed.map((a) => a.handle).join(', ')}
            </li>
          )}
          {kept.length > 0 && (
            <li>
              <strong>{plural(kept.length, 'account')} kept</strong> as they were: this computer's tokens are newer
            </li>
          )}
          {unchanged.length > 0 && (
            <li>
              <strong>{plural(unchanged.length, 'account')} already here</strong> with the same tokens as the file
            </li>
          )}
          {summary.workspacesAdded.length > 0 && <li>Workspaces added: {summary.workspacesAdded.join(', ')}</li>}
          {summary.appCredentials.added.length > 0 && <li>App credentials added for {summary.appCredentials.added.length} platforms</li>}
          {summary.appCredentials.kept.length > 0 && <li>App credentials already here were kept ({summary.appCredentials.kept.length})</li>}
        </ul>
      </Dialog>
    );
  }
  return (
    <FormDialog
      title="Import from another computer"
      formId={`${id}-form`}
      submitLabel={busy ? 'Opening…' : 'Import'}
      submitDisabled={!file || !passphrase}
      busy={busy}
      onClose={onClose}
    >
      <form id={`${id}-form`} className="dialog-form" onSubmit={submit} noValidate>
        <p>Accounts already here are matched by platform and account; the newer tokens win. Nothing changes unless the whole file opens.</p>
        <div className="field">
          <label htmlFor={`${id}-file`}>Export file</label>
          <input id={`${id}-file`} className="input" type="file" accept=".plugboard" data-autofocus onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-pass`}>Passphrase</label>
          <input
            id={`${id}-pass`}
            className="input"
            type="password"
            autoComplete="off"
            value={passphrase}
            aria-invalid={!!error}
            aria-describedby={error ? `${id}-error` : undefined}
            onChange={(e) => setPassphrase(e.target.value)}
          />
        </div>
        {error && (
          <p id={`${id}-error`} className="field-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </FormDialog>
  );
}
