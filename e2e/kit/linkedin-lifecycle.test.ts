// LinkedIn without programmatic refresh, through the real core: the connection ends with its 60-day
// token, so it must not crash or die silently. Yellow 7 days before, a notice at 7 days and at 1 day,
// red with Reconnect after. With programmatic refresh: it renews, under a fixed one-year deadline.
// Time moves on the fake's clock; resume() is the catch-up the app runs after sleep or a time jump.
import { afterEach, describe, expect, it } from 'vitest';
import type { NoticeView } from '../../src-main/api/contract.ts';
import { freePort } from '../../src-main/fakes/free-port.ts';
import { LINKEDIN_MEMBER_TWO_PAGES, startFakeLinkedIn, type FakeLinkedIn } from '../../src-main/fakes/linkedin.ts';
import { CoreHarness, harnessPool } from './core-harness.ts';

const DAY_SEC = 86_400;
const APP = { clientId: 'li-lifecycle-client', clientSecret: 'li-lifecycle-secret-5e1f' };

class Harness extends CoreHarness<FakeLinkedIn> {
  static async open(programmaticRefresh: boolean): Promise<Harness> {
    const fake = await startFakeLinkedIn();
    const port = await freePort();
    fake.registerApp({ ...APP, redirectUris: [`http://127.0.0.1:${port}/callback/linkedin`], programmaticRefresh });
    const { core, dataDir } = await CoreHarness.openParts(fake, 'linkedin');
    const h = new Harness(fake, core, dataDir);
    await h.ok('platforms.setRedirect', { platform: 'linkedin', kind: 'loopback', port });
    await h.ok('credentials.save', { platform: 'linkedin', ...APP });
    return h;
  }

  async connect() {
    this.fake.autoApprove(LINKEDIN_MEMBER_TWO_PAGES);
    const start = await this.ok('connect.start', { platform: 'linkedin' });
    const landing = (await fetch(start.authorizeUrl, { redirect: 'manual' })).headers.get('location')!;
    await fetch(landing);
    const flow = await this.ok('connect.status', { flowId: start.flowId });
    expect(flow.state).toBe('connected');
    return flow.accountId!;
  }

  /** Moves time on and lets the core catch up, as after a sleep. */
  async travel(days: number): Promise<void> {
    this.fake.advance(days * DAY_SEC);
    this.core.resume();
    // The catch-up runs on the scheduler's timer; give it a moment before the checks poll.
    await new Promise((r) => setTimeout(r, 50));
  }

  async account(id: string) {
    return (await this.ok('accounts.list', {})).find((a) => a.id === id)!;
  }

  async notices(): Promise<NoticeView[]> {
    return (await this.ok('notices.list', {})).filter((n): n is NoticeView => n.accountId !== null);
  }
}

const harnesses = harnessPool<Harness>();
afterEach(harnesses.closeAll);

describe('LinkedIn without programmatic refresh', () => {
  it('green, then yellow with a notice at 7 days, a notice at 1 day, red with Reconnect after day 60', async () => {
    const h = harnesses.track(await Harness.open(false));
    const id = await h.connect();
    const fresh = await h.account(id);
    expect(fresh.status).toBe('connected');
    expect(Date.parse(fresh.connectionExpiresAt!)).toBe(Date.parse(fresh.tokenExpiresAt!));
    // Its one date is the day it will need the user; no Renew now, as renewing cannot help.
    expect(fresh).toMatchObject({ renews: false, userDate: fresh.connectionExpiresAt });
    expect((await h.error('accounts.refresh', { accountId: id })).message).toMatch(/cannot be renewed without you: use Reconnect/);

    await h.travel(52);
    expect((await h.account(id)).status).toBe('connected');
    expect(await h.notices()).toEqual([]);

    await h.travel(2); // day 54: inside the 7-day window
    await expect.poll(async () => (await h.account(id)).status).toBe('expiring');
    const yellow = await h.account(id);
    expect(yellow.statusReason).toMatch(/cannot renew this connection by itself/);
    await expect.poll(async () => (await h.notices()).map((n) => n.title)).toEqual([expect.stringMatching(/LinkedIn .* expires in [67] days/)]);

    await h.travel(5.5); // day 59.5: the last day
    await expect.poll(async () => (await h.notices()).map((n) => n.title)[0]).toMatch(/expires within a day/);

    await h.travel(1); // day 60.5: ended
    await expect.poll(async () => (await h.account(id)).status).toBe('expired');
    const red = await h.account(id);
    expect(red.statusReason).toMatch(/Reconnect/);
    expect(red).toMatchObject({ renews: false, userDate: fresh.tokenExpiresAt });
    await expect.poll(async () => (await h.notices()).map((n) => n.title)[0]).toMatch(/has expired/);
    // Nothing tried to renew it along the way.
    expect(h.fake.requests.filter((r) => r.endpoint === 'refresh')).toHaveLength(0);
  });
});

describe('LinkedIn with programmatic refresh', () => {
  it('renews itself; the refresh token’s one-year deadline is fixed from the first sign-in', async () => {
    const h = harnesses.track(await Harness.open(true));
    const id = await h.connect();
    const first = await h.account(id);
    const deadline = Date.parse(first.connectionExpiresAt!);
    expect(deadline - h.fake.now()).toBeGreaterThan(364 * DAY_SEC * 1000);
    await h.travel(100);
    await expect.poll(() => h.fake.requests.filter((r) => r.endpoint === 'refresh').length).toBeGreaterThan(0);
    await expect.poll(async () => (await h.account(id)).status).toBe('connected');
    const renewed = await h.account(id);
    expect(Date.parse(renewed.tokenExpiresAt!)).toBeGreaterThan(h.fake.now());
    expect(Date.parse(renewed.connectionExpiresAt!)).toBe(deadline);
  });
});
