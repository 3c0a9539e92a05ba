// The main window, and the lock-down every webContents and the session get,
// following Electron's security checklist.
import { BrowserWindow, screen, shell, type Session, type WebContents } from 'electron';
import type { Logger } from '../core/logger.ts';
import { APP_ENTRY_URL, isAppUrl, isDeveloperPortalUrl, isPermissionGranted } from './policy.ts';
import type { ShellPrefs } from './prefs.ts';
import { DEFAULT_SIZE, MIN_SIZE, createStateSaver, placeWindow, type WindowState } from './window-state.ts';

export function createMainWindow(opts: {
  preload: string;
  icon: string;
  devTools: boolean;
  logger: Logger;
  /** false: load the page but stay hidden (started at login, living in the tray). Default true. */
  showWhenReady?: boolean;
  /** Where the window's size, place and maximized state are kept for the next start; without it the window opens at its default size. */
  prefs?: ShellPrefs;
}): BrowserWindow {
  const placement = opts.prefs
    ? placeWindow(opts.prefs.get('windowState'), {
        workAreas: screen.getAllDisplays().map((d) => d.workArea),
        primary: screen.getPrimaryDisplay().workArea,
      })
    : null;
  const win = new BrowserWindow({
    ...(placement?.bounds ?? DEFAULT_SIZE),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'Plugboard',
    // macOS takes the icon from the app bundle; elsewhere an unpackaged run would show Electron's.
    ...(process.platform === 'darwin' ? {} : { icon: opts.icon }),
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: opts.devTools,
    },
  });
  // maximize() also shows a hidden window, so a window started hidden waits for its first show to maximize.
  const maximized = placement?.maximized ?? false;
  if (opts.showWhenReady !== false) {
    win.once('ready-to-show', () => {
      if (maximized) win.maximize();
      win.show();
    });
  } else if (maximized) {
    win.once('show', () => win.maximize());
  }
  if (opts.prefs) rememberWindowState(win, opts.prefs);
  // The title stays the product's name whatever the page's <title> says.
  win.on('page-title-updated', (event) => event.preventDefault());
  win.loadURL(APP_ENTRY_URL).catch((e: Error) => opts.logger.error('the window could not load the app', { error: e.message }));
  return win;
}

/** Saves the window's normal rectangle and maximized state when they settle, and at once when it closes or hides to the tray. */
function rememberWindowState(win: BrowserWindow, prefs: ShellPrefs): void {
  const read = (): WindowState | null => (win.isDestroyed() ? null : { bounds: win.getNormalBounds(), maximized: win.isMaximized() });
  const saver = createStateSaver(read, (state) => prefs.set('windowState', state));
  const changed = () => saver.changed();
  win.on('move', changed);
  win.on('resize', changed);
  win.on('maximize', changed);
  win.on('unmaximize', changed);
  win.on('close', () => saver.flush());
}

/**
 * Closing the window hides it (the app lives on in the tray) unless shouldHide
 * says the user chose Quit. A macOS full-screen window leaves full screen first:
 * hiding it in place leaves a black space behind.
 */
export function hideOnClose(win: BrowserWindow, shouldHide: () => boolean): void {
  win.on('close', (event) => {
    if (!shouldHide()) return;
    event.preventDefault();
    if (process.platform === 'darwin' && win.isFullScreen()) {
      win.once('leave-full-screen', () => win.hide());
      win.setFullScreen(false);
      return;
    }
    win.hide();
  });
}

/** For every webContents (app 'web-contents-created'): no navigation away, no new windows, no webviews. */
export function hardenWebContents(contents: WebContents, logger: Logger): void {
  contents.on('will-navigate', (event) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    openPortalLink(event.url, logger);
  });
  contents.setWindowOpenHandler(({ url }) => {
    openPortalLink(url, logger);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function lockDownSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionGranted(permission, details.requestingUrl, details.isMainFrame)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionGranted(permission, requestingOrigin, details.isMainFrame),
  );
}

/** The only way a link in the renderer leaves the app: https to a developer portal, in the system browser. */
function openPortalLink(url: string, logger: Logger): void {
  if (!isDeveloperPortalUrl(url)) {
    logger.warn('refused to open a link from the window', { origin: URL.parse(url)?.origin ?? 'unparseable' });
    return;
  }
  shell.openExternal(url).catch((e: Error) => logger.warn('could not open the browser', { error: e.message }));
}
