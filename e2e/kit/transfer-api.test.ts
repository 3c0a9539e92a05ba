// Moving to a new machine (F16) through the API of two real cores (two data folders, two vault
// passphrases) and the fake X: export sealed under a passphrase, import merges and re-seals, the
// accounts renew on the new machine; a wrong passphrase or a damaged file changes nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../fakes/fake-server.ts';
import { startFakeX, type FakeX } from '../fakes/x.ts';
import { CoreHarness, harnessPool, openKitCore, kitDataDir } from './core-harness.ts';

const APP = { clientId: 'move-client', clientSecret: 'move-secret-6d1e' };
const PASSPHRASE = 'correct horse battery staple';

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
    expect((await old.error('data.export', { passphrase: 'short' })).message).toMatch(/at least 10 characters/);
    const file = await old.ok('data.export', { passphrase: PASSPHRASE });
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
    const file = Buffer.from((await old.ok('data.export', { passphrase: PASSPHRASE })).contentBase64, 'base64');
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
});
