// Notices: account notices and the app's own (an export), newest first.
import { create } from 'zustand';
import type { Results } from '../../src-main/api/contract.ts';
import { reloadApp, setApp } from './app.ts';
import { call, coalesce } from './call.ts';

export const useNotices = create<{ notices: Results['notices.list'] }>(() => ({ notices: [] }));

export function setNotices(notices: Results['notices.list']): void {
  useNotices.setState({ notices });
}

export const reloadNotices = coalesce(async () => {
  const [notices, app] = await Promise.all([call('notices.list', {}), call('app.status', {})]);
  if (notices.ok) setNotices(notices.result);
  if (app.ok) setApp(app.result);
});

export async function markNoticesRead(): Promise<void> {
  const r = await call('notices.markRead', {});
  if (r.ok) setNotices(r.result);
  void reloadApp();
}
