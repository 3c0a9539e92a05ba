// Posts published through Plugboard (the history) and each account's result. Results keep the platform and handle
// as they were when sent: the account may be disconnected later, its posts stay where they were published.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { PlatformId, PostAuthorView, PostOutcome, PostResultView, PostView } from '../api/views.ts';
import { statements, type Statements } from './statements.ts';

/** Posts a history read returns at most, newest first. */
export const POSTS_LISTED = 200;

interface PostRow {
  id: string;
  workspace_id: string;
  at: number;
  by_kind: 'window' | 'tool';
  by_tool_id: string | null;
  by_name: string | null;
  text: string;
  link: string | null;
  draft: number;
}

interface ResultRow {
  post_id: string;
  account_id: string;
  platform: PlatformId;
  handle: string;
  outcome: PostOutcome;
  url: string | null;
  message: string | null;
}

export interface NewPost {
  workspaceId: string;
  by: PostAuthorView;
  text: string;
  link: string | null;
  draft: boolean;
  at: number;
}

export class Posts {
  readonly #sql: Statements;

  constructor(db: Database.Database) {
    this.#sql = statements(db);
  }

  /** Written before anything is sent, so a post whose results never came is still in the history. */
  create(post: NewPost): string {
    const id = randomUUID();
    const tool = post.by.kind === 'tool' ? post.by : null;
    this.#sql
      .prepare('INSERT INTO posts (id, workspace_id, at, by_kind, by_tool_id, by_name, text, link, draft) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, post.workspaceId, post.at, post.by.kind, tool?.toolId ?? null, tool?.name ?? null, post.text, post.link, post.draft ? 1 : 0);
    return id;
  }

  addResult(postId: string, result: PostResultView & { platformPostId: string | null }, at: number): void {
    this.#sql
      .prepare('INSERT INTO post_results (post_id, account_id, platform, handle, outcome, platform_post_id, url, message, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(postId, result.accountId, result.platform, result.handle, result.outcome, result.platformPostId, result.url, result.message, at);
  }

  get(id: string): PostView | undefined {
    const row = this.#sql.prepare('SELECT * FROM posts WHERE id = ?').get(id) as PostRow | undefined;
    return row && this.#views([row])[0];
  }

  /** The workspace's posts, newest first; with accountId, only those sent (or meant) for that account. */
  list(workspaceId: string, accountId?: string): PostView[] {
    const rows = (
      accountId
        ? this.#sql
            .prepare('SELECT p.* FROM posts p JOIN post_results r ON r.post_id = p.id WHERE p.workspace_id = ? AND r.account_id = ? ORDER BY p.at DESC, p.rowid DESC LIMIT ?')
            .all(workspaceId, accountId, POSTS_LISTED)
        : this.#sql.prepare('SELECT * FROM posts WHERE workspace_id = ? ORDER BY at DESC, rowid DESC LIMIT ?').all(workspaceId, POSTS_LISTED)
    ) as PostRow[];
    return this.#views(rows);
  }

  /**
   * What the workspace last knew of an account that is no longer connected (its history outlives it), or null
   * when it never was there.
   */
  formerAccount(workspaceId: string, accountId: string): { platform: PlatformId; handle: string } | null {
    const known = this.#sql
      .prepare('SELECT r.platform, r.handle FROM post_results r JOIN posts p ON p.id = r.post_id WHERE r.account_id = ? AND p.workspace_id = ? ORDER BY r.at DESC LIMIT 1')
      .get(accountId, workspaceId) as { platform: PlatformId; handle: string } | undefined;
    if (known) return known;
    const seen = this.#sql.prepare('SELECT platform FROM activity WHERE account_id = ? AND workspace_id = ? LIMIT 1').get(accountId, workspaceId) as
      | { platform: PlatformId }
      | undefined;
    return seen ? { platform: seen.platform, handle: '' } : null;
  }

  #views(rows: PostRow[]): PostView[] {
    if (rows.length === 0) return [];
    const results = this.#sql
      .prepare(`SELECT post_id, account_id, platform, handle, outcome, url, message FROM post_results WHERE post_id IN (SELECT value FROM json_each(?)) ORDER BY platform, handle`)
      .all(JSON.stringify(rows.map((r) => r.id))) as ResultRow[];
    return rows.map((r) => ({
      id: r.id,
      workspaceId: r.workspace_id,
      at: new Date(r.at).toISOString(),
      by: r.by_kind === 'tool' ? { kind: 'tool', toolId: r.by_tool_id ?? '', name: r.by_name ?? '' } : { kind: 'window' },
      text: r.text,
      link: r.link,
      draft: r.draft === 1,
      results: results
        .filter((x) => x.post_id === r.id)
        .map((x) => ({ accountId: x.account_id, platform: x.platform, handle: x.handle, outcome: x.outcome, url: x.url, message: x.message })),
    }));
  }
}
