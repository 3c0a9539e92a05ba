// Workspaces (F11): one per brand. Each owns its accounts (accounts.workspace_id); app credentials
// belong to the installation. 'default' exists from the first migration; there is always at least one.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';

export interface WorkspaceRow {
  id: string;
  name: string;
  created_at: number;
  account_count: number;
}

export class Workspaces {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  list(): WorkspaceRow[] {
    return this.#db
      .prepare(
        `SELECT w.id, w.name, w.created_at, (SELECT count(*) FROM accounts a WHERE a.workspace_id = w.id) AS account_count
         FROM workspaces w ORDER BY w.created_at, w.id`,
      )
      .all() as WorkspaceRow[];
  }

  get(id: string): WorkspaceRow | undefined {
    return this.list().find((w) => w.id === id);
  }

  /** Names are compared without case or surrounding spaces: two "Brand A"s would only confuse. */
  nameTaken(name: string, exceptId: string | null = null): boolean {
    return this.list().some((w) => w.id !== exceptId && w.name.trim().toLowerCase() === name.trim().toLowerCase());
  }

  create(name: string, now: number): string {
    const id = randomUUID();
    this.#db.prepare('INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)').run(id, name.trim(), now);
    return id;
  }

  rename(id: string, name: string): void {
    this.#db.prepare('UPDATE workspaces SET name = ? WHERE id = ?').run(name.trim(), id);
  }

  /** The workspace's accounts must be removed first (their secrets live in the vault, not under this row). */
  remove(id: string): void {
    this.#db.prepare('DELETE FROM workspaces WHERE id = ?').run(id);
  }
}
