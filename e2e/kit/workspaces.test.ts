// Workspaces (F11) through the real core against the fake X: one per brand, each owning its
// accounts. Nothing of one shows in another through the API, and its accounts cannot be read,
// refreshed or disconnected from another; the scheduler, tray and notices cover every workspace and
// name it; deleting a workspace disconnects and revokes its accounts after saying how many.
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../src-main/api/contract.ts';
import { freePort } from '../../src-main/fakes/free-port.ts';
import { startFakeX, type FakeX } from '../../src-main/fakes/x.ts';
import { CoreHarness, harnessPool } from './core-harness.ts';

const APP = { clientId: 'ws-client', clientSecret: 'ws-secret-2f9b' };
const DEMO = '1500000000000000001';
const ALICE = '1500000000000000002';

class Harness extends CoreHarness<FakeX> {
  readonly events: ApiEvent[] = [];

  static async open(): Promise<Harness> {
    const fake = await startFakeX();
    const port = await freePort();
    fake.registerApp({ ...APP, redirectUris: [`http://127.0.0.1:${port}/callback/x`] });
    const { core, dataDir } = await CoreHarness.openParts(fake, 'workspaces');
    const h = new Harness(fake, core, dataDir);
    core.subscribe((e) => h.events.push(e));
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
}

const harnesses = harnessPool<Harness>();
afterEach(harnesses.closeAll);
const setup = async () => harnesses.track(await Harness.open());

describe('workspaces', () => {
  it('start with one; create, rename and switch; names are required and unique', async () => {
    const h = await setup();
    const [first] = await h.ok('workspaces.list', {});
    expect(first).toMatchObject({ id: 'default', active: true, accountCount: 0 });
    const brand = await h.ok('workspaces.create', { name: '  Bakery brand ' });
    expect(brand).toMatchObject({ name: 'Bakery brand', active: false });
    expect((await h.error('workspaces.create', { name: 'bakery BRAND' })).code).toBe('conflict');
    expect((await h.error('workspaces.create', { name: '   ' })).code).toBe('bad_request');
    expect((await h.ok('workspaces.rename', { workspaceId: brand.id, name: 'Sunrise Bakery' })).name).toBe('Sunrise Bakery');
    expect((await h.error('workspaces.rename', { workspaceId: 'nope', name: 'x' })).code).toBe('not_found');
    await h.ok('workspaces.switch', { workspaceId: brand.id });
    expect((await h.ok('app.status', {})).workspace).toEqual({ id: brand.id, name: 'Sunrise Bakery' });
    expect(h.events.some((e) => e.type === 'workspaces.changed')).toBe(true);
  });

  it('each workspace owns its accounts: nothing of one can be listed, read, refreshed or disconnected from another', async () => {
    const h = await setup();
    const mine = await h.connect(DEMO);
    const other = await h.ok('workspaces.create', { name: 'Other brand' });
    await h.ok('workspaces.switch', { workspaceId: other.id });
    expect(await h.ok('accounts.list', {})).toEqual([]);
    for (const method of ['accounts.refresh', 'accounts.disconnect', 'accounts.activity', 'accounts.syncProfile'] as const) {
      const error = await h.error(method, { accountId: mine });
      expect(error.code, method).toBe('not_found');
    }
    expect((await h.error('connect.start', { platform: 'x', reconnectAccountId: mine })).code).toBe('not_found');
    // Refresh all renews this workspace's accounts only.
    expect(await h.ok('accounts.refreshAll', {})).toEqual({ refreshed: 0, needReconnect: [], failed: [], noExpiry: 0, notRenewable: 0 });
    expect(h.fake.requests.filter((r) => r.endpoint === 'refresh')).toHaveLength(0);

    // The same X user in this workspace is an account of its own.
    const theirs = await h.connect(DEMO);
    expect(theirs).not.toBe(mine);
    expect((await h.ok('accounts.list', {})).map((a) => a.id)).toEqual([theirs]);
    await h.ok('workspaces.switch', { workspaceId: 'default' });
    expect((await h.ok('accounts.list', {})).map((a) => a.id)).toEqual([mine]);
    expect((await h.ok('workspaces.list', {})).map((w) => w.accountCount)).toEqual([1, 1]);
  });

  it('the scheduler and the tray cover every workspace, and name it once there are two', async () => {
    const h = await setup();
    const mine = await h.connect(DEMO);
    expect(h.core.attention()).toEqual([]);
    const other = await h.ok('workspaces.create', { name: 'Other brand' });
    await h.ok('workspaces.switch', { workspaceId: other.id });
    // X's token lives 2 hours: past it, the catch-up renews the account of the workspace not shown.
    h.fake.advance(3 * 3600);
    h.core.resume();
    await expect.poll(() => h.fake.requests.filter((r) => r.endpoint === 'refresh').length).toBeGreaterThan(0);
    const worst = async () => Object.fromEntries((await h.ok('workspaces.list', {})).map((w) => [w.name, [w.worstStatus, w.needsAttention]]));
    expect(await worst()).toEqual({ 'My workspace': ['connected', 0], 'Other brand': [null, 0] });
    // Revoked at X: the tray names the account with its workspace.
    h.fake.revokeUser(DEMO);
    h.fake.advance(3 * 3600);
    h.core.resume();
    await expect.poll(() => h.core.attention().map((a) => a.label)).toEqual(['My workspace · X (Twitter) @plugboard_demo']);
    await expect.poll(async () => (await h.ok('notices.list', {})).map((n) => n.title)).toEqual(['My workspace · X (Twitter) @plugboard_demo needs you']);
    // The switcher's dot follows the worst account of each workspace, shown or not.
    expect(await worst()).toEqual({ 'My workspace': ['expired', 1], 'Other brand': [null, 0] });

    // A notice click opens its account: the core switches to its workspace first.
    h.core.openAccount(mine);
    expect((await h.ok('app.status', {})).workspace.id).toBe('default');
    expect(h.events.at(-1)).toEqual({ type: 'ui.openAccount', accountId: mine, reconnect: true });
    // Red says why and since when, and offers no Renew now: only Reconnect can help a refused grant.
    const [red] = await h.ok('accounts.list', {});
    expect(red).toMatchObject({ id: mine, status: 'expired', renews: false });
    expect(red!.statusReason).toMatch(/\S/);
    expect(red!.userDate).toBe(red!.lastError!.at);
  });

  it('deleting a workspace disconnects and revokes its accounts; the last one cannot be deleted', async () => {
    const h = await setup();
    const brand = await h.ok('workspaces.create', { name: 'Brand' });
    await h.ok('workspaces.switch', { workspaceId: brand.id });
    await h.connect(DEMO);
    await h.connect(ALICE);
    expect((await h.ok('workspaces.list', {})).find((w) => w.id === brand.id)!.accountCount).toBe(2);
    expect(h.fake.liveGrants(DEMO)).toBeGreaterThan(0);

    const result = await h.ok('workspaces.delete', { workspaceId: brand.id });
    expect(result).toEqual({ workspaceId: brand.id, disconnected: 2, revokeErrors: [] });
    expect(h.fake.liveGrants(DEMO)).toBe(0);
    expect(h.fake.liveGrants(ALICE)).toBe(0);
    expect(await h.secretRows()).toBe(0);
    // It was the active one: the window moves to the one left.
    expect((await h.ok('app.status', {})).workspace.id).toBe('default');
    expect((await h.ok('workspaces.list', {})).map((w) => w.id)).toEqual(['default']);
    expect((await h.error('workspaces.delete', { workspaceId: 'default' })).message).toMatch(/only workspace/);
  });
});
