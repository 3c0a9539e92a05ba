// A TrayModel (decided in the core) as an Electron menu template. Only a type
// comes from electron, so this runs and is tested under Node; tray.ts hands the
// result to Menu.buildFromTemplate.
import type { MenuItemConstructorOptions } from 'electron';
import type { TrayItem, TrayModel } from '../core/tray-model.ts';

/** What the tray's items do; main.ts supplies them. */
export interface TrayActions {
  /** An account that needs the user: show the window on that account, Reconnect offered. */
  openAccount(accountId: string): void;
  open(): void;
  refreshAll(): void;
  lock(): void;
  quit(): void;
}

/**
 * Electron reads "&" in a menu label as a mnemonic marker (Windows, Linux) and
 * drops it; "&&" shows one "&". Handles and names come from platforms.
 */
export function menuLabel(text: string): string {
  return text.replaceAll('&', '&&');
}

export function trayMenuTemplate(model: TrayModel, actions: TrayActions): MenuItemConstructorOptions[] {
  return model.items.map((item) => menuItem(item, actions));
}

function menuItem(item: TrayItem, actions: TrayActions): MenuItemConstructorOptions {
  switch (item.kind) {
    case 'account':
      return { label: menuLabel(item.label), click: () => actions.openAccount(item.accountId) };
    case 'pairing':
      return { label: menuLabel(item.label), click: () => actions.open() };
    case 'open':
      return { label: 'Open Plugboard', click: () => actions.open() };
    case 'refreshAll':
      return { label: 'Refresh all', enabled: item.enabled, click: () => actions.refreshAll() };
    case 'lock':
      return { label: 'Lock now', click: () => actions.lock() };
    case 'quit':
      return { label: 'Quit', click: () => actions.quit() };
    case 'separator':
      return { type: 'separator' };
    case 'note':
      return { label: menuLabel(item.label), enabled: false };
  }
}
