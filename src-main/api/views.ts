// What the API answers with: the views of platforms, accounts, notices, workspaces and flows.
// Part of the contract (contract.ts re-exports it), so the same rules hold: nothing here may import
// Node, and no view carries a token or a secret.

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
  /** The setup guide's stages (make the app, register the address, paste the keys); `{redirectUri}` is filled in by the window. */
  guide: { app: string[]; redirect: string[]; keys: string[] };
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
  /**
   * Where the window reads the picture cached at connect time (core/avatars.ts: under the renderer's
   * own origin, so offline and within a strict CSP), or null → show the initial.
   */
  avatar: string | null;
  status: AccountStatus;
  /** One plain sentence explaining a non-green status. */
  statusReason: string | null;
  /**
   * Whether renewing can help now (Renew now is offered): the account renews without the user and has
   * not stopped. A red one needs Reconnect; one that cannot renew never needs either until its end.
   */
  renews: boolean;
  /**
   * The one date the user cares about (ISO 8601): when it stopped working (red), or when it will need
   * them (a deadline no renewal moves); null when it renews itself with no end, or never ends.
   */
  userDate: string | null;
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

export type ActivityKind =
  | 'connected'
  | 'reconnected'
  | 'refreshed'
  | 'recovered'
  | 'refresh_failed'
  | 'disconnected'
  | 'imported'
  /** A connected tool called the platform through Plugboard: "used by weekly-report: GET /2/users/me → 200". */
  | 'tool_request'
  /** A connected tool was handed the access token itself (shown in red: the token then lives outside Plugboard). */
  | 'tool_token'
  /** A post was sent (or refused, or not sent) through Plugboard: "posted: https://x.com/…/status/…". */
  | 'posted';

export interface ActivityView {
  kind: ActivityKind;
  /** Why, for a failed refresh. */
  detail: string | null;
  at: string;
}

/** A notice Plugboard sent (a desktop notification in Electron, the in-app list in the host). */
/**
 * One scale everywhere: 'urgent' (red) stopped working and needs the user now; 'soon' (yellow) will need
 * them; 'info' (blue) tells; 'resolved' (green) no longer needs them.
 */
export type NoticeSeverity = 'urgent' | 'soon' | 'info' | 'resolved';

export interface NoticeView {
  id: string;
  accountId: string;
  workspaceId: string;
  platform: PlatformId;
  title: string;
  body: string;
  sentAt: string;
  read: boolean;
  severity: NoticeSeverity;
  /** When the notice's condition ended and what ended it (null: something else, e.g. a shorter warning window). */
  resolved: { at: string; how: 'renewed' | 'reconnected' | 'disconnected' | 'imported' | null } | null;
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
  severity: NoticeSeverity;
  resolved: null;
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
  /** Minutes without the user before Plugboard locks itself; 0: never. Only where a passphrase protects the data key. */
  lockAfterMinutes: LockAfterMinutes;
  /** For the About panel. */
  about: { version: string; shell: string; runtime: string };
}

/**
 * F12: how the data key is protected and whether the vault is open. 'locked': a passphrase protects it
 * and must be typed; 'choose-passphrase': there is no keychain worth trusting (Linux's basic_text, the
 * browser host) and no vault yet, so the user picks a passphrase before anything is stored.
 */
/** The idle lock's choices, minutes; 0 is Off. */
export const LOCK_AFTER_MINUTES = [0, 5, 15, 30, 60] as const;
export type LockAfterMinutes = (typeof LOCK_AFTER_MINUTES)[number];

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

/** An account Refresh all could not renew, and the sentence saying why. */
export interface RefreshAllAccount {
  accountId: string;
  handle: string;
  message: string;
}

/** What Refresh all did and did not do, and why: each account of the workspace is in exactly one part. */
export interface RefreshAllSummary {
  /** Renewed now. */
  refreshed: number;
  /** Refused, ended or ending soon, or unable to renew itself: only Reconnect helps. */
  needReconnect: RefreshAllAccount[];
  /** Failed for a reason that passes (the network, the platform's rate limit); Plugboard tries again by itself. */
  failed: RefreshAllAccount[];
  /** Nothing to renew: these connections do not expire. */
  noExpiry: number;
  /** Cannot renew by themselves, and are not near their end yet. */
  notRenewable: number;
}

/** What an import (F16) did, account by account. */
export interface ImportSummaryView {
  /** kept: this computer's tokens are newer; unchanged: the file has the same ones (imported before). */
  accounts: Record<'added' | 'renewed' | 'kept' | 'unchanged', { platform: PlatformId; handle: string; workspace: string }[]>;
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
  /** Its most severe account status (expired, then expiring, offline, refreshing, connected); null with no accounts. */
  worstStatus: AccountStatus | null;
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

/** What a connected tool may do with the accounts it was granted. */
/**
 * request: call platform APIs through Plugboard. token: read access tokens (the riskier grant). publish: post
 * through Plugboard, each post shown to the user to confirm. publish_unattended: post without that confirmation.
 */
export const TOOL_CAPABILITIES = ['request', 'token', 'publish', 'publish_unattended'] as const;
export type ToolCapability = (typeof TOOL_CAPABILITIES)[number];

/** An account as the Connected tools view names it. */
export interface ToolAccountView {
  id: string;
  platform: PlatformId;
  handle: string;
}

/** A tool the user paired: its grants and its last use. Its key is never shown again after pairing. */
export interface ToolView {
  id: string;
  name: string;
  workspaceId: string;
  /** 'all': every account of its workspace, including ones connected later. */
  accounts: 'all' | ToolAccountView[];
  capabilities: ToolCapability[];
  pairedAt: string;
  lastUsed: { at: string; account: ToolAccountView | null; what: string } | null;
}

/** A tool asking to pair, waiting for the user; it expires unanswered. */
export interface PairingRequestView {
  id: string;
  name: string;
  /** What the tool said of itself (e.g. the command that asked); it cannot be verified. */
  description: string | null;
  requestedAt: string;
  expiresAt: string;
  /** A tool of that name is already paired here: approving replaces it and ends its old key. */
  replacesExisting: boolean;
}

/**
 * What became of one account's part of a post. posted: the platform took it (url: the post's address there, when
 * it gives one). refused: the platform said no (message: its reason, in a sentence). not_tried: Plugboard did not
 * send it (message: why — a rule of the platform, an account that needs Reconnect). unknown: it was sent and the
 * answer was lost; it is never sent again by itself (message: how to check).
 */
export type PostOutcome = 'posted' | 'refused' | 'not_tried' | 'unknown';

export interface PostResultView {
  accountId: string;
  platform: PlatformId;
  handle: string;
  outcome: PostOutcome;
  url: string | null;
  message: string | null;
}

/** Who asked for a post: the window, or a paired tool (by the name it had then). */
export type PostAuthorView = { kind: 'window' } | { kind: 'tool'; toolId: string; name: string };

/** A post published through Plugboard, with a result per account: the history (F-publish). */
export interface PostView {
  id: string;
  workspaceId: string;
  at: string;
  by: PostAuthorView;
  text: string;
  link: string | null;
  draft: boolean;
  results: PostResultView[];
}

/** A tool's post waiting for the user to confirm it in the window; it expires unanswered. */
export interface PostConfirmationView {
  id: string;
  toolId: string;
  toolName: string;
  text: string;
  link: string | null;
  draft: boolean;
  accounts: ToolAccountView[];
  requestedAt: string;
  expiresAt: string;
}
