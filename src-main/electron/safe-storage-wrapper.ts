// Wraps the vault's data key with Electron's safeStorage: Keychain on macOS,
// DPAPI on Windows, libsecret or KWallet on Linux.
import { safeStorage } from 'electron';
import type { Logger } from '../core/logger.ts';
import { VaultLockedError, type KeyWrapper } from '../vault/key-wrapper.ts';
import { PassphraseKeyWrapper } from '../vault/passphrase-wrapper.ts';

export class SafeStorageKeyWrapper implements KeyWrapper {
  readonly kind = 'safeStorage';

  // The async API: the synchronous one is deprecated in Electron 45, and data
  // it encrypted still decrypts with decryptStringAsync.
  async wrap(dataKey: Buffer): Promise<Buffer> {
    // safeStorage encrypts strings; base64 carries the key's raw bytes through intact.
    return safeStorage.encryptStringAsync(dataKey.toString('base64'));
  }

  async unwrap(wrapped: Buffer): Promise<Buffer> {
    try {
      const { result } = await safeStorage.decryptStringAsync(wrapped);
      return Buffer.from(result, 'base64');
    } catch (e) {
      throw new VaultLockedError(
        `The system keychain could not open Plugboard's data key (${(e as Error).message}). ` +
          'It opens only for the same user on the machine that created it.',
      );
    }
  }
}

/** Thrown when there is nothing trustworthy to wrap the data key with; the message is for the user. */
export class NoKeyProtectionError extends Error {
  override name = 'NoKeyProtectionError';
}

/** Call after the app is ready: before that, Linux reports its keychain backend as 'unknown'. */
export async function chooseKeyWrapper(opts: { passphrase: string | undefined; logger: Logger }): Promise<KeyWrapper> {
  const basicText = process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
  if (basicText) {
    opts.logger.warn(
      'safeStorage found no system keychain (backend basic_text): it would encrypt with a hard-coded key, which protects nothing',
    );
  }
  if (opts.passphrase) return new PassphraseKeyWrapper(opts.passphrase);
  // Honest state of things: the passphrase prompt F12 asks for comes in a later
  // issue. Until then PLUGBOARD_PASSPHRASE is the only way to give one, and
  // without it we refuse to start rather than store tokens under basic_text.
  if (basicText) {
    throw new NoKeyProtectionError(
      'Plugboard found no system keychain (GNOME Keyring/libsecret or KWallet) to protect your tokens. ' +
        'Start a keyring service, or set the PLUGBOARD_PASSPHRASE environment variable to protect them with a passphrase.',
    );
  }
  if (!(await safeStorage.isAsyncEncryptionAvailable())) {
    throw new NoKeyProtectionError(
      'The system keychain is not available, so Plugboard cannot protect your tokens. ' +
        'Unlock or allow access to the keychain, or set the PLUGBOARD_PASSPHRASE environment variable.',
    );
  }
  return new SafeStorageKeyWrapper();
}
