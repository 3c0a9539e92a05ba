import type { PlugboardApi } from '../../src-main/api/contract.ts';
import { createHttpClient } from './http-client.ts';

/** Electron's preload provides the API; without it the page is a tab served by the browser host. */
export const api: PlugboardApi = window.plugboard ?? createHttpClient();
