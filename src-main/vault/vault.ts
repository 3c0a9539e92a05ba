// The vault: one random 256-bit data key, stored only wrapped by a KeyWrapper,
// seals each secret with AES-256-GCM. The associated data names the secret's
// owner and field, so a sealed value copied onto another account or field fails
// to open instead of being silently accepted.
// Sealed layout: version(1) | iv(12) | tag(16) | ciphertext.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { VaultLockedError, type KeyWrapper } from './key-wrapper.ts';

const VERSION = 1;

export class VaultCorruptError extends Error {
  override name = 'VaultCorruptError';
}

export class Vault {
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  /** Opens the vault of this database, creating its data key on first use. */
  static async open(db: Database.Database, wrapper: KeyWrapper, now: number): Promise<Vault> {
    const row = db.prepare('SELECT wrapper, wrapped FROM vault WHERE id = 1').get() as { wrapper: string; wrapped: Buffer } | undefined;
    if (row) {
      if (row.wrapper !== wrapper.kind) {
        throw new VaultLockedError(
          `This data folder's key is protected by "${row.wrapper}", but Plugboard was started with "${wrapper.kind}". ` +
            (row.wrapper === 'passphrase' ? 'Set PLUGBOARD_PASSPHRASE to the passphrase used before.' : 'Open it with the Plugboard desktop app on the machine that created it.'),
        );
      }
      const key = await wrapper.unwrap(row.wrapped);
      if (key.length !== 32) throw new VaultLockedError('The unwrapped data key has the wrong length; the data folder may be damaged.');
      return new Vault(key);
    }
    const key = randomBytes(32);
    const wrapped = await wrapper.wrap(key);
    db.prepare('INSERT INTO vault (id, wrapper, wrapped, created_at) VALUES (1, ?, ?, ?)').run(wrapper.kind, wrapped, now);
    return new Vault(key);
  }

  /**
   * Protects the same data key with another wrapper (a changed passphrase): `current` must open the
   * stored key first, so only someone who knows it can change it. Nothing sealed changes.
   */
  static async rewrap(db: Database.Database, current: KeyWrapper, next: KeyWrapper): Promise<void> {
    const row = db.prepare('SELECT wrapper, wrapped FROM vault WHERE id = 1').get() as { wrapper: string; wrapped: Buffer } | undefined;
    if (!row || row.wrapper !== current.kind) throw new VaultLockedError('This data folder is not protected that way.');
    const key = await current.unwrap(row.wrapped);
    const wrapped = await next.wrap(key);
    db.prepare('UPDATE vault SET wrapper = ?, wrapped = ? WHERE id = 1').run(next.kind, wrapped);
  }

  /** What protects this folder's data key ('passphrase', 'safeStorage'), or null before the first start. */
  static protection(db: Database.Database): string | null {
    return (db.prepare('SELECT wrapper FROM vault WHERE id = 1').get() as { wrapper: string } | undefined)?.wrapper ?? null;
  }

  seal(plaintext: string, owner: string, field: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(aad(owner, field));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ct]);
  }

  unseal(sealed: Buffer, owner: string, field: string): string {
    if (sealed.length < 29 || sealed[0] !== VERSION) throw new VaultCorruptError(`The stored ${field} is damaged or from a newer version.`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, sealed.subarray(1, 13));
      decipher.setAAD(aad(owner, field));
      decipher.setAuthTag(sealed.subarray(13, 29));
      return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
    } catch {
      throw new VaultCorruptError(`The stored ${field} could not be decrypted: it is damaged or does not belong to this account.`);
    }
  }
}

function aad(owner: string, field: string): Buffer {
  return Buffer.from(`plugboard/v${VERSION}/${owner}/${field}`, 'utf8');
}
