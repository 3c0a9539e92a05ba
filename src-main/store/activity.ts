// Per-account history (F14), kept locally.
import type Database from 'better-sqlite3';

export type ActivityKind = 'connected' | 'reconnected' | 'refreshed' | 'refresh_failed' | 'disconnected';

export interface ActivityEntry {
  kind: ActivityKind;
  detail: string | null;
  at: number;
}

export class Activity {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  add(account: { id: string; workspace_id: string; platform: string }, kind: ActivityKind, detail: string | null, at: number): void {
    this.#db
      .prepare('INSERT INTO activity (account_id, workspace_id, platform, kind, detail, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(account.id, account.workspace_id, account.platform, kind, detail, at);
  }

  recent(accountId: string, limit = 20): ActivityEntry[] {
    return this.#db
      .prepare('SELECT kind, detail, at FROM activity WHERE account_id = ? ORDER BY at DESC, id DESC LIMIT ?')
      .all(accountId, limit) as ActivityEntry[];
  }
}
