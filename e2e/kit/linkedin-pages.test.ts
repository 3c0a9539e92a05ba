// LinkedIn company pages through the real core: asked for only when the user turns the option on
// (the app needs the Community Management API product), then the member and each administered page
// are offered in one choice; pages share the member's login and its grant.
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src-main/fakes/free-port.ts';
import {
  LINKEDIN_MEMBER_TWO_PAGES,
  LINKEDIN_ORG_ANALYST_ONLY,
  LINKEDIN_ORG_WITH_LOGO,
  LINKEDIN_ORG_WITHOUT_LOGO,
  startFakeLinkedIn,
  type FakeLinkedIn,
  type LinkedInProduct,
} from '../../src-main/fakes/linkedin.ts';
import { CoreHarness, harnessPool } from './core-harness.ts';

const APP = { clientId: 'li-pages-client', clientSecret: 'li-pages-secret-8a2c' };
const ORG_SCOPES = ['r_organization_social', 'w_organization_social', 'rw_organization_admin'];

class Harness extends CoreHarness<FakeLinkedIn> {
  static async open(products?: LinkedInProduct[]): Promise<Harness> {
    const fake = await startFakeLinkedIn();
    const port = await freePort();
    fake.registerApp({ ...APP, redirectUris: [`http://127.0.0.1:${port}/callback/linkedin`], ...(products ? { products } : {}) });
    const { core, dataDir } = await CoreHarness.openParts(fake, 'linkedin');
    const h = new Harness(fake, core, dataDir);
    await h.ok('platforms.setRedirect', { platform: 'linkedin', kind: 'loopback', port });
    await h.ok('credentials.save', { platform: 'linkedin', ...APP });
    return h;
  }

  async signIn() {
    this.fake.autoApprove(LINKEDIN_MEMBER_TWO_PAGES);
    const start = await this.ok('connect.start', { platform: 'linkedin' });
    const landing = (await fetch(start.authorizeUrl, { redirect: 'manual' })).headers.get('location')!;
    await fetch(landing);
    return { start, flow: await this.ok('connect.status', { flowId: start.flowId }) };
  }
}

const harnesses = harnessPool<Harness>();
afterEach(harnesses.closeAll);

describe('LinkedIn company pages', () => {
  it('off by default: the member alone, and no organization scope is asked for', async () => {
    const h = harnesses.track(await Harness.open());
    const view = (await h.ok('platforms.list', {})).find((p) => p.id === 'linkedin')!;
    expect(view.scopeOptions).toEqual([expect.objectContaining({ id: 'company-pages', enabled: false })]);
    const { start, flow } = await h.signIn();
    expect(new URL(start.authorizeUrl).searchParams.get('scope')!.split(' ')).not.toContain('rw_organization_admin');
    expect(flow.state).toBe('connected');
    expect((await h.ok('accounts.list', {})).map((a) => a.platformUserId)).toEqual([`person:${LINKEDIN_MEMBER_TWO_PAGES}`]);
  });

  it('on, with the product: the member and each administered page in one choice; each chosen one is its own pill', async () => {
    const h = harnesses.track(await Harness.open(['sign-in-openid', 'share-on-linkedin', 'community-management']));
    const view = await h.ok('platforms.setScopeOption', { platform: 'linkedin', option: 'company-pages', enabled: true });
    expect(view.scopes).toEqual(expect.arrayContaining(ORG_SCOPES));
    const { start, flow } = await h.signIn();
    expect(new URL(start.authorizeUrl).searchParams.get('scope')!.split(' ')).toEqual(expect.arrayContaining(ORG_SCOPES));
    expect(flow.state).toBe('choosing');
    const offered = flow.choices!.map((c) => c.platformUserId);
    expect(offered).toEqual(expect.arrayContaining([`person:${LINKEDIN_MEMBER_TWO_PAGES}`, `organization:${LINKEDIN_ORG_WITH_LOGO}`, `organization:${LINKEDIN_ORG_WITHOUT_LOGO}`]));
    // A page where the member is only an analyst is not theirs to post for.
    expect(offered).not.toContain(`organization:${LINKEDIN_ORG_ANALYST_ONLY}`);
    const withLogo = flow.choices!.find((c) => c.platformUserId === `organization:${LINKEDIN_ORG_WITH_LOGO}`)!;
    expect(withLogo.avatar).toMatch(/^data:image\/png;base64,/);

    await h.ok('connect.choose', { flowId: flow.flowId, platformUserIds: [`person:${LINKEDIN_MEMBER_TWO_PAGES}`, `organization:${LINKEDIN_ORG_WITH_LOGO}`] });
    const accounts = await h.ok('accounts.list', {});
    expect(accounts).toHaveLength(2);
    const page = accounts.find((a) => a.platformUserId.startsWith('organization:'))!;
    expect(page.details.organizationId).toBe(LINKEDIN_ORG_WITH_LOGO);

    // Connecting again marks both as connected and renews them in place.
    const again = await h.signIn();
    expect(again.flow.choices!.filter((c) => c.connected).map((c) => c.platformUserId).sort()).toEqual(accounts.map((a) => a.platformUserId).sort());
    await h.ok('connect.cancel', { flowId: again.flow.flowId });

    // The page shares the member's login: disconnecting it keeps the grant the member still uses.
    const result = await h.ok('accounts.disconnect', { accountId: page.id });
    expect(result).toMatchObject({ revoked: false });
    expect(result.note).toMatch(/Access stays granted/);
  });

  it('on, without the product: LinkedIn refuses the sign-in and the sentence names the product to add', async () => {
    const h = harnesses.track(await Harness.open());
    await h.ok('platforms.setScopeOption', { platform: 'linkedin', option: 'company-pages', enabled: true });
    const { flow } = await h.signIn();
    expect(flow.state).toBe('failed');
    expect(flow.error).toMatch(/Community Management/);
    expect(await h.ok('accounts.list', {})).toEqual([]);
  });

  it('an option the platform does not have is refused', async () => {
    const h = harnesses.track(await Harness.open());
    expect((await h.error('platforms.setScopeOption', { platform: 'linkedin', option: 'everything', enabled: true })).code).toBe('bad_request');
    expect((await h.error('platforms.setScopeOption', { platform: 'x', option: 'company-pages', enabled: true })).code).toBe('bad_request');
  });
});
