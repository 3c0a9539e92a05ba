// src-preload/: the bridge between the window and the main process, and nothing else.
//
// The preload: the page's only bridge to the main process, as window.plugboard.
// CommonJS, because a sandboxed preload can be neither an ES module nor require
// local files — so the two channel names are repeated from the contract here
// (src-main/api/preload-channels.test.ts keeps them equal).
// Only plain functions and data cross the bridge: never ipcRenderer or an IPC event.
import type { ContextBridge, IpcRenderer, IpcRendererEvent } from 'electron';
import type { ApiEvent, PlugboardApi } from '../src-main/api/contract.ts' with { 'resolution-mode': 'import' };

const { contextBridge, ipcRenderer } = require('electron') as { contextBridge: ContextBridge; ipcRenderer: IpcRenderer };

const IPC_INVOKE = 'plugboard:invoke';
const IPC_EVENT = 'plugboard:event';

const api = {
  invoke: (method, params) => ipcRenderer.invoke(IPC_INVOKE, method, params),
  subscribe(listener) {
    const handler = (_event: IpcRendererEvent, apiEvent: ApiEvent) => listener(apiEvent);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler);
    };
  },
} satisfies PlugboardApi;

contextBridge.exposeInMainWorld('plugboard', api);
