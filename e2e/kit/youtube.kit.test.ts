import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodName, Params, Results } from '../../src-main/api/contract.ts';
import { youtube } from '../../src-main/connectors/youtube.ts';
import { systemClock } from '../../src-main/core/clock.ts';
import { openCore } from '../../src-main/core/core.ts';
import { silentLogger } from '../../src-main/core/logger.ts';
import type { Core } from '../../src-main/core/types.ts';
import { createHttp } from '../../src-main/http/http.ts';
import { openConfPrefs } from '../../src-main/prefs/prefs.ts';
import { PassphraseKeyWrapper } from '../../src-main/vault/passphrase-wrapper.ts';
import { connectorKit } from './connector-kit.ts';
import {
  GOOGLE_USER_BROKEN_THUMBNAIL,
  GOOGLE_USER_NO_CHANNEL,
  GOOGLE_USER_ONE_CHANNEL,
  GOOGLE_USER_TWO_CHANNELS,
  seedChannelIds,
  startFakeGoogle,
  type FakeGoogle,
} from '../../src-main/fakes/google.ts';

/** The channel the kit connects for a Google user: the first one (the two-channel user picks it from the list). */
function firstChannelOf(userId: string): string {
  const id = seedChannelIds(userId)[0];
  if (!id) throw new Error(`fake Google user ${userId} has no channel`);
  return id;
}

connectorKit({
  platform: 'youtube',
  start: () => startFakeGoogle(),
  registerApp: (fake, app) => (fake as FakeGoogle).registerApp({ ...app, type: 'desktop' }),
  // users[0] has one channel: the kit's wrong-state test completes a flow by hand and expects it connected
  // without a choice; users[1] has two, so every h.connect of it goes through 'choosing' and choose().
  users: [GOOGLE_USER_ONE_CHANNEL, GOOGLE_USER_TWO_CHANNELS],
  userWithoutAvatar: GOOGLE_USER_BROKEN_THUMBNAIL,
  endpoints: { token: 'token', refresh: 'refresh', profile: 'channels', revoke: 'revoke' },
  choose: (choices, userId) => {
    const wanted = firstChannelOf(userId);
    expect(choices.map((c) => c.platformUserId)).toContain(wanted);
    return [wanted];
  },
  accountIdOf: (userId) => firstChannelOf(userId),
  async refreshTokenWorks(fake, app, refreshToken) {
    const res = await fetch(`${fake.origin}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: app.clientId, client_secret: app.clientSecret! }),
    });
    return res.ok;
  },
});

// ---- YouTube-specific behaviour, through the real core against the fake ----

const PASSPHRASE = 'kit-passphrase';

interface Opened {
  fake: FakeGoogle;
  core: Core;
  dataDir: string;
  ok<M extends MethodName>(method: M, params: Params<M>): Promise<Results[M]>;
  /** Signs in as the user; picks `channels` when the login offers several. */
  connect(userId: string, channels?: string[]): Promise<Results['connect.status']>;
}

const opened: Opened[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.core.close().catch(() => {});
    await o.fake.close();
    rmSync(o.dataDir, { recursive: true, force: true });
  }
});

/** A core opened the way the kit opens one: real SQLite, real vault, the fake's clock and origins. */
async function open(): Promise<Opened> {
  const fake = await startFakeGoogle();
  const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-youtube-'));
  const prefs = openConfPrefs(dataDir);
  fake.registerApp({ clientId: 'yt-client.apps.googleusercontent.com', clientSecret: 'GOCSPX-yt-secret', redirectUris: ['http://127.0.0.1/callback/youtube'], type: 'desktop' });
  const core = await openCore({
    dataDir,
    keyWrapper: new PassphraseKeyWrapper(PASSPHRASE, { logN: 14 }),
    prefs,
    openExternal: null,
    redirectKinds: ['loopback', 'manual'],
    origins: fake.originMap(),
    clock: { now: () => fake.now(), setTimeout: systemClock.setTimeout },
    httpTimeoutMs: 1500,
  });
  const ok = async <M extends MethodName>(method: M, params: Params<M>): Promise<Results[M]> => {
    const r = await core.call(method, params);
    if (!r.ok) throw new Error(`${method} failed: ${r.error.code}: ${r.error.message}`);
    return r.result as Results[M];
  };
  const o: Opened = {
    fake,
    core,
    dataDir,
    ok,
    async connect(userId, channels) {
      fake.autoApprove(userId);
      const start = await ok('connect.start', { platform: 'youtube' });
      const res = await fetch(start.authorizeUrl, { redirect: 'manual' });
      const landing = res.headers.get('location');
      if (res.status !== 302 || !landing) throw new Error(`the fake did not redirect (HTTP ${res.status}): ${await res.text()}`);
      await (await fetch(landing)).text();
      let flow = await ok('connect.status', { flowId: start.flowId });
      if (flow.state === 'choosing') flow = await ok('connect.choose', { flowId: start.flowId, platformUserIds: channels ?? [flow.choices![0]!.platformUserId] });
      return flow;
    },
  };
  opened.push(o);
  await ok('credentials.save', { platform: 'youtube', clientId: 'yt-client.apps.googleusercontent.com', clientSecret: 'GOCSPX-yt-secret' });
  return o;
}

describe('YouTube specifics', () => {
  it('an account that dies in Testing mode says why (publish the app)', async () => {
    const o = await open();
    o.fake.setTestingMode(true);
    const flow = await o.connect(GOOGLE_USER_ONE_CHANNEL);
    expect(flow.state).toBe('connected');
    // Renewals keep working for the first week…
    o.fake.advance(3 * 24 * 3600);
    await o.ok('accounts.refresh', { accountId: flow.accountId! });
    // …and on day 8 Google says "Token has been expired or revoked."
    o.fake.advance(5 * 24 * 3600);
    const refused = await o.core.call('accounts.refresh', { accountId: flow.accountId! });
    expect(refused).toMatchObject({ ok: false, error: { code: 'platform', kind: 'auth' } });
    const [account] = await o.ok('accounts.list', {});
    expect(account!.status).toBe('expired');
    expect(account!.lastError?.kind).toBe('auth');
    expect(account!.lastError?.message).toMatch(/Testing mode/);
    expect(account!.lastError?.message).toMatch(/7 days/);
    expect(account!.lastError?.message).toMatch(/In production/);
  });

  it('connects both channels of a two-channel login as two accounts sharing its tokens, and keeps each its own channel on renewal', async () => {
    const o = await open();
    const [a, b] = o.fake.users.find((u) => u.id === GOOGLE_USER_TWO_CHANNELS)!.channels;
    const flow = await o.connect(GOOGLE_USER_TWO_CHANNELS, [a!.id, b!.id]);
    expect(flow.state).toBe('connected');
    const accounts = await o.ok('accounts.list', {});
    expect(accounts.map((x) => [x.platformUserId, x.handle, x.displayName]).sort()).toEqual([
      [a!.id, 'anacooks', 'Ana Cooks'],
      [b!.id, 'anatravels', 'Ana Travels'],
    ]);
    const second = accounts.find((x) => x.platformUserId === b!.id)!;
    o.fake.advance(3000);
    const after = await o.ok('accounts.refresh', { accountId: second.id });
    expect(after.platformUserId).toBe(b!.id);
    expect(after.displayName).toBe('Ana Travels');
  });

  it('disconnecting one channel of a login does not revoke the grant the other channel still uses', async () => {
    const o = await open();
    const [a, b] = o.fake.users.find((u) => u.id === GOOGLE_USER_TWO_CHANNELS)!.channels;
    await o.connect(GOOGLE_USER_TWO_CHANNELS, [a!.id, b!.id]);
    const accounts = await o.ok('accounts.list', {});
    const first = accounts.find((x) => x.platformUserId === a!.id)!;
    const second = accounts.find((x) => x.platformUserId === b!.id)!;
    const result = await o.ok('accounts.disconnect', { accountId: first.id });
    expect(result.revoked).toBe(false);
    expect(result.revokeError).toBeNull();
    expect(result.note).toMatch(/@anatravels was connected in the same sign-in/);
    expect(o.fake.liveGrants(GOOGLE_USER_TWO_CHANNELS)).toBeGreaterThan(0);
    o.fake.advance(3000);
    expect((await o.ok('accounts.refresh', { accountId: second.id })).status).toBe('connected');
    // The last one holding the grant revokes it.
    expect((await o.ok('accounts.disconnect', { accountId: second.id })).revoked).toBe(true);
    expect(o.fake.liveGrants(GOOGLE_USER_TWO_CHANNELS)).toBe(0);
  });

  it('a Google account without a channel fails with a sentence that says to create one', async () => {
    const o = await open();
    const flow = await o.connect(GOOGLE_USER_NO_CHANNEL);
    expect(flow.state).toBe('failed');
    expect(flow.error).toMatch(/no YouTube channel/);
    expect(flow.error).toMatch(/youtube\.com/);
    expect(await o.ok('accounts.list', {})).toEqual([]);
  });

  it('a channel without a handle is shown by its title', async () => {
    const o = await open();
    const flow = await o.connect(GOOGLE_USER_BROKEN_THUMBNAIL);
    expect(flow.state).toBe('connected');
    const [account] = await o.ok('accounts.list', {});
    expect(account!.handle).toBe('Dev Diaries');
    expect(account!.avatar).toBeNull();
  });
});

describe('YouTube connector replies', () => {
  const http = createHttp({ logger: silentLogger, timeoutMs: 1500, fetchImpl: async (input) => replies.shift()!(String(input)) });
  let replies: ((url: string) => Response)[] = [];
  const ctx = { http, credentials: { clientId: 'c', clientSecret: 's' } };
  const googleJson = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=UTF-8' } });

  it('asks for the signed-in user\'s channels with the snippet part', async () => {
    let asked = '';
    replies = [(url) => ((asked = url), googleJson(200, { kind: 'youtube#channelListResponse', pageInfo: { totalResults: 0 } }))];
    expect(await youtube.listIdentities!(ctx, 'ya29.t')).toEqual([]);
    const u = new URL(asked);
    expect(u.origin + u.pathname).toBe('https://www.googleapis.com/youtube/v3/channels');
    expect(u.searchParams.get('part')).toBe('snippet');
    expect(u.searchParams.get('mine')).toBe('true');
  });

  it('403 quotaExceeded is a rate limit until midnight Pacific, not a dead account', async () => {
    replies = [
      () =>
        googleJson(403, {
          error: {
            code: 403,
            message: 'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.',
            errors: [{ message: 'quota', domain: 'youtube.quota', reason: 'quotaExceeded' }],
          },
        }),
    ];
    const err = await youtube.listIdentities!(ctx, 'ya29.t').catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'rate_limited', status: 403 });
    expect((err as Error).message).toMatch(/quota/);
    const retryAt = (err as { retryAt: number }).retryAt;
    expect(retryAt).toBeGreaterThan(Date.now());
    expect(retryAt - Date.now()).toBeLessThanOrEqual(25 * 3600_000);
  });

  it('401 UNAUTHENTICATED is auth; 403 accessNotConfigured is setup; other 403s are auth', async () => {
    replies = [
      () => googleJson(401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } }),
      () => googleJson(403, { error: { code: 403, message: 'YouTube Data API v3 has not been used in project 1 before or it is disabled.', errors: [{ reason: 'accessNotConfigured' }], status: 'PERMISSION_DENIED' } }),
      () => googleJson(403, { error: { code: 403, message: 'Request had insufficient authentication scopes.', errors: [{ reason: 'insufficientPermissions' }], status: 'PERMISSION_DENIED' } }),
    ];
    await expect(youtube.listIdentities!(ctx, 'ya29.t')).rejects.toMatchObject({ kind: 'auth', status: 401 });
    await expect(youtube.listIdentities!(ctx, 'ya29.t')).rejects.toMatchObject({ kind: 'setup', message: expect.stringMatching(/YouTube Data API v3/) });
    await expect(youtube.listIdentities!(ctx, 'ya29.t')).rejects.toMatchObject({ kind: 'auth', status: 403 });
  });

  it('describes Google\'s token errors', () => {
    const dead = youtube.describeTokenError!('invalid_grant', 'Token has been expired or revoked.', 400)!;
    expect(dead.kind).toBe('auth');
    expect(dead.message).toMatch(/Testing mode loses its refresh tokens after 7 days/);
    expect(youtube.describeTokenError!('invalid_client', 'Unauthorized', 401)?.kind).toBe('setup');
    expect(youtube.describeTokenError!('redirect_uri_mismatch', 'Bad Request', 400)?.message).toMatch(/Desktop app/);
  });
});
