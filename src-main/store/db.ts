// Opens the SQLite file in the data folder and brings its schema up to date.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations.ts';
import { ensurePrivateFile, tightenDataDir } from './private-files.ts';

export class StoreError extends Error {
  override name = 'StoreError';
}

export const DB_FILE = 'plugboard.db';

export function openDatabase(dataDir: string): Database.Database {
  // Before SQLite creates anything: it would make the file (and its -wal and -shm, which copy
  // the file's mode) 0644 under the usual umask.
  tightenDataDir(dataDir);
  const path = join(dataDir, DB_FILE);
  let db: Database.Database;
  try {
    ensurePrivateFile(path);
    db = new Database(path);
    db.pragma('journal_mode = WAL');
  } catch (e) {
    throw damaged(path, e);
  }
  try {
    // FULL: a rotated refresh token that was committed must survive a power cut,
    // or the account is lost at the platform's next refusal.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Zero deleted secrets' pages instead of leaving them in free space.
    db.pragma('secure_delete = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (e) {
    db.close();
    if (e instanceof StoreError) throw e;
    throw damaged(path, e);
  }
}

function damaged(path: string, e: unknown): StoreError {
  return new StoreError(
    `The database at ${path} cannot be opened (${(e as Error).message}). Plugboard has not changed it: move it aside to start fresh, or restore a backup.`,
  );
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new StoreError(`This data folder was written by a newer Plugboard (schema ${current}, this version knows ${migrations.length}). Update Plugboard to open it.`);
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
