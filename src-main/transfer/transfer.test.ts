import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { PlatformId } from '../api/contract.ts';
import type { TokenSet } from '../connectors/types.ts';
import { accountOwner, Accounts, type AccountRow } from '../store/accounts.ts';
import { Activity } from '../store/activity.ts';
import { AppCredentials } from '../store/app-credentials.ts';
import { openDatabase } from '../store/db.ts';
import { Notices } from '../store/notices.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { PassphraseKeyWrapper } from '../vault/passphrase-wrapper.ts';
import { Secrets } from '../vault/secrets.ts';
import { Vault } from '../vault/vault.ts';
import { openExport, sealExport, TransferError } from './export-file.ts';
import { ACCOUNT_COLUMNS, exportData, importData, type ImportSummary } from './transfer.ts';

const T0 = Date.UTC(2025, 0, 1);
const HOUR = 3_600_000;
const FAST = { scryptLogN: 10 };
const EXPORT_PASS = 'moving day 2025';

const opened: Database.Database[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
});

type Machine = Awaited<ReturnType<typeof machine>>;

/** A data folder opened as openCore opens it, with its own vault passphrase. */
async function machine(vaultPassphrase: string, dir = tempDir()) {
  const db = openDatabase(dir);
  opened.push(db);
  const vault = await Vault.open(db, new PassphraseKeyWrapper(vaultPassphrase, { logN: 14 }), T0);
  const secrets = new Secrets(db, vault);
  const accounts = new Accounts(db, secrets, new Activity(db));
  const appCredentials = new AppCredentials(db, secrets);
  return { dir, db, vault, secrets, accounts, appCredentials, notices: new Notices(db), deps: { db, secrets, accounts, appCredentials } };
}

function tokens(tag: string, at: number, overrides: Partial<TokenSet> = {}): TokenSet {
  return { accessToken: `access-${tag}`, refreshToken: `refresh-${tag}`, accessTokenExpiresAt: at + 2 * HOUR, scopes: ['read', 'write'], ...overrides };
}

function connect(
  m: Machine,
  o: { platform: PlatformId; userId: string; handle: string; tag: string; at: number; workspaceId?: string; via?: PlatformId; appPassword?: string; noRefreshToken?: boolean },
) {
  return m.accounts.upsertConnected({
    workspaceId: o.workspaceId ?? 'default',
    platform: o.platform,
    profile: { platformUserId: o.userId, handle: o.handle, displayName: `${o.handle} (display)`, avatarUrl: `https://cdn.example/${o.handle}.png`, details: { tier: o.tag } },
    avatar: `data:image/png;base64,${Buffer.from(o.handle).toString('base64')}`,
    tokens: tokens(o.tag, o.at, o.noRefreshToken ? { refreshToken: undefined } : {}),
    connectionExpiresAt: o.at + 60 * 24 * HOUR,
    via: o.via ?? null,
    renewal: o.via ? 'long-lived-extension' : 'rotating-refresh',
    appPassword: o.appPassword ?? null,
    now: o.at,
  }).id;
}

/** The machine being left: two workspaces, four kinds of account, app credentials, read, unread and resolved notices. */
async function oldMachine() {
  const a = await machine('vault on the old laptop');
  a.db.prepare("INSERT INTO workspaces (id, name, created_at) VALUES ('studio-1', 'Studio', ?)").run(T0);
  const ids = {
    x: connect(a, { platform: 'x', userId: 'x-1', handle: 'plugboard_x', tag: 'a-x', at: T0 }),
    youtube: connect(a, { platform: 'youtube', userId: 'yt-1', handle: 'PlugTube', tag: 'a-yt', at: T0, workspaceId: 'studio-1' }),
    instagram: connect(a, { platform: 'instagram', userId: 'ig-1', handle: 'plug.gram', tag: 'a-ig', at: T0, via: 'facebook', noRefreshToken: true }),
    bluesky: connect(a, { platform: 'bluesky', userId: 'did:plc:abc', handle: 'plug.bsky.social', tag: 'a-bs', at: T0, appPassword: 'abcd-efgh-ijkl-mnop' }),
  };
  // Later events give the rows distinct obtained, synced and error columns.
  a.accounts.saveRefreshed(ids.x, tokens('a-x2', T0 + 5 * HOUR), T0 + 90 * 24 * HOUR, T0 + 5 * HOUR);
  a.accounts.saveRefreshed(ids.youtube, tokens('a-yt2', T0 + 3 * HOUR), null, T0 + 3 * HOUR);
  a.accounts.recordError(ids.youtube, 'network', 'YouTube could not be reached.', T0 + 4 * HOUR);
  a.appCredentials.save('x', 'x-client-a', 'x-secret-a', false, T0);
  a.appCredentials.save('youtube', 'yt-client-a', 'yt-secret-a', false, T0);
  a.appCredentials.save('tiktok', 'tt-client-a', null, true, T0);
  const notice = (accountId: string, platform: PlatformId, threshold: 'warn_window' | 'warn_1d', title: string, sentAt: number) =>
    a.notices.record({ account_id: accountId, threshold, deadline: T0 + 60 * 24 * HOUR, workspace_id: 'default', platform, title, body: title && `${title}.`, sent_at: sentAt });
  notice(ids.instagram, 'instagram', 'warn_window', 'Instagram needs you soon', T0 + HOUR);
  a.notices.markAllRead(T0 + 2 * HOUR);
  // A resolved notice travels resolved: on the new machine it must not ask for a Reconnect again.
  a.notices.resolve(ids.instagram, [{ threshold: 'warn_window', deadline: T0 + 60 * 24 * HOUR }], 'renewed', T0 + 2 * HOUR);
  notice(ids.instagram, 'instagram', 'warn_1d', 'Instagram expires tomorrow', T0 + 3 * HOUR);
  notice(ids.x, 'x', 'warn_window', '', T0 + 3 * HOUR);
  return { a, ids };
}

const byKey = (m: Machine, workspaceId: string, platform: PlatformId, userId: string) =>
  m.db.prepare('SELECT * FROM accounts WHERE workspace_id = ? AND platform = ? AND platform_user_id = ?').get(workspaceId, platform, userId) as AccountRow | undefined;

/** Flips one bit of a sealed secret in the SQLite file, as a bad sector or a stray write would. */
function damageSecret(db: Database.Database, owner: string, field: string): void {
  const { sealed } = db.prepare('SELECT sealed FROM secrets WHERE owner = ? AND field = ?').get(owner, field) as { sealed: Buffer };
  sealed[sealed.length - 1]! ^= 0x01;
  db.prepare('UPDATE secrets SET sealed = ? WHERE owner = ? AND field = ?').run(sealed, owner, field);
}

const labels = (list: ImportSummary['accounts']['added']) => list.map((l) => `${l.workspace}/${l.platform}/${l.handle}`).sort();

function dump(db: Database.Database): Record<string, unknown[]> {
  const tables = ['workspaces', 'vault', 'secrets', 'app_credentials', 'accounts', 'activity', 'notices'];
  return Object.fromEntries(
    tables.map((t) => [t, (db.prepare(`SELECT * FROM ${t}`).all() as Record<string, unknown>[]).map((r) => JSON.stringify(r, (_k, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString('hex') : v))).sort()]),
  );
}

/** The sealed file of an export (what these tests move between machines). */
async function exportFile(deps: Machine['deps'], passphrase: string, now: number, opts: { scryptLogN?: number }): Promise<Buffer> {
  return (await exportData(deps, passphrase, now, opts)).file;
}

async function transferCode(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'imported';
  } catch (e) {
    if (e instanceof TransferError) return e.code;
    throw e;
  }
}

describe('transfer', () => {
  it('carries every column of accounts but the local id', async () => {
    const m = await machine('pw');
    const columns = (m.db.prepare('PRAGMA table_info(accounts)').all() as { name: string }[]).map((c) => c.name).filter((c) => c !== 'id');
    expect([...ACCOUNT_COLUMNS].sort()).toEqual(columns.sort());
  });

  it('moves everything to a new machine with another vault passphrase, re-sealed under that vault', async () => {
    const { a, ids } = await oldMachine();
    const file = await exportFile(a.deps, EXPORT_PASS, T0 + 6 * HOUR, FAST);
    for (const planted of ['access-a-x2', 'refresh-a-yt2', 'abcd-efgh-ijkl-mnop', 'x-secret-a', 'plugboard_x']) expect(file.includes(planted)).toBe(false);

    const b = await machine('vault on the new desktop');
    const summary = await importData(b.deps, file, EXPORT_PASS, T0 + 7 * HOUR);
    expect(summary.exportedAt).toBe(T0 + 6 * HOUR);
    expect(labels(summary.accounts.added)).toEqual(['My workspace/bluesky/plug.bsky.social', 'My workspace/instagram/plug.gram', 'My workspace/x/plugboard_x', 'Studio/youtube/PlugTube']);
    expect(summary.accounts.renewed).toEqual([]);
    expect(summary.accounts.kept).toEqual([]);
    expect(summary.workspacesAdded).toEqual([{ id: 'studio-1', name: 'Studio' }]);
    expect(summary.appCredentials.added.sort()).toEqual(['tiktok', 'x', 'youtube']);
    expect(summary.noticesAdded).toBe(3);

    const idMap = new Map<string, string>();
    for (const row of a.accounts.all()) {
      const moved = byKey(b, row.workspace_id, row.platform, row.platform_user_id)!;
      expect(moved.id).not.toBe(row.id);
      idMap.set(row.id, moved.id);
      for (const c of ACCOUNT_COLUMNS.filter((c) => c !== 'updated_at')) expect({ c, v: moved[c] }).toEqual({ c, v: row[c] });
      expect(moved.updated_at).toBe(T0 + 7 * HOUR);
      expect(b.accounts.readTokens(moved.id)).toEqual(a.accounts.readTokens(row.id));
      // Sealed with the new machine's data key: the old vault cannot open what the new one stored.
      const sealed = b.db.prepare('SELECT sealed FROM secrets WHERE owner = ? AND field = ?').get(accountOwner(moved.id), 'access_token') as { sealed: Buffer };
      expect(() => a.vault.unseal(sealed.sealed, accountOwner(moved.id), 'access_token')).toThrow();
    }
    expect(b.accounts.readTokens(idMap.get(ids.bluesky)!).appPassword).toBe('abcd-efgh-ijkl-mnop');
    expect(b.accounts.readTokens(idMap.get(ids.instagram)!).refreshToken).toBeNull();
    expect(b.appCredentials.read('x')).toEqual({ clientId: 'x-client-a', clientSecret: 'x-secret-a' });
    expect(b.appCredentials.read('tiktok')).toEqual({ clientId: 'tt-client-a', clientSecret: null });
    const noticesOf = (m: Machine, map: (id: string) => string) =>
      (m.db.prepare('SELECT * FROM notices').all() as Record<string, unknown>[]).map((n) => JSON.stringify({ ...n, account_id: map(n.account_id as string) })).sort();
    expect(noticesOf(b, (id) => id)).toEqual(noticesOf(a, (id) => idMap.get(id)!));
    expect(b.notices.unreadCount()).toBe(a.notices.unreadCount());

    // The new data folder reopens under its own passphrase with every token.
    b.db.close();
    const reopened = await machine('vault on the new desktop', b.dir);
    for (const row of a.accounts.all()) expect(reopened.accounts.readTokens(idMap.get(row.id)!)).toEqual(a.accounts.readTokens(row.id));
  });

  it('merges into a machine that has some of the accounts: newer imported tokens renew, newer local ones stay', async () => {
    const { a, ids } = await oldMachine();
    const b = await machine('other vault');
    b.db.prepare("UPDATE workspaces SET name = 'Home' WHERE id = 'default'").run();
    b.db.prepare("INSERT INTO workspaces (id, name, created_at) VALUES ('studio-1', 'Studio B', ?)").run(T0);
    // Older than the export's x (obtained at +5h): renewed. Newer than its YouTube (+3h): kept.
    const bx = connect(b, { platform: 'x', userId: 'x-1', handle: 'old_handle', tag: 'b-x', at: T0 + HOUR });
    const byt = connect(b, { platform: 'youtube', userId: 'yt-1', handle: 'PlugTube', tag: 'b-yt', at: T0 + 10 * HOUR, workspaceId: 'studio-1' });
    const only = connect(b, { platform: 'tiktok', userId: 'tt-9', handle: 'only_here', tag: 'b-tt', at: T0 });
    b.appCredentials.save('x', 'x-client-b', 'x-secret-b', false, T0);
    const onlyBefore = { row: b.accounts.get(only), tokens: b.accounts.readTokens(only) };
    const keptBefore = b.accounts.get(byt);

    const summary = await importData(b.deps, await exportFile(a.deps, EXPORT_PASS, T0 + 6 * HOUR, FAST), EXPORT_PASS, T0 + 12 * HOUR);
    expect(labels(summary.accounts.added)).toEqual(['Home/bluesky/plug.bsky.social', 'Home/instagram/plug.gram']);
    expect(labels(summary.accounts.renewed)).toEqual(['Home/x/plugboard_x']);
    expect(labels(summary.accounts.kept)).toEqual(['Studio B/youtube/PlugTube']);
    expect(summary.workspacesAdded).toEqual([]);
    expect({ added: summary.appCredentials.added.sort(), kept: summary.appCredentials.kept }).toEqual({ added: ['tiktok', 'youtube'], kept: ['x'] });

    const renewed = b.accounts.get(bx)!;
    const source = a.accounts.get(ids.x)!;
    for (const c of ACCOUNT_COLUMNS.filter((c) => c !== 'created_at' && c !== 'updated_at')) expect({ c, v: renewed[c] }).toEqual({ c, v: source[c] });
    expect(renewed).toMatchObject({ handle: 'plugboard_x', created_at: T0 + HOUR, updated_at: T0 + 12 * HOUR });
    expect(b.accounts.readTokens(bx)).toEqual({ accessToken: 'access-a-x2', refreshToken: 'refresh-a-x2', appPassword: null });
    expect(b.accounts.get(byt)).toEqual(keptBefore);
    expect(b.accounts.readTokens(byt)).toEqual({ accessToken: 'access-b-yt', refreshToken: 'refresh-b-yt', appPassword: null });
    expect({ row: b.accounts.get(only), tokens: b.accounts.readTokens(only) }).toEqual(onlyBefore);
    expect(b.appCredentials.read('x')).toEqual({ clientId: 'x-client-b', clientSecret: 'x-secret-b' });
    expect((b.db.prepare('SELECT name FROM workspaces ORDER BY id').all() as { name: string }[]).map((w) => w.name)).toEqual(['Home', 'Studio B']);
    expect(b.accounts.all()).toHaveLength(5);
    // The x notice follows the account onto its existing local id.
    expect(b.db.prepare('SELECT count(*) AS n FROM notices WHERE account_id = ?').get(bx)).toEqual({ n: 1 });
  });

  it('imports its own export as all unchanged, with nothing duplicated', async () => {
    const { a } = await oldMachine();
    const before = dump(a.db);
    const summary = await importData(a.deps, await exportFile(a.deps, EXPORT_PASS, T0 + 6 * HOUR, FAST), EXPORT_PASS, T0 + 7 * HOUR);
    expect(summary.accounts.added).toEqual([]);
    expect(summary.accounts.renewed).toEqual([]);
    expect(summary.accounts.kept).toEqual([]);
    expect(summary.accounts.unchanged).toHaveLength(4);
    expect(summary.appCredentials.added).toEqual([]);
    expect(summary.noticesAdded).toBe(0);
    expect(dump(a.db)).toEqual(before);
  });

  it('adds a workspace whose name is already used here under a name that tells them apart', async () => {
    const { a } = await oldMachine();
    const b = await machine('pw');
    b.db.prepare("INSERT INTO workspaces (id, name, created_at) VALUES ('studio-b', ' studio ', ?)").run(T0);
    const summary = await importData(b.deps, await exportFile(a.deps, EXPORT_PASS, T0, FAST), EXPORT_PASS, T0);
    expect(summary.workspacesAdded).toEqual([{ id: 'studio-1', name: 'Studio (imported)' }]);
    expect(labels(summary.accounts.added)).toContain('Studio (imported)/youtube/PlugTube');
  });

  it('changes nothing here when the import fails, whether on opening the file or half-way through writing', async () => {
    const { a } = await oldMachine();
    const b = await machine('other vault');
    connect(b, { platform: 'x', userId: 'x-1', handle: 'old_handle', tag: 'b-x', at: T0 + HOUR });
    b.appCredentials.save('x', 'x-client-b', 'x-secret-b', false, T0);
    const file = await exportFile(a.deps, EXPORT_PASS, T0 + 6 * HOUR, FAST);
    const before = dump(b.db);

    expect(await transferCode(() => importData(b.deps, file, 'not the export passphrase', T0 + 7 * HOUR))).toBe('wrong_passphrase');
    const damaged = Buffer.from(file);
    damaged[damaged.length - 40]! ^= 0x80;
    expect(await transferCode(() => importData(b.deps, damaged, EXPORT_PASS, T0 + 7 * HOUR))).toBe('damaged');
    expect(await transferCode(() => importData(b.deps, file.subarray(0, file.length - 1), EXPORT_PASS, T0 + 7 * HOUR))).toBe('damaged');
    expect(dump(b.db)).toEqual(before);

    // A write that fails after accounts, secrets, workspaces and credentials were written (notices come last).
    b.db.exec("CREATE TRIGGER fail_notices BEFORE INSERT ON notices BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    await expect(importData(b.deps, file, EXPORT_PASS, T0 + 7 * HOUR)).rejects.toThrow(/disk full/);
    expect(dump(b.db)).toEqual(before);

    b.db.exec('DROP TRIGGER fail_notices');
    expect((await importData(b.deps, file, EXPORT_PASS, T0 + 7 * HOUR)).accounts.added).toHaveLength(3);
    expect(dump(b.db)).not.toEqual(before);
  });

  it('names contents from a newer Plugboard, and refuses contents it cannot place, changing nothing', async () => {
    const { a } = await oldMachine();
    const b = await machine('pw');
    const payload = JSON.parse(Buffer.from(await openExport(await exportFile(a.deps, EXPORT_PASS, T0, FAST), EXPORT_PASS)).toString('utf8'));
    const reseal = (p: unknown) => sealExport(Buffer.from(JSON.stringify(p)), EXPORT_PASS, FAST);
    const before = dump(b.db);

    let message = '';
    try {
      await importData(b.deps, await reseal({ ...payload, payloadVersion: 2, accounts: 'a shape this version does not know' }), EXPORT_PASS, T0);
    } catch (e) {
      expect((e as TransferError).code).toBe('newer_version');
      message = (e as Error).message;
    }
    expect(message).toMatch(/newer Plugboard.*Update Plugboard/);

    const orphan = { ...payload, workspaces: payload.workspaces.filter((w: { id: string }) => w.id !== 'studio-1') };
    expect(await transferCode(async () => importData(b.deps, await reseal(orphan), EXPORT_PASS, T0))).toBe('damaged');
    const twice = { ...payload, accounts: [...payload.accounts, { ...payload.accounts[0], id: 'another-id' }] };
    expect(await transferCode(async () => importData(b.deps, await reseal(twice), EXPORT_PASS, T0))).toBe('damaged');
    expect(await transferCode(async () => importData(b.deps, await reseal({ ...payload, accounts: [{ ...payload.accounts[0], platform: 'myspace' }] }), EXPORT_PASS, T0))).toBe('damaged');
    expect(await transferCode(async () => importData(b.deps, await sealExport(Buffer.from('not json'), EXPORT_PASS, FAST), EXPORT_PASS, T0))).toBe('damaged');
    expect(await transferCode(async () => importData(b.deps, await reseal(payload), EXPORT_PASS, T0))).toBe('imported');
    expect(dump(b.db)).not.toEqual(before);
  });

  it('leaves out an account or app credential whose sealed secret is damaged, exports everything else, and names what it left out', async () => {
    const { a, ids } = await oldMachine();
    damageSecret(a.db, accountOwner(ids.instagram), 'access_token');
    damageSecret(a.db, 'app:youtube', 'client_secret');
    const result = await exportData(a.deps, EXPORT_PASS, T0 + 6 * HOUR, FAST);
    expect(result.exported).toBe(3);
    expect(result.leftOut).toEqual({
      accounts: [{ platform: 'instagram', handle: 'plug.gram', workspace: 'My workspace', reason: 'its stored tokens are damaged' }],
      appCredentials: ['youtube'],
    });

    const b = await machine('vault on the new desktop');
    const summary = await importData(b.deps, result.file, EXPORT_PASS, T0 + 7 * HOUR);
    expect(labels(summary.accounts.added)).toEqual(['My workspace/bluesky/plug.bsky.social', 'My workspace/x/plugboard_x', 'Studio/youtube/PlugTube']);
    expect(summary.appCredentials.added.sort()).toEqual(['tiktok', 'x']);
    // The left-out account's notices stay behind with it; the others' travel.
    expect(summary.noticesAdded).toBe(1);
    expect(b.accounts.readTokens(byKey(b, 'default', 'x', 'x-1')!.id)).toEqual(a.accounts.readTokens(ids.x));
  });

  it('refuses, whole and with a sentence, a file holding what the API would refuse, and changes nothing', async () => {
    const { a } = await oldMachine();
    const b = await machine('pw');
    connect(b, { platform: 'x', userId: 'x-9', handle: 'already_here', tag: 'b-x', at: T0 });
    const payload = JSON.parse(Buffer.from(await openExport(await exportFile(a.deps, EXPORT_PASS, T0, FAST), EXPORT_PASS)).toString('utf8'));
    const reseal = (p: unknown) => sealExport(Buffer.from(JSON.stringify(p)), EXPORT_PASS, FAST);
    const withAccount = (change: Record<string, unknown>) => ({ ...payload, accounts: [{ ...payload.accounts[0], ...change }, ...payload.accounts.slice(1)] });
    const before = dump(b.db);
    const cases: [unknown, RegExp][] = [
      [{ ...payload, workspaces: [payload.workspaces[0], { ...payload.workspaces[1], name: `Studio${'\u0000'.repeat(4994)}` }] }, /workspace 2's name: Keep the name under 60 characters/],
      [{ ...payload, workspaces: [payload.workspaces[0], { ...payload.workspaces[1], name: 'Stu\u0000dio' }] }, /workspace 2's name: The name cannot contain control characters/],
      [withAccount({ details: 'not json' }), /account 1's details: must be a JSON object of strings/],
      [withAccount({ details: '{"tier": 3}' }), /account 1's details: must be a JSON object of strings/],
      [withAccount({ details: '["a"]' }), /account 1's details/],
      [withAccount({ handle: 'h'.repeat(5000) }), /account 1's handle/],
      [withAccount({ handle: 'plug\u0000x' }), /account 1's handle/],
      [withAccount({ platform_user_id: 'u'.repeat(201) }), /account 1's platform_user_id/],
      [withAccount({ id: 'i'.repeat(101) }), /account 1's id/],
      [withAccount({ avatar: 'javascript:alert(1)' }), /account 1's avatar/],
      [withAccount({ token_expires_at: 9e15 }), /account 1's token_expires_at/],
      [withAccount({ secrets: { accessToken: 'a'.repeat(20_000), refreshToken: null, appPassword: null } }), /account 1's secrets/],
      [{ ...payload, appCredentials: [{ platform: 'x', clientId: 'c'.repeat(513), clientSecret: null }] }, /app credentials 1's clientId/],
      [{ ...payload, notices: [{ ...payload.notices[0], title: 't'.repeat(5000) }, ...payload.notices.slice(1)] }, /notice 1's title/],
    ];
    for (const [contents, said] of cases) {
      const error = await importData(b.deps, await reseal(contents), EXPORT_PASS, T0).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TransferError);
      expect((error as Error).message).toMatch(said);
      expect((error as Error).message).toMatch(/^This export holds something Plugboard does not accept \(.*\), so nothing was imported\. /);
    }
    expect(dump(b.db)).toEqual(before);
    expect(await transferCode(async () => importData(b.deps, await reseal(payload), EXPORT_PASS, T0))).toBe('imported');
  });

  it('keeps a workspace name that had to be told apart within the 60 characters a name may have', async () => {
    const long = 'L'.repeat(60);
    const a = await machine('pw');
    a.db.prepare('INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)').run('long-a', long, T0);
    const b = await machine('pw');
    b.db.prepare('INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)').run('long-b', long, T0);
    const summary = await importData(b.deps, await exportFile(a.deps, EXPORT_PASS, T0, FAST), EXPORT_PASS, T0);
    expect(summary.workspacesAdded).toEqual([{ id: 'long-a', name: `${'L'.repeat(49)} (imported)` }]);
  });

  it('keeps the event loop free while it derives keys: a timer fires during a real export and import at the real cost', async () => {
    const { a } = await oldMachine();
    const b = await machine('pw');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const { file } = await exportData(a.deps, EXPORT_PASS, T0);
      const whileExporting = ticks;
      expect((await importData(b.deps, file, EXPORT_PASS, T0)).accounts.added).toHaveLength(4);
      // One scrypt at N=2^17 each (~300 ms or more here): a blocked loop ticks 0 times, a free one dozens.
      expect(whileExporting).toBeGreaterThanOrEqual(3);
      expect(ticks - whileExporting).toBeGreaterThanOrEqual(3);
    } finally {
      clearInterval(timer);
    }
  });
});
