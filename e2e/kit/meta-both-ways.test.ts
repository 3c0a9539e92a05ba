// Instagram reached two ways through the real core, against the Facebook and Instagram fakes:
// Instagram Login, and a Facebook Page's linked account (signed in with the Facebook app). One
// Instagram account either way; a Page with no linked account is shown and explained; accounts
// that share one Facebook login keep its grant until the last of them is disconnected. Also the
// HTTPS-only redirect: nothing starts until the user's page is known, and both doors (the relay
// page's plugboard:// and the pasted address) complete a Connect.
import { afterEach, describe, expect, it } from 'vitest';
import type { FlowView } from '../../src-main/api/contract.ts';
import { relayFileName, relayPage } from '../../src-main/oauth/relay-page.ts';
import { startFakeFacebook, type FakeFacebook } from '../../src-main/fakes/facebook.ts';
import { startFakeInstagram, type FakeInstagram } from '../../src-main/fakes/instagram.ts';
import { FACEBOOK_USERS } from '../../src-main/fakes/meta-seed.ts';
import { CoreHarness, harnessPool } from './core-harness.ts';

const RELAY = 'https://me.example/plugboard.html';
const DANA = FACEBOOK_USERS[0]!;
const [SUNRISE_PAGE, STUDIO_PAGE] = DANA.pages.map((p) => p.pageId) as [string, string];
const IG_SUNRISE = '17841400000000001';
const FB = { clientId: '880000000000001', clientSecret: 'fb-secret-9d2e' };
const IG = { clientId: '770000000000001', clientSecret: 'ig-secret-3b7a' };

class Harness extends CoreHarness<FakeFacebook> {
  instagram!: FakeInstagram;

  static async open(): Promise<Harness> {
    const fb = await startFakeFacebook();
    const ig = await startFakeInstagram();
    fb.registerApp({ ...FB, redirectUris: [RELAY], mode: 'live' });
    ig.registerApp({ ...IG, redirectUris: [RELAY] });
    const { core, dataDir } = await CoreHarness.openParts(fb, 'meta', ig.originMap(), ['loopback', 'protocol', 'manual']);
    const h = new Harness(fb, core, dataDir);
    h.instagram = ig;
    for (const platform of ['facebook', 'instagram'] as const) {
      await h.ok('platforms.setRedirect', { platform, kind: 'https-relay', httpsUrl: RELAY });
      await h.ok('credentials.save', { platform, ...(platform === 'facebook' ? FB : IG) });
    }
    return h;
  }

  /** Signs in (the fake decides at once) and hands the landing address to plugboard://, as the relay page does. */
  async signIn(params: { platform: 'facebook' | 'instagram'; via?: 'facebook' }, userId: string, fake: { autoApprove(u: string): void } = this.fake): Promise<FlowView> {
    fake.autoApprove(userId);
    const start = await this.ok('connect.start', params);
    const res = await fetch(start.authorizeUrl, { redirect: 'manual' });
    const landing = res.headers.get('location')!;
    expect(landing.startsWith(`${RELAY}?`)).toBe(true);
    await this.core.handleProtocolUrl(`plugboard://oauth/callback/${params.platform}${new URL(landing).search}`);
    return this.ok('connect.status', { flowId: start.flowId });
  }

  override async close(): Promise<void> {
    await super.close();
    await this.instagram.close();
  }
}

const harnesses = harnessPool<Harness>();
afterEach(harnesses.closeAll);
const setup = async () => harnesses.track(await Harness.open());

describe('Instagram through a Facebook Page', () => {
  it('lists each Page’s linked account; a Page without one is shown with the fix, not hidden', async () => {
    const h = await setup();
    const flow = await h.signIn({ platform: 'instagram', via: 'facebook' }, DANA.userId);
    expect(flow.state).toBe('choosing');
    const studio = flow.choices!.find((c) => c.unavailableReason !== null);
    expect(studio?.unavailableReason).toMatch(/has no Instagram professional account linked/);
    const sunrise = flow.choices!.find((c) => c.platformUserId === IG_SUNRISE)!;
    expect(sunrise).toMatchObject({ handle: 'sunrise.bakery', unavailableReason: null });
    const refused = await h.error('connect.choose', { flowId: flow.flowId, platformUserIds: [studio!.platformUserId] });
    expect(refused.message).toMatch(/no Instagram professional account linked/);
    const done = await h.ok('connect.choose', { flowId: flow.flowId, platformUserIds: [IG_SUNRISE] });
    expect(done.state).toBe('connected');
    const [account] = await h.ok('accounts.list', {});
    expect(account).toMatchObject({ platform: 'instagram', platformUserId: IG_SUNRISE, handle: 'sunrise.bakery', tokenExpiresAt: null, status: 'connected' });
    // Signed in with the Facebook app: its credentials, not Instagram's, went to the token endpoint.
    expect(h.fake.requests.some((r) => r.endpoint === 'token')).toBe(true);
    expect(h.instagram.requests.filter((r) => r.endpoint === 'token')).toHaveLength(0);
    // A Page token does not expire: nothing to renew, and the core says so.
    expect((await h.error('accounts.refresh', { accountId: account!.id })).code).toBe('bad_request');
  });

  it('an account reached both ways is one account, renewed in place, and takes the latest way', async () => {
    const h = await setup();
    const viaLogin = await h.signIn({ platform: 'instagram' }, IG_SUNRISE, h.instagram);
    expect(viaLogin.state).toBe('connected');
    const first = (await h.ok('accounts.list', {}))[0]!;
    expect(first.details.via).toBe('instagram-login');
    expect(first.tokenExpiresAt).not.toBeNull();

    const viaPage = await h.signIn({ platform: 'instagram', via: 'facebook' }, DANA.userId);
    const done = await h.ok('connect.choose', { flowId: viaPage.flowId, platformUserIds: [IG_SUNRISE] });
    expect(done).toMatchObject({ state: 'connected', renewed: true, accountId: first.id });
    const accounts = await h.ok('accounts.list', {});
    expect(accounts).toHaveLength(1);
    expect(accounts[0]!.details.via).toBe('facebook');
    expect(accounts[0]!.tokenExpiresAt).toBeNull();
  });

  it('Reconnect goes the way the account came in', async () => {
    const h = await setup();
    const flow = await h.signIn({ platform: 'instagram', via: 'facebook' }, DANA.userId);
    await h.ok('connect.choose', { flowId: flow.flowId, platformUserIds: [IG_SUNRISE] });
    const [account] = await h.ok('accounts.list', {});
    const again = await h.ok('connect.start', { platform: 'instagram', reconnectAccountId: account!.id });
    expect(new URL(again.authorizeUrl).pathname).toMatch(/\/dialog\/oauth$/);
    expect(new URL(again.authorizeUrl).searchParams.get('client_id')).toBe(FB.clientId);
    await h.ok('connect.cancel', { flowId: again.flowId });
  });
});

describe('one Facebook login, several accounts', () => {
  it('disconnecting a Page keeps the grant while another account of the login remains; the last one revokes it', async () => {
    const h = await setup();
    const pages = await h.signIn({ platform: 'facebook' }, DANA.userId);
    await h.ok('connect.choose', { flowId: pages.flowId, platformUserIds: [SUNRISE_PAGE, STUDIO_PAGE] });
    const ig = await h.signIn({ platform: 'instagram', via: 'facebook' }, DANA.userId);
    await h.ok('connect.choose', { flowId: ig.flowId, platformUserIds: [IG_SUNRISE] });
    const all = await h.ok('accounts.list', {});
    expect(all.map((a) => a.platform).sort()).toEqual(['facebook', 'facebook', 'instagram']);
    expect(new Set(all.filter((a) => a.platform === 'facebook').map((a) => a.id)).size).toBe(2);

    const byId = (id: string) => all.find((a) => a.platformUserId === id)!;
    const kept = await h.ok('accounts.disconnect', { accountId: byId(SUNRISE_PAGE).id });
    expect(kept).toMatchObject({ revoked: false, revokeError: null });
    expect(kept.note).toMatch(/Access stays granted/);
    await h.ok('accounts.disconnect', { accountId: byId(STUDIO_PAGE).id });
    expect(h.fake.liveGrants(DANA.userId)).toBeGreaterThan(0);
    const last = await h.ok('accounts.disconnect', { accountId: byId(IG_SUNRISE).id });
    expect(last).toMatchObject({ revoked: true, revokeError: null });
    expect(h.fake.liveGrants(DANA.userId)).toBe(0);
  });
});

describe('HTTPS-only redirects', () => {
  it('nothing starts until the user’s HTTPS page is known; the address must be https', async () => {
    const fb = await startFakeFacebook();
    const { core, dataDir } = await CoreHarness.openParts(fb, 'meta', {}, ['loopback', 'manual']);
    const h = harnesses.track(Object.assign(new Harness(fb, core, dataDir), { instagram: await startFakeInstagram() }));
    await h.ok('credentials.save', { platform: 'facebook', ...FB });
    const view = (await h.ok('platforms.list', {})).find((p) => p.id === 'facebook')!;
    expect(view).toMatchObject({ redirectKind: 'https-relay', redirectUri: null });
    expect(view.redirectKinds).toContain('https-relay');
    const error = await h.error('connect.start', { platform: 'facebook' });
    expect(error).toMatchObject({ code: 'not_configured' });
    expect(error.message).toMatch(/redirects only to HTTPS/);
    for (const bad of ['http://me.example/p.html', 'https://me.example/p.html#x', 'not a url']) {
      expect((await h.error('platforms.setRedirect', { platform: 'facebook', kind: 'https-relay', httpsUrl: bad })).code).toBe('bad_request');
    }
    const set = await h.ok('platforms.setRedirect', { platform: 'facebook', kind: 'https-relay', httpsUrl: RELAY });
    expect(set.redirectUri).toBe(RELAY);
    // X takes loopback: there is no HTTPS page to set for it.
    expect((await h.error('platforms.setRedirect', { platform: 'x', kind: 'https-relay', httpsUrl: RELAY })).code).toBe('bad_request');
  });

  it('the pasted landing address completes a Connect where nothing receives plugboard://', async () => {
    const h = await setup();
    h.fake.autoApprove(FACEBOOK_USERS[1]!.userId);
    const start = await h.ok('connect.start', { platform: 'facebook' });
    const landing = (await fetch(start.authorizeUrl, { redirect: 'manual' })).headers.get('location')!;
    // Facebook appends #_=_; the address is pasted as the browser shows it.
    expect(landing.endsWith('#_=_')).toBe(true);
    const flow = await h.ok('connect.complete', { flowId: start.flowId, url: landing });
    expect(flow.state).toBe('connected');
  });

  it('the relay page forwards the query to plugboard://<platform>, loads nothing and scrubs the address', () => {
    const html = relayPage('threads', 'Threads');
    expect(relayFileName('threads')).toBe('plugboard-threads.html');
    expect(html).toContain("location.replace('plugboard://oauth/callback/threads' + query)");
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
    expect(html).toContain("history.replaceState(null, '', location.pathname)");
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
  });
});
