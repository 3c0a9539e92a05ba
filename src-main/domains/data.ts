// Moving data between machines (F16): the sealed export, which needs the user's say-so, and the merge-import.
import { ApiFailure } from '../core/api-failure.ts';
import { exportNotice, requireExportConsent } from '../core/export-guard.ts';
import { TransferError } from '../transfer/export-file.ts';
import { exportData, importData, type ImportSummary } from '../transfer/transfer.ts';
import { VaultLockedError } from '../vault/key-wrapper.ts';
import { wrapperOpensVault } from '../vault/passphrase-check.ts';
import type { CoreContext, DomainHandlers } from './context.ts';
import { markUnreadable } from './accounts.ts';
import { lockState } from './lock.ts';

type DataContext = Pick<
  CoreContext,
  | 'db'
  | 'vault'
  | 'secrets'
  | 'accounts'
  | 'appCredentials'
  | 'workspaces'
  | 'notices'
  | 'lifecycle'
  | 'keyWrapper'
  | 'weakKeychain'
  | 'confirmExport'
  | 'passphraseWrapper'
  | 'passphraseAttempts'
  | 'clock'
  | 'logger'
  | 'emit'
>;

export function dataHandlers(ctx: DataContext): DomainHandlers<'data.export' | 'data.import'> {
  const { db, secrets, accounts, appCredentials } = ctx;
  return {
    'data.export': async ({ passphrase, vaultPassphrase }) => {
      const { protection } = lockState(ctx);
      let agreed: Awaited<ReturnType<typeof requireExportConsent>>;
      try {
        agreed = await requireExportConsent({
          protection,
          vaultPassphrase,
          // Judged with unlock and change: a wrong guess here slows the next one there too.
          opensVault: (p) =>
            ctx.passphraseAttempts
              .judge(
                async () => {
                  if (!(await wrapperOpensVault(db, ctx.vault, ctx.passphraseWrapper(p)))) throw new VaultLockedError('That does not open this data folder’s key.');
                },
                (e) => e instanceof VaultLockedError,
              )
              .then(
                () => true,
                (e: unknown) => {
                  if (e instanceof VaultLockedError) return false;
                  throw e;
                },
              ),
          confirm: ctx.confirmExport,
          summary: () => ({ accounts: accounts.all().length, workspaces: ctx.workspaces.list().length }),
        });
      } catch (e) {
        ctx.logger.warn('export refused', { protection, reason: (e as Error).message });
        throw e;
      }
      const now = ctx.clock.now();
      const { file, exported, leftOut } = await exportData({ db, secrets, accounts, appCredentials }, passphrase, now);
      const fileName = `plugboard-${new Date(now).toISOString().slice(0, 10)}.plugboard`;
      ctx.notices.recordApp(exportNotice({ at: now, exported, leftOut, fileName, protection }));
      // What the export could not read is damaged for the rest of the app too: red with its fix now, not at its next renewal.
      if (leftOut.accounts.length > 0) {
        for (const id of accounts.unreadable()) markUnreadable(ctx, id);
        ctx.emit({ type: 'accounts.changed' });
      }
      ctx.logger.info('data exported', { accounts: exported, accountsLeftOut: leftOut.accounts.length, appCredentialsLeftOut: leftOut.appCredentials.length, bytes: file.length, agreed });
      ctx.emit({ type: 'notices.changed' });
      return { fileName, contentBase64: file.toString('base64'), accounts: exported, leftOut };
    },

    'data.import': async ({ content, passphrase }) => {
      let summary: ImportSummary;
      try {
        summary = await importData({ db, secrets, accounts, appCredentials }, Buffer.from(content, 'base64'), passphrase, ctx.clock.now());
      } catch (e) {
        if (e instanceof TransferError) throw new ApiFailure('bad_request', e.message);
        throw e;
      }
      // Imported accounts join the scheduler's care at once, with any notice already due.
      for (const row of accounts.all()) {
        ctx.lifecycle.plan(row);
        ctx.lifecycle.checkNotices(row, 'imported');
      }
      ctx.logger.info('data imported', { added: summary.accounts.added.length, renewed: summary.accounts.renewed.length, kept: summary.accounts.kept.length });
      ctx.emit({ type: 'workspaces.changed' });
      ctx.emit({ type: 'accounts.changed' });
      ctx.emit({ type: 'platforms.changed' });
      ctx.emit({ type: 'notices.changed' });
      return { ...summary, workspacesAdded: summary.workspacesAdded.map((w) => w.name), exportedAt: new Date(summary.exportedAt).toISOString() };
    },
  };
}
