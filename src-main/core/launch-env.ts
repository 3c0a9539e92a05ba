// What the desktop app takes from its environment. PLUGBOARD_ORIGINS sends every platform
// request — refresh tokens and client secrets included — wherever it says, and
// PLUGBOARD_DATA_DIR puts the vault wherever it says: anything that can set a variable for the
// user's session could turn the packaged app against them. So a packaged build ignores both
// (and says so once in the log); a development run (`electron .`, the tests) honours them.
import { resolve } from 'node:path';
import { parseOriginMap, type OriginMap } from '../http/origins.ts';

export interface LaunchEnv {
  /** null: the platform's default folder (Electron's userData). */
  dataDir: string | null;
  origins: OriginMap;
  /** The variables that were set but ignored, for one line in the log. */
  ignored: string[];
}

export function launchEnv(env: NodeJS.ProcessEnv, opts: { packaged: boolean }): LaunchEnv {
  const set = (name: string) => Boolean(env[name]?.trim());
  if (opts.packaged) {
    return { dataDir: null, origins: {}, ignored: ['PLUGBOARD_ORIGINS', 'PLUGBOARD_DATA_DIR'].filter(set) };
  }
  return {
    dataDir: set('PLUGBOARD_DATA_DIR') ? resolve(env.PLUGBOARD_DATA_DIR!) : null,
    origins: parseOriginMap(env.PLUGBOARD_ORIGINS),
    ignored: [],
  };
}

export function ignoredSentence(ignored: string[]): string {
  return `${ignored.join(' and ')} ${ignored.length > 1 ? 'are' : 'is'} ignored by the packaged app: only development runs may redirect platform traffic or the data folder.`;
}
