// Closing the window keeps Plugboard in the tray (F9): the window hides unless
// the user chose Quit (tray, app menu, Cmd+Q — all of which pass through the
// app's before-quit) or the session is ending. The first time it hides, a
// one-time notification says where Plugboard went. Plain logic, tested under Node;
// main.ts and window.ts wire it to Electron.

export interface CloseToTrayDeps {
  /** The "keep running in the tray" setting; false: closing the window quits. */
  enabled(): boolean;
  hintShown(): boolean;
  markHintShown(): void;
  /** Shows the hint; false when it could not be shown (then it is tried again next time). */
  showHint(): boolean;
}

export interface CloseToTray {
  /** Quit was chosen (app 'before-quit', or the OS session ends): windows may close for real. */
  quitting(): void;
  readonly isQuitting: boolean;
  /** A window's 'close': true → prevent it and hide the window instead. */
  shouldHide(): boolean;
}

export function createCloseToTray(deps: CloseToTrayDeps): CloseToTray {
  let quitting = false;
  return {
    quitting() {
      quitting = true;
    },
    get isQuitting() {
      return quitting;
    },
    shouldHide() {
      if (quitting || !deps.enabled()) return false;
      if (!deps.hintShown() && deps.showHint()) deps.markHintShown();
      return true;
    },
  };
}

/** The one-time hint's words, in each desktop's name for the place the icon lives. */
export function trayHint(platform: NodeJS.Platform): { title: string; body: string } {
  if (platform === 'darwin') {
    return {
      title: 'Plugboard is still running in the menu bar',
      body: 'It keeps renewing your connections. Open it from the menu bar icon; quit from there or with ⌘Q.',
    };
  }
  return {
    title: 'Plugboard is still running in the tray',
    body: 'It keeps renewing your connections. Open it from the tray icon (or start Plugboard again); quit from the tray menu.',
  };
}
