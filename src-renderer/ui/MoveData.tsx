import { Download, HardDriveDownload, Upload } from 'lucide-react';
import { useId, useState, type DragEvent, type FormEvent } from 'react';
import type { ExportLeftOut, ImportSummaryView, PlatformId } from '../../src-main/api/contract.ts';
import { exportData, importData, importTitle } from '../state/data.ts';
import { usePlatforms } from '../state/platforms.ts';
import { useSession } from '../state/session.ts';
import { Dialog, FormDialog } from './Dialog.tsx';
import { NewPassphrase } from './NewPassphrase.tsx';
import { plural } from './format.ts';
import './move-data.css';

/** What Export writes (domains/data.ts); anything else dropped is said to be something else at once. */
const EXPORT_SUFFIX = '.plugboard';

/**
 * F16: everything (workspaces, accounts, tokens, app credentials, notification memory) in one file
 * sealed under a passphrase, and back on another machine, merged account by account.
 */
export function MoveData() {
  const headingId = useId();
  const [open, setOpen] = useState<'export' | 'import' | null>(null);
  const [dropped, setDropped] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [dropError, setDropError] = useState<string | null>(null);
  const carriesFiles = (e: DragEvent) => e.dataTransfer.types.includes('Files');
  const onDrop = (e: DragEvent) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    setDragging(false);
    const files = [...e.dataTransfer.files];
    const file = files[0];
    if (files.length !== 1 || !file) {
      setDropError('Drop one export file at a time.');
    } else if (!file.name.toLowerCase().endsWith(EXPORT_SUFFIX)) {
      setDropError(`“${file.name}” is not a Plugboard export: those are the files Export makes, ending in ${EXPORT_SUFFIX}.`);
    } else {
      setDropError(null);
      setDropped(file);
      setOpen('import');
    }
  };
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
      </div>
      <div
        className={dragging ? 'drop-zone drop-zone--over' : 'drop-zone'}
        data-testid="import-drop-zone"
        onDragEnter={(e) => {
          if (carriesFiles(e)) setDragging(true);
        }}
        onDragOver={(e) => {
          if (!carriesFiles(e)) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
      >
        <p>{dragging ? 'Drop the export file to import it.' : 'Drop an export file here, or'}</p>
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => {
            setDropError(null);
            setDropped(null);
            setOpen('import');
          }}
        >
          <Upload size={16} aria-hidden="true" /> Import…
        </button>
        {dropError && (
          <p className="field-error drop-zone-error" role="alert">
            {dropError}
          </p>
        )}
      </div>
      {open === 'export' && <ExportDialog onClose={() => setOpen(null)} />}
      {open === 'import' && <ImportDialog dropped={dropped} onClose={() => setOpen(null)} />}
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

/** `dropped`: the file dragged onto the card, so only the passphrase is left to type. */
function ImportDialog({ dropped, onClose }: { dropped: File | null; onClose: () => void }) {
  const [file, setFile] = useState<File | null>(dropped);
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
          {dropped ? (
            <p id={`${id}-file`} className="dropped-file">
              {dropped.name}
            </p>
          ) : (
            <input id={`${id}-file`} className="input" type="file" accept={EXPORT_SUFFIX} data-autofocus onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-pass`}>Passphrase</label>
          <input
            id={`${id}-pass`}
            className="input"
            type="password"
            autoComplete="off"
            data-autofocus={dropped ? true : undefined}
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
