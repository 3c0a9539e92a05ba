// A changed passphrase must not leave the old one useful: with the old passphrase and a copy of
// the database taken before the change, nothing stored now can be opened. Real SQLite files,
// the real gate and core, the API's own app.changePassphrase.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore } from '../core/core.ts';
import { openGate, type Gate } from '../core/gate.ts';
import { silentLogger } from '../core/logger.ts';
import { openConfPrefs } from '../prefs/prefs.ts';
import { DB_FILE, openDatabase } from '../store/db.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { PassphraseKeyWrapper } from './passphrase-wrapper.ts';
import { Secrets } from './secrets.ts';
import { Vault, VaultCorruptError } from './vault.ts';

const OLD = 'the old passphrase';
const NEW = 'the new passphrase';
const cheap = (p: string) => new PassphraseKeyWrapper(p, { logN: 12 });
const gates: Gate[] = [];
afterEach(async () => {
  for (const g of gates.splice(0)) await g.close();
});

async function gate(dataDir: string, passphrase: string): Promise<Gate> {
  const g = await openGate({
    dataDir,
    keychain: null,
    weakKeychain: false,
    passphrase,
    passphraseWrapper: cheap,
    logger: silentLogger,
    open: (keyWrapper) => openCore({ dataDir, keyWrapper, passphraseWrapper: cheap, prefs: openConfPrefs(dataDir), openExternal: null, redirectKinds: ['loopback'], logger: silentLogger }),
  });
  gates.push(g);
  return g;
}

function wrappedKey(dataDir: string): Buffer {
  const db = openDatabase(dataDir);
  try {
    return (db.prepare('SELECT wrapped FROM vault').get() as { wrapped: Buffer }).wrapped;
  } finally {
    db.close();
  }
}

describe('changing the passphrase', () => {
  it('makes a new data key: the old passphrase with an older copy of the database opens nothing stored now', async () => {
    const dir = tempDir();
    const before = await gate(dir, OLD);
    expect((await before.call('credentials.save', { platform: 'x', clientId: 'client-1', clientSecret: 'secret-before-change' })).ok).toBe(true);
    await before.close();
    gates.length = 0;
    // The older copy: what a backup or a stolen laptop image would hold.
    const copy = tempDir();
    copyFileSync(join(dir, DB_FILE), join(copy, DB_FILE));
    const oldWrapped = wrappedKey(copy);

    const g = await gate(dir, OLD);
    expect(await g.call('app.changePassphrase', { current: OLD, next: NEW })).toMatchObject({ ok: true });
    // Saved after the change: a "future" secret.
    expect((await g.call('credentials.save', { platform: 'tiktok', clientId: 'client-2', clientSecret: 'secret-after-change' })).ok).toBe(true);
    await g.close();
    gates.length = 0;

    // The new passphrase opens both, re-sealed and new.
    const current = openDatabase(dir);
    const vaultNow = await Vault.open(current, cheap(NEW), 0);
    expect(new Secrets(current, vaultNow).get('app:x', 'client_secret')).toBe('secret-before-change');
    expect(new Secrets(current, vaultNow).get('app:tiktok', 'client_secret')).toBe('secret-after-change');
    // The old passphrase opens the old copy's key, and that key opens nothing in the current file.
    const old = openDatabase(copy);
    const vaultThen = await Vault.open(old, cheap(OLD), 0);
    expect(new Secrets(old, vaultThen).get('app:x', 'client_secret')).toBe('secret-before-change');
    expect(() => new Secrets(current, vaultThen).get('app:x', 'client_secret')).toThrow(VaultCorruptError);
    expect(() => new Secrets(current, vaultThen).get('app:tiktok', 'client_secret')).toThrow(VaultCorruptError);
    old.close();
    current.close();

    // The old wrapped key is gone from the database and its write-ahead log.
    for (const file of [DB_FILE, `${DB_FILE}-wal`]) {
      const path = join(dir, file);
      if (existsSync(path)) expect(readFileSync(path).indexOf(oldWrapped), file).toBe(-1);
    }
  });

  it('a wrong current passphrase changes nothing', async () => {
    const dir = tempDir();
    const g = await gate(dir, OLD);
    await g.call('credentials.save', { platform: 'x', clientId: 'client-1', clientSecret: 'kept' });
    const wrapped = wrappedKey(dir);
    expect(await g.call('app.changePassphrase', { current: 'not the old one', next: NEW })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not the current passphrase/) } });
    expect(wrappedKey(dir).equals(wrapped)).toBe(true);
  });
});
