// The vault's lock once open: how the data key is protected, and changing the passphrase. Before it opens,
// core/gate.ts answers these methods instead.
import type { LockState } from '../api/contract.ts';
import { ApiFailure } from '../core/api-failure.ts';
import { VaultLockedError } from '../vault/key-wrapper.ts';
import type { CoreContext, DomainHandlers } from './context.ts';

type LockContext = Pick<CoreContext, 'keyWrapper' | 'weakKeychain' | 'vault' | 'db' | 'passphraseWrapper' | 'passphraseAttempts' | 'logger' | 'emit'>;

export function lockState(ctx: Pick<CoreContext, 'keyWrapper' | 'weakKeychain'>): LockState {
  return { state: 'open', protection: ctx.keyWrapper.kind === 'passphrase' ? 'passphrase' : 'keychain', weakKeychain: ctx.weakKeychain ?? false };
}

export function lockHandlers(ctx: LockContext): DomainHandlers<'app.lockState' | 'app.unlock' | 'app.setPassphrase' | 'app.changePassphrase'> {
  return {
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
