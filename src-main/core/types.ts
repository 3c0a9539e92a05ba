import type { ApiEvent, Envelope, RedirectKind } from '../api/contract.ts';
import type { KeyWrapper } from '../vault/key-wrapper.ts';
import type { Prefs } from '../prefs/prefs.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import type { OriginMap } from '../http/origins.ts';

/** What the core needs from its host (Electron shell, browser host, tests). */
export interface CoreDeps {
  /** Folder for the SQLite file, preferences and logs. */
  dataDir: string;
  keyWrapper: KeyWrapper;
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
  /** How long a Connect waits for the browser, ms. */
  flowTimeoutMs?: number;
}

export interface Core {
  /** Validates and runs one API call; never throws, always answers an envelope. */
  call(method: string, params: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
  /** A plugboard://oauth/callback/<platform>?… URL handed over by the OS. */
  handleProtocolUrl(url: string): Promise<void>;
  close(): Promise<void>;
}
