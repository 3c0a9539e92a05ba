// The Electron entry (main.ts) run under Node against a stand-in for the
// electron module: not Electron's behaviour (the e2e spec covers that where the
// binary exists), but main.ts's wiring — notices reach notifications, clicks
// reach the core, the tray follows the core, closing hides, Quit quits, login
// items land where they should. The stand-in follows Electron's documented
// order of quit events: before-quit, every window's close, will-quit, quit.
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiEvent, Envelope } from '../api/contract.ts';
import { socketPath } from '../gateway/socket-path.ts';
import { Accounts } from '../store/accounts.ts';
import { Activity } from '../store/activity.ts';
import { openDatabase } from '../store/db.ts';
import { PassphraseKeyWrapper } from '../vault/passphrase-wrapper.ts';
import { Secrets } from '../vault/secrets.ts';
import { Vault } from '../vault/vault.ts';

const PASSPHRASE = 'wiring-test passphrase';

interface MenuEntry {
  label?: string;
  type?: string;
  enabled?: boolean;
  click?: () => void;
}

class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/** The stand-in keychain's wrapping, shared by the seeding below and the stand-in safeStorage. */
const KEYCHAIN_PREFIX = 'stand-in keychain:';
const keychainWrapper = {
  kind: 'safeStorage',
  wrap: async (key: Buffer) => Buffer.from(KEYCHAIN_PREFIX + key.toString('base64')),
  unwrap: async (blob: Buffer) => Buffer.from(blob.toString().slice(KEYCHAIN_PREFIX.length), 'base64'),
};

interface MessageBox {
  parent: unknown;
  options: { type?: string; buttons: string[]; cancelId?: number; defaultId?: number; title?: string; message: string; detail?: string };
}

type PrivilegedScheme = { scheme: string; privileges: Record<string, boolean> };

function fakeElectron(opts: { wasOpenedAtLogin?: boolean; keychain?: boolean } = {}) {
  const log: string[] = [];
  const messageBoxes: MessageBox[] = [];
  /** What the user clicks in the next message boxes, by button index. */
  const messageBoxAnswers: number[] = [];
  const windows: FakeWindow[] = [];
  const trays: FakeTray[] = [];
  const notifications: FakeNotification[] = [];
  const ipcHandlers = new Map<string, (...args: unknown[]) => Promise<Envelope<unknown>>>();
  const netState = { online: true };
  const privilegedSchemes: PrivilegedScheme[] = [];
  let ids = 1;

  class FakeWebContents extends EventEmitter {
    id = ids++;
    loading = true;
    sent: ApiEvent[] = [];
    mainFrame = { processId: 7, frameToken: 'frame' };
    isLoading(): boolean {
      return this.loading;
    }
    getURL(): string {
      return 'app://plugboard/index.html';
    }
    send(_channel: string, event: ApiEvent): void {
      this.sent.push(event);
    }
  }

  class FakeWindow extends EventEmitter {
    static getAllWindows(): FakeWindow[] {
      return windows.filter((w) => !w.destroyed);
    }
    visible = false;
    destroyed = false;
    webContents = new FakeWebContents();
    constructor() {
      super();
      windows.push(this);
      log.push('window.new');
    }
    loadURL(): Promise<void> {
      setTimeout(() => {
        this.webContents.loading = false;
        this.webContents.emit('did-finish-load');
        this.emit('ready-to-show');
      }, 5);
      return Promise.resolve();
    }
    show(): void {
      this.visible = true;
    }
    hide(): void {
      this.visible = false;
    }
    focus(): void {}
    isVisible(): boolean {
      return this.visible;
    }
    isMinimized(): boolean {
      return false;
    }
    restore(): void {}
    isDestroyed(): boolean {
      return this.destroyed;
    }
    isFullScreen(): boolean {
      return false;
    }
    setFullScreen(): void {}
    close(): void {
      const event = new FakeEvent();
      this.emit('close', event);
      if (event.defaultPrevented) return;
      this.destroyed = true;
      this.visible = false;
      this.emit('closed');
    }
  }

  class FakeApp extends EventEmitter {
    isPackaged = true;
    exited: number | null = null;
    loginItem = false;
    enableSandbox(): void {}
    getPath(): string {
      return process.env.PLUGBOARD_DATA_DIR!;
    }
    setPath(): void {}
    getVersion(): string {
      return '0.0.0';
    }
    getAppPath(): string {
      return '/opt/Plugboard/resources/app.asar';
    }
    requestSingleInstanceLock(): boolean {
      return true;
    }
    setAsDefaultProtocolClient(): boolean {
      return true;
    }
    setAppUserModelId(): void {}
    whenReady(): Promise<void> {
      return Promise.resolve();
    }
    getLoginItemSettings() {
      return { openAtLogin: this.loginItem, wasOpenedAtLogin: opts.wasOpenedAtLogin ?? false };
    }
    setLoginItemSettings(s: { openAtLogin?: boolean }): void {
      this.loginItem = Boolean(s.openAtLogin);
    }
    focus(): void {}
    exit(code: number): void {
      this.exited = code;
    }
    quit(): void {
      log.push('app.quit');
      const beforeQuit = new FakeEvent();
      this.emit('before-quit', beforeQuit);
      if (beforeQuit.defaultPrevented) return;
      for (const w of FakeWindow.getAllWindows()) {
        w.close();
        if (!w.destroyed) {
          log.push('quit cancelled: a window refused to close');
          return;
        }
      }
      const willQuit = new FakeEvent();
      this.emit('will-quit', willQuit);
      if (willQuit.defaultPrevented) return;
      this.exited = 0;
      log.push('app.quitted');
    }
  }

  class FakeTray extends EventEmitter {
    image: { path: string };
    menu: MenuEntry[] = [];
    tooltip = '';
    constructor(image: { path: string }) {
      super();
      this.image = image;
      trays.push(this);
    }
    setImage(image: { path: string }): void {
      this.image = image;
    }
    setToolTip(text: string): void {
      this.tooltip = text;
    }
    setContextMenu(menu: { template: MenuEntry[] }): void {
      this.menu = menu.template;
    }
    isDestroyed(): boolean {
      return false;
    }
    destroy(): void {}
  }

  class FakeNotification extends EventEmitter {
    static isSupported(): boolean {
      return true;
    }
    options: { title: string; body: string; silent?: boolean };
    constructor(options: { title: string; body: string; silent?: boolean }) {
      super();
      this.options = options;
      notifications.push(this);
    }
    show(): void {}
  }

  const app = new FakeApp();
  const powerMonitor = new EventEmitter();
  const module = {
    app,
    BrowserWindow: FakeWindow,
    Tray: FakeTray,
    Notification: FakeNotification,
    Menu: { buildFromTemplate: (template: MenuEntry[]) => ({ template }) },
    nativeImage: {
      createFromPath: (path: string) => ({ path, isEmpty: () => false, setTemplateImage() {} }),
    },
    net: { isOnline: () => netState.online },
    powerMonitor,
    screen: {
      getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }],
      getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }),
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: PrivilegedScheme[]) => privilegedSchemes.push(...schemes),
      handle() {},
    },
    session: { defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {} } },
    safeStorage: {
      getSelectedStorageBackend: () => 'gnome_libsecret',
      isAsyncEncryptionAvailable: async () => opts.keychain === true,
      encryptStringAsync: async (text: string) => Buffer.from(KEYCHAIN_PREFIX + text),
      decryptStringAsync: async (blob: Buffer) => ({ result: blob.toString().slice(KEYCHAIN_PREFIX.length), shouldReEncrypt: false }),
    },
    dialog: {
      showErrorBox: (title: string, message: string) => log.push(`error box: ${title}: ${message}`),
      // Electron's overloads: (window, options) or (options).
      showMessageBox: async (...args: unknown[]) => {
        const [parent, options] = args.length === 2 ? args : [null, args[0]];
        messageBoxes.push({ parent, options: options as MessageBox['options'] });
        return { response: messageBoxAnswers.shift() ?? (options as MessageBox['options']).cancelId ?? 0, checkboxChecked: false };
      },
    },
    shell: { openExternal: async () => {} },
    ipcMain: {
      handle: (channel: string, fn: (...args: unknown[]) => Promise<Envelope<unknown>>) => ipcHandlers.set(channel, fn),
      removeHandler: (channel: string) => ipcHandlers.delete(channel),
    },
  };
  const tray = () => trays[0]!;
  return {
    module,
    app,
    log,
    privilegedSchemes,
    messageBoxes,
    messageBoxAnswers,
    windows,
    notifications,
    netState,
    powerMonitor,
    tray,
    labels: () => tray().menu.map((m) => (m.type === 'separator' ? '---' : m.enabled === false ? `(${m.label})` : m.label!)),
    menuItem: (label: string) => tray().menu.find((m) => m.label === label || m.label?.includes(label))!,
    /** What the renderer's invoke() would do: through the IPC handler, as our own main frame. */
    invoke(method: string, params: unknown): Promise<Envelope<unknown>> {
      const wc = windows[0]!.webContents;
      const event = { sender: { id: wc.id }, senderFrame: { parent: null, processId: wc.mainFrame.processId, frameToken: wc.mainFrame.frameToken, url: wc.getURL() } };
      return ipcHandlers.get('plugboard:invoke')!(event, method, params);
    },
  };
}

/** Three X accounts: one past its connection deadline, one within the warning window, one fine. */
async function seed(dataDir: string, keychain = false): Promise<Record<string, string>> {
  const db = openDatabase(dataDir);
  const now = Date.now();
  const vault = await Vault.open(db, keychain ? keychainWrapper : new PassphraseKeyWrapper(PASSPHRASE), now);
  const accounts = new Accounts(db, new Secrets(db, vault), new Activity(db));
  const ids: Record<string, string> = {};
  for (const [handle, deadline] of [
    ['gone', now - 3600_000],
    ['soon', now + 2 * 86400_000],
    ['fine', null],
  ] as const) {
    ids[handle] = accounts.upsertConnected({
      workspaceId: 'default',
      platform: 'x',
      renewal: 'rotating-refresh',
      profile: { platformUserId: `u-${handle}`, handle, displayName: handle, avatarUrl: null, details: {} },
      avatar: null,
      tokens: { accessToken: `at-${handle}`, refreshToken: `rt-${handle}`, accessTokenExpiresAt: now + 2 * 3600_000, refreshTokenExpiresAt: deadline, scopes: [] },
      connectionExpiresAt: deadline,
      now,
    }).id;
  }
  db.close();
  return ids;
}

async function launch(argv: string[], fakeOpts: Parameters<typeof fakeElectron>[0] = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-wiring-'));
  const home = mkdtempSync(join(tmpdir(), 'plugboard-wiring-home-'));
  const ids = await seed(dataDir, fakeOpts.keychain);
  const fake = fakeElectron(fakeOpts);
  const saved = { argv: process.argv, env: { ...process.env } };
  process.env.PLUGBOARD_DATA_DIR = dataDir;
  if (fakeOpts.keychain) delete process.env.PLUGBOARD_PASSPHRASE;
  else process.env.PLUGBOARD_PASSPHRASE = PASSPHRASE;
  process.env.HOME = home;
  delete process.env.XDG_CONFIG_HOME;
  delete process.env.APPIMAGE;
  // The stand-in app is packaged: this map must be ignored (and said so in the log).
  process.env.PLUGBOARD_ORIGINS = '{"https://api.x.com": "http://127.0.0.1:9"}';
  process.argv = [...process.argv, ...argv];
  vi.resetModules();
  vi.doMock('electron', () => ({ ...fake.module, default: fake.module }));
  // electron-store reads Electron's app paths; the stand-in is conf (its base) with the same file name.
  vi.doMock('electron-store', async () => {
    const { default: Conf } = await import('conf');
    return {
      default: class extends Conf {
        constructor(o: { cwd: string; name: string; defaults: Record<string, unknown> }) {
          super({ cwd: o.cwd, configName: o.name, projectName: 'plugboard', defaults: o.defaults });
        }
      },
    };
  });
  await import('./main.ts');
  await vi.waitFor(() => expect(fake.windows).toHaveLength(1), { timeout: 10_000 });
  return {
    fake,
    ids,
    dataDir,
    home,
    cleanup() {
      process.argv = saved.argv;
      for (const key of Object.keys(process.env)) if (!(key in saved.env)) delete process.env[key];
      Object.assign(process.env, saved.env);
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    },
  };
}

describe('main.ts wiring (stand-in electron)', () => {
  let run: Awaited<ReturnType<typeof launch>>;
  beforeAll(async () => {
    run = await launch([]);
  }, 30_000);
  afterAll(() => run?.cleanup());

  it('a packaged app ignores PLUGBOARD_ORIGINS and PLUGBOARD_DATA_DIR and says so once in the log', () => {
    const log = readFileSync(join(run.dataDir, 'logs', 'plugboard.log'), 'utf8');
    expect(log.match(/PLUGBOARD_ORIGINS and PLUGBOARD_DATA_DIR are ignored by the packaged app/g)).toHaveLength(1);
  });

  it('app:// is a standard, secure scheme with V8’s code cache allowed (Electron needs standard for codeCache)', () => {
    expect(run.fake.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
  });

  it('notices due at start-up become notifications (notify is bound before the core exists)', async () => {
    const { fake } = run;
    await vi.waitFor(() => expect(fake.notifications).toHaveLength(2));
    expect(fake.notifications.map((n) => n.options.title).sort()).toEqual(['X (Twitter) @gone has expired', 'X (Twitter) @soon expires in 2 days']);
    expect(fake.notifications.every((n) => n.options.silent === false)).toBe(true);
  });

  it('the tray follows the core: attention icon, tooltip, accounts that need the user', async () => {
    const { fake } = run;
    await vi.waitFor(() => expect(fake.labels()[0]).toBe('(2 accounts need you)'));
    expect(fake.labels()).toEqual([
      '(2 accounts need you)',
      'Reconnect X (Twitter) @gone — expired',
      'Reconnect X (Twitter) @soon — expiring soon',
      '---',
      'Open Plugboard',
      'Refresh all',
      // A passphrase protects this vault (no keychain in the stand-in): it can be locked from here.
      'Lock now',
      '---',
      'Quit',
    ]);
    expect(fake.tray().image.path).toMatch(/tray-attention\.png$/);
    expect(fake.tray().tooltip).toBe('Plugboard — 2 accounts need you');
    await vi.waitFor(() => expect(fake.windows[0]!.visible).toBe(true));
  });

  it('a notification click shows the window and asks the renderer to open that account', () => {
    const { fake, ids } = run;
    const win = fake.windows[0]!;
    win.hide();
    fake.notifications.find((n) => n.options.title.includes('@gone'))!.emit('click', {});
    expect(win.visible).toBe(true);
    expect(win.webContents.sent.at(-1)).toEqual({ type: 'ui.openAccount', accountId: ids.gone, reconnect: true });
  });

  it("a sign-in landing page's Back to Plugboard (plugboard://open) shows the window and is not taken for a callback", async () => {
    const { fake, dataDir } = run;
    const win = fake.windows[0]!;
    win.hide();
    fake.app.emit('second-instance', {}, ['/opt/Plugboard/plugboard', 'plugboard://open/']);
    expect(win.visible).toBe(true);
    // Handed to the core, it would log that it is not an OAuth callback.
    await new Promise((done) => setTimeout(done, 50));
    expect(readFileSync(join(dataDir, 'logs', 'plugboard.log'), 'utf8')).not.toContain('not an oauth callback');
  });

  it('the tray: an account item opens it, Open shows the window', () => {
    const { fake, ids } = run;
    const win = fake.windows[0]!;
    win.hide();
    fake.menuItem('@soon').click!();
    expect(win.visible).toBe(true);
    expect(win.webContents.sent.at(-1)).toEqual({ type: 'ui.openAccount', accountId: ids.soon, reconnect: true });
    win.hide();
    fake.menuItem('Open Plugboard').click!();
    expect(win.visible).toBe(true);
  });

  it('closing the window hides it; the first time a hint says so, once, remembered in preferences.json', () => {
    const { fake, dataDir } = run;
    const win = fake.windows[0]!;
    const before = fake.notifications.length;
    win.close();
    expect(win.destroyed).toBe(false);
    expect(win.visible).toBe(false);
    expect(fake.notifications).toHaveLength(before + 1);
    expect(fake.notifications.at(-1)!.options.title).toBe('Plugboard is still running in the tray');
    const prefs = JSON.parse(readFileSync(join(dataDir, 'preferences.json'), 'utf8')) as Record<string, unknown>;
    expect(prefs).toMatchObject({ trayHintShown: true, warningWindowDays: 7 });
    win.show();
    win.close();
    expect(fake.notifications).toHaveLength(before + 1);
    fake.notifications.at(-1)!.emit('click', {});
    expect(win.visible).toBe(true);
  });

  it('offline on resume reaches the core; the tray says so and disables Refresh all', async () => {
    const { fake } = run;
    fake.netState.online = false;
    fake.powerMonitor.emit('resume');
    await vi.waitFor(() => expect(fake.labels()[0]).toBe('(Offline — will retry)'));
    expect(fake.labels()).toContain('(Refresh all)');
    fake.netState.online = true;
    fake.powerMonitor.emit('unlock-screen');
    await vi.waitFor(() => expect(fake.labels()[0]).toBe('(2 accounts need you)'));
    expect(fake.labels()).toContain('Refresh all');
  });

  it('launch at login on Linux: settings.update writes and removes the XDG autostart entry', async () => {
    const { fake, home } = run;
    const entry = join(home, '.config', 'autostart', 'plugboard.desktop');
    expect(await fake.invoke('app.status', {})).toMatchObject({ ok: true, result: { launchAtLogin: false } });
    expect(await fake.invoke('settings.update', { launchAtLogin: true })).toMatchObject({ ok: true, result: { launchAtLogin: true } });
    expect(readFileSync(entry, 'utf8')).toMatch(/^Exec=\S+ --hidden$/m);
    expect(await fake.invoke('settings.update', { launchAtLogin: false })).toMatchObject({ ok: true, result: { launchAtLogin: false } });
    expect(existsSync(entry)).toBe(false);
  });

  it('a tool asking to pair over the socket: a notification (a click shows the window) and a tray line, both gone once it stops asking', async () => {
    const { fake, dataDir } = run;
    const win = fake.windows[0]!;
    const before = fake.notifications.length;
    const asking = new AbortController();
    const req = request({ socketPath: socketPath(dataDir, {}), method: 'POST', path: '/v1/pair', headers: { host: 'plugboard', 'content-type': 'application/json' }, signal: asking.signal });
    req.on('error', () => {}); // aborted below
    req.end(JSON.stringify({ name: 'weekly-report' }));
    await vi.waitFor(() => expect(fake.notifications).toHaveLength(before + 1));
    expect(fake.notifications.at(-1)!.options).toMatchObject({ title: '“weekly-report” asks to use your accounts', body: 'Open Plugboard to allow or deny it.' });
    await vi.waitFor(() => expect(fake.labels()[0]).toBe('“weekly-report” asks to use your accounts'));
    win.hide();
    fake.notifications.at(-1)!.emit('click', {});
    expect(win.visible).toBe(true);
    win.hide();
    fake.menuItem('weekly-report').click!();
    expect(win.visible).toBe(true);
    // The tool gives up (Ctrl-C): its request leaves the tray, and no second notification came.
    asking.abort();
    await vi.waitFor(() => expect(fake.labels()[0]).toBe('(2 accounts need you)'));
    expect(fake.notifications).toHaveLength(before + 1);
  });

  it('Quit from the tray: the window closes for real, the core closes, the app quits', async () => {
    const { fake } = run;
    fake.menuItem('Quit').click!();
    await vi.waitFor(() => expect(fake.app.exited).toBe(0), { timeout: 5000 });
    expect(fake.log).not.toContain('quit cancelled: a window refused to close');
    expect(fake.windows[0]!.destroyed).toBe(true);
  });
});

describe('main.ts started at login (stand-in electron)', () => {
  let run: Awaited<ReturnType<typeof launch>>;
  beforeAll(async () => {
    run = await launch(['--hidden']);
  }, 30_000);
  afterAll(() => run?.cleanup());

  it('loads the page but keeps the window hidden; a notification click shows it on the account', async () => {
    const { fake, ids } = run;
    const win = fake.windows[0]!;
    await vi.waitFor(() => expect(win.webContents.isLoading()).toBe(false));
    await vi.waitFor(() => expect(fake.notifications.length).toBeGreaterThan(0));
    expect(win.visible).toBe(false);
    fake.notifications.find((n) => n.options.title.includes('@gone'))!.emit('click', {});
    expect(win.visible).toBe(true);
    expect(win.webContents.sent.at(-1)).toEqual({ type: 'ui.openAccount', accountId: ids.gone, reconnect: true });
    fake.menuItem('Quit').click!();
    await vi.waitFor(() => expect(fake.app.exited).toBe(0), { timeout: 5000 });
  });
});

describe('main.ts with a trusted system keychain (stand-in electron)', () => {
  let run: Awaited<ReturnType<typeof launch>>;
  beforeAll(async () => {
    run = await launch([], { keychain: true });
  }, 30_000);
  afterAll(() => run?.cleanup());

  it('an export asks in a native message box over the window, which the page cannot click; Cancel exports nothing', async () => {
    const { fake } = run;
    expect(await fake.invoke('app.lockState', {})).toMatchObject({ ok: true, result: { state: 'open', protection: 'keychain' } });
    fake.messageBoxAnswers.push(1);
    expect(await fake.invoke('data.export', { passphrase: 'a passphrase for the file' })).toEqual({
      ok: false,
      error: { code: 'bad_request', message: 'The export was cancelled in the confirmation window, so nothing was exported.' },
    });
    fake.messageBoxAnswers.push(0);
    expect(await fake.invoke('data.export', { passphrase: 'a passphrase for the file' })).toMatchObject({ ok: true, result: { accounts: 3 } });
    expect(fake.messageBoxes).toHaveLength(2);
    const [box] = fake.messageBoxes;
    expect(box!.parent).toBe(fake.windows[0]);
    expect(box!.options).toMatchObject({
      type: 'warning',
      buttons: ['Export', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      message: 'Export all 3 accounts, with their tokens?',
    });
    expect(box!.options.detail).toMatch(/only if you started this yourself/);
    fake.menuItem('Quit').click!();
    await vi.waitFor(() => expect(fake.app.exited).toBe(0), { timeout: 5000 });
  });
});
