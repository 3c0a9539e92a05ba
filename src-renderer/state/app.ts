// The main process's own state (online, warning window, unread notices, theme) and the settings that change it.
import { create } from 'zustand';
import type { ApiError, AppStatus, Params } from '../../src-main/api/contract.ts';
import { setCoreNow } from '../ui/format.ts';
import { call, coalesce } from './call.ts';
import { toast } from './toasts.ts';

/** null until loaded. */
export const useApp = create<{ app: AppStatus | null }>(() => ({ app: null }));

export function setApp(app: AppStatus): void {
  setCoreNow(app.now);
  // 'system' leaves color-scheme to the OS; light or dark pins it (styles.css).
  if (app.theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = app.theme;
  useApp.setState({ app });
}

export const reloadApp = coalesce(async () => {
  const r = await call('app.status', {});
  if (r.ok) setApp(r.result);
});

/** An API failure as the user should see it: being offline is calm news, not a red error. */
export function report(error: ApiError): void {
  if (error.code === 'offline') {
    toast('info', error.message);
    void reloadApp();
  } else {
    toast('error', error.message);
  }
}

export async function updateSettings(params: Params<'settings.update'>): Promise<ApiError | null> {
  const r = await call('settings.update', params);
  if (!r.ok) return r.error;
  setApp(r.result);
  return null;
}
