import type { AccountStatus, ApiEvent, Envelope, NoticeView, PlatformId, RedirectKind } from '../api/contract.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyWrapper } from '../vault/key-wrapper.ts';
import type { Prefs } from '../prefs/prefs.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import type { OriginMap } from '../http/origins.ts';
import type { AvatarReply } from './avatars.ts';

/** What the core needs from its host (Electron shell, browser host, tests). */
export interface CoreDeps {
  /** Folder for the SQLite file, preferences and logs. */
  dataDir: string;
  keyWrapper: KeyWrapper;
  /** What the About panel says; `tray`: this shell has one (closing the window can keep Plugboard there). */
  about?: { version: string; shell: string; runtime: string; tray: boolean };
  /** Linux had only safeStorage's basic_text, so a passphrase protects the key instead (said in app.lockState). */
  weakKeychain?: boolean;
  /** Builds the wrapper for a typed passphrase (tests use a cheaper scrypt). */
  passphraseWrapper?: (passphrase: string) => KeyWrapper;
  prefs: Prefs;
  /**
   * Opens an authorization URL in the system browser. null in the browser host:
   * there the renderer already is a browser tab and opens the link itself.
   */
  openExternal: ((url: string) => Promise<void>) | null;
  /** Redirect kinds this shell can receive (`protocol` only where plugboard:// is registered). */
  redirectKinds: RedirectKind[];
  clock?: Clock;
  /** Platform origin → replacement origin (fake platforms, proxies). */
  origins?: OriginMap;
  logger?: Logger;
  /** Per-request timeout for platform calls, ms. */
  httpTimeoutMs?: number;
  /** Timeout for token requests (exchange, refresh), ms; default four times httpTimeoutMs (60 s). */
  httpTokenTimeoutMs?: number;
  /** How long a Connect waits for the browser, ms. */
  flowTimeoutMs?: number;
  /** How long a tool's post waits for the user to confirm it, ms (default 10 minutes). */
  postConfirmationTtlMs?: number;
  /** The OS's word on connectivity (Electron's net.isOnline); absent: assume online and learn from failures. */
  isOnline?: () => boolean;
  /** Shows a desktop notification (Electron); absent in the browser host, where notices are an in-app list. */
  notify?: (notice: NoticeView) => void;
  /** The OS login item (Electron's app.setLoginItemSettings); absent where the shell has none. */
  loginItem?: { get(): boolean; set(enabled: boolean): void };
  /** Jitter source for the scheduler (tests pass a seeded one). */
  random?: () => number;
  /**
   * Asks the user whether to export every account, in a window of the OS's own that no API caller can
   * answer (Electron's dialog over the main window). Asked where the keychain protects the data key, so
   * there is no passphrase to ask for instead; absent there, data.export refuses.
   */
  confirmExport?: (summary: ExportSummary) => Promise<boolean>;
  /** The window saw the user (app.active): the browser host's idle clock; Electron asks the OS instead. */
  reportActive?: () => void;
}

/** What an export is about to take, for its confirmation. */
export interface ExportSummary {
  accounts: number;
  workspaces: number;
}

/** An account that needs the user, for the tray menu. */
export interface AttentionItem {
  accountId: string;
  platform: PlatformId;
  label: string;
  status: AccountStatus;
  reason: string | null;
}

export interface Core {
  /** Validates and runs one API call; never throws, always answers an envelope. */
  call(method: string, params: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
  /**
   * A plugboard://oauth/callback/<platform>?… URL handed over by the OS. Resolves to what the
   * sign-in came to (the window shows it through flow events), or null for an address that is no callback.
   */
  handleProtocolUrl(url: string): Promise<{ ok: boolean; title: string; message: string } | null>;
  /** After sleep or wake: overdue refreshes run now. */
  resume(): void;
  /** The OS reports the network going away or coming back. */
  setOnline(online: boolean): void;
  /** Accounts needing the user, across workspaces (the tray). */
  attention(): AttentionItem[];
  /** A notification or the tray item was clicked: the renderer shows that account. */
  openAccount(accountId: string): void;
  /** The answer to an account picture's address (avatars.ts), which the shell serves under the renderer's origin. */
  avatar(accountId: string, version: string | null): AvatarReply;
  /** Answers one request of a tool on the gateway's socket (the shell listens: gateway/socket-server.ts). */
  gateway(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}
