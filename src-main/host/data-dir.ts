// Where Plugboard keeps its data when no PLUGBOARD_DATA_DIR is given: the same
// folder Electron's app.getPath('userData') names for an app called "Plugboard".
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(): string {
  const home = homedir();
  switch (process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Plugboard');
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Plugboard');
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Plugboard');
  }
}
