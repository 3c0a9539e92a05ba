// The memory of notices sent (F9): each fires once per account, threshold and
// deadline, across restarts. The same rows are the browser host's in-app list.
import type Database from 'better-sqlite3';
import type { PlatformId } from '../api/contract.ts';

export type Threshold = 'warn_window' | 'warn_1d' | 'expired' | 'refused';

export interface NoticeRow {
  account_id: string;
  threshold: Threshold;
  deadline: number;
  workspace_id: string;
  platform: PlatformId;
  title: string;
  body: string;
  sent_at: number;
  read_at: number | null;
}

export class Notices {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Records a notice; false when this one was already sent (nothing changes then). */
  record(n: Omit<NoticeRow, 'read_at'>): boolean {
    const r = this.#db
      .prepare(
        `INSERT INTO notices (account_id, threshold, deadline, workspace_id, platform, title, body, sent_at)
         VALUES (@account_id, @threshold, @deadline, @workspace_id, @platform, @title, @body, @sent_at)
         ON CONFLICT DO NOTHING`,
      )
      .run(n);
    return r.changes === 1;
  }

  /** Unread notices a user can see (superseded thresholds have no text and do not count). */
  unreadCount(): number {
    return (this.#db.prepare("SELECT count(*) AS n FROM notices WHERE read_at IS NULL AND title <> ''").get() as { n: number }).n;
  }

  recent(limit = 50): NoticeRow[] {
    // Superseded thresholds are remembered with no text and never shown.
    return this.#db.prepare("SELECT * FROM notices WHERE title <> '' ORDER BY sent_at DESC LIMIT ?").all(limit) as NoticeRow[];
  }

  markAllRead(now: number): void {
    this.#db.prepare('UPDATE notices SET read_at = ? WHERE read_at IS NULL').run(now);
  }

  forgetAccount(accountId: string): void {
    this.#db.prepare('DELETE FROM notices WHERE account_id = ?').run(accountId);
  }
}
