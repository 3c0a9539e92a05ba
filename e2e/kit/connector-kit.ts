// The connector test kit: one suite every OAuth connector runs against its fake
// platform, over real HTTP, through the real core (real SQLite file, real vault,
// real loopback listener). Only the platform is fake.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { FlowChoice, MethodName, Params, PlatformId, Results } from '../../src-main/api/contract.ts';
import { providerDecl } from '../../src-main/connectors/providers.ts';
import { relayFileName } from '../../src-main/oauth/relay-page.ts';
import type { Core } from '../../src-main/core/types.ts';
import { openConfPrefs } from '../../src-main/prefs/prefs.ts';
import { DB_FILE } from '../../src-main/store/db.ts';
import { Secrets } from '../../src-main/vault/secrets.ts';
import { Vault } from '../../src-main/vault/vault.ts';
import { ERROR_KINDS, type FailureKind, type FakeOAuthPlatform } from '../../src-main/fakes/fake-server.ts';
import { freePort } from '../../src-main/fakes/free-port.ts';
import { kitDataDir, kitWrapper, openKitCore, pictureType } from './core-harness.ts';

export interface KitApp {
  clientId: string;
  clientSecret: string | null;
  redirectUris: string[];
}

export interface KitSpec<E extends string> {
  platform: PlatformId;
  /** Names a second run of the kit for one platform (e.g. LinkedIn with programmatic refresh). */
  label?: string;
  start(): Promise<FakeOAuthPlatform<E>>;
  registerApp(fake: FakeOAuthPlatform<E>, app: KitApp): void;
  /** Two distinct test users of the fake; the first has an avatar. */
  users: [string, string];
  /** A user whose avatar cannot be loaded (the pill shows the initial), if the fake has one. */
  userWithoutAvatar?: string;
  /** The fake's names for its endpoints; no `refresh` where nothing renews (Facebook Pages), no `revoke` where the platform has none. */
  endpoints: { token: E; refresh?: E; profile: E; revoke?: E };
  /** How long after connecting a renewal is accepted (Instagram and Threads extend a token only once it is a day old). Default 600. */
  renewAfterSec?: number;
  /** false where connecting again hands out the same token (Facebook Page tokens). Default true. */
  tokensChangeOnReconnect?: boolean;
  /** Where a login offers several identities (F4): which to pick for this test user (default: the first usable). */
  choose?(choices: FlowChoice[], userId: string): string[];
  /** The platform user id the kit should expect for a test user's account (default: the user id itself). */
  accountIdOf?(userId: string): string;
  /**
   * How the browser comes back (default: loopback where the platform takes it, else https-relay). With
   * https-relay the landing address is the user's relay page, which hands the query to plugboard://.
   */
  redirect?: 'loopback' | 'https-relay';
  /** Rotating platforms: calls the fake's token endpoint with a refresh token, as the platform would be called; true if accepted. */
  refreshTokenWorks?(fake: FakeOAuthPlatform<E>, app: KitApp, refreshToken: string): Promise<boolean>;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** The user's own HTTPS page in kit runs of HTTPS-only platforms; nothing is served there. */
const RELAY_ORIGIN = 'https://relay.example';

function kitRedirect(spec: KitSpec<string>): 'loopback' | 'https-relay' {
  return spec.redirect ?? (providerDecl(spec.platform).oauth?.redirect.kinds.includes('loopback') ? 'loopback' : 'https-relay');
}

export function connectorKit<E extends string>(spec: KitSpec<E>): void {
  const decl = providerDecl(spec.platform);
  const harnesses: Harness<E>[] = [];
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.close()));
  });

  async function setup(): Promise<Harness<E>> {
    const h = await Harness.open(spec);
    harnesses.push(h);
    return h;
  }

  describe(`${decl.name} connector kit${spec.label ? ` (${spec.label})` : ''}`, () => {
    it('connects an account with its profile, avatar, scopes and expiry, green', async () => {
      const h = await setup();
      const { flow, page } = await h.connect(spec.users[0]);
      expect(flow.state).toBe('connected');
      expect(page).toMatch(/close this tab/i);
      const [account] = await h.ok('accounts.list', {});
      expect(account!.id).toBe(flow.accountId);
      expect(account!.platform).toBe(spec.platform);
      expect(account!.platformUserId).toBe(spec.accountIdOf?.(spec.users[0]) ?? spec.users[0]);
      expect(account!.handle).not.toBe('');
      expect(account!.avatar).toMatch(/^\/avatars\/[^?]+\?v=/);
      expect(pictureType(h.core, account!)).toMatch(/^image\/(png|jpeg|gif|webp)$/);
      expect(account!.status).toBe('connected');
      expect(account!.scopes.length).toBeGreaterThan(0);
      // Facebook Page tokens do not expire: null, not a made-up date.
      if (decl.accessTokenLifetimeSec === null) expect(account!.tokenExpiresAt).toBeNull();
      else expect(Date.parse(account!.tokenExpiresAt!) - h.fake.now()).toBeGreaterThan(60_000);
      const tokens = h.storedTokens(account!.id);
      expect(tokens.accessToken).toBeTruthy();
      if (decl.renewal === 'rotating-refresh' || decl.renewal === 'refresh') expect(tokens.refreshToken).toBeTruthy();
    });

    if (spec.userWithoutAvatar) {
      it('falls back to no avatar (the initial) when the picture cannot be loaded', async () => {
        const h = await setup();
        await h.connect(spec.userWithoutAvatar!);
        const [account] = await h.ok('accounts.list', {});
        expect(account!.avatar).toBeNull();
      });
    }

    it('adds a second account, and renews an account connected again in place', async () => {
      const h = await setup();
      const first = await h.connect(spec.users[0]);
      await h.connect(spec.users[1]);
      expect(await h.ok('accounts.list', {})).toHaveLength(2);
      const oldTokens = h.storedTokens(first.flow.accountId!);
      const again = await h.connect(spec.users[0]);
      expect(again.flow.renewed).toBe(true);
      expect(again.flow.accountId).toBe(first.flow.accountId);
      const accounts = await h.ok('accounts.list', {});
      expect(accounts).toHaveLength(2);
      if (spec.tokensChangeOnReconnect !== false) expect(h.storedTokens(first.flow.accountId!).accessToken).not.toBe(oldTokens.accessToken);
      expect(h.activityKinds(first.flow.accountId!)).toEqual(['connected', 'reconnected']);
    });

    const renews = spec.endpoints.refresh !== undefined;
    // Where nothing renews (Facebook Pages, LinkedIn without refresh tokens) the renewal tests do not apply at all.
    if (renews) it('refreshes the token; a rotated refresh token replaces the old one', async () => {
      const h = await setup();
      const { flow } = await h.connect(spec.users[0]);
      const before = h.storedTokens(flow.accountId!);
      const [beforeView] = await h.ok('accounts.list', {});
      h.fake.advance(spec.renewAfterSec ?? 600);
      const after = await h.ok('accounts.refresh', { accountId: flow.accountId! });
      expect(after.status).toBe('connected');
      expect(Date.parse(after.tokenExpiresAt!)).toBeGreaterThan(Date.parse(beforeView!.tokenExpiresAt!));
      const stored = h.storedTokens(flow.accountId!);
      // A long-lived token may come back as the same string with a later expiry.
      if (decl.renewal !== 'long-lived-extension') expect(stored.accessToken).not.toBe(before.accessToken);
      if (decl.renewal === 'rotating-refresh') {
        expect(stored.refreshToken).not.toBe(before.refreshToken);
        expect(await spec.refreshTokenWorks!(h.fake, h.app, before.refreshToken!)).toBe(false);
      }
      expect(h.activityKinds(flow.accountId!)).toContain('refreshed');
    });

    if (renews) it('makes one platform request for concurrent refreshes of one account', async () => {
      const h = await setup();
      const { flow } = await h.connect(spec.users[0]);
      h.fake.advance(spec.renewAfterSec ?? 0);
      h.fake.clearRequests();
      const results = await Promise.all([1, 2, 3].map(() => h.core.call('accounts.refresh', { accountId: flow.accountId! })));
      expect(results.every((r) => r.ok)).toBe(true);
      expect(h.fake.requests.filter((r) => r.endpoint === spec.endpoints.refresh)).toHaveLength(1);
    });

    it(`disconnects: deletes the secrets at once${spec.endpoints.revoke ? ' and revokes at the platform' : ' (the platform has no revoke endpoint)'}`, async () => {
      const h = await setup();
      const { flow } = await h.connect(spec.users[0]);
      expect(h.fake.liveGrants(spec.users[0])).toBeGreaterThan(0);
      const result = await h.ok('accounts.disconnect', { accountId: flow.accountId! });
      expect(result).toMatchObject({ accountId: flow.accountId, revoked: Boolean(spec.endpoints.revoke), revokeError: null });
      // Without a revoke endpoint the user is told how to end access at the platform instead.
      expect(result.note === null).toBe(Boolean(spec.endpoints.revoke));
      expect(h.fake.liveGrants(spec.users[0])).toBe(spec.endpoints.revoke ? 0 : 1);
      expect(await h.ok('accounts.list', {})).toEqual([]);
      expect(h.secretRows(flow.accountId!)).toBe(0);
    });

    it.skipIf(!spec.endpoints.revoke)('disconnects locally even when revoking fails, and says so', async () => {
      const h = await setup();
      const { flow } = await h.connect(spec.users[0]);
      h.fake.failNext(spec.endpoints.revoke!, 'server_error');
      const result = await h.ok('accounts.disconnect', { accountId: flow.accountId! });
      expect(result.revoked).toBe(false);
      expect(result.revokeError).toMatch(/server error|temporary problem/);
      expect(await h.ok('accounts.list', {})).toEqual([]);
      expect(h.secretRows(flow.accountId!)).toBe(0);
    });

    it('refuses a wrong state, a replayed callback, a callback after cancel, and a denial, with plain messages', async () => {
      const h = await setup();
      // Wrong state: a pasted address from another sign-in.
      h.fake.autoApprove(spec.users[0]);
      const start = await h.ok('connect.start', { platform: spec.platform });
      const landing = await h.landingUrl(start.authorizeUrl);
      const forged = new URL(landing);
      forged.searchParams.set('state', 'A'.repeat(43));
      const wrong = await h.core.call('connect.complete', { flowId: start.flowId, url: forged.href });
      expect(wrong.ok).toBe(false);
      expect(!wrong.ok && wrong.error.message).toMatch(/does not belong/);
      expect((await h.ok('connect.status', { flowId: start.flowId })).state).toBe('waiting');

      // The real callback completes it; replaying it is refused and changes nothing.
      expect(await h.deliver(landing)).toMatch(/close this tab/i);
      const replay = await h.deliver(landing);
      expect(replay).toMatch(/already|refused/i);
      const replayPasted = await h.ok('connect.complete', { flowId: start.flowId, url: landing });
      expect(replayPasted.state).toBe('connected');
      expect(await h.ok('accounts.list', {})).toHaveLength(1);

      // A callback after cancel.
      h.fake.autoApprove(spec.users[1]);
      const second = await h.ok('connect.start', { platform: spec.platform });
      const secondLanding = await h.landingUrl(second.authorizeUrl);
      expect((await h.ok('connect.cancel', { flowId: second.flowId })).state).toBe('cancelled');
      const afterCancel = await h.deliver(secondLanding);
      expect(afterCancel).toMatch(/refused|was cancelled/);
      const pastedAfterCancel = await h.ok('connect.complete', { flowId: second.flowId, url: secondLanding });
      expect(pastedAfterCancel.state).toBe('cancelled');
      expect(await h.ok('accounts.list', {})).toHaveLength(1);

      // The user says no at the platform.
      h.fake.autoDeny();
      const third = await h.ok('connect.start', { platform: spec.platform });
      const denied = await h.deliver(await h.landingUrl(third.authorizeUrl));
      // Each platform's sentence for a refusal (declined, cancelled) — never a code or a stack.
      const refusal = /declined|cancelled|chose not to/i;
      expect(denied).toMatch(refusal);
      const thirdView = await h.ok('connect.status', { flowId: third.flowId });
      // The user's own no is no failure: the window says it calmly.
      expect(thirdView.state).toBe('cancelled');
      expect(thirdView.error).toMatch(refusal);
      expect(thirdView.error).toMatch(/^You /);
    });

    it('answers bad API calls with a typed error', async () => {
      const h = await setup();
      const missing = await h.core.call('accounts.refresh', {});
      expect(missing).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      const extra = await h.core.call('accounts.list', { workspaceId: 'default', token: 'x' });
      expect(extra).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      const unknown = await h.core.call('accounts.steal', {});
      expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
      const nobody = await h.core.call('accounts.refresh', { accountId: 'nope' });
      expect(nobody).toMatchObject({ ok: false, error: { code: 'not_found' } });
    });

    describe('every entry of the error catalogue leaves stored accounts untouched', () => {
      for (const kind of ERROR_KINDS) {
        if (renews) it(`refresh answered with ${kind}`, async () => {
          const h = await setup();
          const { flow } = await h.connect(spec.users[0]);
          h.fake.advance(spec.renewAfterSec ?? 0);
          const before = h.storedTokens(flow.accountId!);
          h.fake.failNext(spec.endpoints.refresh!, kind);
          const result = await h.core.call('accounts.refresh', { accountId: flow.accountId! });
          expect(result.ok).toBe(false);
          expect(!result.ok && result.error.code).toBe('platform');
          expect(!result.ok && result.error.kind).toBe(expectedKind(kind));
          expect(h.storedTokens(flow.accountId!)).toEqual(before);
          const [account] = await h.ok('accounts.list', {});
          // A rate limit is no fault of the account: it stays green and says when the next try is.
          expect(account!.status).toBe(kind === 'invalid_grant' ? 'expired' : kind === 'rate_limited' ? 'connected' : 'offline');
          expect(account!.lastError?.message).toBeTruthy();
          if (kind === 'rate_limited') expect(account!.statusReason).toMatch(/Next try .*at \d/);
        });

        for (const step of ['token', 'profile'] as const) {
          it(`connect answered with ${kind} at the ${step} endpoint`, async () => {
            const h = await setup();
            const { flow: existing } = await h.connect(spec.users[1]);
            const before = h.storedTokens(existing.accountId!);
            h.fake.failNext(spec.endpoints[step], kind);
            const { flow } = await h.connect(spec.users[0]);
            expect(flow.state).toBe('failed');
            expect(flow.error).toMatch(/\w+ \w+/);
            const accounts = await h.ok('accounts.list', {});
            expect(accounts.map((a) => a.id)).toEqual([existing.accountId]);
            expect(h.storedTokens(existing.accountId!)).toEqual(before);
          });
        }
      }
    });

    it('shows no token or secret to the API, the logs or the data folder in clear', async () => {
      const h = await setup();
      const { flow } = await h.connect(spec.users[0]);
      if (renews) {
        h.fake.advance(spec.renewAfterSec ?? 0);
        await h.ok('accounts.refresh', { accountId: flow.accountId! });
      }
      await h.connect(spec.users[1]);
      const tokens = h.storedTokens(flow.accountId!);
      const secrets = [tokens.accessToken!, tokens.refreshToken, h.app.clientSecret].filter((s): s is string => Boolean(s));
      expect(secrets.length).toBeGreaterThanOrEqual(2);
      const said = JSON.stringify([await h.ok('accounts.list', {}), await h.ok('platforms.list', {}), h.transcript]);
      await h.core.close();
      const folder = Buffer.concat(filesUnder(h.dataDir).map((f) => readFileSync(f)));
      for (const secret of secrets) {
        expect(said.includes(secret)).toBe(false);
        expect(folder.includes(secret)).toBe(false);
      }
    });
  });
}

function expectedKind(kind: FailureKind): string {
  switch (kind) {
    case 'invalid_grant':
      return 'auth';
    case 'rate_limited':
      return 'rate_limited';
    case 'timeout':
      return 'network';
    case 'html_502':
    case 'server_error':
      return 'server';
    case 'bad_json':
    case 'missing_fields':
      return 'malformed';
  }
}

class Harness<E extends string> {
  readonly transcript: unknown[] = [];
  readonly fake: FakeOAuthPlatform<E>;
  readonly core: Core;
  readonly dataDir: string;
  readonly app: KitApp;
  readonly #spec: KitSpec<E>;
  #db: Database.Database | null = null;
  #secrets: Secrets | null = null;

  private constructor(spec: KitSpec<E>, fake: FakeOAuthPlatform<E>, core: Core, dataDir: string, app: KitApp) {
    this.#spec = spec;
    this.fake = fake;
    this.core = core;
    this.dataDir = dataDir;
    this.app = app;
  }

  static async open<E extends string>(spec: KitSpec<E>): Promise<Harness<E>> {
    const fake = await spec.start();
    const dataDir = kitDataDir(spec.platform);
    const prefs = openConfPrefs(dataDir);
    let redirectUri: string;
    if (kitRedirect(spec) === 'https-relay') {
      redirectUri = `${RELAY_ORIGIN}/${relayFileName(spec.platform)}`;
      prefs.set('redirect', { [spec.platform]: { kind: 'https-relay', httpsUrl: redirectUri } });
    } else {
      const port = await freePort();
      prefs.set('redirect', { [spec.platform]: { kind: 'loopback', port } });
      redirectUri = `http://127.0.0.1:${port}/callback/${spec.platform}`;
    }
    const app: KitApp = { clientId: `kit-${spec.platform}-client`, clientSecret: `kit-${spec.platform}-secret-7c1d9e`, redirectUris: [redirectUri] };
    spec.registerApp(fake, app);
    const core = await openKitCore({ fake, dataDir, prefs, redirectKinds: ['loopback', 'protocol', 'manual'] });
    const h = new Harness(spec, fake, core, dataDir, app);
    await h.ok('credentials.save', { platform: spec.platform, clientId: app.clientId, clientSecret: app.clientSecret ?? undefined });
    await h.unlock();
    return h;
  }

  async ok<M extends MethodName>(method: M, params: Params<M>): Promise<Results[M]> {
    const r = await this.core.call(method, params);
    this.transcript.push(r);
    if (!r.ok) throw new Error(`${method} failed: ${r.error.code}: ${r.error.message}`);
    return r.result as Results[M];
  }

  /** Where the platform sends the browser after consent (the fake decides at once: autoApprove/autoDeny). */
  async landingUrl(authorizeUrl: string): Promise<string> {
    const res = await fetch(authorizeUrl, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status !== 302 || !location) throw new Error(`the fake did not redirect (HTTP ${res.status}): ${await res.text()}`);
    return location;
  }

  /**
   * What the browser does with the landing address: loopback, the listener's page (or 'refused: listener
   * closed'); https-relay, the relay page hands the query to plugboard:// and the answer is the core's.
   */
  async deliver(landing: string): Promise<string> {
    if (kitRedirect(this.#spec) === 'https-relay') {
      expect(landing.startsWith(`${RELAY_ORIGIN}/`)).toBe(true);
      const outcome = await this.core.handleProtocolUrl(`plugboard://oauth/callback/${this.#spec.platform}${new URL(landing).search}`);
      return outcome ? `${outcome.title}: ${outcome.message}` : 'not a callback';
    }
    return fetch(landing).then((r) => r.text(), () => 'refused: listener closed');
  }

  async connect(userId: string) {
    this.fake.autoApprove(userId);
    const start = await this.ok('connect.start', { platform: this.#spec.platform });
    const page = await this.deliver(await this.landingUrl(start.authorizeUrl));
    let flow = await this.ok('connect.status', { flowId: start.flowId });
    if (flow.state === 'choosing') {
      const choices = flow.choices ?? [];
      const picked = this.#spec.choose?.(choices, userId) ?? [choices.find((c) => !c.unavailableReason)!.platformUserId];
      flow = await this.ok('connect.choose', { flowId: start.flowId, platformUserIds: picked });
    }
    return { flow, page };
  }

  #open(): { db: Database.Database; secrets: Secrets } {
    if (!this.#db) {
      this.#db = new Database(join(this.dataDir, DB_FILE), { readonly: true });
    }
    return { db: this.#db, secrets: this.#secrets! };
  }

  async unlock(): Promise<void> {
    const { db } = this.#open();
    this.#secrets = new Secrets(db, await Vault.open(db, kitWrapper(), 0));
  }

  storedTokens(accountId: string): { accessToken: string | null; refreshToken: string | null } {
    const { secrets } = this.#open();
    return {
      accessToken: secrets.get(`account:${accountId}`, 'access_token'),
      refreshToken: secrets.get(`account:${accountId}`, 'refresh_token'),
    };
  }

  secretRows(accountId: string): number {
    return (this.#open().db.prepare('SELECT count(*) AS n FROM secrets WHERE owner = ?').get(`account:${accountId}`) as { n: number }).n;
  }

  activityKinds(accountId: string): string[] {
    return (this.#open().db.prepare('SELECT kind FROM activity WHERE account_id = ? ORDER BY id').all(accountId) as { kind: string }[]).map((r) => r.kind);
  }

  async close(): Promise<void> {
    this.#db?.close();
    await this.core.close().catch(() => {});
    await this.fake.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
