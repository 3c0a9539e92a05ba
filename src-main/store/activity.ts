// Per-account history (F14), kept locally.
import type Database from 'better-sqlite3';
import { statements, type Statements } from './statements.ts';
// One list of kinds, the API's: the store writes what the window shows.
import type { ActivityKind } from '../api/contract.ts';

/** Entries kept per account; older ones are pruned as new ones arrive. */
export const ACTIVITY_KEPT = 200;

export interface ActivityEntry {
  kind: ActivityKind;
  detail: string | null;
  at: number;
}

export class Activity {
  readonly #db: Database.Database;
  readonly #sql: Statements;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#sql = statements(db);
  }

  add(account: { id: string; workspace_id: string; platform: string }, kind: ActivityKind, detail: string | null, at: number): void {
    this.#sql
      .prepare('INSERT INTO activity (account_id, workspace_id, platform, kind, detail, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(account.id, account.workspace_id, account.platform, kind, detail, at);
    this.#sql
      .prepare('DELETE FROM activity WHERE account_id = ? AND id <= (SELECT id FROM activity WHERE account_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)')
      .run(account.id, account.id, ACTIVITY_KEPT);
  }

  recent(accountId: string, limit = 20): ActivityEntry[] {
    return this.#sql
      .prepare('SELECT kind, detail, at FROM activity WHERE account_id = ? ORDER BY at DESC, id DESC LIMIT ?')
      .all(accountId, limit) as ActivityEntry[];
  }
}
