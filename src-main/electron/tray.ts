// The tray icon: renders the core's TrayModel (src-main/core/tray-model.ts) —
// the icon's attention variant, the tooltip and the menu. No decisions here.
import { Menu, Tray, nativeImage, type NativeImage } from 'electron';
import type { Logger } from '../core/logger.ts';
import { trayModel, type TrayModel } from '../core/tray-model.ts';
import { trayMenuTemplate, type TrayActions } from './tray-menu.ts';

export interface TrayIcons {
  /** The plain icon (coloured tile), used on Windows and Linux. */
  normal: string;
  /** The attention variant (amber dot), on every platform. */
  attention: string;
  /** macOS menu bar: black-and-alpha template image, tinted by macOS for light and dark bars. */
  macTemplate: string;
}

export interface AppTray {
  /** Shows a new model: icon, tooltip and a rebuilt menu. */
  update(model: TrayModel): void;
  destroy(): void;
}

export function createTray(opts: { icons: TrayIcons; actions: TrayActions; logger: Logger }): AppTray {
  // nativeImage picks up name@2x.png next to name.png on high-density screens.
  const load = (path: string): NativeImage => {
    const image = nativeImage.createFromPath(path);
    if (image.isEmpty()) opts.logger.warn('a tray icon could not be read', { file: path.split(/[\\/]/).pop() ?? '' });
    return image;
  };
  // On macOS the plain state is a template image, so it matches the other
  // menu-bar icons in light and dark mode. The attention state keeps its colour
  // there on purpose: the amber dot is the message, and a template is monochrome.
  const normal = process.platform === 'darwin' ? load(opts.icons.macTemplate) : load(opts.icons.normal);
  if (process.platform === 'darwin') normal.setTemplateImage(true);
  const attention = load(opts.icons.attention);

  const tray = new Tray(normal);
  let attentionShown = false;
  // A plain click opens the window on Windows, as users there expect; macOS and Linux show the menu.
  if (process.platform === 'win32') tray.on('click', () => opts.actions.open());

  function update(model: TrayModel): void {
    if (tray.isDestroyed()) return;
    if (model.attention !== attentionShown) {
      tray.setImage(model.attention ? attention : normal);
      attentionShown = model.attention;
    }
    tray.setToolTip(model.tooltip);
    // Linux (AppIndicator) shows changes only through a new setContextMenu, so the menu is always rebuilt whole.
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(model, opts.actions)));
  }

  update(trayModel([], { online: true, refreshing: 0 }));
  return {
    update,
    destroy: () => {
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
