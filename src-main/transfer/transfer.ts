// What an export carries and how an import merges it into this machine (F16).
// Secrets travel in clear only inside the sealed file and are sealed again under
// the receiving machine's vault. An import is checked whole before anything is
// written, then applied in one transaction: it lands completely or not at all.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import {
  clientIdSchema,
  clientSecretSchema,
  idSchema,
  MAX_WORKSPACE_NAME,
  PLATFORM_IDS,
  platformUserIdSchema,
  workspaceNameSchema,
  type ErrorKind,
  type ExportLeftOut,
  type PlatformId,
  type Renewal,
} from '../api/contract.ts';
import { accountOwner, type Accounts, type AccountRow } from '../store/accounts.ts';
import { Activity } from '../store/activity.ts';
import type { AppCredentials } from '../store/app-credentials.ts';
import type { NoticeRow, Threshold } from '../store/notices.ts';
import type { Secrets } from '../vault/secrets.ts';
import { VaultCorruptError } from '../vault/vault.ts';
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
  /** kept: this computer's tokens are newer; unchanged: the file's are the same ones (the same file, imported again). */
  accounts: { added: ImportedAccount[]; renewed: ImportedAccount[]; kept: ImportedAccount[]; unchanged: ImportedAccount[] };
  workspacesAdded: { id: string; name: string }[];
  appCredentials: { added: PlatformId[]; kept: PlatformId[] };
  noticesAdded: number;
  /** When the file was made (ms), as the exporting machine's clock said. */
  exportedAt: number;
}

export interface ExportResult {
  file: Buffer;
  /** Accounts in the file. */
  exported: number;
  leftOut: ExportLeftOut;
}

// The contents an import accepts: the API's own rules where the API takes the same value (ids, workspace
// names, app credentials), and bounds on what only platforms write, so no file can store what would break
// the window afterwards (a details column that is not JSON made accounts.list fail for good).
const platformId = z.enum(PLATFORM_IDS);
/** Date's range: a time past it makes every date shown of that account throw. */
const ms = z.number().int().min(0).max(8.64e15);
const noNul = (s: string) => !s.includes('\0');
/** Text a platform gave (a display name, an error sentence): bounded, and without NUL, which SQLite and C strings cut at. */
const text = (max: number) => z.string().max(max).refine(noNul, 'must not contain NUL characters');
const secret = z.string().min(1).max(16 * 1024).nullable();
const detailsJson = z
  .string()
  .max(16 * 1024)
  .refine((s) => {
    try {
      const v: unknown = JSON.parse(s);
      return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
    } catch {
      return false;
    }
  }, 'must be a JSON object of strings');
/** What fetchAvatar stores: a data: URI of a picture of at most 256 KiB (base64 adds a third). */
const avatarUri = z
  .string()
  .max(360_000)
  .regex(/^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$/, 'must be a data: URI of a PNG, JPEG, GIF or WebP picture');

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
  id: idSchema,
  workspace_id: idSchema,
  platform: platformId,
  platform_user_id: platformUserIdSchema,
  handle: z
    .string()
    .max(200)
    .refine((s) => !/[\u0000-\u001f]/.test(s), 'must not contain control characters'),
  display_name: text(1000),
  avatar: avatarUri.nullable(),
  avatar_url: text(2048).nullable(),
  via: platformId.nullable(),
  renewal: z.enum(['rotating-refresh', 'refresh', 'long-lived-extension', 'none'] satisfies Renewal[]).nullable(),
  scopes: text(8 * 1024),
  details: detailsJson,
  token_expires_at: ms.nullable(),
  connection_expires_at: ms.nullable(),
  last_synced_at: ms.nullable(),
  token_obtained_at: ms.nullable(),
  last_error_kind: z.enum(['auth', 'rate_limited', 'network', 'server', 'malformed', 'setup', 'denied'] satisfies ErrorKind[]).nullable(),
  last_error_message: text(2000).nullable(),
  last_error_at: ms.nullable(),
  created_at: ms,
  updated_at: ms,
  secrets: z.object({ accessToken: secret, refreshToken: secret, appPassword: secret }),
});

const noticeSchema = z.object({
  account_id: idSchema,
  threshold: z.enum(['warn_window', 'warn_1d', 'expired', 'refused'] satisfies Threshold[]),
  deadline: ms,
  workspace_id: idSchema,
  platform: platformId,
  title: text(500),
  body: text(2000),
  sent_at: ms,
  read_at: ms.nullable(),
  // Files written before notices could be resolved have neither.
  resolved_at: ms.nullable().default(null),
  resolved_how: z.enum(['renewed', 'reconnected', 'disconnected', 'imported']).nullable().default(null),
});

const payloadSchema = z
  .object({
    payloadVersion: z.literal(PAYLOAD_VERSION),
    exportedAt: ms,
    workspaces: z.array(z.object({ id: idSchema, name: workspaceNameSchema, created_at: ms })),
    accounts: z.array(accountSchema),
    appCredentials: z.array(z.object({ platform: platformId, clientId: clientIdSchema, clientSecret: clientSecretSchema.min(1).nullable() })),
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

export async function exportData(deps: TransferDeps, passphrase: string, now: number, opts: { scryptLogN?: number } = {}): Promise<ExportResult> {
  const { db, accounts, appCredentials } = deps;
  const leftOut: ExportLeftOut = { accounts: [], appCredentials: [] };
  // One read transaction: a refresh landing mid-export cannot pair one account's row with another moment's tokens.
  const payload = db.transaction((): Payload => {
    const workspaces = db.prepare('SELECT id, name, created_at FROM workspaces ORDER BY created_at, id').all() as Payload['workspaces'];
    const workspaceName = new Map(workspaces.map((w) => [w.id, w.name]));
    // One damaged account (a sealed secret that no longer opens) must not keep every other one from moving.
    const exported: ExportedAccount[] = [];
    for (const row of accounts.all()) {
      const leave = (reason: string) => leftOut.accounts.push({ platform: row.platform, handle: row.handle, workspace: workspaceName.get(row.workspace_id) ?? '', reason });
      let tokens: ReturnType<Accounts['readTokens']>;
      try {
        tokens = accounts.readTokens(row.id);
      } catch (e) {
        if (!(e instanceof VaultCorruptError)) throw e;
        leave('its stored tokens are damaged');
        continue;
      }
      const account = accountSchema.safeParse({
        id: row.id,
        ...Object.fromEntries(ACCOUNT_COLUMNS.map((c) => [c, row[c]])),
        secrets: { accessToken: tokens.accessToken || null, refreshToken: tokens.refreshToken || null, appPassword: tokens.appPassword || null },
      });
      // Written here by an older build or an earlier import: no machine of this version could read it back.
      if (!account.success) leave(`its stored data is not valid (${describeIssue(account.error.issues[0])})`);
      else exported.push(account.data);
    }
    const credentials: Payload['appCredentials'] = [];
    for (const row of appCredentials.all()) {
      try {
        const creds = appCredentials.read(row.platform)!;
        credentials.push({ platform: row.platform, clientId: creds.clientId, clientSecret: creds.clientSecret || null });
      } catch (e) {
        if (!(e instanceof VaultCorruptError)) throw e;
        leftOut.appCredentials.push(row.platform);
      }
    }
    const ids = new Set(exported.map((a) => a.id));
    return {
      payloadVersion: PAYLOAD_VERSION,
      exportedAt: now,
      workspaces,
      accounts: exported,
      appCredentials: credentials,
      // Every row, the blank "superseded" ones too: they are what stops a notice firing twice. A left-out account's stay here.
      notices: (db.prepare('SELECT * FROM notices ORDER BY sent_at').all() as NoticeRow[]).filter((n) => ids.has(n.account_id)),
    };
  })();
  // Checked here too, so a file this machine writes is one every machine of this version can read back.
  const checked = payloadSchema.safeParse(payload);
  if (!checked.success) {
    throw new Error(`The data folder holds something this version cannot export (${describeIssue(checked.error.issues[0])}). Nothing was written.`);
  }
  const file = await sealExport(Buffer.from(JSON.stringify(checked.data), 'utf8'), passphrase, opts);
  return { file, exported: checked.data.accounts.length, leftOut };
}

export async function importData(deps: TransferDeps, file: Buffer, passphrase: string, now: number): Promise<ImportSummary> {
  const payload = readPayload(await openExport(file, passphrase));
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
  // The file opened, so it is authentic to its passphrase, which is not the same as being made by Plugboard:
  // whoever knows the passphrase can seal anything. Checked whole before a single row is written.
  if (!parsed.success) {
    throw new TransferError(
      'damaged',
      `This export holds something Plugboard does not accept (${describeIssue(parsed.error.issues[0])}), so nothing was imported. Export again with Plugboard on the other computer.`,
    );
  }
  return parsed.data;
}

const SINGULAR: Record<string, string> = { workspaces: 'workspace', accounts: 'account', appCredentials: 'app credentials', notices: 'notice' };

/** ['accounts', 3, 'details'] → "account 4's details": where in the file, in words. */
function describePath(path: readonly PropertyKey[]): string {
  const [list, index, ...rest] = path.map(String);
  if (list === undefined) return 'contents';
  if (index === undefined || !/^\d+$/.test(index)) return path.map(String).join('.');
  const item = `${SINGULAR[list] ?? list} ${Number(index) + 1}`;
  return rest.length ? `${item}'s ${rest.join('.')}` : item;
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid data';
  return issue.path.length ? `${describePath(issue.path)}: ${issue.message}` : issue.message;
}

function apply(deps: TransferDeps, payload: Payload, now: number): ImportSummary {
  const { db, secrets, appCredentials } = deps;
  const summary: ImportSummary = {
    accounts: { added: [], renewed: [], kept: [], unchanged: [] },
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
      const same = account.token_obtained_at === existing.token_obtained_at;
      summary.accounts[same ? 'unchanged' : 'kept'].push({ ...label, handle: existing.handle });
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
    `INSERT INTO notices (account_id, threshold, deadline, workspace_id, platform, title, body, sent_at, read_at, resolved_at, resolved_how)
     VALUES (@account_id, @threshold, @deadline, @workspace_id, @platform, @title, @body, @sent_at, @read_at, @resolved_at, @resolved_how)
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
    const suffix = n === 1 ? ' (imported)' : ` (imported ${n})`;
    // Within the length the API allows a name, so it can still be renamed, exported and imported again.
    const candidate = `${name.slice(0, MAX_WORKSPACE_NAME - suffix.length).trimEnd()}${suffix}`;
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
