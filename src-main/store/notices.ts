// The memory of notices sent (F9): each fires once per account, threshold and
// deadline, across restarts. The same rows are the browser host's in-app list.
import type Database from 'better-sqlite3';
import { statements, type Statements } from './statements.ts';
import type { PlatformId } from '../api/contract.ts';

export type Threshold = 'warn_window' | 'warn_1d' | 'expired' | 'refused';
/** What ended a notice's condition; null when something else did (a shorter warning window). */
export type ResolvedHow = 'renewed' | 'reconnected' | 'disconnected' | 'imported' | null;

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
  resolved_at: number | null;
  resolved_how: ResolvedHow;
}

/** A notice about the whole installation (an export of every account, a tool asking to pair or to post), kept apart from account notices. */
export interface AppNoticeRow {
  id: number;
  kind: 'export' | 'tool_pairing' | 'tool_post';
  title: string;
  body: string;
  sent_at: number;
  read_at: number | null;
}

export class Notices {
  readonly #db: Database.Database;
  readonly #sql: Statements;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#sql = statements(db);
  }

  /** Records a notice; false when this one was already sent (nothing changes then). */
  record(n: Omit<NoticeRow, 'read_at' | 'resolved_at' | 'resolved_how'>): boolean {
    const r = this.#sql
      .prepare(
        `INSERT INTO notices (account_id, threshold, deadline, workspace_id, platform, title, body, sent_at)
         VALUES (@account_id, @threshold, @deadline, @workspace_id, @platform, @title, @body, @sent_at)
         ON CONFLICT DO NOTHING`,
      )
      .run(n);
    return r.changes === 1;
  }

  /** Every call is a new notice: each export is its own event. */
  recordApp(n: Omit<AppNoticeRow, 'id' | 'read_at'>): void {
    this.#sql.prepare('INSERT INTO app_notices (kind, title, body, sent_at) VALUES (@kind, @title, @body, @sent_at)').run(n);
  }

  /** Unread notices a user can see (superseded thresholds have no text and do not count), the app's too. */
  unreadCount(): number {
    return (
      this.#sql.prepare("SELECT (SELECT count(*) FROM notices WHERE read_at IS NULL AND title <> '') + (SELECT count(*) FROM app_notices WHERE read_at IS NULL) AS n").get() as {
        n: number;
      }
    ).n;
  }

  recent(limit = 50): NoticeRow[] {
    // Superseded thresholds are remembered with no text and never shown.
    return this.#sql.prepare("SELECT * FROM notices WHERE title <> '' ORDER BY sent_at DESC LIMIT ?").all(limit) as NoticeRow[];
  }

  recentApp(limit = 50): AppNoticeRow[] {
    return this.#sql.prepare('SELECT * FROM app_notices ORDER BY sent_at DESC, id DESC LIMIT ?').all(limit) as AppNoticeRow[];
  }

  markAllRead(now: number): void {
    this.#db.transaction(() => {
      this.#sql.prepare('UPDATE notices SET read_at = ? WHERE read_at IS NULL').run(now);
      this.#sql.prepare('UPDATE app_notices SET read_at = ? WHERE read_at IS NULL').run(now);
    })();
  }

  /** The account's shown notices still waiting for their condition to end. */
  open(accountId: string): NoticeRow[] {
    return this.#sql.prepare("SELECT * FROM notices WHERE account_id = ? AND resolved_at IS NULL AND title <> ''").all(accountId) as NoticeRow[];
  }

  /** Marks these notices resolved; true when one was still open. */
  resolve(accountId: string, keys: Pick<NoticeRow, 'threshold' | 'deadline'>[], how: ResolvedHow, now: number): boolean {
    const stmt = this.#sql.prepare('UPDATE notices SET resolved_at = ?, resolved_how = ? WHERE account_id = ? AND threshold = ? AND deadline = ? AND resolved_at IS NULL');
    return this.#db.transaction(() => keys.reduce((changed, k) => stmt.run(now, how, accountId, k.threshold, k.deadline).changes > 0 || changed, false))();
  }

}
