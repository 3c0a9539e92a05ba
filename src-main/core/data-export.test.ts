// data.export through the real core (SQLite file, vault, file log): the user's own consent first — the
// passphrase that unlocks Plugboard where one protects the data key, the shell's confirmation window where
// the keychain does, a refusal with neither — then every export in the log and in the notices list; and
// an account whose sealed secret is damaged is left out and named instead of failing the export.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiError, MethodName, Params, Results } from '../api/contract.ts';
import { openConfPrefs } from '../prefs/prefs.ts';
import { accountOwner, Accounts, UNREADABLE_TOKEN_MESSAGE } from '../store/accounts.ts';
import { Activity } from '../store/activity.ts';
import { openDatabase } from '../store/db.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import type { KeyWrapper } from '../vault/key-wrapper.ts';
import { PassphraseKeyWrapper } from '../vault/passphrase-wrapper.ts';
import { Secrets } from '../vault/secrets.ts';
import { Vault } from '../vault/vault.ts';
import { openCore } from './core.ts';
import type { Core, CoreDeps, ExportSummary } from './types.ts';

const VAULT_PASSPHRASE = 'the passphrase that unlocks it';
const EXPORT_PASSPHRASE = 'a passphrase for the file';
const HOUR = 3_600_000;

/** Stands in for the OS keychain (safeStorage): what matters here is only that no passphrase protects the key. */
const keychain = (): KeyWrapper => ({
  kind: 'safeStorage',
  wrap: async (key) => Buffer.concat([Buffer.from('keychain:'), key]),
  unwrap: async (blob) => blob.subarray('keychain:'.length),
});
const passphrase = () => new PassphraseKeyWrapper(VAULT_PASSPHRASE, { logN: 14 });

const cores: Core[] = [];
afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.close()));
});

/** A data folder with two X accounts, opened by the core as a shell would. */
async function open(wrapper: () => KeyWrapper, extra: Partial<CoreDeps> = {}) {
  const dataDir = tempDir('plugboard-export-');
  const db = openDatabase(dataDir);
  const now = Date.now();
  const accounts = new Accounts(db, new Secrets(db, await Vault.open(db, wrapper(), now)), new Activity(db));
  const ids = ['plugboard_demo', 'alice_creates'].map(
    (handle) =>
      accounts.upsertConnected({
        workspaceId: 'default',
        platform: 'x',
        renewal: 'rotating-refresh',
        profile: { platformUserId: `u-${handle}`, handle, displayName: handle, avatarUrl: null, details: {} },
        avatar: null,
        tokens: { accessToken: `at-${handle}`, refreshToken: `rt-${handle}`, accessTokenExpiresAt: now + 2 * HOUR, scopes: [] },
        connectionExpiresAt: null,
        now,
      }).id,
  );
  db.close();
  const core = await openCore({ dataDir, keyWrapper: wrapper(), prefs: openConfPrefs(dataDir), openExternal: null, redirectKinds: ['loopback', 'manual'], ...extra });
  cores.push(core);
  const call = async <M extends MethodName>(method: M, params: Params<M>) => core.call(method, params) as Promise<{ ok: true; result: Results[M] } | { ok: false; error: ApiError }>;
  return {
    dataDir,
    ids,
    call,
    async ok<M extends MethodName>(method: M, params: Params<M>): Promise<Results[M]> {
      const r = await call(method, params);
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
      return r.result;
    },
    async refused<M extends MethodName>(method: M, params: Params<M>): Promise<string> {
      const r = await call(method, params);
      if (r.ok) throw new Error(`${method} was not refused`);
      return r.error.message;
    },
    log: () => readFileSync(join(dataDir, 'logs', 'plugboard.log'), 'utf8'),
  };
}

describe('data.export: the user agrees first', () => {
  it('where a passphrase protects the data key, needs that passphrase: missing or wrong, nothing is exported', async () => {
    const m = await open(passphrase);
    expect((await m.ok('app.lockState', {})).protection).toBe('passphrase');
    expect(await m.refused('data.export', { passphrase: EXPORT_PASSPHRASE })).toBe(
      'Enter the passphrase that unlocks Plugboard: the file will hold every token, so Plugboard checks it is you. Nothing was exported.',
    );
    expect(await m.refused('data.export', { passphrase: EXPORT_PASSPHRASE, vaultPassphrase: 'a guess at the passphrase' })).toBe(
      'That is not the passphrase that unlocks Plugboard, so nothing was exported. Enter the one you type on the lock screen.',
    );
    expect(await m.ok('notices.list', {})).toEqual([]);
    expect(m.log()).not.toMatch(/data exported/);
    expect(m.log().match(/"export refused"/g)).toHaveLength(2);

    const file = await m.ok('data.export', { passphrase: EXPORT_PASSPHRASE, vaultPassphrase: VAULT_PASSPHRASE });
    expect(file).toMatchObject({ accounts: 2, leftOut: { accounts: [], appCredentials: [] } });
    expect(m.log()).toMatch(/"message":"data exported".*"accounts":2.*"agreed":"passphrase"/);
  }, 30_000);

  it('where the keychain protects it, asks the shell’s confirmation window; declined or unavailable, nothing is exported', async () => {
    const none = await open(keychain);
    expect((await none.ok('app.lockState', {})).protection).toBe('keychain');
    expect(await none.refused('data.export', { passphrase: EXPORT_PASSPHRASE })).toBe(
      'This version of Plugboard cannot ask you to confirm an export here, so nothing was exported.',
    );

    const asked: ExportSummary[] = [];
    let answer = false;
    const m = await open(keychain, {
      confirmExport: async (summary) => {
        asked.push(summary);
        return answer;
      },
    });
    // A passphrase typed into the API is no consent here: only the window counts.
    expect(await m.refused('data.export', { passphrase: EXPORT_PASSPHRASE, vaultPassphrase: VAULT_PASSPHRASE })).toBe(
      'The export was cancelled in the confirmation window, so nothing was exported.',
    );
    expect(await m.ok('notices.list', {})).toEqual([]);
    answer = true;
    expect((await m.ok('data.export', { passphrase: EXPORT_PASSPHRASE })).accounts).toBe(2);
    expect(asked).toEqual([
      { accounts: 2, workspaces: 1 },
      { accounts: 2, workspaces: 1 },
    ]);
    expect(m.log()).toMatch(/"message":"data exported".*"agreed":"confirmed"/);
  }, 30_000);

  it('records every export as a notice of the app, unread until the list is opened', async () => {
    const m = await open(passphrase);
    const file = await m.ok('data.export', { passphrase: EXPORT_PASSPHRASE, vaultPassphrase: VAULT_PASSPHRASE });
    const [notice, ...rest] = await m.ok('notices.list', {});
    expect(rest).toEqual([]);
    expect(notice).toMatchObject({ accountId: null, workspaceId: null, platform: null, read: false });
    expect(notice!.title).toMatch(/^All accounts were exported at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(notice!.body).toBe(
      `2 accounts went into ${file.fileName}. If that was not you, change Plugboard’s passphrase, then disconnect and connect each account again to end the tokens in that file.`,
    );
    expect((await m.ok('app.status', {})).unreadNotices).toBe(1);
    expect((await m.ok('notices.markRead', {}))[0]!.read).toBe(true);
    expect((await m.ok('app.status', {})).unreadNotices).toBe(0);
    await m.ok('data.export', { passphrase: EXPORT_PASSPHRASE, vaultPassphrase: VAULT_PASSPHRASE });
    expect(await m.ok('notices.list', {})).toHaveLength(2);
  }, 30_000);

  it('leaves out an account whose sealed token was damaged in the SQLite file, exports the other, and says which', async () => {
    const m = await open(passphrase);
    const db = openDatabase(m.dataDir);
    const { sealed } = db.prepare("SELECT sealed FROM secrets WHERE owner = ? AND field = 'refresh_token'").get(accountOwner(m.ids[1]!)) as { sealed: Buffer };
    sealed[20]! ^= 0x01;
    db.prepare("UPDATE secrets SET sealed = ? WHERE owner = ? AND field = 'refresh_token'").run(sealed, accountOwner(m.ids[1]!));
    db.close();
    const file = await m.ok('data.export', { passphrase: EXPORT_PASSPHRASE, vaultPassphrase: VAULT_PASSPHRASE });
    expect(file.accounts).toBe(1);
    expect(file.leftOut).toEqual({
      accounts: [{ platform: 'x', handle: 'alice_creates', workspace: 'My workspace', reason: 'its stored tokens are damaged' }],
      appCredentials: [],
    });
    expect((await m.ok('notices.list', {}))[0]!.title).toMatch(/^All accounts but X \(Twitter\) @alice_creates were exported at /);
    // Found damaged by the export, the account turns red with its fix there and then, like at start-up or a refresh.
    const listed = await m.ok('accounts.list', {});
    expect(listed.find((a) => a.id === m.ids[1])).toMatchObject({ status: 'expired', statusReason: UNREADABLE_TOKEN_MESSAGE });
    expect(listed.find((a) => a.id === m.ids[0])).toMatchObject({ status: 'connected' });
  }, 30_000);
});
