// Against a REAL Bluesky PDS (@atproto/pds from npm, in-memory PLC, started by e2e/real/bluesky-pds.ts
// on 127.0.0.1, offline): first plain XRPC, no Plugboard code (what the server really answers, and
// so what src-main/fakes/bluesky.ts copies), then the Bluesky connector through the real core.
// Skips, saying why, only when the packages are not installed.
//
// What this cannot check against the real thing: the AppView (app.bsky.actor.getProfile and the
// cdn.bsky.app picture) — a PDS alone has none, so the connector's fallback (the profile record and
// its blob) is what runs here, and the AppView path is met only in the fake; the refresh JWT's
// 60–90-day expiry, which would need the server's clock moved; and bsky.social's entryway in front
// of its PDSes (whether it serves com.atproto.sync.getRepoStatus is unknown here: the connector
// treats any failure to ask as "not taken down").
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { solidPng } from '../../src-main/fakes/fake-server.ts';
import { createHttp } from '../../src-main/http/http.ts';
import { blueskyPublisher } from '../../src-main/publish/bluesky-publisher.ts';
import type { AccountRow } from '../../src-main/store/accounts.ts';
import { CoreHarness, harnessPool, kitDataDir, openKitCore, pictureType, type CoreFake } from '../kit/core-harness.ts';
import { blueskyPdsMissing, INSTALL_HINT, startBlueskyPds, type BlueskyPds, type PdsAccount, type PdsSession } from './bluesky-pds.ts';

const missing = blueskyPdsMissing();
if (missing.length) console.log(`[bluesky.real] SKIPPED: no real Bluesky PDS here, missing ${missing.join(', ')} — ${INSTALL_HINT}`);

/** The https address Plugboard is given; the origin map sends it to the PDS on loopback. */
const PDS_ORIGIN = 'https://pds.real.test';
const PDS_HOST = 'pds.real.test';
/** Each step is a few requests on loopback (a sign-in takes ≥ 350 ms by design); measured ≈ 1–3 s per test. */
const TEST_MS = 60_000;

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as { scope: string; exp: number };

describe.skipIf(missing.length > 0)('real Bluesky PDS (@atproto/pds)', () => {
  let pds: BlueskyPds;
  const t0 = performance.now();
  beforeAll(async () => {
    pds = await startBlueskyPds();
    console.log(`[bluesky.real] @atproto/pds ${pds.version} at ${pds.url}, started in ${pds.startupMs} ms`);
  }, 90_000);
  afterAll(async () => {
    await pds?.stop();
    console.log(`[bluesky.real] whole file took ${Math.round(performance.now() - t0)} ms`);
  }, 30_000);

  /** A fresh account with an app password (privileged: with direct-message access). */
  async function user(name: string, opts: { privileged?: boolean } = {}): Promise<PdsAccount & { appPassword: string }> {
    const account = await pds.createAccount(name);
    return { ...account, appPassword: await pds.createAppPassword(account, opts) };
  }

  async function session(identifier: string, password: string): Promise<PdsSession> {
    const r = await pds.createSession(identifier, password);
    expect(r.status).toBe(200);
    return r.body;
  }

  describe('plain XRPC, no Plugboard code', () => {
    test('app passwords: scope com.atproto.appPass, and com.atproto.appPassPrivileged with direct-message access', async () => {
      const plain = await user('scope');
      expect(claims((await session(plain.handle, plain.appPassword)).accessJwt).scope).toBe('com.atproto.appPass');
      const privileged = await pds.createAppPassword(plain, { privileged: true });
      expect(claims((await session(plain.handle, privileged)).accessJwt).scope).toBe('com.atproto.appPassPrivileged');
      expect(claims((await session(plain.handle, plain.password)).accessJwt).scope).toBe('com.atproto.access');
    }, TEST_MS);

    test('refreshSession rotates, but the previous refresh JWT still works for the 2-hour grace window (the fake refuses it at once)', async () => {
      const u = await user('grace');
      const s = await session(u.handle, u.appPassword);
      const first = await pds.post<PdsSession>('com.atproto.server.refreshSession', undefined, `Bearer ${s.refreshJwt}`);
      expect(first.status).toBe(200);
      expect(first.body.refreshJwt).not.toBe(s.refreshJwt);
      const again = await pds.post<PdsSession>('com.atproto.server.refreshSession', undefined, `Bearer ${s.refreshJwt}`);
      expect(again.status).toBe(200);
      // A deleted session is refused as ExpiredToken, "Token has been revoked".
      await pds.post('com.atproto.server.deleteSession', undefined, `Bearer ${again.body.refreshJwt}`);
      expect(await pds.post('com.atproto.server.refreshSession', undefined, `Bearer ${again.body.refreshJwt}`)).toEqual({ status: 400, body: { error: 'ExpiredToken', message: 'Token has been revoked' } });
    }, TEST_MS);

    test('without an AppView, getProfile says "No service configured"', async () => {
      const u = await user('noappview');
      const s = await session(u.handle, u.appPassword);
      const r = await pds.get<{ error: string; message: string }>('app.bsky.actor.getProfile', { actor: u.did }, `Bearer ${s.accessJwt}`);
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(/No service configured/);
    }, TEST_MS);

    test('taken down: refreshSession is 401 AccountTakedown, the app password fails like a wrong one, getRepoStatus says takendown', async () => {
      const u = await user('takedown');
      const s = await session(u.handle, u.appPassword);
      await pds.setTakedown(u.did, true);
      expect(await pds.post('com.atproto.server.refreshSession', undefined, `Bearer ${s.refreshJwt}`)).toEqual({ status: 401, body: { error: 'AccountTakedown', message: 'Account has been taken down' } });
      expect(await pds.createSession(u.handle, u.appPassword)).toEqual({ status: 401, body: { error: 'AuthenticationRequired', message: 'Invalid identifier or password' } });
      expect((await pds.createSession(u.handle, u.password)).body).toMatchObject({ error: 'AccountTakedown' });
      expect((await pds.get('com.atproto.sync.getRepoStatus', { did: u.did })).body).toEqual({ did: u.did, active: false, status: 'takendown' });
      // Lifting it leaves the earlier sessions revoked; the app password signs in again.
      await pds.setTakedown(u.did, false);
      expect((await pds.post('com.atproto.server.refreshSession', undefined, `Bearer ${s.refreshJwt}`)).status).toBe(400);
      expect((await pds.createSession(u.handle, u.appPassword)).status).toBe(200);
    }, TEST_MS);

    test('deactivated: createSession, refreshSession and getSession succeed with active: false, status: deactivated', async () => {
      const u = await user('deactivated');
      await pds.setDeactivated(u, true);
      const s = await session(u.handle, u.appPassword);
      expect([s.active, s.status]).toEqual([false, 'deactivated']);
      const refreshed = await pds.post<PdsSession>('com.atproto.server.refreshSession', undefined, `Bearer ${s.refreshJwt}`);
      expect([refreshed.body.active, refreshed.body.status]).toEqual([false, 'deactivated']);
      expect((await pds.get('com.atproto.server.getSession', {}, `Bearer ${refreshed.body.accessJwt}`)).body).toMatchObject({ active: false, status: 'deactivated' });
      expect((await pds.get('com.atproto.sync.getRepoStatus', { did: u.did })).body).toEqual({ did: u.did, active: false, status: 'deactivated' });
    }, TEST_MS);
  });

  describe('the Bluesky connector through the real core', () => {
    const harnesses = harnessPool<CoreHarness<CoreFake>>();
    afterEach(harnesses.closeAll);

    async function setup(): Promise<CoreHarness<CoreFake>> {
      // The PDS outlives each core: closing the harness must not stop it.
      const fake: CoreFake = { originMap: () => ({ [PDS_ORIGIN]: pds.url }), now: () => Date.now(), close: async () => {} };
      const dataDir = kitDataDir('bluesky-real');
      const core = await openKitCore({ fake, dataDir, httpTimeoutMs: 15_000 });
      return harnesses.track(new CoreHarness(fake, core, dataDir));
    }

    const values = (u: { handle: string; appPassword: string }, appPassword = u.appPassword) => ({ identifier: u.handle, appPassword, pds: PDS_ORIGIN });
    const save = (h: CoreHarness<CoreFake>, u: { handle: string; appPassword: string }) => h.ok('appPassword.save', { platform: 'bluesky', values: values(u) });
    const lastActivity = async (h: CoreHarness<CoreFake>, accountId: string) => (await h.ok('accounts.activity', { accountId }))[0];

    test('Test and Connect read the profile record and its picture (no AppView); the test closes its session', async () => {
      const h = await setup();
      const u = await user('alice');
      await pds.setProfile(u, 'Alice Real', solidPng(32, [30, 140, 90]));
      const tested = await h.ok('appPassword.test', { platform: 'bluesky', values: values(u) });
      expect(tested).toMatchObject({ handle: u.handle, displayName: 'Alice Real' });
      expect(tested.avatar).toMatch(/^data:image\/png;base64,/);
      expect(tested.notes).toContain(`Signed in on your own server, ${PDS_HOST}.`);
      expect(pds.openSessions(u.did)).toBe(0);
      const account = await save(h, u);
      expect(account).toMatchObject({ platformUserId: u.did, handle: u.handle, displayName: 'Alice Real', status: 'connected', scopes: ['com.atproto.appPass'], details: { pds: PDS_ORIGIN } });
      expect(pictureType(h.core, account)).toBe('image/png');
      expect(pds.openSessions(u.did)).toBe(1);
      const refreshed = await h.ok('accounts.refresh', { accountId: account.id });
      expect(refreshed.status).toBe('connected');
      expect(pds.openSessions(u.did)).toBe(1);
    }, TEST_MS);

    test('an app password with direct-message access connects, with a note that Plugboard does not need it', async () => {
      const h = await setup();
      const u = await user('dms', { privileged: true });
      const tested = await h.ok('appPassword.test', { platform: 'bluesky', values: values(u) });
      expect(tested.notes.join(' ')).toMatch(/direct messages, which Plugboard does not need/);
      expect((await save(h, u)).scopes).toEqual(['com.atproto.appPassPrivileged']);
    }, TEST_MS);

    test('saving a connected account again closes the session it replaces at the PDS', async () => {
      const h = await setup();
      const u = await user('resave');
      const first = await save(h, u);
      const old = await h.stored(first.id);
      const again = await save(h, u);
      expect(again.id).toBe(first.id);
      expect(pds.openSessions(u.did)).toBe(1);
      expect((await pds.post('com.atproto.server.refreshSession', undefined, `Bearer ${old.refreshToken}`)).body).toMatchObject({ error: 'ExpiredToken' });
      expect((await pds.post('com.atproto.server.refreshSession', undefined, `Bearer ${(await h.stored(first.id)).refreshToken}`)).status).toBe(200);
    }, TEST_MS);

    test('a session the PDS no longer accepts: signs in again with the app password and says so in the history', async () => {
      const h = await setup();
      const u = await user('signin');
      const account = await save(h, u);
      await pds.post('com.atproto.server.deleteSession', undefined, `Bearer ${(await h.stored(account.id)).refreshToken}`);
      const after = await h.ok('accounts.refresh', { accountId: account.id });
      expect(after.status).toBe('connected');
      expect(await lastActivity(h, account.id)).toMatchObject({
        kind: 'refreshed',
        detail: 'signed in again with the app password: Bluesky no longer accepted the session (ExpiredToken: Token has been revoked)',
      });
      expect(pds.openSessions(u.did)).toBe(1);
    }, TEST_MS);

    test('taken down: red with the platform’s error name and who to contact; heals once the takedown is lifted', async () => {
      const h = await setup();
      const u = await user('moderated');
      const account = await save(h, u);
      const before = await h.stored(account.id);
      await pds.setTakedown(u.did, true);
      const error = await h.error('accounts.refresh', { accountId: account.id });
      expect(error.kind).toBe('auth');
      expect(error.message).toMatch(/taken down by its server, pds\.real\.test \(AccountTakedown\)/);
      expect(error.message).toMatch(/Reconnecting will not help: contact the operator of pds\.real\.test/);
      expect(error.message).not.toMatch(/app password/);
      expect(await h.stored(account.id)).toEqual(before);
      expect((await h.ok('accounts.list', {}))[0]!.status).toBe('expired');
      await pds.setTakedown(u.did, false);
      const healed = await h.ok('accounts.refresh', { accountId: account.id });
      expect(healed.status).toBe('connected');
      expect(await lastActivity(h, account.id)).toMatchObject({ kind: 'recovered', detail: expect.stringMatching(/^signed in again with the app password: /) });
    }, TEST_MS);

    test('taken down after the session was lost: the failed sign-in is not blamed on the app password', async () => {
      const h = await setup();
      const u = await user('lost');
      const account = await save(h, u);
      await pds.post('com.atproto.server.deleteSession', undefined, `Bearer ${(await h.stored(account.id)).refreshToken}`);
      await pds.setTakedown(u.did, true);
      const error = await h.error('accounts.refresh', { accountId: account.id });
      expect(error.message).toMatch(/\(AccountTakedown\)/);
      expect(error.message).not.toMatch(/app password/);
    }, TEST_MS);

    test('deactivated: Test and Connect say to reactivate it and keep nothing', async () => {
      const h = await setup();
      const u = await user('asleep');
      await pds.setDeactivated(u, true);
      for (const method of ['appPassword.test', 'appPassword.save'] as const) {
        const error = await h.error(method, { platform: 'bluesky', values: values(u) });
        expect(error.message).toMatch(/deactivated.*Sign in to Bluesky and reactivate it/);
      }
      expect(await h.accountRows()).toBe(0);
      expect(pds.openSessions(u.did)).toBe(0);
    }, TEST_MS);

    test('deactivated after connecting: red at renewal with how to reactivate; green again once reactivated', async () => {
      const h = await setup();
      const u = await user('paused');
      const account = await save(h, u);
      await pds.setDeactivated(u, true);
      const error = await h.error('accounts.refresh', { accountId: account.id });
      expect(error.kind).toBe('auth');
      expect(error.message).toMatch(/deactivated.*Sign in to Bluesky and reactivate it, then refresh it here/);
      expect((await h.ok('accounts.list', {}))[0]!.status).toBe('expired');
      expect(pds.openSessions(u.did)).toBe(0);
      await pds.setDeactivated(u, false);
      expect((await h.ok('accounts.refresh', { accountId: account.id })).status).toBe('connected');
      expect(pds.openSessions(u.did)).toBe(1);
    }, TEST_MS);

    test('publishes a post with its link facet, at its bsky.app address; a record over 300 graphemes is refused in the words the fake copies', async () => {
      const h = await setup();
      const u = await user('poster');
      const account = await save(h, u);
      const post = await h.ok('posts.publish', { text: 'Café ☕ https://example.com/a', link: 'https://example.com/b', accountIds: [account.id] });
      const [result] = post.results;
      expect(result).toMatchObject({ outcome: 'posted', url: expect.stringMatching(new RegExp(`^https://bsky\\.app/profile/${u.handle.replace(/\./g, '\\.')}/post/[a-z2-7]{13}$`)) });
      const rkey = result!.url!.split('/').at(-1)!;
      const stored = await pds.get<{ value: { text: string; facets: { index: { byteStart: number; byteEnd: number } }[] } }>('com.atproto.repo.getRecord', { repo: u.did, collection: 'app.bsky.feed.post', rkey });
      expect(stored.status).toBe(200);
      const bytes = Buffer.from(stored.body.value.text, 'utf8');
      expect(stored.body.value.facets.map((f) => bytes.subarray(f.index.byteStart, f.index.byteEnd).toString('utf8'))).toEqual(['https://example.com/a', 'https://example.com/b']);

      // The publisher alone, past the core's own check: what the PDS says of a text over its limit.
      const row = { id: account.id, platform: 'bluesky', platform_user_id: u.did, handle: u.handle, details: JSON.stringify({ pds: PDS_ORIGIN }) } as AccountRow;
      const http = createHttp({ origins: { [PDS_ORIGIN]: pds.url }, logger: { info() {}, warn() {}, error() {} } });
      const credentials = { accessToken: (await h.stored(account.id)).accessToken, appPassword: null };
      const refusal = (text: string) => blueskyPublisher.publish({ http, account: row, credentials }, { text, link: null, draft: false }).catch((e: Error) => e.message);
      expect(await refusal('c'.repeat(301))).toBe('Bluesky refused the post: InvalidRequest: Invalid app.bsky.feed.post record: grapheme too big (maximum 300, got 301) at $.record.text.');
      expect(await refusal('👨‍👩‍👧‍👦'.repeat(150))).toBe('Bluesky refused the post: InvalidRequest: Invalid app.bsky.feed.post record: string too big (maximum 3000, got 3750) at $.record.text.');
    }, TEST_MS);

    test('disconnect deletes the session at the PDS', async () => {
      const h = await setup();
      const u = await user('leaving');
      const account = await save(h, u);
      expect(await h.ok('accounts.disconnect', { accountId: account.id })).toMatchObject({ revoked: true, revokeError: null });
      expect(pds.openSessions(u.did)).toBe(0);
    }, TEST_MS);
  });
});
