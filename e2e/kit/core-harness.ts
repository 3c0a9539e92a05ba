// The shared plumbing of the kit tests: a real core (real SQLite file, real vault) in
// a temp data folder, pointed at a fake platform over HTTP and sharing its clock; API
// calls recorded in a transcript; and the data folder read back (readonly SQLite + vault).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { MethodName, Params, RedirectKind, Results } from '../../src-main/api/contract.ts';
import { systemClock } from '../../src-main/core/clock.ts';
import { openCore } from '../../src-main/core/core.ts';
import type { Core } from '../../src-main/core/types.ts';
import { openConfPrefs } from '../../src-main/prefs/prefs.ts';
import { DB_FILE } from '../../src-main/store/db.ts';
import { PassphraseKeyWrapper } from '../../src-main/vault/passphrase-wrapper.ts';
import { Secrets } from '../../src-main/vault/secrets.ts';
import { Vault } from '../../src-main/vault/vault.ts';

// The real wrapper at a lower scrypt cost: the kit opens dozens of vaults.
export const kitWrapper = () => new PassphraseKeyWrapper('kit-passphrase', { logN: 14 });
export const KIT_HTTP_TIMEOUT_MS = 1500;

/** What the harness needs of a fake platform. */
export interface CoreFake {
  originMap(): Record<string, string>;
  now(): number;
  close(): Promise<void>;
}

export type CallResult<M extends MethodName> =
  | { ok: true; result: Results[M] }
  | { ok: false; error: { code: string; message: string; kind?: string } };

/** A temp data folder for `platform`. */
export function kitDataDir(platform: string): string {
  return mkdtempSync(join(tmpdir(), `plugboard-kit-${platform}-`));
}

/** Opens the real core on `dataDir` against `fake`, sharing its clock. */
export function openKitCore(opts: {
  fake: CoreFake;
  dataDir: string;
  prefs?: ReturnType<typeof openConfPrefs>;
  extraOrigins?: Record<string, string>;
  httpTimeoutMs?: number;
  /** Token requests' deadline (default: the same short one, so the catalogue's time-outs stay quick). */
  httpTokenTimeoutMs?: number;
  /** Default: the browser host's (no plugboard:// handler). */
  redirectKinds?: RedirectKind[];
  postConfirmationTtlMs?: number;
}): Promise<Core> {
  const { fake, dataDir } = opts;
  return openCore({
    dataDir,
    keyWrapper: kitWrapper(),
    prefs: opts.prefs ?? openConfPrefs(dataDir),
    openExternal: null,
    redirectKinds: opts.redirectKinds ?? ['loopback', 'manual'],
    origins: { ...fake.originMap(), ...opts.extraOrigins },
    // The core shares the fake's clock, so advancing it moves both.
    clock: { now: () => fake.now(), setTimeout: systemClock.setTimeout },
    httpTimeoutMs: opts.httpTimeoutMs ?? KIT_HTTP_TIMEOUT_MS,
    httpTokenTimeoutMs: opts.httpTokenTimeoutMs ?? opts.httpTimeoutMs ?? KIT_HTTP_TIMEOUT_MS,
    postConfirmationTtlMs: opts.postConfirmationTtlMs,
  });
}

/** A real core against a fake; subclass it for platform helpers (values(), save()). */
/**
 * The picture an account's avatar address serves (the list carries the address, not the picture):
 * its content type, or null where the address serves nothing.
 */
export function pictureType(core: Core, account: { id: string; avatar: string | null }): string | null {
  if (!account.avatar) return null;
  const reply = core.avatar(account.id, new URL(account.avatar, 'http://window').searchParams.get('v'));
  return reply.status === 200 ? reply.headers['Content-Type']! : null;
}

export class CoreHarness<F extends CoreFake> {
  readonly transcript: unknown[] = [];
  #db: Database.Database | null = null;
  #secrets: Secrets | null = null;
  readonly fake: F;
  readonly core: Core;
  readonly dataDir: string;
  constructor(fake: F, core: Core, dataDir: string) {
    this.fake = fake;
    this.core = core;
    this.dataDir = dataDir;
  }

  /** A fresh data folder and core for `fake`. */
  static async openParts(
    fake: CoreFake,
    platform: string,
    extraOrigins: Record<string, string> = {},
    redirectKinds?: RedirectKind[],
    postConfirmationTtlMs?: number,
  ): Promise<{ core: Core; dataDir: string }> {
    const dataDir = kitDataDir(platform);
    const core = await openKitCore({ fake, dataDir, extraOrigins, redirectKinds, postConfirmationTtlMs });
    return { core, dataDir };
  }

  async call<M extends MethodName>(method: M, params: Params<M>): Promise<CallResult<M>> {
    const r = await this.core.call(method, params);
    this.transcript.push(r);
    return r as CallResult<M>;
  }

  async ok<M extends MethodName>(method: M, params: Params<M>): Promise<Results[M]> {
    const r = await this.call(method, params);
    if (!r.ok) throw new Error(`${method} failed: ${r.error.code}: ${r.error.message}`);
    return r.result;
  }

  async error<M extends MethodName>(method: M, params: Params<M>) {
    const r = await this.call(method, params);
    if (r.ok) throw new Error(`${method} unexpectedly succeeded`);
    return r.error;
  }

  async #open() {
    if (!this.#db) {
      this.#db = new Database(join(this.dataDir, DB_FILE), { readonly: true });
      this.#secrets = new Secrets(this.#db, await Vault.open(this.#db, kitWrapper(), 0));
    }
    return { db: this.#db, secrets: this.#secrets! };
  }

  async stored(accountId: string) {
    const { secrets } = await this.#open();
    const owner = `account:${accountId}`;
    return { accessToken: secrets.get(owner, 'access_token'), refreshToken: secrets.get(owner, 'refresh_token'), appPassword: secrets.get(owner, 'app_password') };
  }

  async secretRows(accountId?: string): Promise<number> {
    const { db } = await this.#open();
    const row = accountId
      ? db.prepare('SELECT count(*) AS n FROM secrets WHERE owner = ?').get(`account:${accountId}`)
      : db.prepare("SELECT count(*) AS n FROM secrets WHERE owner LIKE 'account:%'").get();
    return (row as { n: number }).n;
  }

  async accountRows(): Promise<number> {
    const { db } = await this.#open();
    return (db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number }).n;
  }

  async activityKinds(accountId: string): Promise<string[]> {
    const { db } = await this.#open();
    return (db.prepare('SELECT kind FROM activity WHERE account_id = ? ORDER BY id').all(accountId) as { kind: string }[]).map((r) => r.kind);
  }

  async close(): Promise<void> {
    this.#db?.close();
    await this.core.close().catch(() => {});
    await this.fake.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Harnesses opened in a test, closed after it: `const setup = harnessPool(); afterEach(setup.closeAll)`. */
export function harnessPool<H extends { close(): Promise<void> }>() {
  const open: H[] = [];
  return {
    track(h: H): H {
      open.push(h);
      return h;
    },
    async closeAll(): Promise<void> {
      await Promise.all(open.splice(0).map((h) => h.close()));
    },
  };
}
