// Tools the user paired with the gateway: a name, a hash of the key it was given once, and what it may do
// with which accounts. The key itself is never stored: a lost key means pairing again.
import type Database from 'better-sqlite3';
import { statements, type Statements } from './statements.ts';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { TOOL_CAPABILITIES, type ToolCapability } from '../api/contract.ts';

export interface ToolRow {
  id: string;
  workspace_id: string;
  name: string;
  all_accounts: boolean;
  capabilities: ToolCapability[];
  /** The accounts granted one by one; empty when all_accounts. */
  account_ids: string[];
  paired_at: number;
  last_used_at: number | null;
  last_used_account: string | null;
  last_used_what: string | null;
}

interface RawToolRow extends Omit<ToolRow, 'all_accounts' | 'capabilities' | 'account_ids'> {
  all_accounts: number;
  capabilities: string;
}

/** Keys start with a fixed prefix so a leaked one is recognisable (secret scanners, logs). */
export const KEY_PREFIX = 'pbk_';

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export class Tools {
  readonly #db: Database.Database;
  readonly #sql: Statements;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#sql = statements(db);
  }

  /** Stores the grant and returns the tool's key, the only time it exists outside the tool. */
  add(p: { workspaceId: string; name: string; accounts: 'all' | string[]; capabilities: ToolCapability[]; at: number }): { row: ToolRow; key: string } {
    const id = randomUUID();
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const capabilities = TOOL_CAPABILITIES.filter((c) => p.capabilities.includes(c));
    this.#db.transaction(() => {
      this.#sql
        .prepare('INSERT INTO tools (id, workspace_id, name, key_hash, all_accounts, capabilities, paired_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, p.workspaceId, p.name, hashKey(key), p.accounts === 'all' ? 1 : 0, JSON.stringify(capabilities), p.at);
      if (p.accounts !== 'all') {
        const grant = this.#sql.prepare('INSERT OR IGNORE INTO tool_accounts (tool_id, account_id) VALUES (?, ?)');
        for (const accountId of p.accounts) grant.run(id, accountId);
      }
    })();
    return { row: this.get(id)!, key };
  }

  get(id: string): ToolRow | null {
    const raw = this.#sql.prepare('SELECT * FROM tools WHERE id = ?').get(id) as RawToolRow | undefined;
    return raw ? this.#cook(raw) : null;
  }

  /** The tool a presented key belongs to; null for an unknown or revoked key. */
  byKey(key: string): ToolRow | null {
    const raw = this.#sql.prepare('SELECT * FROM tools WHERE key_hash = ?').get(hashKey(key)) as RawToolRow | undefined;
    return raw ? this.#cook(raw) : null;
  }

  list(workspaceId: string): ToolRow[] {
    return (this.#sql.prepare('SELECT * FROM tools WHERE workspace_id = ? ORDER BY paired_at, id').all(workspaceId) as RawToolRow[]).map((r) => this.#cook(r));
  }

  nameTaken(workspaceId: string, name: string): boolean {
    return this.#sql.prepare('SELECT 1 FROM tools WHERE workspace_id = ? AND name = ?').get(workspaceId, name) !== undefined;
  }

  remove(id: string): boolean {
    return this.#sql.prepare('DELETE FROM tools WHERE id = ?').run(id).changes > 0;
  }

  recordUse(id: string, p: { at: number; accountId: string | null; what: string }): void {
    this.#sql.prepare('UPDATE tools SET last_used_at = ?, last_used_account = ?, last_used_what = ? WHERE id = ?').run(p.at, p.accountId, p.what, id);
  }

  #cook(raw: RawToolRow): ToolRow {
    const ids = raw.all_accounts
      ? []
      : (this.#sql.prepare('SELECT account_id FROM tool_accounts WHERE tool_id = ? ORDER BY account_id').all(raw.id) as { account_id: string }[]).map((r) => r.account_id);
    const parsed: unknown = JSON.parse(raw.capabilities);
    const capabilities = TOOL_CAPABILITIES.filter((c) => Array.isArray(parsed) && parsed.includes(c));
    return { ...raw, all_accounts: raw.all_accounts === 1, capabilities, account_ids: ids };
  }
}
