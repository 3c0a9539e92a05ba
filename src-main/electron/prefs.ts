// Preferences through electron-store: the same preferences.json, shape and
// defaults as the plain-Node conf version in ../prefs/prefs.ts.
import Store from 'electron-store';
import { prefsDefaults, type Prefs, type PrefsShape } from '../prefs/prefs.ts';

export function openElectronPrefs(dataDir: string): Prefs {
  const store = new Store<PrefsShape>({ cwd: dataDir, name: 'preferences', defaults: prefsDefaults });
  return { get: (key) => store.get(key), set: (key, value) => store.set(key, value as Exclude<typeof value, undefined>) };
}
