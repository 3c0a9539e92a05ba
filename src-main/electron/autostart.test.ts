import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HIDDEN_FLAG, autostartPath, desktopEntry, execValue, linuxLaunchCommand, xdgAutostart } from './autostart.ts';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'plugboard-home-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** Undoes the Desktop Entry spec's escapes, as a session's launcher would (string escapes, then quoting). */
function parseExec(value: string): string[] {
  const unescaped = value.replace(/\\(.)/g, (_m, c: string) => ({ s: ' ', n: '\n', t: '\t', r: '\r', '\\': '\\' })[c] ?? `\\${c}`);
  const args: string[] = [];
  let i = 0;
  while (i < unescaped.length) {
    if (unescaped[i] === ' ') {
      i++;
      continue;
    }
    let arg = '';
    if (unescaped[i] === '"') {
      i++;
      while (i < unescaped.length && unescaped[i] !== '"') {
        if (unescaped[i] === '\\') i++;
        arg += unescaped[i++];
      }
      i++;
    } else {
      while (i < unescaped.length && unescaped[i] !== ' ') arg += unescaped[i++];
    }
    args.push(arg.replaceAll('%%', '%'));
  }
  return args;
}

const execOf = (file: string) => readFileSync(file, 'utf8').match(/^Exec=(.*)$/m)![1]!;

describe('XDG autostart (Linux launch at login)', () => {
  const command = ['/opt/Plugboard/plugboard', HIDDEN_FLAG];

  it('is off until set; set(true) writes ~/.config/autostart/plugboard.desktop; set(false) removes it', () => {
    const item = xdgAutostart({ env: {}, home, command });
    const file = join(home, '.config', 'autostart', 'plugboard.desktop');
    expect(item.path).toBe(file);
    expect(item.get()).toBe(false);

    item.set(true);
    expect(item.get()).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('[Desktop Entry]\n')).toBe(true);
    expect(text).toContain('\nType=Application\n');
    expect(text).toContain('\nName=Plugboard\n');
    expect(text).toContain('\nExec=/opt/Plugboard/plugboard --hidden\n');
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(readdirSync(join(home, '.config', 'autostart'))).toEqual(['plugboard.desktop']);

    item.set(true); // idempotent
    expect(item.get()).toBe(true);
    item.set(false);
    expect(existsSync(file)).toBe(false);
    expect(item.get()).toBe(false);
    expect(() => item.set(false)).not.toThrow();
  });

  it('honours an absolute XDG_CONFIG_HOME and ignores a relative one (as the spec says)', () => {
    expect(autostartPath({ XDG_CONFIG_HOME: '/x/cfg' }, home)).toBe('/x/cfg/autostart/plugboard.desktop');
    expect(autostartPath({ XDG_CONFIG_HOME: 'cfg' }, home)).toBe(join(home, '.config/autostart/plugboard.desktop'));
    expect(autostartPath({ XDG_CONFIG_HOME: '' }, home)).toBe(join(home, '.config/autostart/plugboard.desktop'));
    const cfg = join(home, 'elsewhere');
    const item = xdgAutostart({ env: { XDG_CONFIG_HOME: cfg }, home, command });
    item.set(true);
    expect(existsSync(join(cfg, 'autostart', 'plugboard.desktop'))).toBe(true);
  });

  it('reads an entry the desktop switched off as off, and set(true) switches it back on', () => {
    const item = xdgAutostart({ env: {}, home, command });
    mkdirSync(join(home, '.config', 'autostart'), { recursive: true });
    writeFileSync(item.path, '[Desktop Entry]\nType=Application\nExec=plugboard\nX-GNOME-Autostart-enabled=false\n');
    expect(item.get()).toBe(false);
    writeFileSync(item.path, '# hidden\n[Desktop Entry]\nExec=plugboard\nHidden=True\n');
    expect(item.get()).toBe(false);
    writeFileSync(item.path, '[Desktop Entry]\nExec=plugboard\n[Desktop Action x]\nHidden=true\n');
    expect(item.get()).toBe(true);
    writeFileSync(item.path, 'garbage');
    expect(item.get()).toBe(false);
    item.set(true);
    expect(item.get()).toBe(true);
  });

  it('quotes and escapes Exec by the Desktop Entry spec, so odd paths survive', () => {
    for (const args of [
      ['/home/me/Apps/Plugboard 1.0.AppImage', HIDDEN_FLAG],
      ['/opt/we "quote"/plugboard', '--hidden'],
      ['/tmp/$HOME/`x`/back\\slash/100%/plugboard'],
      ["/tmp/it's/a;b|c&d*e?f#g(h)<i>~j/plugboard"],
      ['/usr/bin/electron', '/src/plugboard app', '--hidden'],
      [''],
    ]) {
      const value = execValue(args);
      expect(value).not.toMatch(/[\n\r]/);
      expect(parseExec(value), value).toEqual(args);
      // Every % left is doubled (a single % would be a field code).
      expect(value.replace(/%%/g, '')).not.toContain('%');
    }
    expect(execValue(['/a b/c', '--hidden'])).toBe('"/a b/c" --hidden');
    expect(execValue(['/a$b'])).toBe('"/a\\\\$b"');
    expect(execValue(['/a\\b'])).toBe('"/a\\\\\\\\b"');
    expect(execValue(['/a%b'])).toBe('/a%%b');
    expect(() => execValue(['/a\nb'])).toThrow(/control character/);
  });

  it('the written file round-trips an AppImage path with spaces', () => {
    const appImage = '/home/me/My Apps/Plugboard-0.1.0.AppImage';
    const item = xdgAutostart({ env: {}, home, command: linuxLaunchCommand({ execPath: '/tmp/.mount_x/plugboard', appImage, defaultApp: false, appPath: '/x' }) });
    item.set(true);
    expect(parseExec(execOf(item.path))).toEqual([appImage, HIDDEN_FLAG]);
    expect(desktopEntry(['a'])).toContain('X-GNOME-Autostart-enabled=true');
  });

  it('launches this copy: the AppImage file, the installed executable, or Electron with the app folder', () => {
    expect(linuxLaunchCommand({ execPath: '/tmp/.mount_abc/plugboard', appImage: '/home/me/Plugboard.AppImage', defaultApp: false, appPath: '/tmp/.mount_abc/resources/app.asar' })).toEqual([
      '/home/me/Plugboard.AppImage',
      HIDDEN_FLAG,
    ]);
    expect(linuxLaunchCommand({ execPath: '/opt/Plugboard/plugboard', appImage: undefined, defaultApp: false, appPath: '/opt/Plugboard/resources/app.asar' })).toEqual([
      '/opt/Plugboard/plugboard',
      HIDDEN_FLAG,
    ]);
    expect(linuxLaunchCommand({ execPath: '/src/node_modules/electron/dist/electron', defaultApp: true, appPath: '/src' })).toEqual([
      '/src/node_modules/electron/dist/electron',
      '/src',
      HIDDEN_FLAG,
    ]);
  });
});
