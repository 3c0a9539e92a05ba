// The one IPC surface: the renderer's invoke() reaches core.call(), core events reach the renderer.
// No IPC method returns tokens or secrets: the core refuses to expose them at all.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { IPC_EVENT, IPC_INVOKE, type Envelope } from '../api/contract.ts';
import type { Core } from '../core/types.ts';
import { isAppUrl } from './policy.ts';

/** Wires IPC to the core; returns the undo. getWindow answers the current main window, if any. */
export function connectIpc(core: Core, getWindow: () => BrowserWindow | null): () => void {
  ipcMain.handle(IPC_INVOKE, async (event, method: unknown, params: unknown): Promise<Envelope<unknown>> => {
    if (!isOurMainFrame(event, getWindow())) {
      return { ok: false, error: { code: 'bad_request', message: 'Refused: this call did not come from the Plugboard window.' } };
    }
    if (typeof method !== 'string') {
      return { ok: false, error: { code: 'unknown_method', message: 'The method name must be a string.' } };
    }
    return core.call(method, params);
  });

  const unsubscribe = core.subscribe((apiEvent) => {
    const win = getWindow();
    if (win && !win.isDestroyed() && isAppUrl(win.webContents.getURL())) win.webContents.send(IPC_EVENT, apiEvent);
  });

  return () => {
    ipcMain.removeHandler(IPC_INVOKE);
    unsubscribe();
  };
}

/** Electron's checklist: check every IPC sender — here, the top frame of our window showing our page. */
function isOurMainFrame(event: IpcMainInvokeEvent, win: BrowserWindow | null): boolean {
  const frame = event.senderFrame;
  if (!frame || !win || win.isDestroyed()) return false;
  const main = win.webContents.mainFrame;
  return (
    event.sender.id === win.webContents.id &&
    frame.parent === null &&
    frame.processId === main.processId &&
    frame.frameToken === main.frameToken &&
    isAppUrl(frame.url)
  );
}
