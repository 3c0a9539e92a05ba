// WordPress through the real core (real SQLite file, real vault), against the fake
// WordPress site over HTTP. Needs `wordpress` registered in src-main/connectors/registry.ts
// and available in providers.ts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeWordPress, type FakeWordPress, type FakeWordPressOptions, type WordPressUser } from '../../src-main/fakes/wordpress.ts';
import { CoreHarness, harnessPool } from './core-harness.ts';

class Harness extends CoreHarness<FakeWordPress> {
  static async open(opts: FakeWordPressOptions = {}, extraOrigins: Record<string, string> = {}): Promise<Harness> {
    const fake = await startFakeWordPress(opts);
    const { core, dataDir } = await CoreHarness.openParts(fake, 'wordpress', extraOrigins);
    return new Harness(fake, core, dataDir);
  }

  values(user: WordPressUser = this.fake.users[0]!, extra: Record<string, string> = {}): Record<string, string> {
    return { siteUrl: this.fake.siteUrl, username: user.login, applicationPassword: user.appPasswords[0]!, ...extra };
  }

  save(user: WordPressUser = this.fake.users[0]!, extra: Record<string, string> = {}) {
    return this.ok('appPassword.save', { platform: 'wordpress', values: this.values(user, extra) });
  }
}

const harnesses = harnessPool<Harness>();
afterEach(harnesses.closeAll);
async function setup(opts: FakeWordPressOptions = {}, extraOrigins: Record<string, string> = {}): Promise<Harness> {
  return harnesses.track(await Harness.open(opts, extraOrigins));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('WordPress through the core', () => {
  it('lists WordPress as available with its three-field form', async () => {
    const h = await setup();
    const platform = (await h.ok('platforms.list', {})).find((p) => p.id === 'wordpress')!;
    expect(platform.available).toBe(true);
    expect(platform.auth).toBe('app-password');
    expect(platform.form?.map((f) => [f.name, f.label, f.kind])).toEqual([
      ['siteUrl', 'Site address', 'url'],
      ['username', 'Username', 'text'],
      ['applicationPassword', 'Application password', 'password'],
    ]);
  });

  it('appPassword.test says who it is and stores nothing', async () => {
    const h = await setup();
    const result = await h.ok('appPassword.test', { platform: 'wordpress', values: h.values() });
    expect(result).toMatchObject({ handle: 'ada', displayName: 'Ada Admin' });
    expect(result.avatar).toMatch(/^data:image\/png;base64,/);
    expect(await h.ok('accounts.list', {})).toEqual([]);
    expect(await h.accountRows()).toBe(0);
    expect(await h.secretRows()).toBe(0);
  });

  it('save stores the account with site name and handle; the password is sealed and never in an API result or the folder', async () => {
    const h = await setup();
    const user = h.fake.users[0]!;
    // Typed the way people type it: no scheme, a trailing slash.
    const account = await h.save(user, { siteUrl: 'blog.example.com/' });
    expect(account).toMatchObject({ platform: 'wordpress', platformUserId: 'https://blog.example.com#1', handle: 'ada', displayName: 'Ada Admin', status: 'connected' });
    expect(account.details).toEqual({ siteUrl: 'https://blog.example.com', siteName: 'Example Blog', restRoot: 'https://blog.example.com/wp-json/', username: 'admin' });
    expect(account.avatar).toMatch(/^\/avatars\//);
    expect(h.core.avatar(account.id, null).headers['Content-Type']).toBe('image/png');
    expect(account.tokenExpiresAt).toBeNull();
    expect(account.connectionExpiresAt).toBeNull();
    expect((await h.stored(account.id)).appPassword).toBe(user.appPasswords[0]);
    // Renewal is none: there is nothing to refresh, and the core says so.
    const refused = await h.error('accounts.refresh', { accountId: account.id });
    expect(refused.code).toBe('bad_request');
    const said = JSON.stringify([await h.ok('accounts.list', {}), await h.ok('platforms.list', {}), h.transcript]);
    await h.core.close();
    const folder = Buffer.concat(filesUnder(h.dataDir).map((f) => readFileSync(f)));
    expect(said.includes(user.appPasswords[0]!)).toBe(false);
    expect(folder.includes(user.appPasswords[0]!)).toBe(false);
  });

  it('an author can connect; the handle is the slug, not the login', async () => {
    const h = await setup({ version: '6.1' });
    const account = await h.save(h.fake.users[1]!);
    expect(account).toMatchObject({ platformUserId: 'https://blog.example.com#7', handle: 'alice-author', displayName: 'Alice Author' });
  });

  it('a second save renews in place; disconnect deletes the secret and revokes nothing', async () => {
    const h = await setup();
    const first = await h.save();
    const again = await h.save(h.fake.users[0]!, { siteUrl: 'https://BLOG.example.com' });
    expect(again.id).toBe(first.id);
    expect(await h.accountRows()).toBe(1);
    expect(await h.secretRows(first.id)).toBeGreaterThan(0);
    const result = await h.ok('accounts.disconnect', { accountId: first.id });
    expect(result).toMatchObject({ revoked: false, revokeError: null, note: expect.stringMatching(/stays on blog\.example\.com: it was typed in/) });
    expect(await h.secretRows(first.id)).toBe(0);
    expect(await h.ok('accounts.list', {})).toEqual([]);
  });

  for (const permalinks of ['pretty', 'plain'] as const) {
    for (const linkHeader of [true, false]) {
      it(`a subfolder site with ${permalinks} permalinks works (${linkHeader ? 'Link header' : 'no Link header: fallback'})`, async () => {
        const h = await setup({ siteUrl: 'https://example.org/blog', permalinks, linkHeader });
        const result = await h.ok('appPassword.test', { platform: 'wordpress', values: h.values(h.fake.users[0]!, { siteUrl: 'example.org/blog/' }) });
        expect(result.handle).toBe('ada');
        if (permalinks === 'plain') expect(result.notes.join(' ')).toMatch(/plain permalinks/);
        const account = await h.save(h.fake.users[0]!, { siteUrl: 'https://example.org/blog' });
        expect(account.platformUserId).toBe('https://example.org/blog#1');
        expect(account.details.restRoot).toBe(permalinks === 'plain' ? 'https://example.org/blog/?rest_route=/' : 'https://example.org/blog/wp-json/');
      });
    }
  }

  async function failure(opts: FakeWordPressOptions, values: (h: Harness) => Record<string, string>, extraOrigins: Record<string, string> = {}) {
    const h = await setup(opts, extraOrigins);
    const error = await h.error('appPassword.test', { platform: 'wordpress', values: values(h) });
    expect(await h.accountRows()).toBe(0);
    return { h, error };
  }

  it('site unreachable: says so and to check the address', async () => {
    const { error } = await failure({}, (h) => h.values(h.fake.users[0]!, { siteUrl: 'https://gone.example.com' }), { 'https://gone.example.com': 'http://127.0.0.1:1' });
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/Could not reach gone\.example\.com.*Check the site address/);
  });

  it('not a WordPress site', async () => {
    const { error } = await failure({ notWordPress: true }, (h) => h.values());
    expect(error.message).toMatch(/does not look like a WordPress site/);
  });

  it('REST API disabled (rest_no_route)', async () => {
    const { error } = await failure({ restDisabled: true }, (h) => h.values());
    expect(error.message).toMatch(/REST API is turned off/);
  });

  // A stripped header and (on 6.1) a wrong password look the same from outside — a real WordPress 6.1.9 answers
  // both, and an unknown user, with the same 401 rest_not_logged_in — so the sentence names both causes and both fixes.
  for (const version of ['6.1', '6.5'] as const) {
    it(`WordPress ${version}: a server that strips the Authorization header gets the .htaccess line`, async () => {
      const { error } = await failure({ stripAuthorization: true, version }, (h) => h.values());
      expect(error.message).toMatch(/drops the Authorization header/);
      expect(error.message).toContain('SetEnvIf Authorization "(.*)" HTTP_AUTHORIZATION=$1');
      expect(error.message).toMatch(/application password for “admin” is wrong/);
    });
  }

  it('WordPress 6.1: a wrong application password names both causes, the password first', async () => {
    const { error } = await failure({ version: '6.1' }, (h) => h.values(h.fake.users[0]!, { applicationPassword: 'wron gpas swor dxxx xxxx xxxx' }));
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/cannot tell why: either the application password for “admin” is wrong.*or the web server drops the Authorization header/);
  });

  it('WordPress 6.5: a wrong application password is called just that', async () => {
    const { error } = await failure({ version: '6.5' }, (h) => h.values(h.fake.users[0]!, { applicationPassword: 'wron gpas swor dxxx xxxx xxxx' }));
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/did not accept that application password for “admin”/);
    expect(error.message).not.toMatch(/Authorization header/);
  });

  it('wrong username (invalid_username) says to use the login name', async () => {
    const { error } = await failure({}, (h) => h.values(h.fake.users[0]!, { username: 'Ada Admin' }));
    expect(error.message).toMatch(/has no user “Ada Admin”.*login name/);
  });

  it('application passwords need HTTPS: refused without sending the real password', async () => {
    const { h, error } = await failure({ https: false }, (h) => h.values());
    expect(error.message).toMatch(/application passwords off on sites served over plain http.*Serve blog\.example\.com over HTTPS/);
    expect(h.fake.sawPassword(h.fake.users[0]!.appPasswords[0]!)).toBe(false);
  });

  it('a local development site over plain http works, with a note', async () => {
    const h = await setup({ https: false, environmentType: 'local', siteUrl: 'http://mysite.local' });
    const result = await h.ok('appPassword.test', { platform: 'wordpress', values: h.values() });
    expect(result.handle).toBe('ada');
    expect(result.notes.join(' ')).toMatch(/plain http; that is fine for a local development site/);
  });

  it('a subscriber cannot publish: refused with a sentence', async () => {
    const { error } = await failure({}, (h) => h.values(h.fake.users[2]!));
    expect(error.message).toMatch(/“sam” cannot publish posts on blog\.example\.com \(role: subscriber\)/);
  });

  it('platform trouble is classified: 502, bad JSON, time-out', async () => {
    const h = await setup();
    h.fake.failNext('usersMe', 'html_502');
    expect((await h.error('appPassword.test', { platform: 'wordpress', values: h.values() })).kind).toBe('server');
    h.fake.failNext('usersMe', 'bad_json');
    expect((await h.error('appPassword.test', { platform: 'wordpress', values: h.values() })).kind).toBe('malformed');
    h.fake.failNext('usersMe', 'missing_fields');
    expect((await h.error('appPassword.test', { platform: 'wordpress', values: h.values() })).kind).toBe('malformed');
    h.fake.failNext('usersMe', 'timeout');
    expect((await h.error('appPassword.test', { platform: 'wordpress', values: h.values() })).kind).toBe('network');
    h.fake.failNext('front', 'timeout');
    expect((await h.error('appPassword.test', { platform: 'wordpress', values: h.values() })).message).toMatch(/^blog\.example\.com did not answer within .* Check the site address/);
    expect(await h.accountRows()).toBe(0);
  });
});
