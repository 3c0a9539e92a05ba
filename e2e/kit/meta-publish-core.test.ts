// The publishers given what the real core stored: a Facebook Page and a LinkedIn company page connected through the
// core (real SQLite, real vault), then the account row and its sealed token read back and handed to the publisher
// as the publish engine hands them. Facebook is the case that matters: what the core keeps for a Page must be the
// Page's own token, which alone may post on its feed.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src-main/core/logger.ts';
import { freePort } from '../../src-main/fakes/free-port.ts';
import { startFakeFacebook, type FakeFacebook } from '../../src-main/fakes/facebook.ts';
import { LINKEDIN_MEMBER_TWO_PAGES, LINKEDIN_ORG_WITH_LOGO, startFakeLinkedIn, type FakeLinkedIn } from '../../src-main/fakes/linkedin.ts';
import { FACEBOOK_USERS } from '../../src-main/fakes/meta-seed.ts';
import { createHttp } from '../../src-main/http/http.ts';
import { facebookPublisher } from '../../src-main/publish/facebook-publisher.ts';
import { linkedinPublisher } from '../../src-main/publish/linkedin-publisher.ts';
import type { Publisher, PublishContext } from '../../src-main/publish/types.ts';
import type { AccountRow } from '../../src-main/store/accounts.ts';
import { DB_FILE } from '../../src-main/store/db.ts';
import { CoreHarness, harnessPool } from './core-harness.ts';

const RELAY = 'https://me.example/plugboard.html';
const FB = { clientId: '880000000000001', clientSecret: 'fb-secret-9d2e' };
const LI = { clientId: '78corepublish1', clientSecret: 'WPL_AP1.core-publish' };
const DANA = FACEBOOK_USERS[0]!;
const SUNRISE = DANA.pages[0]!.pageId;

class Harness<F extends FakeFacebook | FakeLinkedIn> extends CoreHarness<F> {
  /** The stored account and its token, as the publish engine reads them. */
  async publishContext(platformUserId: string): Promise<PublishContext> {
    const account = (await this.ok('accounts.list', {})).find((a) => a.platformUserId === platformUserId)!;
    const db = new Database(join(this.dataDir, DB_FILE), { readonly: true });
    const row = db.prepare('SELECT * FROM accounts WHERE id = ?').get(account.id) as AccountRow;
    db.close();
    const { accessToken } = await this.stored(account.id);
    return { http: createHttp({ origins: this.fake.originMap(), logger: silentLogger, timeoutMs: 1_000 }), account: row, credentials: { accessToken, appPassword: null } };
  }

  /** Signs in through the fake's consent, lands the code, and keeps the one identity asked for. */
  async connect(platform: 'facebook' | 'linkedin', userId: string, keep: string): Promise<void> {
    this.fake.autoApprove(userId);
    const start = await this.ok('connect.start', { platform });
    const landing = (await fetch(start.authorizeUrl, { redirect: 'manual' })).headers.get('location')!;
    if (platform === 'facebook') await this.core.handleProtocolUrl(`plugboard://oauth/callback/facebook${new URL(landing).search}`);
    else await fetch(landing);
    const flow = await this.ok('connect.status', { flowId: start.flowId });
    expect(flow.state).toBe('choosing');
    await this.ok('connect.choose', { flowId: flow.flowId, platformUserIds: [keep] });
  }
}

const harnesses = harnessPool<Harness<FakeFacebook | FakeLinkedIn>>();
afterEach(harnesses.closeAll);

async function publishAs(publisher: Publisher, ctx: PublishContext, text: string) {
  return publisher.publish(ctx, { text, link: null, draft: false });
}

describe('publishing with what the core stored', () => {
  it("Facebook: the Page account's stored token is the Page's, and the feed takes it", async () => {
    const fake = await startFakeFacebook();
    fake.registerApp({ ...FB, redirectUris: [RELAY], mode: 'live' });
    const { core, dataDir } = await CoreHarness.openParts(fake, 'facebook-publish', {}, ['loopback', 'protocol', 'manual']);
    const h = harnesses.track(new Harness(fake, core, dataDir));
    await h.ok('platforms.setRedirect', { platform: 'facebook', kind: 'https-relay', httpsUrl: RELAY });
    await h.ok('credentials.save', { platform: 'facebook', ...FB });
    await h.connect('facebook', DANA.userId, SUNRISE);

    const result = await publishAs(facebookPublisher, await h.publishContext(SUNRISE), 'Opening at 7');
    expect(fake.posts()).toEqual([expect.objectContaining({ id: result.platformPostId, pageId: SUNRISE, message: 'Opening at 7' })]);
  });

  it('LinkedIn: a company page stored with the login it shares posts as the organization', async () => {
    const fake = await startFakeLinkedIn();
    const port = await freePort();
    fake.registerApp({ ...LI, redirectUris: [`http://127.0.0.1:${port}/callback/linkedin`], products: ['sign-in-openid', 'share-on-linkedin', 'community-management'] });
    const { core, dataDir } = await CoreHarness.openParts(fake, 'linkedin-publish');
    const h = harnesses.track(new Harness(fake, core, dataDir));
    await h.ok('platforms.setRedirect', { platform: 'linkedin', kind: 'loopback', port });
    await h.ok('credentials.save', { platform: 'linkedin', ...LI });
    await h.ok('platforms.setScopeOption', { platform: 'linkedin', option: 'company-pages', enabled: true });
    await h.connect('linkedin', LINKEDIN_MEMBER_TWO_PAGES, `organization:${LINKEDIN_ORG_WITH_LOGO}`);

    const result = await publishAs(linkedinPublisher, await h.publishContext(`organization:${LINKEDIN_ORG_WITH_LOGO}`), 'From the bakery (fresh)');
    expect(fake.posts()).toEqual([expect.objectContaining({ urn: result.platformPostId, author: `urn:li:organization:${LINKEDIN_ORG_WITH_LOGO}`, text: 'From the bakery (fresh)' })]);
  });
});
