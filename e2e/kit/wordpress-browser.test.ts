// WordPress's Connect in browser through the real core, against the fake site's
// authorize-application page: the new application password comes back to the
// loopback listener (browser host, local sites only) or to plugboard:// (desktop),
// is tested like a typed one, sealed, and deleted at the site on Disconnect.
import { afterEach, describe, expect, it } from 'vitest';
import type { RedirectKind } from '../../src-main/api/contract.ts';
import { PLUGBOARD_APP_ID } from '../../src-main/connectors/wordpress.ts';
import { startFakeWordPress, type FakeWordPress, type FakeWordPressOptions } from '../../src-main/fakes/wordpress.ts';
import { CoreHarness, harnessPool } from './core-harness.ts';

const DESKTOP: RedirectKind[] = ['loopback', 'protocol', 'manual'];
const LOCAL_SITE: FakeWordPressOptions = { https: false, environmentType: 'local', siteUrl: 'http://mysite.local' };

class Harness extends CoreHarness<FakeWordPress> {
  static async open(opts: FakeWordPressOptions, redirectKinds?: RedirectKind[]): Promise<Harness> {
    const fake = await startFakeWordPress(opts);
    const { core, dataDir } = await CoreHarness.openParts(fake, 'wordpress', {}, redirectKinds);
    return new Harness(fake, core, dataDir);
  }

  start(siteUrl = this.fake.siteUrl, reconnectAccountId?: string) {
    return this.ok('connect.start', { platform: 'wordpress', siteUrl, ...(reconnectAccountId ? { reconnectAccountId } : {}) });
  }

  /** What the user's browser does: open the authorize page (answered at once by the fake), follow WordPress's redirect. */
  async approve(authorizeUrl: string): Promise<{ location: string; page: string | null }> {
    const res = await fetch(authorizeUrl, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status !== 302 || !location) throw new Error(`the authorize page answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    if (location.startsWith('plugboard:')) {
      await this.core.handleProtocolUrl(location);
      return { location, page: null };
    }
    return { location, page: await (await fetch(location)).text() };
  }
}

const harnesses = harnessPool<Harness>();
afterEach(harnesses.closeAll);
const setup = async (opts: FakeWordPressOptions = {}, kinds?: RedirectKind[]) => harnesses.track(await Harness.open(opts, kinds));

describe('WordPress: Connect in browser', () => {
  it('a local site over http: the password comes back to the loopback listener, is tested and sealed', async () => {
    const h = await setup(LOCAL_SITE);
    const started = await h.start('http://mysite.local/');
    const asked = new URL(started.authorizeUrl);
    expect(asked.origin).toBe(h.fake.origin);
    expect(asked.pathname).toBe('/wp-admin/authorize-application.php');
    expect(asked.searchParams.get('app_name')).toMatch(/^Plugboard \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(asked.searchParams.get('app_id')).toBe(PLUGBOARD_APP_ID);
    const success = new URL(asked.searchParams.get('success_url')!);
    expect(success.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(success.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(asked.searchParams.get('reject_url')).toBe(`${success.href}&error=access_denied`);

    h.fake.autoAuthorize('approve');
    const { page } = await h.approve(started.authorizeUrl);
    expect(page).toMatch(/@ada is connected to Plugboard/);
    const flow = await h.ok('connect.status', { flowId: started.flowId });
    expect(flow.state).toBe('connected');
    const [account] = await h.ok('accounts.list', {});
    expect(account).toMatchObject({ id: flow.accountId, handle: 'ada', platformUserId: 'http://mysite.local#1' });
    expect(account!.details).toMatchObject({ siteUrl: 'http://mysite.local', passwordSource: 'browser', username: 'admin' });
    const created = h.fake.authorized[0]!;
    expect(created).toMatchObject({ login: 'admin', appId: PLUGBOARD_APP_ID, appName: asked.searchParams.get('app_name') });
    expect((await h.stored(account!.id)).appPassword).toBe(created.password);
    // The password never reaches an API result.
    expect(JSON.stringify(h.transcript).includes(created.password)).toBe(false);
  });

  it('the desktop app: an https site hands the password to plugboard://', async () => {
    const h = await setup({}, DESKTOP);
    const started = await h.start();
    expect(started.redirectUri).toBe('plugboard://oauth/callback/wordpress');
    expect(new URL(started.authorizeUrl).searchParams.get('success_url')).toMatch(/^plugboard:\/\/oauth\/callback\/wordpress\?state=/);
    h.fake.autoAuthorize('approve', 'alice.author');
    const { location } = await h.approve(started.authorizeUrl);
    expect(new URL(location).searchParams.get('user_login')).toBe('alice.author');
    expect((await h.ok('connect.status', { flowId: started.flowId })).state).toBe('connected');
    expect((await h.ok('accounts.list', {})).map((a) => a.handle)).toEqual(['alice-author']);
  });

  it('WordPress itself refuses an http success URL from a site that is not local (its 6.1.9 rule)', async () => {
    const h = await setup();
    const started = await h.start();
    const res = await fetch(started.authorizeUrl);
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/The URL must be served over a secure connection/);
    await h.ok('connect.cancel', { flowId: started.flowId });
  });

  it('“Don’t approve” ends the flow with a plain sentence and stores nothing', async () => {
    const h = await setup({}, DESKTOP);
    const started = await h.start();
    h.fake.autoAuthorize('reject');
    const { location } = await h.approve(started.authorizeUrl);
    expect(new URL(location).searchParams.get('error')).toBe('access_denied');
    const flow = await h.ok('connect.status', { flowId: started.flowId });
    expect(flow.state).toBe('cancelled');
    expect(flow.error).toMatch(/You chose not to approve Plugboard/);
    expect(await h.accountRows()).toBe(0);
  });

  it('application passwords switched off for the user: WordPress’s error=disabled gets its own sentence', async () => {
    const h = await setup({}, DESKTOP);
    const started = await h.start();
    const reject = new URL(new URL(started.authorizeUrl).searchParams.get('reject_url')!);
    reject.searchParams.set('error', 'disabled');
    await h.core.handleProtocolUrl(reject.href);
    expect((await h.ok('connect.status', { flowId: started.flowId })).error).toMatch(/application passwords are not available for your account/);
  });

  it('a plain-http site that is not local: refused before anything opens, with the HTTPS sentence', async () => {
    const h = await setup({ https: false });
    const error = await h.error('connect.start', { platform: 'wordpress', siteUrl: h.fake.siteUrl });
    expect(error.message).toMatch(/application passwords off on sites served over plain http/);
    expect(h.fake.requests.some((r) => r.path.includes('authorize-application'))).toBe(false);
  });

  it('no site address: a sentence, not a flow', async () => {
    const h = await setup();
    expect((await h.error('connect.start', { platform: 'wordpress' })).message).toMatch(/Enter the address of your WordPress site/);
  });

  it('forged or misshapen callbacks change nothing; the real one still works after them', async () => {
    const h = await setup({}, DESKTOP);
    const started = await h.start();
    const success = new URL(new URL(started.authorizeUrl).searchParams.get('success_url')!);
    const state = success.searchParams.get('state')!;
    const site = encodeURIComponent(h.fake.siteUrl);
    // Wrong state, an OAuth code instead of a password, a password of the wrong shape, a repeated parameter.
    for (const query of [
      `state=${'x'.repeat(32)}&site_url=${site}&user_login=admin&password=AAAABBBBCCCCDDDDEEEEFFFF`,
      `state=${state}&code=abc`,
      `state=${state}&site_url=${site}&user_login=admin&password=%3Cscript%3E`,
      `state=${state}&site_url=${site}&user_login=admin&user_login=sam&password=AAAABBBBCCCCDDDDEEEEFFFF`,
    ]) {
      await h.core.handleProtocolUrl(`plugboard://oauth/callback/wordpress?${query}`);
      expect((await h.ok('connect.status', { flowId: started.flowId })).state).toBe('waiting');
    }
    h.fake.autoAuthorize('approve');
    await h.approve(started.authorizeUrl);
    expect((await h.ok('connect.status', { flowId: started.flowId })).state).toBe('connected');
  });

  it('a well-shaped password the site does not accept: the flow fails with the site’s sentence, nothing stored', async () => {
    const h = await setup({}, DESKTOP);
    const started = await h.start();
    const success = new URL(new URL(started.authorizeUrl).searchParams.get('success_url')!);
    success.searchParams.set('site_url', h.fake.siteUrl);
    success.searchParams.set('user_login', 'admin');
    success.searchParams.set('password', 'AAAABBBBCCCCDDDDEEEEFFFF');
    await h.core.handleProtocolUrl(success.href);
    const flow = await h.ok('connect.status', { flowId: started.flowId });
    expect(flow.state).toBe('failed');
    expect(flow.error).toMatch(/did not accept that application password for “admin”/);
    expect(await h.accountRows()).toBe(0);
  });

  it('Reconnect goes back to the stored site and renews the account in place', async () => {
    const h = await setup({}, DESKTOP);
    const first = await h.start();
    h.fake.autoAuthorize('approve');
    await h.approve(first.authorizeUrl);
    const [account] = await h.ok('accounts.list', {});
    // WordPress refuses a second password with the same name for one user: each Connect asks for a new name.
    h.fake.advance(1);
    const again = await h.ok('connect.start', { platform: 'wordpress', reconnectAccountId: account!.id });
    expect(new URL(again.authorizeUrl).searchParams.get('app_name')).not.toBe(new URL(first.authorizeUrl).searchParams.get('app_name'));
    expect(new URL(again.authorizeUrl).pathname).toBe('/wp-admin/authorize-application.php');
    h.fake.autoAuthorize('approve');
    await h.approve(again.authorizeUrl);
    const flow = await h.ok('connect.status', { flowId: again.flowId });
    expect(flow).toMatchObject({ state: 'connected', renewed: true, accountId: account!.id });
    expect((await h.stored(account!.id)).appPassword).toBe(h.fake.authorized[1]!.password);
  });

  it('Disconnect deletes the password WordPress made for Plugboard, and only that one', async () => {
    const h = await setup({}, DESKTOP);
    const started = await h.start();
    h.fake.autoAuthorize('approve');
    await h.approve(started.authorizeUrl);
    const [account] = await h.ok('accounts.list', {});
    const made = h.fake.authorized[0]!.password;
    const result = await h.ok('accounts.disconnect', { accountId: account!.id });
    expect(result).toMatchObject({ revoked: true, revokeError: null });
    expect(h.fake.authorized).toHaveLength(0);
    const admin = h.fake.users.find((u) => u.login === 'admin')!;
    expect(admin.appPasswords).not.toContain(made);
    // The password the user typed in their profile screen is still there.
    expect(admin.appPasswords).toHaveLength(1);
  });

  it('Disconnect leaves a typed password in place and says where to delete it', async () => {
    const h = await setup();
    const user = h.fake.users[0]!;
    const account = await h.ok('appPassword.save', { platform: 'wordpress', values: { siteUrl: h.fake.siteUrl, username: user.login, applicationPassword: user.appPasswords[0]! } });
    const result = await h.ok('accounts.disconnect', { accountId: account.id });
    expect(result.revoked).toBe(false);
    expect(result.note).toMatch(/stays on blog\.example\.com: it was typed in/);
    expect(user.appPasswords).toHaveLength(1);
    expect(h.fake.requests.some((r) => r.path.includes('application-passwords'))).toBe(false);
  });
});
