// The vault: one random 256-bit data key, stored only wrapped by a KeyWrapper,
// seals each secret with AES-256-GCM. The associated data names the secret's
// owner and field, so a sealed value copied onto another account or field fails
// to open instead of being silently accepted.
// Sealed layout: version(1) | iv(12) | tag(16) | ciphertext.
import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import { VaultLockedError, type KeyWrapper } from './key-wrapper.ts';

const VERSION = 1;

export class VaultCorruptError extends Error {
  override name = 'VaultCorruptError';
}

export class Vault {
  #key: Buffer;

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
   * A new protection (a changed passphrase) gets a NEW data key: re-wrapping the old one would let
   * the old passphrase and any older copy of the database open every secret sealed since. `current`
   * must open the stored key first, so only someone who knows it can change it. Every secret is
   * re-sealed and the new wrapped key stored in one transaction; then the WAL is checkpointed and
   * truncated, so the old wrapped key is not left in it (secure_delete zeroes it in the main file;
   * what the file system or a backup kept of older blocks is out of our reach). A secret that can
   * no longer be read is left as it is and counted: it was unreadable before, too.
   */
  async rekey(db: Database.Database, current: KeyWrapper, next: KeyWrapper): Promise<{ resealed: number; unreadable: number }> {
    const row = db.prepare('SELECT wrapper, wrapped FROM vault WHERE id = 1').get() as { wrapper: string; wrapped: Buffer } | undefined;
    if (!row || row.wrapper !== current.kind) throw new VaultLockedError('This data folder is not protected that way.');
    const stored = await current.unwrap(row.wrapped);
    if (stored.length !== this.#key.length || !timingSafeEqual(stored, this.#key)) throw new VaultLockedError('That does not open this data folder’s key.');
    const fresh = new Vault(randomBytes(32));
    const wrapped = await next.wrap(fresh.#key);
    // Synchronous from here on: nothing can seal under the old key between the re-seal and the swap.
    let resealed = 0;
    let unreadable = 0;
    const update = db.prepare('UPDATE secrets SET sealed = ? WHERE owner = ? AND field = ?');
    db.transaction(() => {
      for (const s of db.prepare('SELECT owner, field, sealed FROM secrets').all() as { owner: string; field: string; sealed: Buffer }[]) {
        let plaintext: string;
        try {
          plaintext = this.unseal(s.sealed, s.owner, s.field);
        } catch (e) {
          if (!(e instanceof VaultCorruptError)) throw e;
          unreadable++;
          continue;
        }
        update.run(fresh.seal(plaintext, s.owner, s.field), s.owner, s.field);
        resealed++;
      }
      db.prepare('UPDATE vault SET wrapper = ?, wrapped = ? WHERE id = 1').run(next.kind, wrapped);
    })();
    this.#key = fresh.#key;
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { resealed, unreadable };
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
