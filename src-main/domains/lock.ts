// The vault's lock once open: how the data key is protected, changing the passphrase, and the window's
// sign of life for the idle lock. Before it opens, core/gate.ts answers these methods instead; it also
// answers app.lock where a passphrase protects the key, since locking closes this core.
import type { LockState } from '../api/contract.ts';
import { ApiFailure } from '../core/api-failure.ts';
import { VaultLockedError } from '../vault/key-wrapper.ts';
import type { CoreContext, DomainHandlers } from './context.ts';

type LockContext = Pick<CoreContext, 'keyWrapper' | 'weakKeychain' | 'vault' | 'db' | 'passphraseWrapper' | 'passphraseAttempts' | 'logger' | 'emit' | 'reportActive'>;

export function lockState(ctx: Pick<CoreContext, 'keyWrapper' | 'weakKeychain'>): LockState {
  return { state: 'open', protection: ctx.keyWrapper.kind === 'passphrase' ? 'passphrase' : 'keychain', weakKeychain: ctx.weakKeychain ?? false };
}

export function lockHandlers(ctx: LockContext): DomainHandlers<'app.lockState' | 'app.unlock' | 'app.setPassphrase' | 'app.changePassphrase' | 'app.lock' | 'app.active'> {
  return {
    // Reached only where the keychain holds the key: the gate locks a passphrase-protected vault itself.
    'app.lock': async () => {
      throw new ApiFailure('bad_request', 'Your tokens are protected by the system keychain, so there is no passphrase for Plugboard to lock them with.');
    },
    'app.active': async () => {
      ctx.reportActive?.();
      return null;
    },
    'app.lockState': async () => lockState(ctx),
    // Already open: unlocking again is harmless; choosing a first passphrase is not possible any more.
    'app.unlock': async () => lockState(ctx),
    'app.setPassphrase': async () => {
      throw new ApiFailure('conflict', 'Plugboard is already set up. To change the passphrase, use Change passphrase in Settings.');
    },
    'app.changePassphrase': async ({ current, next }) => {
      if (ctx.keyWrapper.kind !== 'passphrase') throw new ApiFailure('bad_request', 'Your tokens are protected by the system keychain, so there is no passphrase to change.');
      try {
        const { resealed, unreadable } = await ctx.passphraseAttempts.judge(
          () => ctx.vault.rekey(ctx.db, ctx.passphraseWrapper(current), ctx.passphraseWrapper(next)),
          (e) => e instanceof VaultLockedError,
        );
        ctx.logger.info('passphrase changed: a new data key, every secret re-sealed', { resealed, unreadable });
      } catch (e) {
        if (e instanceof VaultLockedError) throw new ApiFailure('bad_request', 'That is not the current passphrase. Nothing was changed.');
        throw e;
      }
      ctx.emit({ type: 'lock.changed' });
      return lockState(ctx);
    },
  };
}
