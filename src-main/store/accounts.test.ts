import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Profile, TokenSet } from '../connectors/types.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { PassphraseKeyWrapper } from '../vault/passphrase-wrapper.ts';
import { Secrets } from '../vault/secrets.ts';
import { Vault } from '../vault/vault.ts';
import { accountOwner, Accounts } from './accounts.ts';
import { Activity } from './activity.ts';
import { openDatabase } from './db.ts';

const T0 = Date.UTC(2025, 0, 1);

const opened: Database.Database[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

async function open() {
  const db = openDatabase(tempDir());
  opened.push(db);
  // A cheaper scrypt cost than the default keeps the file fast; the wrapper is the real one.
  const secrets = new Secrets(db, await Vault.open(db, new PassphraseKeyWrapper('pw', { logN: 14 }), T0));
  const activity = new Activity(db);
  return { db, secrets, accounts: new Accounts(db, secrets, activity) };
}

function profile(overrides: Partial<Profile> = {}): Profile {
  return { platformUserId: '1500000000000000001', handle: 'plugboard_demo', displayName: 'Plugboard Demo', avatarUrl: null, details: { subscriptionType: 'None' }, ...overrides };
}

function tokens(overrides: Partial<TokenSet> = {}): TokenSet {
  return { accessToken: 'access-1', refreshToken: 'refresh-1', accessTokenExpiresAt: T0 + 7_200_000, scopes: ['tweet.read', 'users.read', 'offline.access'], ...overrides };
}

function connect(accounts: Accounts, over: { workspaceId?: string; profile?: Partial<Profile>; tokens?: Partial<TokenSet>; avatar?: string | null; now?: number } = {}) {
  return accounts.upsertConnected({
    workspaceId: over.workspaceId ?? 'default',
    platform: 'x',
    renewal: 'rotating-refresh',
    profile: profile(over.profile),
    avatar: over.avatar === undefined ? 'data:image/png;base64,AAAA' : over.avatar,
    tokens: tokens(over.tokens),
    connectionExpiresAt: null,
    now: over.now ?? T0,
  });
}

function activityKinds(db: Database.Database, accountId: string): string[] {
  return (db.prepare('SELECT kind FROM activity WHERE account_id = ? ORDER BY id').all(accountId) as { kind: string }[]).map((r) => r.kind);
}

function secretCount(db: Database.Database, accountId: string): number {
  return (db.prepare('SELECT count(*) AS n FROM secrets WHERE owner = ?').get(accountOwner(accountId)) as { n: number }).n;
}

describe('accounts', () => {
  it('inserts a new account with its profile and sealed tokens, and records "connected"', async () => {
    const { db, accounts } = await open();
    const { id, renewed } = connect(accounts);
    expect(renewed).toBe(false);
    const row = accounts.get(id)!;
    expect(row).toMatchObject({
      workspace_id: 'default',
      platform: 'x',
      platform_user_id: '1500000000000000001',
      handle: 'plugboard_demo',
      avatar: 'data:image/png;base64,AAAA',
      scopes: 'tweet.read users.read offline.access',
      details: '{"subscriptionType":"None"}',
      token_expires_at: T0 + 7_200_000,
      last_synced_at: T0,
      created_at: T0,
    });
    expect(accounts.readTokens(id)).toEqual({ accessToken: 'access-1', refreshToken: 'refresh-1', appPassword: null });
    expect(activityKinds(db, id)).toEqual(['connected']);
  });

  it('renews an account connected again in place: same id, new tokens and profile, "reconnected"', async () => {
    const { db, accounts } = await open();
    const first = connect(accounts);
    const again = connect(accounts, {
      profile: { handle: 'renamed', displayName: 'Renamed' },
      tokens: { accessToken: 'access-2', refreshToken: 'refresh-2', accessTokenExpiresAt: T0 + 9_000_000 },
      now: T0 + 1000,
    });
    expect(again).toEqual({ id: first.id, renewed: true });
    expect(accounts.list('default')).toHaveLength(1);
    expect(accounts.get(first.id)).toMatchObject({ handle: 'renamed', display_name: 'Renamed', token_expires_at: T0 + 9_000_000, created_at: T0, updated_at: T0 + 1000 });
    expect(accounts.readTokens(first.id)).toEqual({ accessToken: 'access-2', refreshToken: 'refresh-2', appPassword: null });
    expect(activityKinds(db, first.id)).toEqual(['connected', 'reconnected']);
  });

  it('keeps the stored refresh token when a reconnect brings none: an empty field never overwrites a secret', async () => {
    const { accounts } = await open();
    const { id } = connect(accounts);
    connect(accounts, { tokens: { accessToken: 'access-2', refreshToken: undefined }, now: T0 + 1000 });
    expect(accounts.readTokens(id)).toEqual({ accessToken: 'access-2', refreshToken: 'refresh-1', appPassword: null });
  });

  it('keeps the avatar it had when a reconnect could not download one', async () => {
    const { accounts } = await open();
    const { id } = connect(accounts);
    connect(accounts, { avatar: null, now: T0 + 1000 });
    expect(accounts.get(id)!.avatar).toBe('data:image/png;base64,AAAA');
  });

  it('a reconnect clears the last error', async () => {
    const { accounts } = await open();
    const { id } = connect(accounts);
    accounts.recordError(id, 'auth', 'X no longer accepts this account.', T0 + 500);
    connect(accounts, { now: T0 + 1000 });
    expect(accounts.get(id)).toMatchObject({ last_error_kind: null, last_error_message: null, last_error_at: null });
  });

  it('stores a rotated refresh token together with the new access token, and clears the last error', async () => {
    const { db, accounts } = await open();
    const { id } = connect(accounts);
    accounts.recordError(id, 'network', 'Could not reach api.x.com.', T0 + 500);
    accounts.saveRefreshed(id, tokens({ accessToken: 'access-2', refreshToken: 'refresh-2', accessTokenExpiresAt: T0 + 9_000_000 }), null, T0 + 1000);
    expect(accounts.readTokens(id)).toEqual({ accessToken: 'access-2', refreshToken: 'refresh-2', appPassword: null });
    expect(accounts.get(id)).toMatchObject({
      token_expires_at: T0 + 9_000_000,
      last_synced_at: T0 + 1000,
      last_error_kind: null,
      last_error_message: null,
      last_error_at: null,
    });
    expect(activityKinds(db, id)).toEqual(['connected', 'refresh_failed', 'recovered']);
  });

  it('keeps the refresh token and the scopes when a refresh reply has neither', async () => {
    const { accounts } = await open();
    const { id } = connect(accounts);
    accounts.saveRefreshed(id, tokens({ accessToken: 'access-2', refreshToken: undefined, scopes: [] }), null, T0 + 1000);
    expect(accounts.readTokens(id)).toEqual({ accessToken: 'access-2', refreshToken: 'refresh-1', appPassword: null });
    expect(accounts.get(id)!.scopes).toBe('tweet.read users.read offline.access');
  });

  it('writes a refresh all or nothing: a failing row update leaves the old tokens in place', async () => {
    const { db, accounts } = await open();
    const { id } = connect(accounts);
    // A real SQLite failure inside the transaction, after the secrets were written.
    db.exec("CREATE TRIGGER refuse_update BEFORE UPDATE ON accounts BEGIN SELECT RAISE(ABORT, 'disk says no'); END;");
    expect(() => accounts.saveRefreshed(id, tokens({ accessToken: 'access-2', refreshToken: 'refresh-2' }), null, T0 + 1000)).toThrow(/disk says no/);
    expect(accounts.readTokens(id)).toEqual({ accessToken: 'access-1', refreshToken: 'refresh-1', appPassword: null });
    expect(activityKinds(db, id)).toEqual(['connected']);
  });

  it('writes a connect all or nothing: no row and no secrets when the history cannot be written', async () => {
    const { db, accounts } = await open();
    db.exec("CREATE TRIGGER refuse_activity BEFORE INSERT ON activity BEGIN SELECT RAISE(ABORT, 'disk says no'); END;");
    expect(() => connect(accounts)).toThrow(/disk says no/);
    expect(accounts.list('default')).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM secrets').get()).toEqual({ n: 0 });
  });

  it('records an error without touching the tokens', async () => {
    const { db, accounts } = await open();
    const { id } = connect(accounts);
    const before = accounts.get(id)!;
    accounts.recordError(id, 'auth', 'X no longer accepts this account.', T0 + 1000);
    expect(accounts.readTokens(id)).toEqual({ accessToken: 'access-1', refreshToken: 'refresh-1', appPassword: null });
    expect(accounts.get(id)).toEqual({
      ...before,
      last_error_kind: 'auth',
      last_error_message: 'X no longer accepts this account.',
      last_error_at: T0 + 1000,
      updated_at: T0 + 1000,
    });
    expect(db.prepare('SELECT kind, detail FROM activity WHERE account_id = ? ORDER BY id DESC LIMIT 1').get(id)).toEqual({
      kind: 'refresh_failed',
      detail: 'X no longer accepts this account.',
    });
  });

  it('removes the row and every secret of the account, keeps its history, and leaves other accounts alone', async () => {
    const { db, secrets, accounts } = await open();
    const { id } = connect(accounts);
    const other = connect(accounts, { profile: { platformUserId: '1500000000000000002', handle: 'alice' }, tokens: { accessToken: 'other-access', refreshToken: 'other-refresh' } });
    // Any field the account owns goes, not only the two token fields.
    secrets.put(accountOwner(id), 'app_password', 'stray', T0);
    expect(secretCount(db, id)).toBe(3);
    accounts.remove(id, T0 + 1000);
    expect(accounts.get(id)).toBeUndefined();
    expect(secretCount(db, id)).toBe(0);
    expect(accounts.readTokens(id)).toEqual({ accessToken: null, refreshToken: null, appPassword: null });
    expect(activityKinds(db, id)).toEqual(['connected', 'disconnected']);
    expect(accounts.readTokens(other.id)).toEqual({ accessToken: 'other-access', refreshToken: 'other-refresh', appPassword: null });
    expect(accounts.list('default').map((a) => a.id)).toEqual([other.id]);
  });

  it('keeps accounts unique per workspace: the same platform user in another workspace is a separate account', async () => {
    const { db, accounts } = await open();
    db.prepare("INSERT INTO workspaces (id, name, created_at) VALUES ('studio', 'Studio', ?)").run(T0);
    const home = connect(accounts);
    const studio = connect(accounts, { workspaceId: 'studio', tokens: { accessToken: 'studio-access', refreshToken: 'studio-refresh' } });
    expect(studio.renewed).toBe(false);
    expect(studio.id).not.toBe(home.id);
    expect(accounts.list('default').map((a) => a.id)).toEqual([home.id]);
    expect(accounts.list('studio').map((a) => a.id)).toEqual([studio.id]);
    expect(accounts.readTokens(home.id)).toEqual({ accessToken: 'access-1', refreshToken: 'refresh-1', appPassword: null });
    expect(accounts.readTokens(studio.id)).toEqual({ accessToken: 'studio-access', refreshToken: 'studio-refresh', appPassword: null });
    // Connecting again within a workspace still renews that workspace's row only.
    expect(connect(accounts, { workspaceId: 'studio', now: T0 + 1000 })).toEqual({ id: studio.id, renewed: true });
    expect(activityKinds(db, home.id)).toEqual(['connected']);
  });
});

describe('app passwords', () => {
  it('seals an app password with the account and deletes it with the account', async () => {
    const { accounts, db } = await open();
    const { id } = accounts.upsertConnected({
      workspaceId: 'default',
      platform: 'wordpress',
      renewal: 'none',
      profile: { platformUserId: 'https://blog.example#1', handle: 'admin', displayName: 'Admin', avatarUrl: null, details: {} },
      avatar: null,
      tokens: { accessToken: '', accessTokenExpiresAt: null, scopes: [] },
      connectionExpiresAt: null,
      appPassword: 'abcd efgh ijkl mnop',
      now: T0,
    });
    expect(accounts.readTokens(id)).toEqual({ accessToken: null, refreshToken: null, appPassword: 'abcd efgh ijkl mnop' });
    accounts.remove(id, T0 + 1);
    expect(db.prepare('SELECT count(*) AS n FROM secrets').get()).toEqual({ n: 0 });
  });
});
