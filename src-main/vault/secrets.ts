// Sealed secrets by owner ("account:<id>", "app:<platform>") and field.
// Synchronous on purpose: callers put several secrets and a row update in one
// SQLite transaction (a rotated refresh token must never be half-written).
import type Database from 'better-sqlite3';
import { statements, type Statements } from '../store/statements.ts';
import { VaultCorruptError, type Vault } from './vault.ts';

export type SecretField = 'access_token' | 'refresh_token' | 'client_secret' | 'app_password';

export class Secrets {
  readonly #db: Database.Database;
  readonly #sql: Statements;
  readonly #vault: Vault;

  constructor(db: Database.Database, vault: Vault) {
    this.#db = db;
    this.#sql = statements(db);
    this.#vault = vault;
  }

  /** An empty or missing value never overwrites a stored secret. */
  put(owner: string, field: SecretField, value: string | null | undefined, now: number): void {
    if (!value) return;
    this.#sql
      .prepare('INSERT INTO secrets (owner, field, sealed, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (owner, field) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at')
      .run(owner, field, this.#vault.seal(value, owner, field), now);
  }

  get(owner: string, field: SecretField): string | null {
    const row = this.#sql.prepare('SELECT sealed FROM secrets WHERE owner = ? AND field = ?').get(owner, field) as { sealed: Buffer } | undefined;
    return row ? this.#vault.unseal(row.sealed, owner, field) : null;
  }

  has(owner: string, field: SecretField): boolean {
    return this.#sql.prepare('SELECT 1 FROM secrets WHERE owner = ? AND field = ?').get(owner, field) !== undefined;
  }

  /**
   * Owners starting with `prefix` that hold a secret which no longer opens (a damaged block on
   * disk, a row copied from another data folder). One AES-GCM check per secret: ~2 µs each.
   */
  unreadableOwners(prefix: string): Set<string> {
    const rows = this.#sql.prepare("SELECT owner, field, sealed FROM secrets WHERE substr(owner, 1, length(?)) = ?").all(prefix, prefix) as { owner: string; field: SecretField; sealed: Buffer }[];
    const owners = new Set<string>();
    for (const row of rows) if (!this.#opens(row)) owners.add(row.owner);
    return owners;
  }

  /** Forgets the owner's secrets that no longer open, so a fresh connection is not judged by a damaged leftover. */
  dropUnreadable(owner: string): void {
    const rows = this.#sql.prepare('SELECT owner, field, sealed FROM secrets WHERE owner = ?').all(owner) as { owner: string; field: SecretField; sealed: Buffer }[];
    for (const row of rows) if (!this.#opens(row)) this.#sql.prepare('DELETE FROM secrets WHERE owner = ? AND field = ?').run(owner, row.field);
  }

  #opens(row: { owner: string; field: SecretField; sealed: Buffer }): boolean {
    try {
      this.#vault.unseal(row.sealed, row.owner, row.field);
      return true;
    } catch (e) {
      if (e instanceof VaultCorruptError) return false;
      throw e;
    }
  }

  deleteOwner(owner: string): void {
    this.#sql.prepare('DELETE FROM secrets WHERE owner = ?').run(owner);
  }
}
