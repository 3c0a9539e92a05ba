// Publishing through the real core: fake X, Bluesky and WordPress on loopback, one core (real SQLite, real vault)
// that sees them all and shares X's clock; accounts connected the way the user connects them.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { ApiEvent } from '../../src-main/api/contract.ts';
import { startFakeBluesky, type FakeBluesky } from '../../src-main/fakes/bluesky.ts';
import { freePort } from '../../src-main/fakes/free-port.ts';
import { startFakeWordPress, type FakeWordPress } from '../../src-main/fakes/wordpress.ts';
import { startFakeX, type FakeX } from '../../src-main/fakes/x.ts';
import { DB_FILE } from '../../src-main/store/db.ts';
import { CoreHarness, kitDataDir, openKitCore } from './core-harness.ts';

const X_APP = { clientId: 'publish-kit-app', clientSecret: 'publish-kit-secret' };
export const X_DEMO = '1500000000000000001';
export const X_ALICE = '1500000000000000002';

export class PublishHarness extends CoreHarness<FakeX> {
  readonly bluesky: FakeBluesky;
  readonly wordpress: FakeWordPress;
  readonly events: ApiEvent[] = [];

  private constructor(x: FakeX, bluesky: FakeBluesky, wordpress: FakeWordPress, core: CoreHarness<FakeX>['core'], dataDir: string) {
    super(x, core, dataDir);
    this.bluesky = bluesky;
    this.wordpress = wordpress;
    core.subscribe((e) => this.events.push(e));
  }

  static async open(opts: { httpTimeoutMs?: number } = {}): Promise<PublishHarness> {
    const [x, bluesky, wordpress] = await Promise.all([startFakeX(), startFakeBluesky(), startFakeWordPress()]);
    const port = await freePort();
    x.registerApp({ ...X_APP, redirectUris: [`http://127.0.0.1:${port}/callback/x`] });
    const dataDir = kitDataDir('publish');
    const core = await openKitCore({ fake: x, dataDir, extraOrigins: { ...bluesky.originMap(), ...wordpress.originMap() }, httpTimeoutMs: opts.httpTimeoutMs });
    const h = new PublishHarness(x, bluesky, wordpress, core, dataDir);
    await h.ok('platforms.setRedirect', { platform: 'x', kind: 'loopback', port });
    await h.ok('credentials.save', { platform: 'x', ...X_APP });
    return h;
  }

  /** Connects an X user through the browser flow, as the window does. */
  async connectX(userId = X_DEMO): Promise<string> {
    this.fake.autoApprove(userId);
    const start = await this.ok('connect.start', { platform: 'x' });
    const landing = (await fetch(start.authorizeUrl, { redirect: 'manual' })).headers.get('location')!;
    await fetch(landing);
    const flow = await this.ok('connect.status', { flowId: start.flowId });
    expect(flow.state).toBe('connected');
    return flow.accountId!;
  }

  async connectBluesky(user = this.bluesky.users[0]!): Promise<string> {
    return (await this.ok('appPassword.save', { platform: 'bluesky', values: { identifier: user.handle, appPassword: user.appPasswords[0]! } })).id;
  }

  async connectWordPress(user = this.wordpress.users[0]!): Promise<string> {
    const values = { siteUrl: this.wordpress.siteUrl, username: user.login, applicationPassword: user.appPasswords[0]! };
    return (await this.ok('appPassword.save', { platform: 'wordpress', values })).id;
  }

  /** The paths each fake was asked, in order, with their statuses: what was sent, and how often. */
  calls(fake: { requests: readonly { path: string; method: string; status: number | null }[] }, path: string): (number | null)[] {
    return fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith(path)).map((r) => r.status);
  }

  /** The history's rows in the data folder, every workspace's. */
  postRows(): { posts: number; results: number } {
    const db = new Database(join(this.dataDir, DB_FILE), { readonly: true });
    try {
      const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      return { posts: count('posts'), results: count('post_results') };
    } finally {
      db.close();
    }
  }

  override async close(): Promise<void> {
    await super.close();
    await Promise.all([this.bluesky.close(), this.wordpress.close()]);
  }
}
