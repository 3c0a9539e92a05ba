// Preferences through electron-store: the same preferences.json, shape and
// defaults as the plain-Node conf version in ../prefs/prefs.ts, plus a few keys
// only the Electron shell reads (ShellPrefsShape). One store, one file, so the
// core's view and the shell's view never overwrite each other's writes.
import Store from 'electron-store';
import { prefsDefaults, type Prefs, type PrefsShape } from '../prefs/prefs.ts';
import type { WindowState } from './window-state.ts';

/** Keys of the desktop shell alone; the core and the browser host never read them. */
export interface ShellPrefsShape {
  /** The one-time "Plugboard is still running in the tray" notification has been shown. */
  trayHintShown: boolean;
  /** The main window's size, place and maximized state when last moved; null until then. Read through window-state.ts's schema. */
  windowState: WindowState | null;
}

export interface ShellPrefs {
  get<K extends keyof ShellPrefsShape>(key: K): ShellPrefsShape[K];
  set<K extends keyof ShellPrefsShape>(key: K, value: ShellPrefsShape[K]): void;
}

export const shellPrefsDefaults: ShellPrefsShape = { trayHintShown: false, windowState: null };

export function openElectronPrefs(dataDir: string): { prefs: Prefs; shell: ShellPrefs } {
  const store = new Store<PrefsShape & ShellPrefsShape>({
    cwd: dataDir,
    name: 'preferences',
    defaults: { ...prefsDefaults, ...shellPrefsDefaults },
    // Preferences hold no secrets, but they are the user's: 0600 like everything in the data folder.
    configFileMode: 0o600,
  });
  // One store, two views, each typed to its own keys.
  const core = store as unknown as Store<PrefsShape>;
  const shell = store as unknown as Store<ShellPrefsShape>;
  return {
    prefs: { get: (key) => core.get(key), set: (key, value) => core.set(key, value as Exclude<typeof value, undefined>) },
    shell: { get: (key) => shell.get(key), set: (key, value) => shell.set(key, value as Exclude<typeof value, undefined>) },
  };
}
