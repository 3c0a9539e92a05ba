import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../store/db.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { VaultLockedError } from './key-wrapper.ts';
import { PassphraseKeyWrapper } from './passphrase-wrapper.ts';
import { Secrets } from './secrets.ts';
import { Vault, VaultCorruptError } from './vault.ts';

// A cheaper scrypt cost keeps this file fast; the default cost is exercised by the core tests.
const wrapper = (p: string) => new PassphraseKeyWrapper(p, { logN: 14 });

function allBytes(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
}

describe('vault', () => {
  it('seals and unseals, and the same value seals differently each time', async () => {
    const db = openDatabase(tempDir());
    const vault = await Vault.open(db, wrapper('correct horse'), 1);
    const a = vault.seal('tok-123', 'account:1', 'access_token');
    const b = vault.seal('tok-123', 'account:1', 'access_token');
    expect(a.equals(b)).toBe(false);
    expect(vault.unseal(a, 'account:1', 'access_token')).toBe('tok-123');
    db.close();
  });

  it('refuses a sealed value moved to another account or field', async () => {
    const db = openDatabase(tempDir());
    const vault = await Vault.open(db, wrapper('pw'), 1);
    const sealed = vault.seal('secret', 'account:1', 'refresh_token');
    expect(() => vault.unseal(sealed, 'account:2', 'refresh_token')).toThrow(VaultCorruptError);
    expect(() => vault.unseal(sealed, 'account:1', 'access_token')).toThrow(VaultCorruptError);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => vault.unseal(tampered, 'account:1', 'refresh_token')).toThrow(/damaged/);
    db.close();
  });

  it('reopens with the same passphrase; a wrong one is a clear error that changes nothing', async () => {
    const dir = tempDir();
    let db = openDatabase(dir);
    const vault = await Vault.open(db, wrapper('right'), 1);
    const secrets = new Secrets(db, vault);
    secrets.put('account:1', 'access_token', 'planted-token-AAAA', 1);
    db.close();

    db = openDatabase(dir);
    const before = db.prepare('SELECT wrapped FROM vault').get() as { wrapped: Buffer };
    await expect(Vault.open(db, wrapper('wrong'), 2)).rejects.toThrow(VaultLockedError);
    await expect(Vault.open(db, wrapper('wrong'), 2)).rejects.toThrow(/passphrase does not unlock/);
    const after = db.prepare('SELECT wrapped FROM vault').get() as { wrapped: Buffer };
    expect(after.wrapped.equals(before.wrapped)).toBe(true);
    const reopened = new Secrets(db, await Vault.open(db, wrapper('right'), 3));
    expect(reopened.get('account:1', 'access_token')).toBe('planted-token-AAAA');
    db.close();
  });

  it('refuses a different kind of key wrapper with a sentence that says which one to use', async () => {
    const db = openDatabase(tempDir());
    await Vault.open(db, wrapper('pw'), 1);
    const other = { kind: 'safeStorage', wrap: async (k: Buffer) => k, unwrap: async (k: Buffer) => k };
    await expect(Vault.open(db, other, 2)).rejects.toThrow(/PLUGBOARD_PASSPHRASE/);
    db.close();
  });

  it('keeps no secret readable in the data folder', async () => {
    const dir = tempDir();
    const db = openDatabase(dir);
    const secrets = new Secrets(db, await Vault.open(db, wrapper('pw'), 1));
    secrets.put('account:1', 'access_token', 'PLANTED-access-9f8e7d', 1);
    secrets.put('app:x', 'client_secret', 'PLANTED-secret-1a2b3c', 1);
    db.pragma('wal_checkpoint(FULL)');
    const bytes = allBytes(dir);
    expect(bytes.includes('PLANTED-access-9f8e7d')).toBe(false);
    expect(bytes.includes('PLANTED-secret-1a2b3c')).toBe(false);
    expect(secrets.get('account:1', 'access_token')).toBe('PLANTED-access-9f8e7d');
    db.close();
  });

  it('never overwrites a stored secret with an empty value', async () => {
    const db = openDatabase(tempDir());
    const secrets = new Secrets(db, await Vault.open(db, wrapper('pw'), 1));
    secrets.put('account:1', 'refresh_token', 'keep-me', 1);
    secrets.put('account:1', 'refresh_token', '', 2);
    secrets.put('account:1', 'refresh_token', undefined, 3);
    expect(secrets.get('account:1', 'refresh_token')).toBe('keep-me');
    db.close();
  });

  it('rejects a wrapped key blob that is not its format', async () => {
    await expect(wrapper('pw').unwrap(Buffer.from('garbage that is long enough to pass the length check!!'))).rejects.toThrow(/format/);
  });
});
