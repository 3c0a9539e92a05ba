// Platform app credentials (client ID + sealed secret) belong to the installation, not a workspace (F11).
import type Database from 'better-sqlite3';
import type { PlatformId } from '../api/contract.ts';
import type { ClientCredentials } from '../connectors/types.ts';
import type { Secrets } from '../vault/secrets.ts';

export interface AppCredentialsRow {
  platform: PlatformId;
  client_id: string;
  has_secret: number;
  saved_at: number;
}

const owner = (platform: PlatformId) => `app:${platform}`;

export class AppCredentials {
  readonly #db: Database.Database;
  readonly #secrets: Secrets;

  constructor(db: Database.Database, secrets: Secrets) {
    this.#db = db;
    this.#secrets = secrets;
  }

  all(): AppCredentialsRow[] {
    return this.#db.prepare('SELECT * FROM app_credentials').all() as AppCredentialsRow[];
  }

  /** No secret keeps the stored one (the form never shows it again); publicClient deletes it. */
  save(platform: PlatformId, clientId: string, clientSecret: string | null, publicClient: boolean, now: number): void {
    this.#db.transaction(() => {
      if (publicClient) this.#secrets.deleteOwner(owner(platform));
      else this.#secrets.put(owner(platform), 'client_secret', clientSecret, now);
      const hasSecret = this.#secrets.has(owner(platform), 'client_secret');
      this.#db
        .prepare('INSERT INTO app_credentials (platform, client_id, has_secret, saved_at) VALUES (?, ?, ?, ?) ON CONFLICT (platform) DO UPDATE SET client_id = excluded.client_id, has_secret = excluded.has_secret, saved_at = excluded.saved_at')
        .run(platform, clientId, hasSecret ? 1 : 0, now);
    })();
  }

  clear(platform: PlatformId): void {
    this.#db.transaction(() => {
      this.#secrets.deleteOwner(owner(platform));
      this.#db.prepare('DELETE FROM app_credentials WHERE platform = ?').run(platform);
    })();
  }

  /** The full credentials, for the core's own use only: never handed to the API. */
  read(platform: PlatformId): ClientCredentials | null {
    const row = this.#db.prepare('SELECT client_id FROM app_credentials WHERE platform = ?').get(platform) as { client_id: string } | undefined;
    if (!row) return null;
    return { clientId: row.client_id, clientSecret: this.#secrets.get(owner(platform), 'client_secret') };
  }
}
