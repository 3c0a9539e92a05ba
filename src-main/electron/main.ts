// Plugboard's Electron entry: one instance, plugboard:// callbacks, the core,
// IPC, the window, the tray, notifications, sleep/wake and the network.
// Everything before `run()` must happen before the app is ready, and nothing
// may await at the top level: the main process is an ES module, and a
// top-level await on readiness would hang the app.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Notification, app, dialog, net, powerMonitor, session, shell, type BrowserWindow, type MessageBoxOptions } from 'electron';
import type { RedirectKind } from '../api/contract.ts';
import { avatarReply } from '../core/avatars.ts';
import { openCore } from '../core/core.ts';
import { openGate } from '../core/gate.ts';
import { watchIdle } from '../core/idle-lock.ts';
import { systemClock } from '../core/clock.ts';
import { createFileLogger } from '../core/file-logger.ts';
import type { Logger } from '../core/logger.ts';
import { watchTray } from '../core/tray-model.ts';
import type { Core, CoreDeps, ExportSummary } from '../core/types.ts';
import { ignoredSentence, launchEnv } from '../core/launch-env.ts';
import { registerAppScheme, serveRenderer } from './app-scheme.ts';
import { HIDDEN_FLAG, linuxLaunchCommand, xdgAutostart } from './autostart.ts';
import { createCloseToTray, trayHint } from './close-to-tray.ts';
import { connectIpc } from './ipc.ts';
import { createNotifier, type Notifier } from './notifier.ts';
import { notifyPairingRequests } from './pairing-notices.ts';
import { APP_USER_MODEL_ID, PROTOCOL_SCHEME, findProtocolUrl, isOpenableAuthorizationUrl } from './policy.ts';
import { watchPowerAndNetwork } from './power.ts';
import type { Prefs } from '../prefs/prefs.ts';
import { openElectronPrefs, type ShellPrefs } from './prefs.ts';
import { trustedKeychain } from './safe-storage-wrapper.ts';
import { createTray, type AppTray } from './tray.ts';
import { createMainWindow, hardenWebContents, hideOnClose, lockDownSession } from './window.ts';
import { listenGateway } from '../gateway/socket-server.ts';
import { socketPath } from '../gateway/socket-path.ts';
import { isOpenAppUrl } from '../oauth/landing-page.ts';

const REDIRECT_KINDS: RedirectKind[] = ['loopback', 'protocol', 'manual', 'https-relay'];

// Relative to this file once compiled: build/src-main/electron/main.js.
const fromHere = (relativePath: string) => fileURLToPath(new URL(relativePath, import.meta.url));
const paths = {
  preload: fromHere('../../src-preload/preload.cjs'),
  renderer: fromHere('../../../dist/renderer'),
  appIcon: fromHere('../../../resources/icon.png'),
  tray: {
    normal: fromHere('../../../resources/tray.png'),
    attention: fromHere('../../../resources/tray-attention.png'),
    macTemplate: fromHere('../../../resources/trayTemplate.png'),
  },
};

let logger: Logger;
let core: Core | null = null;
let win: BrowserWindow | null = null;
/** Held here: a Tray nobody references is garbage-collected and vanishes. */
let tray: AppTray | null = null;
let notifier: Notifier | null = null;
let shellPrefs: ShellPrefs | null = null;
let corePrefs: Prefs | null = null;
/** Undo for the tray's and the power/network watchers, run before the core closes. */
const stopWatchers: (() => void)[] = [];
let coreClosed = false;
/** plugboard:// URLs that arrived before the core was open (macOS sends open-url that early). */
const pendingUrls: string[] = [];
/** An account a notification asked for before the core was open (the core notifies while it opens). */
let pendingAccount: string | null = null;

/** The window's close hides it, unless Quit was chosen. */
const closeToTray = createCloseToTray({
  // A setting (on by default): off, closing the window quits.
  enabled: () => shellPrefs === null || corePrefs?.get('keepInTray') !== false,
  hintShown: () => shellPrefs?.get('trayHintShown') ?? true,
  markHintShown: () => shellPrefs?.set('trayHintShown', true),
  showHint: () => notifier?.show(trayHint(process.platform), showWindow) ?? false,
});

app.enableSandbox();
registerAppScheme();
const env = launchEnv(process.env, { packaged: app.isPackaged });
const dataDir = env.dataDir ?? app.getPath('userData');
// Chromium's profile and the single-instance lock live in userData: a separate
// data folder (a test run, a second profile) is then a separate instance.
if (env.dataDir) app.setPath('userData', dataDir);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  run();
}

function run(): void {
  const passphrase = process.env.PLUGBOARD_PASSPHRASE || undefined;
  // Child processes (renderers, utilities) inherit the environment; the passphrase stays here.
  delete process.env.PLUGBOARD_PASSPHRASE;
  logger = createFileLogger(join(dataDir, 'logs'), { echo: !app.isPackaged });
  if (env.ignored.length) logger.warn(ignoredSentence(env.ignored));
  // Before any window or notification: Windows files them under this ID (see policy.ts).
  // An unpackaged run has no shortcut carrying it and goes by its executable's path instead.
  if (process.platform === 'win32') app.setAppUserModelId(app.isPackaged ? APP_USER_MODEL_ID : process.execPath);
  registerProtocolClient();

  const launchUrl = findProtocolUrl(process.argv);
  if (launchUrl && !isOpenAppUrl(launchUrl)) pendingUrls.push(launchUrl);

  app.on('open-url', (event, url) => {
    event.preventDefault();
    deliverProtocolUrl(url);
  });
  app.on('second-instance', (_event, argv) => {
    const url = findProtocolUrl(argv);
    if (url) deliverProtocolUrl(url);
    // A login start while already running changes nothing; the user starting it again wants the window.
    else if (!argv.includes(HIDDEN_FLAG)) showWindow();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, logger));
  // Quit from the tray, the app menu, Cmd+Q, the dock or the OS all pass here first; only then may windows close.
  app.on('before-quit', () => closeToTray.quitting());
  // Listening here at all replaces Electron's default (quit when the last window closes): Plugboard lives in the tray.
  // Kept in the tray by default; with the setting off, closing the last window quits.
  app.on('window-all-closed', () => {
    if (corePrefs?.get('keepInTray') === false) app.quit();
  });
  app.on('activate', () => showWindow());
  app.on('will-quit', (event) => {
    for (const stop of stopWatchers.splice(0)) stop();
    if (!core || coreClosed) return;
    event.preventDefault();
    coreClosed = true;
    core
      .close()
      .catch((e: Error) => logger.error('closing the core failed', { error: e.message }))
      .finally(() => app.quit());
  });

  app
    .whenReady()
    .then(() => start(passphrase))
    .catch((e: Error) => {
      logger.error('startup failed', { error: e.message });
      dialog.showErrorBox('Plugboard could not start', e.message);
      app.exit(1);
    });
}

async function start(passphrase: string | undefined): Promise<void> {
  // Pictures are asked for once the window shows accounts, which only an open core lists.
  serveRenderer(paths.renderer, (accountId, version) => (core ? core.avatar(accountId, version) : avatarReply(null, null)));
  lockDownSession(session.defaultSession);
  const { keychain, weak } = await trustedKeychain(logger);
  const prefs = openElectronPrefs(dataDir);
  shellPrefs = prefs.shell;
  corePrefs = prefs.prefs;
  // Created before the core, which may notify while it opens (notices due at start-up);
  // a click reads `core` only when it happens.
  notifier = createNotifier({
    Notification,
    onNoticeClick: (notice) => openAccount(notice.accountId),
    logger,
    ...(process.platform === 'darwin' ? {} : { icon: paths.appIcon }),
  });
  const notify: CoreDeps['notify'] = (notice) => notifier?.notify(notice);
  // F12: with a trusted keychain the core opens at once; otherwise the window asks for a passphrase.
  const gate = await openGate({
    dataDir,
    keychain,
    weakKeychain: weak,
    passphrase,
    logger,
    open: (keyWrapper, weakKeychain) =>
      openCore({
        dataDir,
        keyWrapper,
        weakKeychain,
        about: { version: app.getVersion(), shell: `Plugboard for ${process.platform === 'darwin' ? 'macOS' : process.platform === 'win32' ? 'Windows' : 'Linux'}`, runtime: `Electron ${process.versions.electron}, Chromium ${process.versions.chrome}`, tray: true },
        prefs: prefs.prefs,
        openExternal,
        redirectKinds: REDIRECT_KINDS,
        origins: env.origins,
        logger,
        isOnline: () => net.isOnline(),
        notify,
        loginItem: loginItem(),
        confirmExport,
      }),
  });
  core = gate;
  connectIpc(core, () => win);
  // The gateway for the user's own tools; without it the app still works, so a failure is logged, not fatal.
  listenGateway({ path: socketPath(dataDir), handle: (req, res) => gate.gateway(req, res), logger })
    .then((gateway) => stopWatchers.push(() => void gateway.close()))
    .catch((e: Error) => logger.error('the gateway for tools could not start', { error: e.message }));
  // The OS's idle time counts with the window closed to the tray, and whichever app the user was in.
  const idle = watchIdle({
    gate,
    clock: systemClock,
    minutes: () => prefs.prefs.get('lockAfterMinutes'),
    idleMs: () => powerMonitor.getSystemIdleTime() * 1000,
    onError: (e) => logger.error('the idle lock failed', { error: (e as Error).message ?? String(e) }),
  });
  stopWatchers.push(idle.stop);
  stopWatchers.push(watchPowerAndNetwork(core, { powerMonitor, net, logger, onWake: () => void idle.checkNow() }));
  const appTray = createTray({
    icons: paths.tray,
    logger,
    actions: {
      openAccount,
      open: () => showWindow(),
      refreshAll: () => {
        core
          ?.call('accounts.refreshAll', {})
          .then((reply) => {
            if (!reply.ok) logger.warn('refresh all from the tray failed', { error: reply.error.message });
          })
          .catch((e: Error) => logger.error('refresh all from the tray failed', { error: e.message }));
      },
      lock: () => {
        gate.lock().catch((e: Error) => logger.error('lock from the tray failed', { error: e.message }));
      },
      quit: () => app.quit(),
    },
  });
  tray = appTray;
  const trayWatch = watchTray(core, (model) => appTray.update(model), {
    onError: (e) => logger.warn('the tray could not be updated', { error: (e as Error).message ?? String(e) }),
  });
  stopWatchers.push(() => trayWatch.stop());
  stopWatchers.push(
    notifyPairingRequests({
      core,
      show: (content, onClick) => notifier?.show(content, onClick),
      open: () => showWindow(),
      onError: (e) => logger.warn('a pairing notification failed', { error: (e as Error).message ?? String(e) }),
    }),
  );

  // Started by the OS at login: the page loads (so a notification click finds it
  // ready) but the window stays hidden; the tray is there.
  if (startedAtLogin()) ensureWindow(false);
  else showWindow();
  for (const url of pendingUrls.splice(0)) handOver(url);
  if (pendingAccount) openAccount(pendingAccount);
}

function startedAtLogin(): boolean {
  if (process.argv.includes(HIDDEN_FLAG)) return true;
  return process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
}

/**
 * Launch at login (a setting). macOS and Windows: Electron's login items.
 * Windows runs the registry command with HIDDEN_FLAG, so get() must ask with
 * the same path and args. Linux: Electron's login items do nothing there, so an
 * XDG autostart entry instead (autostart.ts).
 */
function loginItem(): CoreDeps['loginItem'] {
  switch (process.platform) {
    case 'darwin':
      return {
        get: () => app.getLoginItemSettings().openAtLogin,
        set: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled }),
      };
    case 'win32': {
      // Unpackaged, Electron needs the app folder; Electron joins args unquoted, hence the quotes.
      const options = { path: process.execPath, args: [...(process.defaultApp ? [`"${app.getAppPath()}"`] : []), HIDDEN_FLAG] };
      return {
        get: () => app.getLoginItemSettings(options).openAtLogin,
        set: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, ...options }),
      };
    }
    case 'linux': {
      const autostart = xdgAutostart({
        env: process.env,
        home: homedir(),
        command: linuxLaunchCommand({ execPath: process.execPath, appImage: process.env.APPIMAGE, defaultApp: Boolean(process.defaultApp), appPath: app.getAppPath() }),
      });
      // An AppImage moved or replaced by a newer one: point the entry at this copy.
      try {
        if (autostart.get()) autostart.set(true);
      } catch (e) {
        logger.warn('could not update the autostart entry', { error: (e as Error).message });
      }
      return autostart;
    }
    default:
      return undefined;
  }
}

/** A notification or a tray item asked for an account: show the window, then that account. */
function openAccount(accountId: string): void {
  if (!core) {
    pendingAccount = accountId;
    return;
  }
  pendingAccount = null;
  const shown = showWindow();
  // A window made just now has no page listening yet; the event waits for it to load.
  if (shown?.webContents.isLoading()) shown.webContents.once('did-finish-load', () => core?.openAccount(accountId));
  else core.openAccount(accountId);
}

function registerProtocolClient(): void {
  // Unpackaged, the OS must start Electron with our app folder before the URL (Windows reads path and args).
  const registered = process.defaultApp
    ? app.setAsDefaultProtocolClient(PROTOCOL_SCHEME, process.execPath, [app.getAppPath()])
    : app.setAsDefaultProtocolClient(PROTOCOL_SCHEME);
  if (!registered) logger.warn('could not register as the plugboard:// handler; protocol redirects will not reach Plugboard');
}

function deliverProtocolUrl(url: string): void {
  // A sign-in's landing page sends "Back to Plugboard" here: it only wants the window.
  if (isOpenAppUrl(url)) {
    showWindow();
    return;
  }
  if (!core) {
    pendingUrls.push(url);
    return;
  }
  handOver(url);
  showWindow();
}

function handOver(url: string): void {
  core?.handleProtocolUrl(url).catch((e: Error) => logger.error('handling a plugboard:// url failed', { error: e.message }));
}

/** The main window, made if there is none; a new one shows itself once ready when `show`. */
function ensureWindow(show: boolean): { win: BrowserWindow; created: boolean } {
  if (win && !win.isDestroyed()) return { win, created: false };
  // It shows itself once ready-to-show; showing it now would flash an empty frame.
  const created = createMainWindow({ preload: paths.preload, icon: paths.appIcon, devTools: !app.isPackaged, logger, showWhenReady: show, prefs: shellPrefs ?? undefined });
  hideOnClose(created, () => closeToTray.shouldHide());
  // Windows: the session is ending (shutdown, log-off), so closing must not be refused.
  created.on('session-end', () => closeToTray.quitting());
  created.on('closed', () => {
    if (win === created) win = null;
  });
  win = created;
  return { win: created, created: true };
}

function showWindow(): BrowserWindow | null {
  if (!core) return null;
  const { win: w, created } = ensureWindow(true);
  if (created) return w;
  if (w.isMinimized()) w.restore();
  w.show();
  // From the menu bar or a notification, macOS would leave another app in front.
  if (process.platform === 'darwin') app.focus({ steal: true });
  w.focus();
  return w;
}

/**
 * F16: the user's own yes to exporting every token, where the keychain protects the data key and there is
 * no passphrase to ask for. A native box drawn by the main process: nothing in the page can click it.
 */
async function confirmExport(summary: ExportSummary): Promise<boolean> {
  const accounts = `${summary.accounts} ${summary.accounts === 1 ? 'account' : 'accounts'}`;
  const workspaces = summary.workspaces > 1 ? ` of ${summary.workspaces} workspaces` : '';
  const options: MessageBoxOptions = {
    type: 'warning',
    title: 'Export from Plugboard',
    message: `Export all ${accounts}${workspaces}, with their tokens?`,
    detail:
      'The file will hold every token and app secret, sealed under the passphrase you typed for it. Anyone with the file and that passphrase can use your accounts. Export only if you started this yourself.',
    buttons: ['Export', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
  };
  const parent = win && !win.isDestroyed() ? win : null;
  const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
  return response === 0;
}

/** The core hands over only authorization URLs it built; this still refuses anything but https or local http. */
async function openExternal(url: string): Promise<void> {
  if (!isOpenableAuthorizationUrl(url)) throw new Error('refused to open a URL that is neither https nor http on this machine');
  await shell.openExternal(url);
}
