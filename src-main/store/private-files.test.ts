// Point: the data folder 0700 and every file in it 0600, whoever created the folder — through
// the real start-up path (gate → core: SQLite with its -wal and -shm, conf preferences, the log).
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore } from '../core/core.ts';
import { createFileLogger } from '../core/file-logger.ts';
import { openGate } from '../core/gate.ts';
import type { Core } from '../core/types.ts';
import { openConfPrefs } from '../prefs/prefs.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { PassphraseKeyWrapper } from '../vault/passphrase-wrapper.ts';

const mode = (path: string) => statSync(path).mode & 0o777;
const opened: Core[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

function everything(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).map((e) => join(e.parentPath, e.name));
}

describe.skipIf(process.platform === 'win32')('the data folder is private', () => {
  it('tightens a folder and files another program created 0755/0644, and creates new ones 0600', async () => {
    const dir = join(tempDir(), 'Plugboard');
    const previousUmask = process.umask(0o022);
    try {
      mkdirSync(join(dir, 'logs'), { recursive: true, mode: 0o755 });
      chmodSync(dir, 0o755);
      writeFileSync(join(dir, 'preferences.json'), '{}', { mode: 0o644 });
      writeFileSync(join(dir, 'logs', 'plugboard.log'), '', { mode: 0o644 });

      const logger = createFileLogger(join(dir, 'logs'));
      const gate = await openGate({
        dataDir: dir,
        keychain: null,
        weakKeychain: false,
        passphrase: 'private-files-passphrase',
        passphraseWrapper: (p) => new PassphraseKeyWrapper(p, { logN: 12 }),
        logger,
        open: (keyWrapper) => openCore({ dataDir: dir, keyWrapper, prefs: openConfPrefs(dir), openExternal: null, redirectKinds: ['loopback'], logger }),
      });
      opened.push(gate);
      // A write so SQLite has its -wal and -shm, and the preferences file is rewritten.
      expect((await gate.call('workspaces.create', { name: 'Brand B' })).ok).toBe(true);
      expect((await gate.call('settings.update', { theme: 'dark' })).ok).toBe(true);
    } finally {
      process.umask(previousUmask);
    }

    const paths = everything(dir);
    expect(paths.map((p) => p.slice(dir.length + 1)).sort()).toEqual(
      expect.arrayContaining(['logs', 'logs/plugboard.log', 'plugboard.db', 'plugboard.db-shm', 'plugboard.db-wal', 'preferences.json']),
    );
    expect(mode(dir).toString(8)).toBe('700');
    for (const path of paths) {
      expect({ path, mode: mode(path).toString(8) }).toEqual({ path, mode: statSync(path).isDirectory() ? '700' : '600' });
    }
  });
});
