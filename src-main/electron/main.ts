// Plugboard's Electron entry: one instance, plugboard:// callbacks, the core,
// IPC, the window and the tray. Everything before `run()` must happen before
// the app is ready, and nothing may await at the top level: the main process
// is an ES module, and a top-level await on readiness would hang the app.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, session, shell, type BrowserWindow, type Tray } from 'electron';
import type { RedirectKind } from '../api/contract.ts';
import { openCore } from '../core/core.ts';
import { createFileLogger } from '../core/file-logger.ts';
import type { Logger } from '../core/logger.ts';
import type { Core } from '../core/types.ts';
import { parseOriginMap } from '../http/origins.ts';
import { registerAppScheme, serveRenderer } from './app-scheme.ts';
import { connectIpc } from './ipc.ts';
import { PROTOCOL_SCHEME, findProtocolUrl, isOpenableAuthorizationUrl } from './policy.ts';
import { openElectronPrefs } from './prefs.ts';
import { chooseKeyWrapper } from './safe-storage-wrapper.ts';
import { createTray } from './tray.ts';
import { createMainWindow, hardenWebContents, lockDownSession } from './window.ts';

const REDIRECT_KINDS: RedirectKind[] = ['loopback', 'protocol', 'manual', 'https-relay'];

// Relative to this file once compiled: build/src-main/electron/main.js.
const fromHere = (relativePath: string) => fileURLToPath(new URL(relativePath, import.meta.url));
const paths = {
  preload: fromHere('../../src-preload/preload.cjs'),
  renderer: fromHere('../../../dist/renderer'),
  appIcon: fromHere('../../../resources/icon.png'),
  trayIcon: fromHere('../../../resources/tray.png'),
};

let logger: Logger;
let core: Core | null = null;
let win: BrowserWindow | null = null;
/** Held here: a Tray nobody references is garbage-collected and vanishes. */
let tray: Tray | null = null;
let coreClosed = false;
/** plugboard:// URLs that arrived before the core was open (macOS sends open-url that early). */
const pendingUrls: string[] = [];

app.enableSandbox();
registerAppScheme();
const dataDir = process.env.PLUGBOARD_DATA_DIR ? resolve(process.env.PLUGBOARD_DATA_DIR) : app.getPath('userData');
// Chromium's profile and the single-instance lock live in userData: a separate
// data folder (a test run, a second profile) is then a separate instance.
if (process.env.PLUGBOARD_DATA_DIR) app.setPath('userData', dataDir);

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
  registerProtocolClient();

  const launchUrl = findProtocolUrl(process.argv);
  if (launchUrl) pendingUrls.push(launchUrl);

  app.on('open-url', (event, url) => {
    event.preventDefault();
    deliverProtocolUrl(url);
  });
  app.on('second-instance', (_event, argv) => {
    const url = findProtocolUrl(argv);
    if (url) deliverProtocolUrl(url);
    else showWindow();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, logger));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', showWindow);
  app.on('will-quit', (event) => {
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
  serveRenderer(paths.renderer);
  lockDownSession(session.defaultSession);
  const keyWrapper = await chooseKeyWrapper({ passphrase, logger });
  core = await openCore({
    dataDir,
    keyWrapper,
    prefs: openElectronPrefs(dataDir),
    openExternal,
    redirectKinds: REDIRECT_KINDS,
    origins: parseOriginMap(process.env.PLUGBOARD_ORIGINS),
    logger,
  });
  connectIpc(core, () => win);
  tray = createTray({ icon: paths.trayIcon, onOpen: showWindow, onQuit: () => app.quit() });
  showWindow();
  for (const url of pendingUrls.splice(0)) handOver(url);
}

function registerProtocolClient(): void {
  // Unpackaged, the OS must start Electron with our app folder before the URL (Windows reads path and args).
  const registered = process.defaultApp
    ? app.setAsDefaultProtocolClient(PROTOCOL_SCHEME, process.execPath, [app.getAppPath()])
    : app.setAsDefaultProtocolClient(PROTOCOL_SCHEME);
  if (!registered) logger.warn('could not register as the plugboard:// handler; protocol redirects will not reach Plugboard');
}

function deliverProtocolUrl(url: string): void {
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

function showWindow(): void {
  if (!core) return;
  if (!win || win.isDestroyed()) {
    // It shows itself once ready-to-show; showing it now would flash an empty frame.
    win = createMainWindow({ preload: paths.preload, icon: paths.appIcon, devTools: !app.isPackaged, logger });
    win.on('closed', () => {
      win = null;
    });
    return;
  }
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

/** The core hands over only authorization URLs it built; this still refuses anything but https or local http. */
async function openExternal(url: string): Promise<void> {
  if (!isOpenableAuthorizationUrl(url)) throw new Error('refused to open a URL that is neither https nor http on this machine');
  await shell.openExternal(url);
}
