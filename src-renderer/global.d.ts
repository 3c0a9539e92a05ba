// src-renderer/: the window — React over the one typed API; it shows state and asks, the main process decides.
import type { PlugboardApi } from '../src-main/api/contract.ts';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent when the page is served by the browser host. */
    plugboard?: PlugboardApi;
  }
}
