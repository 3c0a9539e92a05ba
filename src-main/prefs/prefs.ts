// src-main/prefs/: preferences, never secrets.
//
// Preferences: small, non-secret settings. electron-store in Electron
// (src-main/electron/prefs.ts); its base `conf` under plain Node. Never secrets here.
import Conf from 'conf';
import type { LockAfterMinutes, PlatformId, RedirectKind } from '../api/contract.ts';

export interface PrefsShape {
  /**
   * Per platform: which redirect kind to use; for fixed-port loopback, which port; for an HTTPS-only
   * platform, the user's own HTTPS page (the relay page, or any page to paste the address from).
   */
  redirect: Partial<Record<PlatformId, { kind?: RedirectKind; port?: number; httpsUrl?: string }>>;
  /** Per platform: the optional scope sets the user turned on (ids from the provider's optionalScopes). */
  scopeOptions: Partial<Record<PlatformId, string[]>>;
  /** The workspace the window shows and the API acts in (F11). */
  activeWorkspace: string;
  /** 'system' follows the OS; light or dark overrides it. */
  theme: 'system' | 'light' | 'dark';
  /** Desktop: closing the window keeps Plugboard running in the tray (renewing); false quits. */
  keepInTray: boolean;
  /** How long before a connection needs the user it turns yellow and the first notice goes out. */
  warningWindowDays: number;
  /** Minutes without the user before the vault locks itself (0: never); read by the shell's idle watch. */
  lockAfterMinutes: LockAfterMinutes;
}

export interface Prefs {
  get<K extends keyof PrefsShape>(key: K): PrefsShape[K];
  set<K extends keyof PrefsShape>(key: K, value: PrefsShape[K]): void;
}

export const prefsDefaults: PrefsShape = { redirect: {}, scopeOptions: {}, activeWorkspace: 'default', theme: 'system', keepInTray: true, warningWindowDays: 7, lockAfterMinutes: 0 };

export function openConfPrefs(dataDir: string): Prefs {
  const conf = new Conf<PrefsShape>({
    cwd: dataDir,
    configName: 'preferences',
    projectName: 'plugboard',
    defaults: prefsDefaults,
    // Preferences hold no secrets, but they are the user's: 0600 like everything in the data folder.
    configFileMode: 0o600,
  });
  return {
    get: (key) => conf.get(key),
    set: (key, value) => conf.set(key, value as Exclude<typeof value, undefined>),
  };
}
