// src-main/store/: the SQLite database — its migrations, private file modes and one module per table.
//
// Connected accounts: one row each, unique by (workspace, platform, platform user id),
// with their tokens sealed in `secrets`. Every write that touches tokens is one transaction.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { statements, type Statements } from './statements.ts';
import type { ErrorKind, PlatformId, Renewal } from '../api/contract.ts';
import type { Profile, TokenSet } from '../connectors/types.ts';
import type { Secrets } from '../vault/secrets.ts';
import type { Activity } from './activity.ts';

export interface AccountRow {
  id: string;
  workspace_id: string;
  platform: PlatformId;
  platform_user_id: string;
  handle: string;
  display_name: string;
  avatar: string | null;
  avatar_url: string | null;
  /** The platform whose login reached this account, when not its own (Instagram through Facebook). */
  via: PlatformId | null;
  /** How this account renews; null (older rows): as its platform does. */
  renewal: Renewal | null;
  scopes: string;
  details: string;
  token_expires_at: number | null;
  connection_expires_at: number | null;
  last_synced_at: number | null;
  token_obtained_at: number | null;
  last_error_kind: ErrorKind | null;
  last_error_message: string | null;
  last_error_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface StoredTokens {
  accessToken: string | null;
  refreshToken: string | null;
  appPassword: string | null;
}

export const accountOwner = (id: string) => `account:${id}`;

/** Why an account whose stored token no longer opens is red: only a new sign-in can help. */
export const UNREADABLE_TOKEN_MESSAGE =
  'Plugboard cannot read this account’s stored token on this computer (the stored copy is damaged). Reconnect to store a new one.';

export class Accounts {
  readonly #db: Database.Database;
  readonly #sql: Statements;
  readonly #secrets: Secrets;
  readonly #activity: Activity;

  constructor(db: Database.Database, secrets: Secrets, activity: Activity) {
    this.#db = db;
    this.#sql = statements(db);
    this.#secrets = secrets;
    this.#activity = activity;
  }

  get(id: string): AccountRow | undefined {
    return this.#sql.prepare('SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined;
  }

  /** Every account of every workspace: the scheduler, tray and notices cover them all. */
  all(): AccountRow[] {
    return this.#sql.prepare('SELECT * FROM accounts').all() as AccountRow[];
  }

  list(workspaceId: string): AccountRow[] {
    return this.#sql.prepare('SELECT * FROM accounts WHERE workspace_id = ? ORDER BY platform, created_at, id').all(workspaceId) as AccountRow[];
  }

  /**
   * Connect, or renew in place when (workspace, platform, platform user id) is
   * already there: same row, same history, no duplicate (F5).
   */
  upsertConnected(input: {
    workspaceId: string;
    platform: PlatformId;
    profile: Profile;
    avatar: string | null;
    tokens: TokenSet;
    connectionExpiresAt: number | null;
    via?: PlatformId | null;
    renewal: Renewal;
    /** App-password platforms: sealed like a token. */
    appPassword?: string | null;
    now: number;
  }): { id: string; renewed: boolean } {
    const { workspaceId, platform, profile, tokens, now } = input;
    return this.#db.transaction(() => {
      const existing = this.#sql
        .prepare('SELECT * FROM accounts WHERE workspace_id = ? AND platform = ? AND platform_user_id = ?')
        .get(workspaceId, platform, profile.platformUserId) as AccountRow | undefined;
      const id = existing?.id ?? randomUUID();
      const values = {
        id,
        workspace_id: workspaceId,
        platform,
        platform_user_id: profile.platformUserId,
        handle: profile.handle,
        display_name: profile.displayName,
        // A failed avatar download on reconnect keeps the picture we had.
        avatar: input.avatar ?? existing?.avatar ?? null,
        avatar_url: input.avatar ? profile.avatarUrl : (existing?.avatar_url ?? null),
        scopes: tokens.scopes.join(' '),
        details: JSON.stringify(profile.details),
        token_expires_at: tokens.accessTokenExpiresAt,
        connection_expires_at: input.connectionExpiresAt,
        via: input.via ?? null,
        renewal: input.renewal,
        now,
      };
      if (existing) {
        this.#sql
          .prepare(
            `UPDATE accounts SET handle = @handle, display_name = @display_name, avatar = @avatar, avatar_url = @avatar_url, scopes = @scopes, details = @details,
             token_expires_at = @token_expires_at, connection_expires_at = @connection_expires_at, via = @via, renewal = @renewal, last_synced_at = @now, token_obtained_at = @now,
             last_error_kind = NULL, last_error_message = NULL, last_error_at = NULL, updated_at = @now WHERE id = @id`,
          )
          .run(values);
      } else {
        this.#sql
          .prepare(
            `INSERT INTO accounts (id, workspace_id, platform, platform_user_id, handle, display_name, avatar, avatar_url, scopes, details,
             token_expires_at, connection_expires_at, via, renewal, last_synced_at, token_obtained_at, created_at, updated_at)
             VALUES (@id, @workspace_id, @platform, @platform_user_id, @handle, @display_name, @avatar, @avatar_url, @scopes, @details,
             @token_expires_at, @connection_expires_at, @via, @renewal, @now, @now, @now, @now)`,
          )
          .run(values);
      }
      // A reply without a refresh token keeps the stored one, but not a damaged one: it would turn the account red again.
      this.#secrets.dropUnreadable(accountOwner(id));
      this.#putTokens(id, tokens, now);
      this.#secrets.put(accountOwner(id), 'app_password', input.appPassword, now);
      this.#activity.add(values, existing ? 'reconnected' : 'connected', null, now);
      return { id, renewed: Boolean(existing) };
    })();
  }

  /** A refresh's result: tokens (a rotated refresh token included) and row in one transaction. */
  saveRefreshed(id: string, tokens: TokenSet, connectionExpiresAt: number | null, now: number): void {
    this.#db.transaction(() => {
      const row = this.get(id);
      if (!row) return;
      this.#putTokens(id, tokens, now);
      this.#sql
        .prepare(
          `UPDATE accounts SET token_expires_at = ?, connection_expires_at = ?, scopes = ?, last_synced_at = ?, token_obtained_at = ?,
           last_error_kind = NULL, last_error_message = NULL, last_error_at = NULL, updated_at = ? WHERE id = ?`,
        )
        .run(tokens.accessTokenExpiresAt, connectionExpiresAt, tokens.scopes.length ? tokens.scopes.join(' ') : row.scopes, now, now, now, id);
      // A failing account that renews again says so: the user saw it go grey or red. A renewal that
      // did more than renew (signed in again) says what and why.
      this.#activity.add(row, row.last_error_kind ? 'recovered' : 'refreshed', tokens.note ?? null, now);
    })();
  }

  /** A re-read profile; `avatar` is given only when the picture was fetched again (its URL changed). */
  updateProfile(id: string, profile: Profile, now: number, avatar?: { dataUri: string | null; url: string | null }): void {
    this.#sql
      .prepare('UPDATE accounts SET handle = ?, display_name = ?, details = ?, last_synced_at = ?, updated_at = ? WHERE id = ?')
      .run(profile.handle, profile.displayName, JSON.stringify(profile.details), now, now, id);
    if (avatar) this.#sql.prepare('UPDATE accounts SET avatar = ?, avatar_url = ? WHERE id = ?').run(avatar.dataUri, avatar.url, id);
  }

  recordError(id: string, kind: ErrorKind, message: string, now: number): void {
    this.#db.transaction(() => {
      const row = this.get(id);
      if (!row) return;
      this.#sql
        .prepare('UPDATE accounts SET last_error_kind = ?, last_error_message = ?, last_error_at = ?, updated_at = ? WHERE id = ?')
        .run(kind, message, now, now, id);
      this.#activity.add(row, 'refresh_failed', message, now);
    })();
  }

  /** Deletes the secrets and the row at once (F12); history stays. */
  remove(id: string, now: number): void {
    this.#db.transaction(() => {
      const row = this.get(id);
      if (!row) return;
      this.#secrets.deleteOwner(accountOwner(id));
      this.#sql.prepare('DELETE FROM accounts WHERE id = ?').run(id);
      this.#activity.add(row, 'disconnected', null, now);
    })();
  }

  /** Ids of accounts holding a secret that no longer opens. */
  unreadable(): string[] {
    return [...this.#secrets.unreadableOwners('account:')].map((owner) => owner.slice('account:'.length));
  }

  /** Throws VaultCorruptError when a stored secret no longer opens. */
  readTokens(id: string): StoredTokens {
    return {
      accessToken: this.#secrets.get(accountOwner(id), 'access_token'),
      refreshToken: this.#secrets.get(accountOwner(id), 'refresh_token'),
      appPassword: this.#secrets.get(accountOwner(id), 'app_password'),
    };
  }

  #putTokens(id: string, tokens: TokenSet, now: number): void {
    this.#secrets.put(accountOwner(id), 'access_token', tokens.accessToken, now);
    // A reply without a refresh token keeps the stored one (Secrets.put ignores empty values).
    this.#secrets.put(accountOwner(id), 'refresh_token', tokens.refreshToken, now);
  }
}
