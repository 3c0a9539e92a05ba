// Moving machines (F16): the sealed export file and the import that merges one in. No state of its own.
import type { ExportLeftOut, Results } from '../../src-main/api/contract.ts';
import { plural } from '../ui/format.ts';
import { reloadAccounts } from './accounts.ts';
import { call } from './call.ts';
import { reloadNotices } from './notices.ts';
import { reloadPlatforms } from './platforms.ts';
import { toast } from './toasts.ts';
import { reloadWorkspaces } from './workspaces.ts';

/**
 * Seals everything under the passphrase and saves the file. `vaultPassphrase`: the one that unlocks
 * Plugboard, where a passphrase protects the data key (elsewhere the main process asks in a window of its own).
 * Returns the error to show, or what the export left out (a damaged account) for the dialog to say.
 */
export async function exportData(passphrase: string, vaultPassphrase?: string): Promise<{ error: string } | { leftOut: ExportLeftOut; fileName: string }> {
  const r = await call('data.export', { passphrase, ...(vaultPassphrase ? { vaultPassphrase } : {}) });
  if (!r.ok) return { error: r.error.issues?.[0]?.message ?? r.error.message };
  const bytes = Uint8Array.from(atob(r.result.contentBase64), (c) => c.charCodeAt(0));
  const href = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = href;
  a.download = r.result.fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 1000);
  toast('success', `Exported ${plural(r.result.accounts, 'account')} to ${r.result.fileName}`);
  // The export's own notice is in the list now (the event brings it too).
  void reloadNotices();
  return { leftOut: r.result.leftOut, fileName: r.result.fileName };
}

/** The import summary's title: a file imported again (or older than this computer) changes nothing, and says so. */
export function importTitle(summary: Results['data.import']): string {
  const { added, renewed } = summary.accounts;
  const changed = added.length + renewed.length + summary.workspacesAdded.length + summary.appCredentials.added.length + summary.noticesAdded;
  return changed === 0 ? 'Already up to date' : 'Imported';
}

/** The import's summary, or the sentence saying why nothing changed. */
export async function importData(file: File, passphrase: string): Promise<Results['data.import'] | string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const r = await call('data.import', { content: btoa(binary), passphrase });
  if (!r.ok) return r.error.message;
  // The core's events bring the new accounts, workspaces and credentials; these make sure they are in before the summary.
  await Promise.all([reloadAccounts(), reloadWorkspaces(), reloadPlatforms(), reloadNotices()]);
  return r.result;
}
