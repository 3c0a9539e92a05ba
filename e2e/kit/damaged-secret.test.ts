// One sealed secret damaged on disk (a flipped byte in the SQLite file) must cost only what it
// protects: that account turns red with its fix, Disconnect still removes it (saying the platform
// could not be told), and every other account keeps working. Real core, real file, fake X.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../src-main/store/db.ts';
import { UNREADABLE_TOKEN_MESSAGE } from '../../src-main/store/accounts.ts';
import { freePort } from '../../src-main/fakes/free-port.ts';
import { startFakeX, type FakeX } from '../../src-main/fakes/x.ts';
import { CoreHarness, harnessPool, openKitCore } from './core-harness.ts';

const APP = { clientId: 'damage-client', clientSecret: 'damage-secret-7c1d' };
const ALICE = '1500000000000000002';
const BOB = '1500000000000000003';

class Harness extends CoreHarness<FakeX> {
  static async open(): Promise<Harness> {
    const fake = await startFakeX();
    const port = await freePort();
    fake.registerApp({ ...APP, redirectUris: [`http://127.0.0.1:${port}/callback/x`] });
    const { core, dataDir } = await CoreHarness.openParts(fake, 'damaged');
    const h = new Harness(fake, core, dataDir);
    await h.ok('platforms.setRedirect', { platform: 'x', kind: 'loopback', port });
    await h.ok('credentials.save', { platform: 'x', ...APP });
    return h;
  }

  async connect(userId: string): Promise<string> {
    this.fake.autoApprove(userId);
    const start = await this.ok('connect.start', { platform: 'x' });
    await fetch((await fetch(start.authorizeUrl, { redirect: 'manual' })).headers.get('location')!);
    const flow = await this.ok('connect.status', { flowId: start.flowId });
    expect(flow.state).toBe('connected');
    return flow.accountId!;
  }

  /** Closes the core, flips one byte of a sealed secret in the file, and opens a new core on it. */
  async damageAndReopen(owner: string, field: string): Promise<Harness> {
    await this.core.close();
    const db = new Database(join(this.dataDir, DB_FILE));
    const { sealed } = db.prepare('SELECT sealed FROM secrets WHERE owner = ? AND field = ?').get(owner, field) as { sealed: Buffer };
    sealed[sealed.length - 3] ^= 0x5a;
    db.prepare('UPDATE secrets SET sealed = ? WHERE owner = ? AND field = ?').run(sealed, owner, field);
    db.close();
    return new Harness(this.fake, await openKitCore({ fake: this.fake, dataDir: this.dataDir }), this.dataDir);
  }
}

const harnesses = harnessPool<Harness>();
afterEach(harnesses.closeAll);

describe('a damaged secret', () => {
  it('turns only its account red; refresh says why; Disconnect removes it and every other account still works', async () => {
    const first = await Harness.open();
    const alice = await first.connect(ALICE);
    const bob = await first.connect(BOB);
    const h = harnesses.track(await first.damageAndReopen(`account:${alice}`, 'refresh_token'));

    const list = await h.ok('accounts.list', {});
    expect(list.find((a) => a.id === alice)).toMatchObject({ status: 'expired', statusReason: UNREADABLE_TOKEN_MESSAGE });
    expect(list.find((a) => a.id === bob)).toMatchObject({ status: 'connected' });

    const refused = await h.error('accounts.refresh', { accountId: alice });
    expect(refused.message).toBe(UNREADABLE_TOKEN_MESSAGE);
    expect((await h.ok('accounts.refresh', { accountId: bob })).status).toBe('connected');

    // Bob first: looking for a grant Bob shares must not trip over Alice's unreadable token.
    expect(await h.ok('accounts.disconnect', { accountId: bob })).toMatchObject({ revoked: true, revokeError: null });
    const gone = await h.ok('accounts.disconnect', { accountId: alice });
    expect(gone).toMatchObject({ revoked: false, revokeError: expect.stringMatching(/could not tell X \(Twitter\): this account’s stored token could not be read/) });
    expect(await h.ok('accounts.list', {})).toEqual([]);
    expect(await h.secretRows()).toBe(0);
  });

  it('a post skips the damaged account with its fix, and goes to the others', async () => {
    const first = await Harness.open();
    const alice = await first.connect(ALICE);
    const bob = await first.connect(BOB);
    const h = harnesses.track(await first.damageAndReopen(`account:${alice}`, 'access_token'));
    const post = await h.ok('posts.publish', { text: 'still here', accountIds: [alice, bob] });
    expect(Object.fromEntries(post.results.map((r) => [r.accountId, [r.outcome, r.message]]))).toEqual({
      [alice]: ['not_tried', `@alice_creates on X needs Reconnect in Plugboard: ${UNREADABLE_TOKEN_MESSAGE}`],
      [bob]: ['posted', null],
    });
    expect(h.fake.posts().map((p) => p.username)).toEqual(['bob_builds']);
  });

  it('a reconnect stores a fresh token and the account is green again, also after a restart', async () => {
    const first = await Harness.open();
    const alice = await first.connect(ALICE);
    const h = await first.damageAndReopen(`account:${alice}`, 'access_token');
    expect((await h.ok('accounts.list', {}))[0]).toMatchObject({ status: 'expired' });
    expect(await h.connect(ALICE)).toBe(alice);
    expect((await h.ok('accounts.list', {}))[0]).toMatchObject({ id: alice, status: 'connected' });
    await h.core.close();
    const again = harnesses.track(new Harness(h.fake, await openKitCore({ fake: h.fake, dataDir: h.dataDir }), h.dataDir));
    expect((await again.ok('accounts.list', {}))[0]).toMatchObject({ id: alice, status: 'connected' });
  });

  it('a damaged client secret: renewing says to enter the credentials again', async () => {
    const first = await Harness.open();
    const alice = await first.connect(ALICE);
    const h = harnesses.track(await first.damageAndReopen('app:x', 'client_secret'));
    const refused = await h.error('accounts.refresh', { accountId: alice });
    expect(refused.message).toMatch(/saved X \(Twitter\) client secret cannot be read on this computer .* Enter the client ID and secret again/);
    await h.ok('credentials.save', { platform: 'x', ...APP });
    expect((await h.ok('accounts.refresh', { accountId: alice })).status).toBe('connected');
  });
});
