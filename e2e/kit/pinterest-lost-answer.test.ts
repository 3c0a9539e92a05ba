// Pinterest through the real core when its token endpoint renews (continuous refresh: a new refresh
// token every time) and then answers slowly or never: a slow answer within the token deadline is
// kept; a lost one, where Pinterest retires the refresh token it replaced, ends in a sentence that
// says what happened instead of "revoked or expired".
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src-main/fakes/free-port.ts';
import { startFakePinterest, type FakePinterest, type FakePinterestOptions } from '../../src-main/fakes/pinterest.ts';
import { CoreHarness, harnessPool, kitDataDir, openKitCore } from './core-harness.ts';

const APP = { clientId: 'pin-lost-answer-app', clientSecret: 'pin-lost-answer-secret' };
const STUDIO = '1123581321345589144';

class Harness extends CoreHarness<FakePinterest> {
  static async open(fakeOpts: FakePinterestOptions, timeouts: { httpTimeoutMs: number; httpTokenTimeoutMs: number }): Promise<Harness> {
    const fake = await startFakePinterest(fakeOpts);
    const port = await freePort();
    fake.registerApp({ ...APP, redirectUris: [`http://127.0.0.1:${port}/callback/pinterest`] });
    const dataDir = kitDataDir('pinterest');
    const core = await openKitCore({ fake, dataDir, ...timeouts });
    const h = new Harness(fake, core, dataDir);
    await h.ok('platforms.setRedirect', { platform: 'pinterest', kind: 'loopback', port });
    await h.ok('credentials.save', { platform: 'pinterest', ...APP });
    return h;
  }

  async connect(): Promise<string> {
    this.fake.autoApprove(STUDIO);
    const start = await this.ok('connect.start', { platform: 'pinterest' });
    const landing = (await fetch(start.authorizeUrl, { redirect: 'manual' })).headers.get('location')!;
    await fetch(landing);
    const flow = await this.ok('connect.status', { flowId: start.flowId });
    expect(flow.state).toBe('connected');
    return flow.accountId!;
  }

  async account(id: string) {
    return (await this.ok('accounts.list', {})).find((a) => a.id === id)!;
  }

  refreshes() {
    return this.fake.requests.filter((r) => r.endpoint === 'refresh').map((r) => r.status);
  }
}

const harnesses = harnessPool<Harness>();
afterEach(harnesses.closeAll);

describe('Pinterest: a token answer that comes late or never', () => {
  it('keeps a renewal answered after the read time-out but within the token deadline', { timeout: 30_000 }, async () => {
    const h = harnesses.track(await Harness.open({ retireReplacedRefreshTokens: true }, { httpTimeoutMs: 1000, httpTokenTimeoutMs: 4000 }));
    const id = await h.connect();
    h.fake.answerLate('refresh', { afterMs: 2000 });
    expect((await h.ok('accounts.refresh', { accountId: id })).status).toBe('connected');
    // The new refresh token was kept: the old one is retired, and renewing still works.
    h.fake.advance(60);
    expect((await h.ok('accounts.refresh', { accountId: id })).status).toBe('connected');
    expect(h.refreshes()).toEqual([200, 200]);
  });

  it('a lost answer followed by a refusal says what happened and asks to reconnect', { timeout: 30_000 }, async () => {
    const h = harnesses.track(await Harness.open({ retireReplacedRefreshTokens: true }, { httpTimeoutMs: 1500, httpTokenTimeoutMs: 1000 }));
    const id = await h.connect();
    h.fake.answerLate('refresh', { afterMs: null });
    expect(await h.error('accounts.refresh', { accountId: id })).toMatchObject({ code: 'platform', kind: 'network' });
    expect((await h.account(id)).status).toBe('offline');

    h.fake.advance(60);
    const refused = await h.error('accounts.refresh', { accountId: id });
    expect(refused).toMatchObject({ code: 'platform', kind: 'auth' });
    expect(refused.message).toMatch(/^Pinterest most likely renewed this account's token during an earlier attempt whose answer never arrived/);
    expect(h.refreshes()).toEqual([200, 401]);
    const red = await h.account(id);
    expect(red.status).toBe('expired');
    expect(red.statusReason).toBe(refused.message);
  });

  it('where the replaced refresh token still works (Pinterest as documented), the next try simply renews', { timeout: 30_000 }, async () => {
    const h = harnesses.track(await Harness.open({}, { httpTimeoutMs: 1500, httpTokenTimeoutMs: 1000 }));
    const id = await h.connect();
    h.fake.answerLate('refresh', { afterMs: null });
    expect(await h.error('accounts.refresh', { accountId: id })).toMatchObject({ kind: 'network' });
    h.fake.advance(60);
    const renewed = await h.ok('accounts.refresh', { accountId: id });
    expect(renewed.status).toBe('connected');
    expect(renewed.lastError).toBeNull();
    expect(h.refreshes()).toEqual([200, 200]);
  });
});
