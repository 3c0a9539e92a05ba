// Whether a typed passphrase is the one protecting this data folder now, without changing anything:
// asked before something as weighty as exporting every token. Built on Vault's public surface only.
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { VaultLockedError, type KeyWrapper } from './key-wrapper.ts';
import { Vault, VaultCorruptError } from './vault.ts';

/**
 * True when `wrapper` opens the stored data key and that key is the one `open` holds: what the open
 * vault seals, a vault opened by `wrapper` must open. Read-only (no row is written: the key exists).
 */
export async function wrapperOpensVault(db: Database.Database, open: Vault, wrapper: KeyWrapper): Promise<boolean> {
  // Without this, Vault.open would create a new key for a folder that has none.
  if (Vault.protection(db) !== wrapper.kind) return false;
  let candidate: Vault;
  try {
    candidate = await Vault.open(db, wrapper, 0);
  } catch (e) {
    if (e instanceof VaultLockedError) return false;
    throw e;
  }
  const probe = randomBytes(16).toString('hex');
  try {
    return candidate.unseal(open.seal(probe, 'passphrase-check', 'probe'), 'passphrase-check', 'probe') === probe;
  } catch (e) {
    if (e instanceof VaultCorruptError) return false;
    throw e;
  }
}
