// Moving to a new machine (F16) through the API of two real cores (two data folders, two vault
// passphrases) and the fake X: export sealed under a passphrase once the vault's own passphrase proves it
// is the user, import merges and re-seals, the accounts renew on the new machine; a wrong passphrase, a
// damaged file, a file asking for an absurd key-derivation cost or holding what the API would refuse
// changes nothing; an account whose sealed token is damaged is left out of the export and named.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../src-main/store/db.ts';
import { openExport, sealExport } from '../../src-main/transfer/export-file.ts';
import { freePort } from '../../src-main/fakes/free-port.ts';
import { startFakeX, type FakeX } from '../../src-main/fakes/x.ts';
import { CoreHarness, harnessPool, openKitCore, kitDataDir } from './core-harness.ts';

const APP = { clientId: 'move-client', clientSecret: 'move-secret-6d1e' };
const PASSPHRASE = 'correct horse battery staple';
/** What unlocks the kit's vaults (core-harness.ts): an export needs it. */
const VAULT = 'kit-passphrase';

class Harness extends CoreHarness<FakeX> {
  static async open(fake: FakeX, port: number): Promise<Harness> {
    const dataDir = kitDataDir('transfer');
    const h = new Harness(fake, await openKitCore({ fake, dataDir }), dataDir);
    await h.ok('platforms.setRedirect', { platform: 'x', kind: 'loopback', port });
    return h;
  }

  async connect(userId: string): Promise<string> {
    this.fake.autoApprove(userId);
    const start = await this.ok('connect.start', { platform: 'x' });
    await fetch((await fetch(start.authorizeUrl, { redirect: 'manual' })).headers.get('location')!);
    return (await this.ok('connect.status', { flowId: start.flowId })).accountId!;
  }

  // Both harnesses share one fake: only the last one closes it.
  override async close(): Promise<void> {
    await this.core.close().catch(() => {});
  }
}

const harnesses = harnessPool<Harness>();
let fakes: FakeX[] = [];
afterEach(async () => {
  await harnesses.closeAll();
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

async function twoMachines() {
  const fake = await startFakeX();
  fakes.push(fake);
  const port = await freePort();
  fake.registerApp({ ...APP, redirectUris: [`http://127.0.0.1:${port}/callback/x`] });
  const old = harnesses.track(await Harness.open(fake, port));
  await old.ok('credentials.save', { platform: 'x', ...APP });
  const fresh = harnesses.track(await Harness.open(fake, port));
  return { fake, old, fresh };
}

describe('data.export / data.import', () => {
  it('moves accounts, tokens, app credentials and workspaces; the new machine renews them', async () => {
    const { fake, old, fresh } = await twoMachines();
    const id = await old.connect('1500000000000000001');
    const brand = await old.ok('workspaces.create', { name: 'Brand' });
    await old.ok('workspaces.switch', { workspaceId: brand.id });
    await old.connect('1500000000000000002');
    expect((await old.error('data.export', { passphrase: 'short', vaultPassphrase: VAULT })).message).toMatch(/at least 10 characters/);
    expect((await old.error('data.export', { passphrase: PASSPHRASE })).message).toMatch(/^Enter the passphrase that unlocks Plugboard/);
    const file = await old.ok('data.export', { passphrase: PASSPHRASE, vaultPassphrase: VAULT });
    expect(file.fileName).toMatch(/^plugboard-\d{4}-\d\d-\d\d\.plugboard$/);
    expect(file.accounts).toBe(2);
    const stored = await old.stored(id);
    expect(Buffer.from(file.contentBase64, 'base64').includes(stored.accessToken!)).toBe(false);

    const summary = await fresh.ok('data.import', { content: file.contentBase64, passphrase: PASSPHRASE });
    expect(summary.accounts.added.map((a) => a.handle).sort()).toEqual(['alice_creates', 'plugboard_demo']);
    expect(summary.workspacesAdded).toEqual(['Brand']);
    expect(summary.appCredentials.added).toEqual(['x']);
    const [moved] = await fresh.ok('accounts.list', {});
    expect(moved!.handle).toBe('plugboard_demo');
    expect((await fresh.ok('accounts.activity', { accountId: moved!.id })).map((a) => a.kind)).toContain('imported');
    // Re-sealed under the new machine's vault, and usable: it renews at X from here.
    fake.advance(600);
    expect((await fresh.ok('accounts.refresh', { accountId: moved!.id })).status).toBe('connected');
    expect((await fresh.ok('platforms.list', {})).find((p) => p.id === 'x')!.credentials.saved).toBe(true);

    // Importing again: nothing new, the renewed-here token is newer than the file's, so it is kept.
    const again = await fresh.ok('data.import', { content: file.contentBase64, passphrase: PASSPHRASE });
    expect(again.accounts.added).toEqual([]);
    expect(again.accounts.kept.map((a) => a.handle)).toContain('plugboard_demo');
  });

  it('a wrong passphrase, a damaged file or something else entirely: a clear sentence, nothing changed', async () => {
    const { old, fresh } = await twoMachines();
    await old.connect('1500000000000000001');
    const file = Buffer.from((await old.ok('data.export', { passphrase: PASSPHRASE, vaultPassphrase: VAULT })).contentBase64, 'base64');
    const flipped = Buffer.from(file);
    flipped[flipped.length - 40]! ^= 0x01;
    for (const [content, said] of [
      [file, /passphrase does not open this export/i],
      [flipped, /damaged|changed/i],
      [file.subarray(0, file.length - 100), /damaged/i],
      [Buffer.from('just some text, not an export'), /not a Plugboard export/i],
    ] as const) {
      const passphrase = content === file ? 'not the passphrase at all' : PASSPHRASE;
      const error = await fresh.error('data.import', { content: content.toString('base64'), passphrase });
      expect(error.code).toBe('bad_request');
      expect(error.message).toMatch(said);
      expect(error.message).toMatch(/Nothing was imported|not a Plugboard export/);
    }
    expect(await fresh.ok('accounts.list', {})).toEqual([]);
    expect(await fresh.ok('workspaces.list', {})).toHaveLength(1);
  });

  it('leaves out an account whose sealed token was damaged in the SQLite file, says which, and moves the rest', async () => {
    const { old, fresh } = await twoMachines();
    await old.connect('1500000000000000001');
    const damaged = await old.connect('1500000000000000002');
    // A flipped byte in the file, written through a connection of its own as a bad disk sector would be.
    const db = new Database(join(old.dataDir, DB_FILE));
    const { sealed } = db.prepare("SELECT sealed FROM secrets WHERE owner = ? AND field = 'access_token'").get(`account:${damaged}`) as { sealed: Buffer };
    sealed[sealed.length - 3]! ^= 0x04;
    db.prepare("UPDATE secrets SET sealed = ? WHERE owner = ? AND field = 'access_token'").run(sealed, `account:${damaged}`);
    db.close();

    const file = await old.ok('data.export', { passphrase: PASSPHRASE, vaultPassphrase: VAULT });
    expect(file.accounts).toBe(1);
    expect(file.leftOut.accounts).toEqual([{ platform: 'x', handle: 'alice_creates', workspace: 'My workspace', reason: 'its stored tokens are damaged' }]);
    const summary = await fresh.ok('data.import', { content: file.contentBase64, passphrase: PASSPHRASE });
    expect(summary.accounts.added.map((a) => a.handle)).toEqual(['plugboard_demo']);
  });

  it('refuses a file holding what the API would refuse, or asking for a key-derivation cost Plugboard never uses; the window keeps working', async () => {
    const { old, fresh } = await twoMachines();
    await old.connect('1500000000000000001');
    const file = Buffer.from((await old.ok('data.export', { passphrase: PASSPHRASE, vaultPassphrase: VAULT })).contentBase64, 'base64');
    const payload = JSON.parse(Buffer.from(await openExport(file, PASSPHRASE)).toString('utf8'));
    const resealed = async (p: unknown) => (await sealExport(Buffer.from(JSON.stringify(p)), PASSPHRASE, { scryptLogN: 10 })).toString('base64');
    const longName = { ...payload, workspaces: [{ ...payload.workspaces[0], name: `Brand${'\u0000'.repeat(4995)}` }] };
    const notJson = { ...payload, accounts: [{ ...payload.accounts[0], details: '{"subscriptionType": ' }] };
    for (const [contents, said] of [
      [longName, /workspace 1's name: Keep the name under 60 characters/],
      [notJson, /account 1's details: must be a JSON object of strings/],
    ] as const) {
      const error = await fresh.error('data.import', { content: await resealed(contents), passphrase: PASSPHRASE });
      expect(error.message).toMatch(said);
      expect(error.message).toMatch(/so nothing was imported/);
    }
    // Its own digest recomputed, as whoever crafts such a header would.
    const costly = Buffer.from(file);
    costly.set([1, 20, 8, 4], 20);
    createHash('sha256').update(costly.subarray(0, 68)).digest().subarray(0, 16).copy(costly, 68);
    const started = performance.now();
    const error = await fresh.error('data.import', { content: costly.toString('base64'), passphrase: PASSPHRASE });
    expect(error.message).toBe('This file asks for key-derivation settings Plugboard never uses (scrypt N=2^20, r=8, p=4), so it was not made by Plugboard and was not opened. Nothing was imported.');
    // Refused from the header (~1 ms); the derivation it asks for took 15 s and 1.2 GB.
    expect(performance.now() - started).toBeLessThan(2_000);

    expect(await fresh.ok('accounts.list', {})).toEqual([]);
    expect((await fresh.ok('workspaces.list', {})).map((w) => w.name)).toEqual(['My workspace']);
  });
});
