// openCore against the fake X over real HTTP, with a real SQLite file and vault:
// the doors and failure paths the connector kit (e2e/kit) does not walk through.
import { connect as tcpConnect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../fakes/free-port.ts';
import { startFakeX, type FakeX } from '../fakes/x.ts';
import type { ApiEvent, ApiError, MethodName, Params, RedirectKind, Results } from '../api/contract.ts';
import { openConfPrefs } from '../prefs/prefs.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { PassphraseKeyWrapper } from '../vault/passphrase-wrapper.ts';
import { systemClock, type Clock } from './clock.ts';
import { openCore } from './core.ts';
import { silentLogger } from './logger.ts';
import type { Core } from './types.ts';

const USER = '1500000000000000001';
const OTHER_USER = '1500000000000000002';
const CLIENT_ID = 'core-test-client';
const CLIENT_SECRET = 'core-test-secret-5b2e8f';
const PROTOCOL_REDIRECT = 'plugboard://oauth/callback/x';
// The real wrapper at a lower scrypt cost: every test opens at least one vault.
const wrapper = (passphrase = 'core-test-passphrase') => new PassphraseKeyWrapper(passphrase, { logN: 14 });

const cores: Core[] = [];
const fakes: FakeX[] = [];
afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.close().catch(() => {})));
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

/** Timers that fire only when the test says so; time itself is the fake's. */
function manualTimers(now: () => number): Clock & { fireAll(): void; pending(): number } {
  const timers: { fn: () => void; live: boolean }[] = [];
  return {
    now,
    setTimeout(fn) {
      const timer = { fn, live: true };
      timers.push(timer);
      return () => {
        timer.live = false;
      };
    },
    fireAll() {
      for (const t of timers.splice(0)) if (t.live) t.fn();
    },
    pending: () => timers.filter((t) => t.live).length,
  };
}

interface Options {
  door?: 'loopback' | 'protocol';
  /** The secret X knows; Plugboard saves CLIENT_SECRET. */
  secretAtX?: string;
  saveCredentials?: boolean;
  clock?: (fake: FakeX) => Clock;
  flowTimeoutMs?: number;
}

interface Harness {
  fake: FakeX;
  core: Core;
  dataDir: string;
  /** Loopback port registered at X (0 for the protocol door). */
  port: number;
  redirectUri: string;
  open(passphrase?: string): Promise<Core>;
}

async function setup(opts: Options = {}): Promise<Harness> {
  const fake = await startFakeX();
  fakes.push(fake);
  const dataDir = tempDir('plugboard-core-');
  const door = opts.door ?? 'loopback';
  const port = door === 'loopback' ? await freePort() : 0;
  const redirectUri = door === 'loopback' ? `http://127.0.0.1:${port}/callback/x` : PROTOCOL_REDIRECT;
  const prefs = openConfPrefs(dataDir);
  prefs.set('redirect', { x: door === 'loopback' ? { kind: 'loopback', port } : { kind: 'protocol' } });
  fake.registerApp({ clientId: CLIENT_ID, clientSecret: opts.secretAtX ?? CLIENT_SECRET, redirectUris: [redirectUri] });
  const redirectKinds: RedirectKind[] = door === 'protocol' ? ['loopback', 'protocol', 'manual'] : ['loopback', 'manual'];
  // The core shares the fake's clock, so tokens the fake issues are fresh in the core's eyes.
  const clock = opts.clock?.(fake) ?? { now: () => fake.now(), setTimeout: systemClock.setTimeout };
  const open = async (passphrase?: string) => {
    const core = await openCore({
      dataDir,
      keyWrapper: wrapper(passphrase),
      prefs,
      openExternal: null,
      redirectKinds,
      origins: fake.originMap(),
      clock,
      logger: silentLogger,
      httpTimeoutMs: 1500,
      flowTimeoutMs: opts.flowTimeoutMs,
    });
    cores.push(core);
    return core;
  };
  const core = await open();
  if (opts.saveCredentials ?? true) await ok(core, 'credentials.save', { platform: 'x', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  return { fake, core, dataDir, port, redirectUri, open };
}

async function ok<M extends MethodName>(core: Core, method: M, params: Params<M>): Promise<Results[M]> {
  const r = await core.call(method, params);
  if (!r.ok) throw new Error(`${method} failed: ${r.error.code}: ${r.error.message}`);
  return r.result as Results[M];
}

async function failure(core: Core, method: MethodName, params: unknown): Promise<ApiError> {
  const r = await core.call(method, params);
  if (r.ok) throw new Error(`${method} unexpectedly succeeded: ${JSON.stringify(r.result)}`);
  return r.error;
}

/** Where X sends the browser after consent, without the browser going there. */
async function landingUrl(authorizeUrl: string): Promise<string> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`the fake did not redirect (HTTP ${res.status}): ${await res.text()}`);
  return location;
}

/** Start a Connect and get X's answer (auto-approved for userId). */
async function authorize(h: Harness, userId = USER) {
  h.fake.autoApprove(userId);
  const start = await ok(h.core, 'connect.start', { platform: 'x' });
  return { start, landing: await landingUrl(start.authorizeUrl) };
}

/** A full Connect through the loopback listener, as the browser would do it. */
async function connectViaLoopback(h: Harness, userId = USER) {
  const { start, landing } = await authorize(h, userId);
  await (await fetch(landing)).text();
  return ok(h.core, 'connect.status', { flowId: start.flowId });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const tokenRequests = (fake: FakeX) => fake.requests.filter((r) => r.endpoint === 'token').length;

describe('the plugboard:// door', () => {
  it('connects with the callback URL the OS hands over', async () => {
    const h = await setup({ door: 'protocol' });
    const { start, landing } = await authorize(h);
    expect(start.redirectUri).toBe(PROTOCOL_REDIRECT);
    expect(new URL(start.authorizeUrl).searchParams.get('redirect_uri')).toBe(PROTOCOL_REDIRECT);
    expect(landing.startsWith(`${PROTOCOL_REDIRECT}?`)).toBe(true);

    await h.core.handleProtocolUrl(landing);
    const flow = await ok(h.core, 'connect.status', { flowId: start.flowId });
    expect(flow).toMatchObject({ state: 'connected', error: null, renewed: false });
    const accounts = await ok(h.core, 'accounts.list', {});
    expect(accounts.map((a) => [a.id, a.platformUserId, a.status])).toEqual([[flow.accountId, USER, 'connected']]);
  });

  it('ignores the same URL handed over again', async () => {
    const h = await setup({ door: 'protocol' });
    const { start, landing } = await authorize(h);
    await h.core.handleProtocolUrl(landing);
    const first = await ok(h.core, 'connect.status', { flowId: start.flowId });

    await expect(h.core.handleProtocolUrl(landing)).resolves.toMatchObject({ ok: false, title: 'Already used' });
    expect(await ok(h.core, 'connect.status', { flowId: start.flowId })).toEqual(first);
    expect(await ok(h.core, 'accounts.list', {})).toHaveLength(1);
    // The code was not sent to X a second time.
    expect(tokenRequests(h.fake)).toBe(1);
  });

  it('ignores malformed and foreign URLs without throwing, even when they carry the real code and state', async () => {
    const h = await setup({ door: 'protocol' });
    const { start, landing } = await authorize(h);
    const query = new URL(landing).search;
    for (const url of [
      'not a url',
      'plugboard://other/x',
      `plugboard://other/callback/x${query}`,
      `plugboard://oauth/elsewhere/x${query}`,
      `https://oauth/callback/x${query}`,
    ]) {
      await expect(h.core.handleProtocolUrl(url), url).resolves.toBeNull();
    }
    // A callback address of the wrong shape is answered, and changes nothing.
    for (const url of ['plugboard://oauth/callback/x', 'plugboard://oauth/callback/x?state=short&code=abc']) {
      await expect(h.core.handleProtocolUrl(url), url).resolves.toMatchObject({ ok: false, title: 'Not a sign-in address' });
    }
    expect((await ok(h.core, 'connect.status', { flowId: start.flowId })).state).toBe('waiting');
    expect(tokenRequests(h.fake)).toBe(0);
    expect(await ok(h.core, 'accounts.list', {})).toEqual([]);

    // The genuine callback still works afterwards: nothing above used up the flow.
    await h.core.handleProtocolUrl(landing);
    expect((await ok(h.core, 'connect.status', { flowId: start.flowId })).state).toBe('connected');
  });
});

describe('the manual door (a pasted address)', () => {
  it('finishes a Connect from the address the browser landed on, and releases the loopback port', async () => {
    const h = await setup();
    const { start, landing } = await authorize(h);
    expect(await canConnect(h.port)).toBe(true);
    const flow = await ok(h.core, 'connect.complete', { flowId: start.flowId, url: landing });
    expect(flow).toMatchObject({ flowId: start.flowId, state: 'connected', error: null });
    const accounts = await ok(h.core, 'accounts.list', {});
    expect(accounts.map((a) => a.id)).toEqual([flow.accountId]);
    await expect.poll(() => canConnect(h.port)).toBe(false);
  });

  it('refuses what is not a sign-in address with a sentence, and keeps waiting', async () => {
    const h = await setup();
    const { start, landing } = await authorize(h);

    const garbage = await failure(h.core, 'connect.complete', { flowId: start.flowId, url: 'not a url' });
    expect(garbage.code).toBe('bad_request');
    expect(garbage.message).toMatch(/^That is not a web address\. .+\.$/);

    const bare = await failure(h.core, 'connect.complete', { flowId: start.flowId, url: h.redirectUri });
    expect(bare.code).toBe('bad_request');
    expect(bare.message).toMatch(/state/);

    // The right state but no code is not a sign-in either.
    const state = new URL(landing).searchParams.get('state')!;
    const noCode = await failure(h.core, 'connect.complete', { flowId: start.flowId, url: `${h.redirectUri}?state=${state}` });
    expect(noCode.code).toBe('bad_request');
    expect(noCode.message).toMatch(/code/);

    expect((await ok(h.core, 'connect.status', { flowId: start.flowId })).state).toBe('waiting');
    expect(tokenRequests(h.fake)).toBe(0);
    expect((await ok(h.core, 'connect.complete', { flowId: start.flowId, url: landing })).state).toBe('connected');
  });
});

describe('flow lifetime', () => {
  it('times out when no answer comes back, says so, and releases the loopback port', async () => {
    let timers!: ReturnType<typeof manualTimers>;
    const h = await setup({
      clock: (fake) => (timers = manualTimers(() => fake.now())),
      flowTimeoutMs: 5 * 60_000,
    });
    const { start, landing } = await authorize(h);
    expect(await canConnect(h.port)).toBe(true);
    expect(timers.pending()).toBeGreaterThan(0);

    timers.fireAll();
    const flow = await ok(h.core, 'connect.status', { flowId: start.flowId });
    expect(flow.state).toBe('timed_out');
    expect(flow.error).toBe('No answer came back from X (Twitter) within 5 minutes. Click Connect to try again.');
    await expect.poll(() => canConnect(h.port)).toBe(false);

    // X's answer arriving late, pasted by hand, changes nothing.
    expect((await ok(h.core, 'connect.complete', { flowId: start.flowId, url: landing })).state).toBe('timed_out');
    expect(await ok(h.core, 'accounts.list', {})).toEqual([]);
  });

  it('a new Connect for the same platform cancels the one waiting', async () => {
    const h = await setup({ door: 'protocol' });
    const first = await ok(h.core, 'connect.start', { platform: 'x' });
    const second = await ok(h.core, 'connect.start', { platform: 'x' });
    expect(second.flowId).not.toBe(first.flowId);
    const old = await ok(h.core, 'connect.status', { flowId: first.flowId });
    expect(old.state).toBe('cancelled');
    expect(old.error).toMatch(/newer Connect/);
    expect((await ok(h.core, 'connect.status', { flowId: second.flowId })).state).toBe('waiting');
  });

  // Known bug, see the report: the fixed-port listener of the waiting flow is still
  // bound when the new Connect starts its own, so the new one fails with 'conflict'.
  it('a new Connect cancels the waiting one on the fixed loopback port too', async () => {
    const h = await setup();
    const first = await ok(h.core, 'connect.start', { platform: 'x' });
    const second = await ok(h.core, 'connect.start', { platform: 'x' });
    expect((await ok(h.core, 'connect.status', { flowId: first.flowId })).state).toBe('cancelled');
    expect((await ok(h.core, 'connect.status', { flowId: second.flowId })).state).toBe('waiting');
  });
});

describe('the vault', () => {
  it('refuses a wrong passphrase with a sentence and changes nothing', async () => {
    const h = await setup();
    const connected = await connectViaLoopback(h);
    expect(connected.state).toBe('connected');
    await h.core.close();

    await expect(h.open('not the passphrase')).rejects.toThrow('The passphrase does not unlock this data folder. Nothing was changed; try again with the right passphrase.');

    const reopened = await h.open();
    const accounts = await ok(reopened, 'accounts.list', {});
    expect(accounts.map((a) => a.id)).toEqual([connected.accountId]);
    // The tokens still open and still work at X: the refresh goes through.
    expect((await ok(reopened, 'accounts.refresh', { accountId: connected.accountId! })).status).toBe('connected');
    expect((await ok(reopened, 'platforms.list', {})).find((p) => p.id === 'x')!.credentials).toMatchObject({ saved: true, clientId: CLIENT_ID, hasSecret: true });
  });
});

describe('credentials', () => {
  it('Connect before any credentials are saved says to save them first', async () => {
    const h = await setup({ saveCredentials: false });
    const error = await failure(h.core, 'connect.start', { platform: 'x' });
    expect(error.code).toBe('not_configured');
    expect(error.message).toBe('Save the X (Twitter) client ID and secret on the Credentials tab first.');
    // Nothing was left listening for a sign-in that cannot happen.
    expect(await canConnect(h.port)).toBe(false);
  });

  it('refuses a client ID and secret for an app-password platform', async () => {
    const h = await setup();
    const error = await failure(h.core, 'credentials.save', { platform: 'bluesky', clientId: 'id', clientSecret: 'secret' });
    expect(error.code).toBe('bad_request');
    expect(error.message).toMatch(/Bluesky connects with an app password/);
    expect((await ok(h.core, 'platforms.list', {})).find((p) => p.id === 'bluesky')!.credentials.saved).toBe(false);
  });

  it('never shows the client secret', async () => {
    const h = await setup();
    const saved = await ok(h.core, 'credentials.save', { platform: 'x', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    const list = await ok(h.core, 'platforms.list', {});
    expect(list.find((p) => p.id === 'x')!.credentials).toMatchObject({ saved: true, clientId: CLIENT_ID, hasSecret: true });
    expect(JSON.stringify([saved, list])).not.toContain(CLIENT_SECRET);
  });

  it('a secret X does not know fails the Connect with the setup sentence', async () => {
    const h = await setup({ secretAtX: 'the-secret-x-actually-has' });
    const flow = await connectViaLoopback(h);
    expect(flow.state).toBe('failed');
    expect(flow.error).toMatch(/client ID and secret/);
    expect(flow.error).toMatch(/OAuth 1\.0a/);
    expect(await ok(h.core, 'accounts.list', {})).toEqual([]);
  });
});

describe('the user says no', () => {
  it("Cancel on X's consent page ends the Connect as cancelled, not failed, and the landing page says so calmly", async () => {
    const h = await setup();
    h.fake.autoDeny();
    const start = await ok(h.core, 'connect.start', { platform: 'x' });
    const page = await (await fetch(await landingUrl(start.authorizeUrl))).text();
    expect(page).toContain('You cancelled — nothing changed');
    // The browser host has no plugboard:// to go back through: the button closes the tab Plugboard opened.
    expect(page).toContain('id="back">Back to Plugboard</button>');
    const flow = await ok(h.core, 'connect.status', { flowId: start.flowId });
    expect(flow.state).toBe('cancelled');
    expect(flow.error).toBe('You declined the authorization on X (Twitter). Nothing was connected.');
    expect(await ok(h.core, 'accounts.list', {})).toEqual([]);
  });

  it('a refusal that is not the user\'s own still fails the Connect', async () => {
    const h = await setup();
    h.fake.autoApprove(USER);
    const start = await ok(h.core, 'connect.start', { platform: 'x' });
    const landing = new URL(await landingUrl(start.authorizeUrl));
    landing.searchParams.delete('code');
    landing.searchParams.set('error', 'invalid_scope');
    await (await fetch(landing)).text();
    expect((await ok(h.core, 'connect.status', { flowId: start.flowId })).state).toBe('failed');
  });
});

describe('events', () => {
  it('reports the flow waiting, exchanging, connected, and the accounts changing', async () => {
    const h = await setup();
    const events: ApiEvent[] = [];
    const unsubscribe = h.core.subscribe((e) => events.push(e));
    const flow = await connectViaLoopback(h);
    expect(flow.state).toBe('connected');

    const mine = events.filter((e) => e.type !== 'flow.changed' || e.flow.flowId === flow.flowId);
    const trail = mine.map((e) => (e.type === 'flow.changed' ? `flow:${e.flow.state}` : e.type));
    // The account is stored (and announced) before the flow says connected.
    expect(trail).toEqual(['flow:waiting', 'flow:exchanging', 'accounts.changed', 'flow:connected']);
    const last = mine.at(-1);
    expect(last?.type === 'flow.changed' && last.flow.accountId).toBe(flow.accountId);

    unsubscribe();
    await connectViaLoopback(h, OTHER_USER);
    expect(events).toHaveLength(mine.length);
  });
});
