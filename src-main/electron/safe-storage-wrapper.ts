// Wraps the vault's data key with Electron's safeStorage: Keychain on macOS,
// DPAPI on Windows, libsecret or KWallet on Linux.
import { safeStorage } from 'electron';
import type { Logger } from '../core/logger.ts';
import { VaultLockedError, type KeyWrapper } from '../vault/key-wrapper.ts';

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

/**
 * The system keychain, where it can be trusted; null where it cannot, and then a passphrase protects
 * the data key (the gate asks for it). Call after the app is ready: before that, Linux reports its
 * backend as 'unknown'. basic_text is safeStorage's fallback with a hard-coded key: it protects nothing.
 */
export async function trustedKeychain(logger: Logger): Promise<{ keychain: KeyWrapper | null; weak: boolean }> {
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    logger.warn('safeStorage found no system keychain (backend basic_text): a passphrase protects the data key instead');
    return { keychain: null, weak: true };
  }
  if (!(await safeStorage.isAsyncEncryptionAvailable())) {
    logger.warn('the system keychain is not available: a passphrase protects the data key instead');
    return { keychain: null, weak: true };
  }
  return { keychain: new SafeStorageKeyWrapper(), weak: false };
}
