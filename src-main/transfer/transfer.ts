// What an export carries and how an import merges it into this machine (F16).
// Secrets travel in clear only inside the sealed file and are sealed again under
// the receiving machine's vault. An import is checked whole before anything is
// written, then applied in one transaction: it lands completely or not at all.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { PLATFORM_IDS, type ErrorKind, type PlatformId, type Renewal } from '../api/contract.ts';
import { accountOwner, type Accounts, type AccountRow } from '../store/accounts.ts';
import { Activity } from '../store/activity.ts';
import type { AppCredentials } from '../store/app-credentials.ts';
import type { NoticeRow, Threshold } from '../store/notices.ts';
import type { Secrets } from '../vault/secrets.ts';
import { damagedMessage, openExport, sealExport, TransferError } from './export-file.ts';

export const PAYLOAD_VERSION = 1;

/** The store layer an export reads and an import writes, as openCore opens it. */
export interface TransferDeps {
  db: Database.Database;
  /** Sealed with this machine's vault: the receiving side's data key. */
  secrets: Secrets;
  accounts: Accounts;
  appCredentials: AppCredentials;
}

export interface ImportedAccount {
  platform: PlatformId;
  handle: string;
  /** The workspace's name on this machine after the import. */
  workspace: string;
}

export interface ImportSummary {
  accounts: { added: ImportedAccount[]; renewed: ImportedAccount[]; kept: ImportedAccount[] };
  workspacesAdded: { id: string; name: string }[];
  appCredentials: { added: PlatformId[]; kept: PlatformId[] };
  noticesAdded: number;
  /** When the file was made (ms), as the exporting machine's clock said. */
  exportedAt: number;
}

const platformId = z.enum(PLATFORM_IDS);
const ms = z.number().int();
const secret = z.string().min(1).nullable();

// The columns of `accounts` that travel: every one but the local id (a transfer test checks this
// list against the table, so a new column is not silently left behind).
export const ACCOUNT_COLUMNS = [
  'workspace_id',
  'platform',
  'platform_user_id',
  'handle',
  'display_name',
  'avatar',
  'avatar_url',
  'via',
  'renewal',
  'scopes',
  'details',
  'token_expires_at',
  'connection_expires_at',
  'last_synced_at',
  'token_obtained_at',
  'last_error_kind',
  'last_error_message',
  'last_error_at',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof AccountRow)[];

const accountSchema = z.object({
  /** The exporting machine's id: links its notices, never reused here. */
  id: z.string().min(1),
  workspace_id: z.string().min(1),
  platform: platformId,
  platform_user_id: z.string().min(1),
  handle: z.string(),
  display_name: z.string(),
  avatar: z.string().nullable(),
  avatar_url: z.string().nullable(),
  via: platformId.nullable(),
  renewal: z.enum(['rotating-refresh', 'refresh', 'long-lived-extension', 'none'] satisfies Renewal[]).nullable(),
  scopes: z.string(),
  details: z.string(),
  token_expires_at: ms.nullable(),
  connection_expires_at: ms.nullable(),
  last_synced_at: ms.nullable(),
  token_obtained_at: ms.nullable(),
  last_error_kind: z.enum(['auth', 'rate_limited', 'network', 'server', 'malformed', 'setup', 'denied'] satisfies ErrorKind[]).nullable(),
  last_error_message: z.string().nullable(),
  last_error_at: ms.nullable(),
  created_at: ms,
  updated_at: ms,
  secrets: z.object({ accessToken: secret, refreshToken: secret, appPassword: secret }),
});

const noticeSchema = z.object({
  account_id: z.string().min(1),
  threshold: z.enum(['warn_window', 'warn_1d', 'expired', 'refused'] satisfies Threshold[]),
  deadline: ms,
  workspace_id: z.string().min(1),
  platform: platformId,
  title: z.string(),
  body: z.string(),
  sent_at: ms,
  read_at: ms.nullable(),
});

const payloadSchema = z
  .object({
    payloadVersion: z.literal(PAYLOAD_VERSION),
    exportedAt: ms,
    workspaces: z.array(z.object({ id: z.string().min(1), name: z.string(), created_at: ms })),
    accounts: z.array(accountSchema),
    appCredentials: z.array(z.object({ platform: platformId, clientId: z.string().min(1), clientSecret: secret })),
    notices: z.array(noticeSchema),
  })
  .superRefine((p, ctx) => {
    const workspaces = new Set(p.workspaces.map((w) => w.id));
    const issue = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (workspaces.size !== p.workspaces.length) issue('a workspace appears twice');
    if (new Set(p.appCredentials.map((c) => c.platform)).size !== p.appCredentials.length) issue('a platform has two sets of app credentials');
    const ids = new Set(p.accounts.map((a) => a.id));
    if (ids.size !== p.accounts.length) issue('an account id appears twice');
    if (new Set(p.accounts.map(accountKey)).size !== p.accounts.length) issue('an account appears twice');
    if (p.accounts.some((a) => !workspaces.has(a.workspace_id))) issue('an account belongs to no exported workspace');
    if (p.notices.some((n) => !ids.has(n.account_id))) issue('a notice belongs to no exported account');
  });

type Payload = z.output<typeof payloadSchema>;
type ExportedAccount = z.output<typeof accountSchema>;

const accountKey = (a: { workspace_id: string; platform: string; platform_user_id: string }) => JSON.stringify([a.workspace_id, a.platform, a.platform_user_id]);

export function exportData(deps: TransferDeps, passphrase: string, now: number, opts: { scryptLogN?: number } = {}): Buffer {
  const { db, accounts, appCredentials } = deps;
  // One read transaction: a refresh landing mid-export cannot pair one account's row with another moment's tokens.
  const payload = db.transaction(
    (): Payload => ({
      payloadVersion: PAYLOAD_VERSION,
      exportedAt: now,
      workspaces: db.prepare('SELECT id, name, created_at FROM workspaces ORDER BY created_at, id').all() as Payload['workspaces'],
      accounts: accounts.all().map((row) => {
        const tokens = accounts.readTokens(row.id);
        return {
          id: row.id,
          ...Object.fromEntries(ACCOUNT_COLUMNS.map((c) => [c, row[c]])),
          secrets: { accessToken: tokens.accessToken || null, refreshToken: tokens.refreshToken || null, appPassword: tokens.appPassword || null },
        } as ExportedAccount;
      }),
      appCredentials: appCredentials.all().map((row) => {
        const creds = appCredentials.read(row.platform)!;
        return { platform: row.platform, clientId: creds.clientId, clientSecret: creds.clientSecret || null };
      }),
      // Every row, the blank "superseded" ones too: they are what stops a notice firing twice.
      notices: db.prepare('SELECT * FROM notices ORDER BY sent_at').all() as NoticeRow[],
    }),
  )();
  // Checked here too, so a file this machine writes is one every machine of this version can read back.
  const checked = payloadSchema.safeParse(payload);
  if (!checked.success) {
    throw new Error(`The data folder holds something this version cannot export (${checked.error.issues[0]?.message ?? 'invalid data'}). Nothing was written.`);
  }
  return sealExport(Buffer.from(JSON.stringify(checked.data), 'utf8'), passphrase, opts);
}

export function importData(deps: TransferDeps, file: Buffer, passphrase: string, now: number): ImportSummary {
  const payload = readPayload(openExport(file, passphrase));
  return deps.db.transaction(() => apply(deps, payload, now))();
}

function readPayload(bytes: Uint8Array): Payload {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new TransferError('damaged', damagedMessage);
  }
  const version = z.object({ payloadVersion: z.number().int() }).safeParse(json);
  if (version.success && version.data.payloadVersion > PAYLOAD_VERSION) {
    throw new TransferError(
      'newer_version',
      `This export was made by a newer Plugboard (contents version ${version.data.payloadVersion}); this version reads version ${PAYLOAD_VERSION}. Update Plugboard, then import the file again.`,
    );
  }
  const parsed = payloadSchema.safeParse(json);
  // The file opened, so it is authentic: contents this version cannot place come from another build, not from damage in transit.
  if (!parsed.success) {
    throw new TransferError('damaged', `The export opened, but its contents are not what this version of Plugboard expects (${parsed.error.issues[0]?.message ?? 'invalid data'}). Nothing was imported.`);
  }
  return parsed.data;
}

function apply(deps: TransferDeps, payload: Payload, now: number): ImportSummary {
  const { db, secrets, appCredentials } = deps;
  const summary: ImportSummary = {
    accounts: { added: [], renewed: [], kept: [] },
    workspacesAdded: [],
    appCredentials: { added: [], kept: [] },
    noticesAdded: 0,
    exportedAt: payload.exportedAt,
  };

  for (const w of payload.workspaces) {
    if (db.prepare('SELECT 1 FROM workspaces WHERE id = ?').get(w.id)) continue;
    const name = freeWorkspaceName(db, w.name);
    db.prepare('INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)').run(w.id, name, w.created_at);
    summary.workspacesAdded.push({ id: w.id, name });
  }
  const workspaceName = new Map((db.prepare('SELECT id, name FROM workspaces').all() as { id: string; name: string }[]).map((w) => [w.id, w.name]));

  /** The exporting machine's account id → this machine's, for the notices. */
  const localId = new Map<string, string>();
  // Each account's history says it came from an export (added, or renewed with newer tokens).
  const activity = new Activity(db);
  for (const account of payload.accounts) {
    const existing = db
      .prepare('SELECT id, handle, token_obtained_at FROM accounts WHERE workspace_id = ? AND platform = ? AND platform_user_id = ?')
      .get(account.workspace_id, account.platform, account.platform_user_id) as Pick<AccountRow, 'id' | 'handle' | 'token_obtained_at'> | undefined;
    const label = { platform: account.platform, handle: account.handle, workspace: workspaceName.get(account.workspace_id)! };
    if (!existing) {
      const id = randomUUID();
      insertAccount(db, id, account, now);
      putSecrets(secrets, id, account, now);
      activity.add({ id, workspace_id: account.workspace_id, platform: account.platform }, 'imported', 'added from an export', now);
      localId.set(account.id, id);
      summary.accounts.added.push(label);
    } else if ((account.token_obtained_at ?? -Infinity) > (existing.token_obtained_at ?? -Infinity)) {
      updateAccount(db, existing.id, account, now);
      putSecrets(secrets, existing.id, account, now);
      activity.add({ id: existing.id, workspace_id: account.workspace_id, platform: account.platform }, 'imported', 'newer tokens from an export', now);
      localId.set(account.id, existing.id);
      summary.accounts.renewed.push(label);
    } else {
      localId.set(account.id, existing.id);
      // The local row stays, so the summary names it as this machine shows it.
      summary.accounts.kept.push({ ...label, handle: existing.handle });
    }
  }

  const saved = new Set(appCredentials.all().map((c) => c.platform));
  for (const c of payload.appCredentials) {
    if (saved.has(c.platform)) {
      summary.appCredentials.kept.push(c.platform);
      continue;
    }
    appCredentials.save(c.platform, c.clientId, c.clientSecret, c.clientSecret === null, now);
    summary.appCredentials.added.push(c.platform);
  }

  const insertNotice = db.prepare(
    `INSERT INTO notices (account_id, threshold, deadline, workspace_id, platform, title, body, sent_at, read_at)
     VALUES (@account_id, @threshold, @deadline, @workspace_id, @platform, @title, @body, @sent_at, @read_at)
     ON CONFLICT DO NOTHING`,
  );
  for (const n of payload.notices) {
    summary.noticesAdded += insertNotice.run({ ...n, account_id: localId.get(n.account_id)! }).changes;
  }
  return summary;
}

/**
 * Workspaces made apart on two machines have different ids; one whose name is already used
 * here gets a suffix, since two workspaces of the same name could not be told apart.
 */
function freeWorkspaceName(db: Database.Database, name: string): string {
  // Compared as the workspace store does: without case or surrounding spaces.
  const key = (n: string) => n.trim().toLowerCase();
  const names = new Set((db.prepare('SELECT name FROM workspaces').all() as { name: string }[]).map((w) => key(w.name)));
  const taken = (candidate: string) => names.has(key(candidate));
  if (!taken(name)) return name;
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? `${name} (imported)` : `${name} (imported ${n})`;
    if (!taken(candidate)) return candidate;
  }
}

function insertAccount(db: Database.Database, id: string, account: ExportedAccount, now: number): void {
  const columns = ['id', ...ACCOUNT_COLUMNS];
  db.prepare(`INSERT INTO accounts (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`).run(columnValues(account, id, now));
}

/** The imported row replaces the older local one; the local id, key and first-connected time stay. */
function updateAccount(db: Database.Database, id: string, account: ExportedAccount, now: number): void {
  const kept = new Set<string>(['workspace_id', 'platform', 'platform_user_id', 'created_at']);
  const set = ACCOUNT_COLUMNS.filter((c) => !kept.has(c)).map((c) => `${c} = @${c}`);
  db.prepare(`UPDATE accounts SET ${set.join(', ')} WHERE id = @id`).run(columnValues(account, id, now));
}

function columnValues(account: ExportedAccount, id: string, now: number): Record<string, unknown> {
  // updated_at is this machine's: the row changed here, now.
  return { ...Object.fromEntries(ACCOUNT_COLUMNS.map((c) => [c, account[c]])), id, updated_at: now };
}

function putSecrets(secrets: Secrets, id: string, account: ExportedAccount, now: number): void {
  // Secrets.put keeps a stored value when the imported one is empty, as a refresh without a new refresh token does.
  secrets.put(accountOwner(id), 'access_token', account.secrets.accessToken, now);
  secrets.put(accountOwner(id), 'refresh_token', account.secrets.refreshToken, now);
  secrets.put(accountOwner(id), 'app_password', account.secrets.appPassword, now);
}
