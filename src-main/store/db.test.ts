import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/temp-dir.ts';
import { DB_FILE, openDatabase, StoreError } from './db.ts';
import { migrations } from './migrations.ts';

describe('database', () => {
  it('opens in WAL mode with every migration applied and a default workspace', () => {
    const db = openDatabase(tempDir());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.prepare('SELECT id FROM workspaces').all()).toEqual([{ id: 'default' }]);
    db.close();
  });

  it('reopens without re-running migrations', () => {
    const dir = tempDir();
    openDatabase(dir).close();
    const db = openDatabase(dir);
    expect(db.prepare('SELECT count(*) AS n FROM workspaces').get()).toEqual({ n: 1 });
    db.close();
  });

  it('keeps accounts unique by (workspace, platform, platform user id)', () => {
    const db = openDatabase(tempDir());
    const insert = db.prepare(
      "INSERT INTO accounts (id, workspace_id, platform, platform_user_id, handle, display_name, created_at, updated_at) VALUES (?, 'default', 'x', ?, 'h', 'n', 0, 0)",
    );
    insert.run('a', '42');
    expect(() => insert.run('b', '42')).toThrow(/UNIQUE/);
    insert.run('c', '43');
    db.close();
  });

  it('explains a corrupt file and leaves it untouched', () => {
    const dir = tempDir();
    const junk = 'this is not a database '.repeat(200);
    writeFileSync(join(dir, DB_FILE), junk);
    expect(() => openDatabase(dir)).toThrow(StoreError);
    expect(() => openDatabase(dir)).toThrow(/cannot be opened.*has not changed it/);
    expect(readFileSync(join(dir, DB_FILE), 'utf8')).toBe(junk);
  });

  it('refuses a data folder written by a newer version', () => {
    const dir = tempDir();
    const db = openDatabase(dir);
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    expect(() => openDatabase(dir)).toThrow(/newer Plugboard/);
  });
});
