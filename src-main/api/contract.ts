// src-main/api/: the one typed API between the window (or a browser page) and the main process — requests, results, errors, events and views.
//
// The one API contract between the renderer and the main process.
// Shared by the core (which validates every call with these schemas), the
// preload (whose exposed object `satisfies PlugboardApi`), the browser host
// (POST /api/<method>) and the renderer (type imports only).
// Nothing here may import Node: the web tsconfig compiles this file too.
// No result type carries a token or a secret — keep it that way.
import { z } from 'zod';
import {
  LOCK_AFTER_MINUTES,
  PLATFORM_IDS,
  TOOL_CAPABILITIES,
  type AccountView,
  type ActivityView,
  type AppNoticeView,
  type AppStatus,
  type ErrorKind,
  type ExportLeftOut,
  type FlowView,
  type ImportSummaryView,
  type LockState,
  type NoticeView,
  type PairingRequestView,
  type PlatformView,
  type PostConfirmationView,
  type PostView,
  type RefreshAllSummary,
  type ToolView,
  type WorkspaceView,
} from './views.ts';

// The views are half the contract; importers keep one door.
export * from './views.ts';

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

/** The longest text a post may have anywhere (WordPress); each platform's own limit is in post-rules.ts. */
export const MAX_POST_TEXT = 100_000;
export const MAX_POST_ACCOUNTS = 50;

const postText = z
  .string()
  .max(MAX_POST_TEXT, `Keep the text under ${MAX_POST_TEXT} characters`)
  .refine((s) => s.trim().length > 0, 'Write something to post')
  .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s), 'The text cannot contain control characters');

/** A web address of up to 2,048 characters with no user name or password in it, and whatever else `ok` asks. */
const webAddress = (ok: (u: URL) => boolean, message: string) =>
  z
    .string()
    .trim()
    .max(2048)
    .refine((s) => {
      try {
        const u = new URL(s);
        return !u.username && !u.password && ok(u);
      } catch {
        return false;
      }
    }, message);

const postLink = webAddress((u) => u.protocol === 'https:' || u.protocol === 'http:', 'Enter a link that starts with https://');

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
    httpsUrl: webAddress(
      (u) => u.protocol === 'https:' && !u.hash,
      'Enter an https:// address of a page you host, like https://example.com/plugboard-relay.html (no #fragment)',
    ).optional(),
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
  /** F12: these four and app.lock also answer while the vault is locked; every other method then says `locked`. */
  'app.lockState': z.strictObject({}),
  'app.unlock': z.strictObject({ passphrase: z.string().min(1, 'Enter your passphrase').max(1024) }),
  'app.setPassphrase': z.strictObject({ passphrase: newPassphrase }),
  'app.changePassphrase': z.strictObject({ current: z.string().min(1, 'Enter the current passphrase').max(1024), next: newPassphrase }),
  /** Closes the vault until the passphrase is typed again (only where a passphrase protects the data key). */
  'app.lock': z.strictObject({}),
  /** The window saw the user (a key, a click): the browser host's idle clock for the idle lock. */
  'app.active': z.strictObject({}),
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
    lockAfterMinutes: z.literal(LOCK_AFTER_MINUTES, 'Choose Off, 5, 15, 30 or 60 minutes').optional(),
  }),
  'accounts.refresh': z.strictObject({ accountId: id }),
  'accounts.disconnect': z.strictObject({ accountId: id }),
  /** The gateway (connected tools): what asks, what was allowed, and taking it back. */
  'tools.list': z.strictObject({}),
  'tools.pending': z.strictObject({}),
  /** accounts: 'all' (the active workspace's, including later ones) or some of its account ids. */
  'tools.approve': z.strictObject({
    requestId: id,
    accounts: z.union([z.literal('all'), z.array(id).min(1, 'Choose at least one account').max(1000)]),
    capabilities: z.array(z.enum(TOOL_CAPABILITIES)).min(1, 'Allow at least one thing').max(TOOL_CAPABILITIES.length),
  }),
  'tools.deny': z.strictObject({ requestId: id }),
  'tools.revoke': z.strictObject({ toolId: id }),
  /**
   * One post to several accounts of the active workspace; each platform's rules (post-rules.ts) are checked
   * before anything is sent, and each account gets its own result. draft: WordPress keeps it as a draft.
   */
  'posts.publish': z.strictObject({
    text: postText,
    link: postLink.optional(),
    accountIds: z.array(id).min(1, 'Choose at least one account').max(MAX_POST_ACCOUNTS, `Post to at most ${MAX_POST_ACCOUNTS} accounts at once`),
    draft: z.boolean().optional(),
  }),
  /** The posts published through Plugboard in the active workspace, newest first; accountId: that account's only. */
  'posts.history': z.strictObject({ accountId: id.optional() }),
  /** Tools' posts waiting for the user to confirm them. */
  'posts.pending': z.strictObject({}),
  'posts.confirm': z.strictObject({ requestId: id }),
  'posts.reject': z.strictObject({ requestId: id }),
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
  'app.lock': LockState;
  'app.active': null;
  /** `accounts`: how many the file holds; `leftOut`: what could not be exported (a damaged secret), and why. */
  'data.export': { fileName: string; contentBase64: string; accounts: number; leftOut: ExportLeftOut };
  'data.import': ImportSummaryView;
  'accounts.activity': ActivityView[];
  'accounts.refreshAll': RefreshAllSummary;
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
  'tools.list': ToolView[];
  'tools.pending': PairingRequestView[];
  'tools.approve': ToolView;
  'tools.deny': { requestId: string };
  'tools.revoke': { toolId: string };
  /** The post as the history keeps it, with a result per account (one account's failure never stops the others). */
  'posts.publish': PostView;
  'posts.history': PostView[];
  'posts.pending': PostConfirmationView[];
  'posts.confirm': { requestId: string };
  'posts.reject': { requestId: string };
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
  | { type: 'workspaces.changed' }
  /** A tool asked to pair, was approved, denied or revoked, or its request expired. */
  | { type: 'tools.changed' }
  /** A post was published (the history grew), or a tool's post began or stopped waiting for confirmation. */
  | { type: 'posts.changed' };

/** What the preload exposes as `window.plugboard`, and what the host's HTTP client implements. */
export interface PlugboardApi {
  invoke<M extends MethodName>(method: M, params: Params<M>): Promise<Envelope<Results[M]>>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
}

/** The IPC channel names the preload and the Electron shell agree on. */
export const IPC_INVOKE = 'plugboard:invoke';
export const IPC_EVENT = 'plugboard:event';
