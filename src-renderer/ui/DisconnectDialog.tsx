import { LoaderCircle } from 'lucide-react';
import { useState } from 'react';
import type { AccountView } from '../../src-main/api/contract.ts';
import { disconnectAccount } from '../state/accounts.ts';
import { Dialog } from './Dialog.tsx';
import { atHandle } from './format.ts';

export function DisconnectDialog({ account, platformName, onClose }: { account: AccountView; platformName: string; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const handle = atHandle(account.handle);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    const failure = await disconnectAccount(account);
    setBusy(false);
    if (failure) setError(failure.message);
    else onClose();
  };

  return (
    <Dialog
      title={`Disconnect ${handle}?`}
      onClose={onClose}
      busy={busy}
      actions={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose} disabled={busy} data-autofocus>
            Cancel
          </button>
          <button type="button" className="btn btn-danger" onClick={confirm} disabled={busy}>
            {busy && <LoaderCircle size={16} className="spin" aria-hidden="true" />}
            Disconnect
          </button>
        </>
      }
    >
      <p>
        Plugboard deletes this account's tokens from this computer and asks {platformName} to revoke its access. You can
        connect {handle} again at any time.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
