// Bluesky through the real core (real SQLite file, real vault), against the fake
// PDS over HTTP: the app-password equivalent of the OAuth connector kit. Needs
// `bluesky` registered in src-main/connectors/registry.ts and available in providers.ts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_KINDS, type FailureKind } from '../../src-main/fakes/fake-server.ts';
import { startFakeBluesky, type FakeBluesky } from '../../src-main/fakes/bluesky.ts';
import { CoreHarness, harnessPool } from './core-harness.ts';

class Harness extends CoreHarness<FakeBluesky> {
  static async open(): Promise<Harness> {
    const fake = await startFakeBluesky();
    const { core, dataDir } = await CoreHarness.openParts(fake, 'bluesky');
    return new Harness(fake, core, dataDir);
  }

  values(user = this.fake.users[0]!, extra: Record<string, string> = {}): Record<string, string> {
    return { identifier: user.handle, appPassword: user.appPasswords[0]!, ...extra };
  }

  save(user = this.fake.users[0]!) {
    return this.ok('appPassword.save', { platform: 'bluesky', values: this.values(user) });
  }

  count(endpoint: string): number {
    return this.fake.requests.filter((r) => r.endpoint === endpoint).length;
  }

  async activity(accountId: string) {
    return (await this.ok('accounts.activity', { accountId })).map((a) => ({ kind: a.kind, detail: a.detail })).reverse();
  }
}

const harnesses = harnessPool<Harness>();
afterEach(harnesses.closeAll);
async function setup(): Promise<Harness> {
  return harnesses.track(await Harness.open());
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function expectedKind(kind: FailureKind): string {
  return { invalid_grant: 'auth', rate_limited: 'rate_limited', timeout: 'network', html_502: 'server', server_error: 'server', bad_json: 'malformed', missing_fields: 'malformed' }[kind];
}

describe('Bluesky through the core', () => {
  it('lists Bluesky as available with its app-password form', async () => {
    const h = await setup();
    const platform = (await h.ok('platforms.list', {})).find((p) => p.id === 'bluesky')!;
    expect(platform.available).toBe(true);
    expect(platform.auth).toBe('app-password');
    expect(platform.form?.map((f) => [f.name, f.label, f.kind])).toEqual([
      ['identifier', 'Handle or email', 'text'],
      ['appPassword', 'App password', 'password'],
      ['pds', 'Server (PDS)', 'url'],
    ]);
  });

  it('appPassword.test says who it is and stores nothing', async () => {
    const h = await setup();
    const result = await h.ok('appPassword.test', { platform: 'bluesky', values: h.values() });
    expect(result).toMatchObject({ handle: 'alice.bsky.social', displayName: 'Alice Example' });
    expect(result.avatar).toMatch(/^data:image\/png;base64,/);
    expect(await h.ok('accounts.list', {})).toEqual([]);
    expect(await h.accountRows()).toBe(0);
    expect(await h.secretRows()).toBe(0);
    // The session the test opened is closed again at the PDS.
    expect(h.fake.liveGrants(h.fake.users[0]!.did)).toBe(0);
  });

  it('save stores the account with handle, avatar and DID; the app password is sealed and never in an API result', async () => {
    const h = await setup();
    const user = h.fake.users[0]!;
    const account = await h.save();
    expect(account).toMatchObject({ platform: 'bluesky', platformUserId: user.did, handle: user.handle, displayName: 'Alice Example', status: 'connected' });
    expect(account.details).toEqual({ pds: 'https://bsky.social' });
    expect(account.avatar).toMatch(/^\/avatars\//);
    expect(h.core.avatar(account.id, null).headers['Content-Type']).toBe('image/png');
    expect(account.scopes).toEqual(['com.atproto.appPass']);
    expect(Date.parse(account.tokenExpiresAt!) - h.fake.now()).toBeGreaterThan(7000_000);
    expect(account.connectionExpiresAt).toBeNull();
    const stored = await h.stored(account.id);
    expect(stored.appPassword).toBe(user.appPasswords[0]);
    expect(stored.accessToken).toBeTruthy();
    expect(stored.refreshToken).toBeTruthy();
    await h.ok('accounts.refresh', { accountId: account.id });
    const said = JSON.stringify([await h.ok('accounts.list', {}), await h.ok('platforms.list', {}), h.transcript]);
    const fresh = await h.stored(account.id);
    await h.core.close();
    const folder = Buffer.concat(filesUnder(h.dataDir).map((f) => readFileSync(f)));
    for (const secret of [user.appPasswords[0]!, stored.accessToken!, stored.refreshToken!, fresh.accessToken!, fresh.refreshToken!]) {
      expect(said.includes(secret)).toBe(false);
      expect(folder.includes(secret)).toBe(false);
    }
  });

  it('refuses the main password with a sentence about app passwords, and deletes that session at the PDS', async () => {
    const h = await setup();
    const user = h.fake.users[0]!;
    const error = await h.error('appPassword.save', { platform: 'bluesky', values: { identifier: user.handle, appPassword: user.mainPassword } });
    expect(error.message).toMatch(/main password, not an app password/);
    expect(error.message).toMatch(/Settings → Privacy and security → App passwords/);
    expect(h.count('deleteSession')).toBe(1);
    expect(h.fake.liveGrants(user.did)).toBe(0);
    expect(await h.accountRows()).toBe(0);
  });

  it('refuses a password that is not shaped like an app password without sending it', async () => {
    const h = await setup();
    const error = await h.error('appPassword.test', { platform: 'bluesky', values: { identifier: 'bob.bsky.social', appPassword: 'bobs-main-password' } });
    expect(error.message).toMatch(/xxxx-xxxx-xxxx-xxxx/);
    expect(h.fake.requests).toEqual([]);
  });

  it('explains email 2FA: app passwords avoid the code', async () => {
    const h = await setup();
    const carol = h.fake.users[2]!;
    // Carol's main password is not app-password shaped; one that is still meets the PDS's 2FA answer.
    const error = await h.error('appPassword.test', { platform: 'bluesky', values: { identifier: carol.handle, appPassword: 'zzzz-yyyy-xxxx-wwww' } });
    expect(error.message).toMatch(/Invalid identifier or password/);
    const fake = h.fake;
    fake.users[2]!.mainPassword = 'carl-main-pass-2fa0';
    const twoFactor = await h.error('appPassword.test', { platform: 'bluesky', values: { identifier: carol.handle, appPassword: 'carl-main-pass-2fa0' } });
    expect(twoFactor.message).toMatch(/code sent by email/);
    expect(twoFactor.message).toMatch(/app passwords never ask for the email code/);
    expect(await h.ok('appPassword.test', { platform: 'bluesky', values: h.values(carol) })).toMatchObject({ handle: carol.handle });
  });

  it('says a wrong handle or app password is wrong, and an unreachable PDS is a network problem', async () => {
    const h = await setup();
    const wrong = await h.error('appPassword.test', { platform: 'bluesky', values: { identifier: 'alice.bsky.social', appPassword: 'zzzz-zzzz-zzzz-zzzz' } });
    expect(wrong.message).toMatch(/did not accept that handle and app password/);
    const unreachable = await h.error('appPassword.test', { platform: 'bluesky', values: h.values(undefined, { pds: 'https://127.0.0.1:1' }) });
    expect(unreachable.kind).toBe('network');
    expect(unreachable.message).toMatch(/Could not reach the Bluesky server at 127\.0\.0\.1:1/);
    const bad = await h.error('appPassword.test', { platform: 'bluesky', values: { identifier: '', appPassword: '', pds: 'ftp://x' } });
    expect(bad.message).toMatch(/handle/);
  });

  it('falls back to the profile record on a self-hosted PDS without an AppView', async () => {
    const h = await setup();
    h.fake.setAppView(false);
    const account = await h.ok('appPassword.save', { platform: 'bluesky', values: h.values(undefined, { pds: 'pds.example.com/' }) });
    expect(account).toMatchObject({ handle: 'alice.bsky.social', displayName: 'Alice Example', details: { pds: 'https://pds.example.com' } });
    expect(account.avatar).toMatch(/^\/avatars\//);
    expect(h.core.avatar(account.id, null).headers['Content-Type']).toBe('image/png');
    expect(h.count('getRecord')).toBe(1);
    expect(h.count('getSession')).toBeGreaterThanOrEqual(1);
  });

  it('refresh rotates: the new pair is stored and the old refresh JWT is dead at the fake', async () => {
    const h = await setup();
    const account = await h.save();
    const before = await h.stored(account.id);
    h.fake.advance(600);
    const after = await h.ok('accounts.refresh', { accountId: account.id });
    expect(after.status).toBe('connected');
    expect(Date.parse(after.tokenExpiresAt!)).toBeGreaterThan(Date.parse(account.tokenExpiresAt!));
    const stored = await h.stored(account.id);
    expect(stored.refreshToken).not.toBe(before.refreshToken);
    expect(stored.accessToken).not.toBe(before.accessToken);
    expect(h.fake.refreshTokenWorks(before.refreshToken!)).toBe(false);
    expect(h.fake.refreshTokenWorks(stored.refreshToken!)).toBe(true);
    expect(after.details).toEqual({ pds: 'https://bsky.social' });
    expect(await h.activityKinds(account.id)).toEqual(['connected', 'refreshed']);
  });

  it('20 concurrent refreshes make exactly one refreshSession request', async () => {
    const h = await setup();
    const account = await h.save();
    h.fake.clearRequests();
    const results = await Promise.all(Array.from({ length: 20 }, () => h.core.call('accounts.refresh', { accountId: account.id })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(h.count('refreshSession')).toBe(1);
    expect(h.count('createSession')).toBe(0);
  });

  it('an expired refresh JWT heals with the stored app password', async () => {
    const h = await setup();
    const user = h.fake.users[0]!;
    const account = await h.save();
    h.fake.expireRefreshTokens(user.did);
    h.fake.clearRequests();
    const after = await h.ok('accounts.refresh', { accountId: account.id });
    expect(after.status).toBe('connected');
    expect(h.fake.requests.map((r) => r.endpoint).filter((e) => e === 'refreshSession' || e === 'createSession')).toEqual(['refreshSession', 'createSession']);
    const stored = await h.stored(account.id);
    expect(h.fake.refreshTokenWorks(stored.refreshToken!)).toBe(true);
    expect(stored.appPassword).toBe(user.appPasswords[0]);
    // The history says what happened and why, not just "refreshed".
    expect((await h.activity(account.id)).at(-1)).toEqual({
      kind: 'refreshed',
      detail: 'signed in again with the app password: Bluesky no longer accepted the session (ExpiredToken: Token has expired)',
    });
  });

  it('a refresh JWT past its own exp is not sent: the app password logs in at once', async () => {
    const h = await setup();
    const account = await h.save();
    h.fake.advance(91 * 86400);
    h.fake.clearRequests();
    const after = await h.ok('accounts.refresh', { accountId: account.id });
    expect(after.status).toBe('connected');
    expect(h.count('refreshSession')).toBe(0);
    expect(h.count('createSession')).toBe(1);
    expect((await h.activity(account.id)).at(-1)).toEqual({ kind: 'refreshed', detail: 'signed in again with the app password: the session had expired' });
  });

  it('a deleted app password is the end: auth, expired, tokens untouched', async () => {
    const h = await setup();
    const user = h.fake.users[0]!;
    const account = await h.save();
    const before = await h.stored(account.id);
    h.fake.revokeAppPasswords(user.did);
    const error = await h.error('accounts.refresh', { accountId: account.id });
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/no longer accepts the app password/);
    expect(await h.stored(account.id)).toEqual(before);
    const [view] = await h.ok('accounts.list', {});
    expect(view!.status).toBe('expired');
  });

  it('disconnect deletes the session at the PDS and every secret', async () => {
    const h = await setup();
    const user = h.fake.users[0]!;
    const account = await h.save();
    const { refreshToken } = await h.stored(account.id);
    expect(h.fake.liveGrants(user.did)).toBe(1);
    const result = await h.ok('accounts.disconnect', { accountId: account.id });
    expect(result).toEqual({ accountId: account.id, revoked: true, revokeError: null, note: null });
    expect(h.count('deleteSession')).toBe(1);
    expect(h.fake.liveGrants(user.did)).toBe(0);
    expect(h.fake.refreshTokenWorks(refreshToken!)).toBe(false);
    expect(await h.secretRows(account.id)).toBe(0);
    expect(await h.ok('accounts.list', {})).toEqual([]);
  });

  it('disconnects locally even when the PDS fails, and says so', async () => {
    const h = await setup();
    const account = await h.save();
    h.fake.failNext('deleteSession', 'server_error');
    const result = await h.ok('accounts.disconnect', { accountId: account.id });
    expect(result.revoked).toBe(false);
    expect(result.revokeError).toMatch(/server error/);
    expect(await h.secretRows(account.id)).toBe(0);
  });

  it('a second save of the same DID renews in place', async () => {
    const h = await setup();
    const first = await h.save();
    const before = await h.stored(first.id);
    await h.save(h.fake.users[1]!);
    const again = await h.ok('appPassword.save', { platform: 'bluesky', values: h.values(undefined, { identifier: h.fake.users[0]!.email }) });
    expect(again.id).toBe(first.id);
    const accounts = await h.ok('accounts.list', {});
    expect(accounts).toHaveLength(2);
    expect(accounts.find((a) => a.id === first.id)!.avatar).toMatch(/^\/avatars\//);
    expect(h.core.avatar(first.id, null).headers['Content-Type']).toBe('image/png');
    expect(accounts.find((a) => a.platformUserId === h.fake.users[1]!.did)).toMatchObject({ displayName: 'bob.bsky.social', avatar: null });
    expect((await h.stored(first.id)).accessToken).not.toBe(before.accessToken);
    expect(await h.activityKinds(first.id)).toEqual(['connected', 'reconnected']);
  });

  it('a second save closes the session it replaces at the PDS, after the new one is stored', async () => {
    const h = await setup();
    const user = h.fake.users[0]!;
    const first = await h.save();
    const before = await h.stored(first.id);
    h.fake.clearRequests();
    const again = await h.save();
    expect(again.id).toBe(first.id);
    const stored = await h.stored(first.id);
    expect(h.fake.refreshTokenWorks(before.refreshToken!)).toBe(false);
    expect(h.fake.refreshTokenWorks(stored.refreshToken!)).toBe(true);
    expect(h.fake.liveGrants(user.did)).toBe(1);
    const endpoints = h.fake.requests.map((r) => r.endpoint);
    expect(endpoints.filter((e) => e === 'deleteSession')).toHaveLength(1);
    expect(endpoints.at(-1)).toBe('deleteSession');
  });

  it('a PDS that fails to close the replaced session does not fail the save', async () => {
    const h = await setup();
    const first = await h.save();
    h.fake.failNext('deleteSession', 'server_error');
    const again = await h.save();
    expect(again).toMatchObject({ id: first.id, status: 'connected' });
    expect(h.fake.refreshTokenWorks((await h.stored(first.id)).refreshToken!)).toBe(true);
  });

  it("a taken-down account says so with the platform's error name, and does not blame the app password", async () => {
    const h = await setup();
    const user = h.fake.users[0]!;
    const account = await h.save();
    const before = await h.stored(account.id);
    h.fake.takedown(user.did, true);
    h.fake.clearRequests();
    const error = await h.error('accounts.refresh', { accountId: account.id });
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/taken down by its server, bsky\.social \(AccountTakedown\)/);
    expect(error.message).toMatch(/Reconnecting will not help/);
    expect(error.message).toMatch(/moderat/);
    expect(error.message).not.toMatch(/app password/);
    // The app password is not tried: it would only fail like a wrong one.
    expect(h.count('createSession')).toBe(0);
    expect(await h.stored(account.id)).toEqual(before);
    const [view] = await h.ok('accounts.list', {});
    expect(view!.status).toBe('expired');
    expect(view!.lastError?.message).toBe(error.message);
  });

  it('a taken-down account whose session had expired: the failed sign-in is checked against the repo status', async () => {
    const h = await setup();
    const user = h.fake.users[0]!;
    h.fake.setAppView(false);
    const account = await h.ok('appPassword.save', { platform: 'bluesky', values: h.values(undefined, { pds: 'pds.example.com' }) });
    h.fake.takedown(user.did, true);
    h.fake.advance(91 * 86400);
    h.fake.clearRequests();
    const error = await h.error('accounts.refresh', { accountId: account.id });
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/taken down by its server, pds\.example\.com \(AccountTakedown\)/);
    expect(error.message).toMatch(/operator of pds\.example\.com/);
    expect(h.fake.requests.map((r) => r.endpoint)).toEqual(['createSession', 'getRepoStatus']);
  });

  it('a deleted app password is still told as one when the repo status cannot be read', async () => {
    const h = await setup();
    const account = await h.save();
    h.fake.revokeAppPasswords(h.fake.users[0]!.did);
    h.fake.failNext('getRepoStatus', 'server_error');
    const error = await h.error('accounts.refresh', { accountId: account.id });
    expect(error.message).toMatch(/no longer accepts the app password/);
  });

  it('a deactivated account is refused at Test and Connect with how to reactivate it, and nothing is kept', async () => {
    const h = await setup();
    const user = h.fake.users[0]!;
    h.fake.deactivate(user.did, true);
    for (const method of ['appPassword.test', 'appPassword.save'] as const) {
      const error = await h.error(method, { platform: 'bluesky', values: h.values() });
      expect(error.kind).toBe('auth');
      expect(error.message).toMatch(/deactivated/);
      expect(error.message).toMatch(/sign in to Bluesky and reactivate it/i);
    }
    expect(await h.accountRows()).toBe(0);
    expect(h.fake.liveGrants(user.did)).toBe(0);
  });

  it('an account deactivated after connecting turns red at renewal with how to reactivate it, and heals once reactivated', async () => {
    const h = await setup();
    const user = h.fake.users[0]!;
    const account = await h.save();
    h.fake.deactivate(user.did, true);
    const error = await h.error('accounts.refresh', { accountId: account.id });
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/deactivated/);
    expect(error.message).toMatch(/sign in to Bluesky and reactivate it/i);
    const [red] = await h.ok('accounts.list', {});
    expect(red!.status).toBe('expired');
    // The session the refresh produced is useless while deactivated: closed, not left open.
    expect(h.fake.liveGrants(user.did)).toBe(0);
    h.fake.deactivate(user.did, false);
    const healed = await h.ok('accounts.refresh', { accountId: account.id });
    expect(healed.status).toBe('connected');
    expect(h.fake.liveGrants(user.did)).toBe(1);
    expect((await h.activity(account.id)).at(-1)).toMatchObject({ kind: 'recovered', detail: expect.stringMatching(/^signed in again with the app password: /) });
  });

  it('an app password with direct-message access works, with a note that Plugboard does not need it', async () => {
    const h = await setup();
    const user = h.fake.users[0]!;
    const values = h.values(undefined, { appPassword: user.privilegedAppPasswords[0]! });
    const tested = await h.ok('appPassword.test', { platform: 'bluesky', values });
    expect(tested.notes.join(' ')).toMatch(/direct messages/);
    expect(tested.notes.join(' ')).toMatch(/Plugboard does not need/);
    const plain = await h.ok('appPassword.test', { platform: 'bluesky', values: h.values() });
    expect(plain.notes.join(' ')).not.toMatch(/direct messages/);
    const account = await h.ok('appPassword.save', { platform: 'bluesky', values });
    expect(account.scopes).toEqual(['com.atproto.appPassPrivileged']);
  });

  describe('every catalogue entry at refreshSession leaves the stored tokens untouched', () => {
    for (const kind of ERROR_KINDS) {
      it(`refreshSession answered with ${kind}`, async () => {
        const h = await setup();
        const account = await h.save();
        const before = await h.stored(account.id);
        h.fake.failNext('refreshSession', kind);
        // A refused refresh JWT heals with the app password; for the account to end, that must be refused too.
        if (kind === 'invalid_grant') h.fake.failNext('createSession', 'invalid_grant');
        const error = await h.error('accounts.refresh', { accountId: account.id });
        expect(error.code).toBe('platform');
        expect(error.kind).toBe(expectedKind(kind));
        expect(await h.stored(account.id)).toEqual(before);
        const [view] = await h.ok('accounts.list', {});
        // A rate limit is patience, not a fault (status.ts): the account stays connected, with the sentence.
        expect(view!.status).toBe(kind === 'invalid_grant' ? 'expired' : kind === 'rate_limited' ? 'connected' : 'offline');
        expect(view!.lastError?.message).toBeTruthy();
        if (kind === 'rate_limited') expect(h.count('createSession')).toBe(1);
      });
    }

    it('invalid_grant alone at refreshSession heals with the app password', async () => {
      const h = await setup();
      const account = await h.save();
      h.fake.failNext('refreshSession', 'invalid_grant');
      const after = await h.ok('accounts.refresh', { accountId: account.id });
      expect(after.status).toBe('connected');
      expect(h.count('createSession')).toBe(2);
    });
  });
});
