// F16: what stands around an export, which hands over every token and secret. Before: the user must
// agree in a way no API caller (a script in the page, anything holding the host token) can fake, by
// typing the passphrase that unlocks Plugboard where one protects the data key, or in a confirmation
// window of the OS's own where the keychain does; with neither, nothing is exported. After: a notice
// says it happened, so an export the user did not make does not go unseen.
import type { ExportLeftOut } from '../api/contract.ts';
import { providerDecl } from '../connectors/providers.ts';
import type { AppNoticeRow } from '../store/notices.ts';
import { ApiFailure } from './api-failure.ts';
import type { ExportSummary } from './types.ts';

export interface ExportConsent {
  protection: 'passphrase' | 'keychain';
  vaultPassphrase: string | undefined;
  /** Whether the passphrase opens this folder's data key (a read-only check). */
  opensVault: (passphrase: string) => Promise<boolean>;
  confirm: ((summary: ExportSummary) => Promise<boolean>) | undefined;
  summary: () => ExportSummary;
}

/** Resolves to how the user agreed; throws an ApiFailure with the sentence to show otherwise. */
export async function requireExportConsent(c: ExportConsent): Promise<'passphrase' | 'confirmed'> {
  if (c.protection === 'passphrase') {
    if (!c.vaultPassphrase) {
      throw new ApiFailure('bad_request', 'Enter the passphrase that unlocks Plugboard: the file will hold every token, so Plugboard checks it is you. Nothing was exported.');
    }
    if (!(await c.opensVault(c.vaultPassphrase))) {
      throw new ApiFailure('bad_request', 'That is not the passphrase that unlocks Plugboard, so nothing was exported. Enter the one you type on the lock screen.');
    }
    return 'passphrase';
  }
  if (!c.confirm) {
    throw new ApiFailure('bad_request', 'This version of Plugboard cannot ask you to confirm an export here, so nothing was exported.');
  }
  if (!(await c.confirm(c.summary()))) {
    throw new ApiFailure('bad_request', 'The export was cancelled in the confirmation window, so nothing was exported.');
  }
  return 'confirmed';
}

/** The notice recorded after an export. */
export function exportNotice(e: {
  at: number;
  exported: number;
  leftOut: ExportLeftOut;
  fileName: string;
  protection: 'passphrase' | 'keychain';
}): Omit<AppNoticeRow, 'id' | 'read_at'> {
  const when = `${new Date(e.at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const left = e.leftOut.accounts.map((a) => `${providerDecl(a.platform).name} @${a.handle}`);
  const all = left.length ? `All accounts but ${left.join(', ')}` : 'All accounts';
  const count = `${e.exported} ${e.exported === 1 ? 'account' : 'accounts'}`;
  const undo =
    e.protection === 'passphrase'
      ? 'If that was not you, change Plugboard’s passphrase, then disconnect and connect each account again to end the tokens in that file.'
      : 'If that was not you, disconnect and connect each account again to end the tokens in that file.';
  return { kind: 'export', title: `${all} were exported at ${when}`, body: `${count} went into ${e.fileName}. ${undo}`, sent_at: e.at };
}
