import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/temp-dir.ts';
import { PassphraseKeyWrapper } from '../vault/passphrase-wrapper.ts';
import { Secrets } from '../vault/secrets.ts';
import { Vault } from '../vault/vault.ts';
import { AppCredentials } from './app-credentials.ts';
import { openDatabase } from './db.ts';

async function open() {
  const db = openDatabase(tempDir());
  const creds = new AppCredentials(db, new Secrets(db, await Vault.open(db, new PassphraseKeyWrapper('pw', { logN: 14 }), 0)));
  return { db, creds };
}

describe('app credentials', () => {
  it('keeps the stored secret when saved again without one', async () => {
    const { creds } = await open();
    creds.save('x', 'id-1', 'secret-1', false, 1);
    creds.save('x', 'id-2', null, false, 2);
    expect(creds.read('x')).toEqual({ clientId: 'id-2', clientSecret: 'secret-1' });
    expect(creds.all()[0]!.has_secret).toBe(1);
  });

  it('deletes the secret for a public client, and clear removes everything', async () => {
    const { db, creds } = await open();
    creds.save('x', 'id-1', 'secret-1', false, 1);
    creds.save('x', 'native-id', null, true, 2);
    expect(creds.read('x')).toEqual({ clientId: 'native-id', clientSecret: null });
    expect(creds.all()[0]!.has_secret).toBe(0);
    creds.save('x', 'id-3', 'secret-3', false, 3);
    creds.clear('x');
    expect(creds.read('x')).toBeNull();
    expect(db.prepare('SELECT count(*) AS n FROM secrets').get()).toEqual({ n: 0 });
  });
});
