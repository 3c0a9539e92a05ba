// A minimal tray: open the window, quit. The attention states and the list of
// accounts that need the user (F9) build on this later.
import { Menu, Tray, nativeImage } from 'electron';

export function createTray(opts: { icon: string; onOpen: () => void; onQuit: () => void }): Tray {
  // nativeImage picks up tray@2x.png next to tray.png on high-density screens.
  const tray = new Tray(nativeImage.createFromPath(opts.icon));
  tray.setToolTip('Plugboard');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Plugboard', click: opts.onOpen },
      { type: 'separator' },
      { label: 'Quit', click: opts.onQuit },
    ]),
  );
  // A plain click opens the window on Windows, as users there expect; macOS and Linux show the menu.
  if (process.platform === 'win32') tray.on('click', opts.onOpen);
  return tray;
}
