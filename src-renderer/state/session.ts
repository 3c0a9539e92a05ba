// The window's session: the lock first (F12), then loading every slice and following the main process's
// events into them. The only module that knows all the slices.
import { create } from 'zustand';
import type { ApiEvent, LockState } from '../../src-main/api/contract.ts';
import { api } from '../api/transport.ts';
import { reloadAccounts, setAccounts, showAccount } from './accounts.ts';
import { reloadApp, setApp } from './app.ts';
import { call } from './call.ts';
import { applyFlow } from './connect.ts';
import { reloadNotices, setNotices } from './notices.ts';
import { reloadPlatforms, setPlatforms } from './platforms.ts';
import { reloadPosts } from './posts.ts';
import { toast } from './toasts.ts';
import { reloadTools, setToolsState } from './tools.ts';
import { reloadWorkspaces, setWorkspaces } from './workspaces.ts';

interface SessionState {
  status: 'loading' | 'ready' | 'error';
  loadError: string | null;
  /** F12: how the data key is protected, and whether the window must ask for the passphrase first. */
  lock: LockState | null;
}

export const useSession = create<SessionState>(() => ({ status: 'loading', loadError: null, lock: null }));

const { getState: get, setState: set } = useSession;

/** F12 first: while the vault is locked nothing else can load, and the window shows the lock screen. */
async function loadLock(): Promise<LockState | null> {
  const r = await call('app.lockState', {});
  if (!r.ok) {
    set({ status: 'error', loadError: r.error.message });
    return null;
  }
  set({ lock: r.result });
  return r.result;
}

export async function load(): Promise<void> {
  set({ status: 'loading', loadError: null });
  const lock = await loadLock();
  if (lock?.state !== 'open') return;
  // The cards and their accounts show as soon as both lists are here. At thousands of accounts
  // accounts.list is the slowest answer, and the core answers the others behind it: waiting for
  // them all held the accounts back by as much again.
  const lists = Promise.all([call('platforms.list', {}), call('accounts.list', {})]);
  const rest = Promise.all([call('app.status', {}), call('notices.list', {}), call('workspaces.list', {}), call('tools.list', {}), call('tools.pending', {})]);
  const [platforms, accounts] = await lists;
  if (!platforms.ok || !accounts.ok) {
    const error = !platforms.ok ? platforms.error : !accounts.ok ? accounts.error : null;
    set({ status: 'error', loadError: error?.message ?? null });
    return;
  }
  setAccounts(accounts.result);
  setPlatforms(platforms.result);
  set({ status: 'ready' });
  const [app, notices, workspaces, tools, pending] = await rest;
  // The app status, notices and tools add to the page; without them it still works.
  if (app.ok) setApp(app.result);
  setToolsState(tools.ok ? tools.result : null, pending.ok ? pending.result : []);
  if (notices.ok) setNotices(notices.result);
  if (workspaces.ok) setWorkspaces(workspaces.result);
  // Posts add to the window too; they load beside it rather than hold it up.
  void reloadPosts();
}

function onEvent(event: ApiEvent): void {
  switch (event.type) {
    case 'accounts.changed':
      void reloadAccounts();
      // Counts and attention per workspace follow the accounts, and so do the handles a tool's grant names.
      void reloadWorkspaces();
      void reloadTools();
      break;
    case 'lock.changed':
      if (get().lock?.state === 'open') void loadLock();
      else void load();
      break;
    case 'workspaces.changed':
      void reloadWorkspaces();
      void reloadApp();
      void reloadTools();
      void reloadPosts();
      break;
    case 'tools.changed':
      void reloadTools();
      break;
    case 'posts.changed':
      void reloadPosts();
      break;
    case 'platforms.changed':
      void reloadPlatforms();
      break;
    case 'flow.changed':
      applyFlow(event.flow);
      break;
    case 'notices.changed':
      void reloadNotices();
      break;
    case 'app.changed':
      void reloadApp();
      break;
    case 'ui.openAccount':
      void showAccount(event.accountId, event.reconnect);
      break;
  }
}

/** Loads everything and follows the main process's events; returns the unsubscribe. */
export function start(): () => void {
  const unsubscribe = api.subscribe(onEvent);
  void load();
  return unsubscribe;
}

/** Unlocks, or sets the first passphrase; returns the sentence to show, or null once open. */
export async function openVault(kind: 'unlock' | 'choose', passphrase: string): Promise<string | null> {
  const r = kind === 'unlock' ? await call('app.unlock', { passphrase }) : await call('app.setPassphrase', { passphrase });
  if (!r.ok) return r.error.issues?.[0]?.message ?? r.error.message;
  await load();
  return null;
}

/** Lock now: the main process closes the vault and says lock.changed, which shows the lock screen. */
export async function lockNow(): Promise<void> {
  const r = await call('app.lock', {});
  if (!r.ok) toast('error', r.error.message);
  else set({ lock: r.result });
}

export async function changePassphrase(current: string, next: string): Promise<string | null> {
  const r = await call('app.changePassphrase', { current, next });
  if (!r.ok) return r.error.issues?.[0]?.message ?? r.error.message;
  set({ lock: r.result });
  toast('success', 'Passphrase changed. Use the new one from now on.');
  return null;
}
