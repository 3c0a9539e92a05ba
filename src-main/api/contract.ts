// The one API contract between the renderer and the main process.
// Shared by the core (which validates every call with these schemas), the
// preload (whose exposed object `satisfies PlugboardApi`), the browser host
// (POST /api/<method>) and the renderer (type imports only).
// Nothing here may import Node: the web tsconfig compiles this file too.
// No result type carries a token or a secret — keep it that way.
import { z } from 'zod';

export const PLATFORM_IDS = [
  'x',
  'linkedin',
  'facebook',
  'instagram',
  'threads',
  'tiktok',
  'youtube',
  'pinterest',
  'bluesky',
  'wordpress',
] as const;
export type PlatformId = (typeof PLATFORM_IDS)[number];

/** How a platform keeps a connection alive without the user. */
export type Renewal = 'rotating-refresh' | 'refresh' | 'long-lived-extension' | 'none';

/** Where the browser comes back to after consent. */
export type RedirectKind = 'loopback' | 'protocol' | 'https-relay' | 'manual';

/** A field of an app-password platform's form (Bluesky, WordPress). */
export interface FormField {
  name: string;
  label: string;
  kind: 'text' | 'url' | 'password';
  placeholder?: string;
  /** One plain sentence under the field. */
  help?: string;
  autocomplete?: string;
}

export interface PlatformView {
  id: PlatformId;
  name: string;
  /** false: declared but its connector has not landed yet ("coming soon"). */
  available: boolean;
  auth: 'oauth2' | 'app-password';
  renewal: Renewal;
  /** How long an access token lives, in days; null: it does not expire (Facebook Page tokens, app passwords). */
  tokenLifetimeDays: number | null;
  /** The client ID is not a secret, so it is shown; the secret never is. */
  credentials: { saved: boolean; clientId: string | null; hasSecret: boolean; savedAt: string | null };
  /** The exact redirect URI to register at the platform (null until known). */
  redirectUri: string | null;
  redirectKind: RedirectKind | null;
  /** The fixed loopback port, where the platform needs an exact match (changeable); null otherwise. */
  redirectPort: number | null;
  /** Redirect kinds this platform accepts on this build (e.g. no `protocol` in the browser host). */
  redirectKinds: RedirectKind[];
  portalUrl: string;
  guide: string[];
  scopes: string[];
  /** Scope sets the user may add (LinkedIn company pages), and whether each is on; its scopes are in `scopes` when on. */
  scopeOptions: { id: string; label: string; help: string; scopes: string[]; enabled: boolean }[];
  /** App-password platforms: what the user types to connect (instead of client credentials and a browser sign-in). */
  form: FormField[] | null;
  /**
   * App-password platforms whose site can create the password in the browser (WordPress): where it
   * comes back. 'loopback' (the browser host) works only for a local development site.
   */
  browserConnect: 'protocol' | 'loopback' | null;
  /**
   * Second ways in, through another platform's login (Instagram through a Facebook Page): `ready` once
   * that platform's app credentials and redirect are set.
   */
  connectVia: { platform: PlatformId; name: string; ready: boolean }[];
}

/** Derived from stored facts, never stored as a free string. */
export type AccountStatus = 'connected' | 'expiring' | 'expired' | 'refreshing' | 'offline';

export interface AccountView {
  id: string;
  workspaceId: string;
  platform: PlatformId;
  platformUserId: string;
  handle: string;
  displayName: string;
  /** A data: URI cached at connect time (offline-first, strict CSP), or null → show the initial. */
  avatar: string | null;
  status: AccountStatus;
  /** One plain sentence explaining a non-green status. */
  statusReason: string | null;
  /** Whether Plugboard can renew this account without the user (Renew now is offered). */
  renews: boolean;
  scopes: string[];
  /** ISO 8601 times. */
  tokenExpiresAt: string | null;
  connectionExpiresAt: string | null;
  lastSyncedAt: string | null;
  lastError: { kind: ErrorKind; message: string; at: string } | null;
  /** Non-secret platform facts, e.g. X's subscriptionType. */
  details: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

/** How a failed platform call is classified (the scheduler acts on this). */
export type ErrorKind = 'auth' | 'rate_limited' | 'network' | 'server' | 'malformed' | 'setup' | 'denied';

export type ActivityKind = 'connected' | 'reconnected' | 'refreshed' | 'recovered' | 'refresh_failed' | 'disconnected' | 'imported';

export interface ActivityView {
  kind: ActivityKind;
  /** Why, for a failed refresh. */
  detail: string | null;
  at: string;
}

/** A notice Plugboard sent (a desktop notification in Electron, the in-app list in the host). */
export interface NoticeView {
  id: string;
  accountId: string;
  workspaceId: string;
  platform: PlatformId;
  title: string;
  body: string;
  sentAt: string;
  read: boolean;
}

/** A notice about the whole installation, not one account (every account was exported): nothing to open. */
export interface AppNoticeView {
  id: string;
  accountId: null;
  workspaceId: null;
  platform: null;
  title: string;
  body: string;
  sentAt: string;
  read: boolean;
}

export interface AppStatus {
  /** The core's clock (the demo's dev-only time travel shifts it): relative times are measured from it. */
  now: string;
  /** false when the OS says so or the last platform call could not reach the network. */
  online: boolean;
  warningWindowDays: number;
  /** Accounts the scheduler is watching, and refreshes running now. */
  scheduled: number;
  refreshing: number;
  unreadNotices: number;
  /** Start Plugboard when the user logs in; null where the shell cannot (the browser host). */
  launchAtLogin: boolean | null;
  /** The workspace the window shows and the API acts in. */
  workspace: { id: string; name: string };
  theme: 'system' | 'light' | 'dark';
  /** Closing the window keeps Plugboard in the tray; null where there is no tray (the browser host). */
  keepInTray: boolean | null;
  /** For the About panel. */
  about: { version: string; shell: string; runtime: string };
}

/**
 * F12: how the data key is protected and whether the vault is open. 'locked': a passphrase protects it
 * and must be typed; 'choose-passphrase': there is no keychain worth trusting (Linux's basic_text, the
 * browser host) and no vault yet, so the user picks a passphrase before anything is stored.
 */
export interface LockState {
  state: 'open' | 'locked' | 'choose-passphrase';
  protection: 'keychain' | 'passphrase';
  /** Linux offered only safeStorage's basic_text (a hard-coded key): Plugboard says so and uses a passphrase. */
  weakKeychain: boolean;
}

/** What an export (F16) could not take: each account with why, and platforms whose app credentials it left behind. */
export interface ExportLeftOut {
  accounts: { platform: PlatformId; handle: string; workspace: string; reason: string }[];
  appCredentials: PlatformId[];
}

/** What an import (F16) did, account by account. */
export interface ImportSummaryView {
  accounts: Record<'added' | 'renewed' | 'kept', { platform: PlatformId; handle: string; workspace: string }[]>;
  workspacesAdded: string[];
  appCredentials: { added: PlatformId[]; kept: PlatformId[] };
  noticesAdded: number;
  exportedAt: string;
}

/** A workspace (F11): one per brand; it owns its accounts. */
export interface WorkspaceView {
  id: string;
  name: string;
  accountCount: number;
  /** Its accounts that need the user (expiring or expired). */
  needsAttention: number;
  active: boolean;
}

export type FlowState = 'waiting' | 'exchanging' | 'choosing' | 'connected' | 'failed' | 'cancelled' | 'timed_out';

/** An identity the login gives, offered for the user to pick (F4). */
export interface FlowChoice {
  platformUserId: string;
  handle: string;
  displayName: string;
  avatar: string | null;
  /** Set when it cannot be connected, with the reason and the fix. */
  unavailableReason: string | null;
  /** Already connected in this workspace (choosing it renews it in place). */
  connected: boolean;
}

export interface FlowView {
  flowId: string;
  platform: PlatformId;
  state: FlowState;
  authorizeUrl: string;
  redirectUri: string;
  startedAt: string;
  expiresAt: string;
  /** Set once connected: the account created or renewed in place (the first, when several were chosen). */
  accountId: string | null;
  /** Every account the flow connected or renewed. */
  accountIds: string[];
  /** While `choosing`: the identities to pick from. */
  choices: FlowChoice[] | null;
  /** true when the connect renewed an existing account rather than adding one. */
  renewed: boolean;
  reconnectAccountId: string | null;
  /** A plain sentence for a failed/cancelled/timed-out flow. */
  error: string | null;
}

const platform = z.enum(PLATFORM_IDS);
const id = z.string().min(1).max(100);
const platformUserId = z.string().min(1).max(200);
const clientId = z.string().trim().min(1, 'Client ID is empty').max(512);
const clientSecret = z.string().trim().max(1024);

export const MAX_WORKSPACE_NAME = 60;

const workspaceName = z
  .string()
  .trim()
  .min(1, 'Give the workspace a name')
  .max(MAX_WORKSPACE_NAME, `Keep the name under ${MAX_WORKSPACE_NAME} characters`)
  .refine((s) => !/[\u0000-\u001f]/.test(s), 'The name cannot contain control characters');

const newPassphrase = z
  .string()
  .min(10, 'Use at least 10 characters: the passphrase is what protects your tokens')
  .max(1024);

/** The largest export file an import takes, as base64 characters (~150 MB of file: 1,000 accounts with avatars are ~5 MB). */
export const MAX_IMPORT_BASE64 = 200 * 1024 * 1024;

const exportPassphrase = z
  .string()
  .min(10, 'Use a passphrase of at least 10 characters: it is all that protects the tokens in the file')
  .max(1024);

export const requestSchemas = {
  'platforms.list': z.strictObject({}),
  'credentials.save': z.strictObject({
    platform,
    clientId,
    /** Omitted or empty: keep the stored secret (or none, for a first save). */
    clientSecret: clientSecret.optional(),
    /** A public client (e.g. X "Native App") sends no secret: any stored one is deleted. */
    publicClient: z.boolean().optional(),
  }),
  'credentials.clear': z.strictObject({ platform }),
  'platforms.setRedirect': z.strictObject({
    platform,
    kind: z.enum(['loopback', 'protocol', 'https-relay']),
    /** Only for a platform that needs an exact loopback port. */
    port: z.number().int().min(1024, 'Choose a port from 1024 to 65535').max(65535, 'Choose a port from 1024 to 65535').optional(),
    /** Only for https-relay: the user's own HTTPS page the platform redirects to. */
    httpsUrl: z
      .string()
      .trim()
      .max(2048)
      .refine((s) => {
        try {
          const u = new URL(s);
          return u.protocol === 'https:' && !u.hash && !u.username && !u.password;
        } catch {
          return false;
        }
      }, 'Enter an https:// address of a page you host, like https://example.com/plugboard-relay.html (no #fragment)')
      .optional(),
  }),
  'platforms.relayPage': z.strictObject({ platform }),
  'platforms.setScopeOption': z.strictObject({ platform, option: z.string().min(1).max(64), enabled: z.boolean() }),
  /** siteUrl: WordPress's Connect in browser (its authorize-application page lives on the site). */
  /** via: a second way in, signing in with another platform's app (Instagram through a Facebook Page: 'facebook'). */
  'connect.start': z.strictObject({ platform, reconnectAccountId: id.optional(), siteUrl: z.string().trim().min(1).max(2048).optional(), via: platform.optional() }),
  'connect.status': z.strictObject({ flowId: id }),
  'connect.cancel': z.strictObject({ flowId: id }),
  'connect.complete': z.strictObject({ flowId: id, url: z.string().trim().min(1).max(8192) }),
  'connect.choose': z.strictObject({ flowId: id, platformUserIds: z.array(platformUserId).min(1, 'Choose at least one').max(100) }),
  'appPassword.test': z.strictObject({ platform, values: z.record(z.string().max(64), z.string().max(2048)) }),
  'appPassword.save': z.strictObject({ platform, values: z.record(z.string().max(64), z.string().max(2048)) }),
  /** The active workspace's accounts: nothing of one workspace shows in another. */
  'accounts.list': z.strictObject({}),
  'workspaces.list': z.strictObject({}),
  'workspaces.create': z.strictObject({ name: workspaceName }),
  'workspaces.rename': z.strictObject({ workspaceId: id, name: workspaceName }),
  /** Disconnects (and revokes where the platform can) every account of the workspace, then deletes it. */
  'workspaces.delete': z.strictObject({ workspaceId: id }),
  'workspaces.switch': z.strictObject({ workspaceId: id }),
  /** F12: these four also answer while the vault is locked; every other method then says `locked`. */
  'app.lockState': z.strictObject({}),
  'app.unlock': z.strictObject({ passphrase: z.string().min(1, 'Enter your passphrase').max(1024) }),
  'app.setPassphrase': z.strictObject({ passphrase: newPassphrase }),
  'app.changePassphrase': z.strictObject({ current: z.string().min(1, 'Enter the current passphrase').max(1024), next: newPassphrase }),
  /**
   * F16: everything, sealed under `passphrase` (the file is ciphertext: nothing readable leaves the main process).
   * The user must agree in a way no API caller can fake: `vaultPassphrase`, the one that unlocks Plugboard, where a
   * passphrase protects the data key (app.lockState's `protection`); a confirmation window of the OS's own otherwise.
   */
  'data.export': z.strictObject({ passphrase: exportPassphrase, vaultPassphrase: z.string().min(1, 'Enter the passphrase that unlocks Plugboard').max(1024).optional() }),
  /** F16: a file made by data.export, as base64; merged by each account's unique key. */
  'data.import': z.strictObject({ content: z.string().min(1).max(MAX_IMPORT_BASE64), passphrase: z.string().min(1).max(1024) }),
  'accounts.activity': z.strictObject({ accountId: id }),
  'accounts.refreshAll': z.strictObject({}),
  'accounts.syncProfile': z.strictObject({ accountId: id }),
  'notices.list': z.strictObject({}),
  'notices.markRead': z.strictObject({}),
  'app.status': z.strictObject({}),
  'settings.update': z.strictObject({
    warningWindowDays: z.number().int().min(1, 'The warning window is at least 1 day').max(60, 'The warning window is at most 60 days').optional(),
    launchAtLogin: z.boolean().optional(),
    theme: z.enum(['system', 'light', 'dark']).optional(),
    keepInTray: z.boolean().optional(),
  }),
  'accounts.refresh': z.strictObject({ accountId: id }),
  'accounts.disconnect': z.strictObject({ accountId: id }),
} as const;

export type MethodName = keyof typeof requestSchemas;
export const METHOD_NAMES = Object.keys(requestSchemas) as MethodName[];

/**
 * Rules an imported file's contents share with the API (F16): a file cannot bring in what no call could.
 * The names say which field of which method each one checks.
 */
export { id as idSchema, platformUserId as platformUserIdSchema, workspaceName as workspaceNameSchema, clientId as clientIdSchema, clientSecret as clientSecretSchema };

/** The largest request body, in bytes of JSON, the browser host reads for a method; every other method gets DEFAULT_BODY_LIMIT. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;
/**
 * One row per method whose schema allows more than DEFAULT_BODY_LIMIT. data.import: its `content` at the
 * schema's max is that many bytes of JSON (base64 needs no escaping), plus a passphrase of 1,024 characters
 * escaped at worst as \uXXXX (6 KiB) and the keys.
 */
export const BODY_LIMITS: Partial<Record<MethodName, number>> = {
  'data.import': MAX_IMPORT_BASE64 + 16 * 1024,
};

export function bodyLimit(method: string): number {
  return Object.hasOwn(BODY_LIMITS, method) ? BODY_LIMITS[method as MethodName]! : DEFAULT_BODY_LIMIT;
}
export type Params<M extends MethodName> = z.input<(typeof requestSchemas)[M]>;

export interface Results {
  'platforms.list': PlatformView[];
  'credentials.save': PlatformView;
  'credentials.clear': PlatformView;
  'platforms.setRedirect': PlatformView;
  /** The HTTPS relay page to host (no secrets in it). */
  'platforms.relayPage': { fileName: string; html: string };
  'platforms.setScopeOption': PlatformView;
  'connect.start': { flowId: string; authorizeUrl: string; redirectUri: string; openedExternally: boolean };
  'connect.status': FlowView;
  'connect.cancel': FlowView;
  'connect.complete': FlowView;
  'connect.choose': FlowView;
  /** Test connection: who the typed values belong to. Nothing is stored. */
  'appPassword.test': { handle: string; displayName: string; avatar: string | null; notes: string[] };
  'appPassword.save': AccountView;
  'accounts.list': AccountView[];
  'workspaces.list': WorkspaceView[];
  'workspaces.create': WorkspaceView;
  'workspaces.rename': WorkspaceView;
  'workspaces.delete': { workspaceId: string; disconnected: number; revokeErrors: string[] };
  'workspaces.switch': WorkspaceView;
  'app.lockState': LockState;
  'app.unlock': LockState;
  'app.setPassphrase': LockState;
  'app.changePassphrase': LockState;
  /** `accounts`: how many the file holds; `leftOut`: what could not be exported (a damaged secret), and why. */
  'data.export': { fileName: string; contentBase64: string; accounts: number; leftOut: ExportLeftOut };
  'data.import': ImportSummaryView;
  'accounts.activity': ActivityView[];
  'accounts.refreshAll': { refreshed: number; failed: { accountId: string; handle: string; message: string }[] };
  'accounts.syncProfile': AccountView;
  'notices.list': (NoticeView | AppNoticeView)[];
  'notices.markRead': (NoticeView | AppNoticeView)[];
  'app.status': AppStatus;
  'settings.update': AppStatus;
  'accounts.refresh': AccountView;
  /**
   * revoked: access was revoked at the platform. revokeError: revoking was tried and failed.
   * note: revoking was not tried, and why (the platform has no revoke endpoint; another account shares the grant).
   */
  'accounts.disconnect': { accountId: string; revoked: boolean; revokeError: string | null; note: string | null };
}

export type ApiErrorCode =
  | 'bad_request'
  | 'unknown_method'
  | 'not_found'
  | 'not_configured'
  | 'conflict'
  | 'platform'
  | 'locked'
  /** The machine is offline; the work will happen when the network is back. */
  | 'offline'
  | 'internal';

export interface ApiError {
  code: ApiErrorCode;
  message: string;
  /** For a platform failure: how it was classified. */
  kind?: ErrorKind;
  /** For bad_request: which fields were wrong and why. */
  issues?: { path: string; message: string }[];
}

export type Envelope<T> = { ok: true; result: T } | { ok: false; error: ApiError };

export type ApiEvent =
  | { type: 'accounts.changed' }
  | { type: 'platforms.changed' }
  | { type: 'flow.changed'; flow: FlowView }
  | { type: 'notices.changed' }
  | { type: 'app.changed' }
  /** A notification or the tray asked to show this account (and offer Reconnect when it needs the user). */
  | { type: 'ui.openAccount'; accountId: string; reconnect: boolean }
  /** The vault was unlocked (or its protection changed): the window loads what it could not before. */
  | { type: 'lock.changed' }
  /** Workspaces were added, renamed, deleted, or the active one changed. */
  | { type: 'workspaces.changed' };

/** What the preload exposes as `window.plugboard`, and what the host's HTTP client implements. */
export interface PlugboardApi {
  invoke<M extends MethodName>(method: M, params: Params<M>): Promise<Envelope<Results[M]>>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
}

/** The IPC channel names the preload and the Electron shell agree on. */
export const IPC_INVOKE = 'plugboard:invoke';
export const IPC_EVENT = 'plugboard:event';
