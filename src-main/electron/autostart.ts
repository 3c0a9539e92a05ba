// Launch at login on Linux. Electron's app.setLoginItemSettings does nothing
// there, so Plugboard writes (or removes) an XDG autostart entry itself:
// $XDG_CONFIG_HOME/autostart/plugboard.desktop, ~/.config when unset. Plain
// Node, tested with a temporary HOME.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** Passed when the OS starts Plugboard at login: it starts in the tray, without a window. */
export const HIDDEN_FLAG = '--hidden';

export const AUTOSTART_FILE_NAME = 'plugboard.desktop';

/** The autostart entry's path, per the XDG Base Directory and Desktop Application Autostart specs. */
export function autostartPath(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const configHome = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(configHome, 'autostart', AUTOSTART_FILE_NAME);
}

/**
 * The command that starts this copy of Plugboard: the AppImage file itself
 * (its executable lives in a mount that changes every run), the installed
 * executable, or, unpackaged, Electron with the app folder.
 */
export function linuxLaunchCommand(p: { execPath: string; appImage?: string | undefined; defaultApp: boolean; appPath: string }): string[] {
  if (p.appImage) return [p.appImage, HIDDEN_FLAG];
  if (p.defaultApp) return [p.execPath, p.appPath, HIDDEN_FLAG];
  return [p.execPath, HIDDEN_FLAG];
}

// Characters that make the Desktop Entry spec require an argument to be quoted.
const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/**
 * One Exec= value from arguments, by the Desktop Entry spec: an argument with
 * a reserved character is double-quoted, and inside quotes " ` $ \ take a
 * backslash; a literal % is %%; then the string-value escape doubles every
 * backslash (so a literal \ ends up as \\\\ and $ as \\$, as the spec says).
 */
export function execValue(args: readonly string[]): string {
  return args
    .map((arg) => {
      if (/[\u0000-\u001f\u007f]/.test(arg)) throw new Error('A launch argument contains a control character; it cannot go in a desktop entry.');
      if (arg === '') return '""';
      const quoted = RESERVED.test(arg) ? `"${arg.replace(/["`$\\]/g, '\\$&')}"` : arg;
      return quoted.replaceAll('%', '%%');
    })
    .join(' ')
    .replaceAll('\\', '\\\\');
}

export function desktopEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Plugboard',
    'Comment=Keeps your social account connections alive',
    `Exec=${execValue(command)}`,
    'Terminal=false',
    'NoDisplay=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Keys of the [Desktop Entry] group (the first group; comments and other groups ignored). */
function readEntry(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  let inEntry = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      inEntry = line === '[Desktop Entry]';
      continue;
    }
    const eq = line.indexOf('=');
    if (inEntry && eq > 0) keys.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return keys;
}

/** CoreDeps.loginItem for Linux. */
export function xdgAutostart(opts: { env: Readonly<Record<string, string | undefined>>; home: string; command: readonly string[] }): {
  get(): boolean;
  set(enabled: boolean): void;
  /** The entry as it would be written now. */
  readonly path: string;
} {
  const path = autostartPath(opts.env, opts.home);
  return {
    path,
    get() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        return false;
      }
      const entry = readEntry(text);
      // Hidden=true is the spec's "deleted"; desktops' startup-app switches write X-GNOME-Autostart-enabled=false.
      if (entry.get('Hidden')?.toLowerCase() === 'true') return false;
      if (entry.get('X-GNOME-Autostart-enabled')?.toLowerCase() === 'false') return false;
      return entry.has('Exec');
    },
    set(enabled) {
      if (!enabled) {
        rmSync(path, { force: true });
        return;
      }
      mkdirSync(join(path, '..'), { recursive: true });
      // Written whole and renamed into place: a session starting meanwhile never reads half a file.
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, desktopEntry(opts.command), { mode: 0o644 });
      renameSync(tmp, path);
    },
  };
}
