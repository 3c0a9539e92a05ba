// src-renderer/state/: one small zustand store per domain, each with its actions beside its state; session.ts loads them and routes events.
//
// Connected accounts of the active workspace, what this window is doing to them (refresh, re-read, the
// bulk actions of token management), their opened details and history, and bringing one into view.
import { create } from 'zustand';
import type { AccountView, ActivityView, ApiError, PlatformId, Results } from '../../src-main/api/contract.ts';
import { atHandle, subscriptionLabel } from '../ui/format.ts';
import { report } from './app.ts';
import { call, coalesce } from './call.ts';
import { showAccountsPage } from './page.ts';
import { setTab, usePlatforms } from './platforms.ts';
import { toast } from './toasts.ts';

interface AccountsState {
  accounts: AccountView[];
  /** Accounts with a refresh started from this window. */
  refreshing: Partial<Record<string, true>>;
  /** Accounts whose profile (e.g. X premium status) is being re-read from this window. */
  syncing: Partial<Record<string, true>>;
  /** A token-management action under way. */
  bulk: 'refreshAll' | 'syncX' | null;
  /** Recent activity of accounts whose details were opened; 'error' when it could not be loaded. */
  activity: Partial<Record<string, ActivityView[] | 'error'>>;
  /** The account whose details each platform card shows. */
  openDetails: Partial<Record<PlatformId, string>>;
  /** An account to bring into view (a notice click, or ui.openAccount); `seq` changes every time. */
  spotlight: { accountId: string; reconnect: boolean; seq: number } | null;
}

export const useAccounts = create<AccountsState>(() => ({ accounts: [], refreshing: {}, syncing: {}, bulk: null, activity: {}, openDetails: {}, spotlight: null }));

const { getState: get, setState: set } = useAccounts;

export function setAccounts(accounts: AccountView[]): void {
  set({ accounts });
}

export const reloadAccounts = coalesce(async () => {
  const r = await call('accounts.list', {});
  if (!r.ok) {
    toast('error', r.error.message);
    return;
  }
  setAccounts(r.result);
  // Open details follow their account's history.
  const open = new Set(Object.values(get().openDetails));
  const present = new Set(r.result.map((a) => a.id));
  await Promise.all([...open].filter((id): id is string => !!id && present.has(id)).map((id) => loadActivity(id)));
});

/** What belongs to the workspace left behind goes with it. */
export function forgetWorkspaceView(): void {
  set({ openDetails: {}, spotlight: null, activity: {} });
}

function replaceAccount(account: AccountView): void {
  set((s) => ({ accounts: s.accounts.map((a) => (a.id === account.id ? account : a)) }));
}

export async function refreshAccount(account: AccountView): Promise<void> {
  set((s) => ({ refreshing: { ...s.refreshing, [account.id]: true } }));
  const r = await call('accounts.refresh', { accountId: account.id });
  set((s) => {
    const refreshing = { ...s.refreshing };
    delete refreshing[account.id];
    return { refreshing };
  });
  if (!r.ok) {
    report(r.error);
    return;
  }
  replaceAccount(r.result);
  const who = atHandle(r.result.handle);
  if (r.result.status === 'expired') toast('error', r.result.statusReason ?? `${who} needs to be reconnected.`);
  else if (r.result.status === 'offline') toast('info', r.result.statusReason ?? `Plugboard is offline; it will retry ${who} later.`);
  else toast('success', `Refreshed ${who}`);
}

export async function disconnectAccount(account: AccountView): Promise<ApiError | null> {
  const r = await call('accounts.disconnect', { accountId: account.id });
  if (!r.ok) return r.error;
  set((s) => ({ accounts: s.accounts.filter((a) => a.id !== account.id) }));
  const who = atHandle(account.handle);
  if (r.result.revoked) {
    toast('success', `Disconnected ${who}`);
  } else if (r.result.note) {
    toast('info', `Disconnected ${who}. ${r.result.note}`);
  } else {
    const platform = usePlatforms.getState().platforms.find((p) => p.id === account.platform)?.name ?? 'the platform';
    const why = r.result.revokeError ? `: ${r.result.revokeError}` : '.';
    toast('warning', `Disconnected ${who}, but revoking its access at ${platform} failed${why}`);
  }
  void reloadAccounts();
  return null;
}

// ---- details, activity and bringing an account into view

export async function loadActivity(accountId: string): Promise<void> {
  const r = await call('accounts.activity', { accountId });
  // A disconnected account's history is not shown: keep what there was rather than flash an error.
  if (!r.ok && r.error.code === 'not_found') return;
  set((s) => ({ activity: { ...s.activity, [accountId]: r.ok ? r.result : 'error' } }));
}

export function openDetails(platform: PlatformId, accountId: string | null): void {
  set((s) => {
    const openDetails = { ...s.openDetails };
    if (accountId) openDetails[platform] = accountId;
    else delete openDetails[platform];
    return { openDetails };
  });
  if (accountId) void loadActivity(accountId);
}

let spotlightSeq = 0;

/**
 * What a notice click and the main process's ui.openAccount do: show the
 * Accounts page with every account, open the account's details and bring its pill into
 * view (the pill scrolls and highlights itself; with `reconnect`, Reconnect gets focus).
 */
export async function showAccount(accountId: string, reconnect: boolean): Promise<void> {
  if (!get().accounts.some((a) => a.id === accountId)) await reloadAccounts();
  const account = get().accounts.find((a) => a.id === accountId);
  if (!account) {
    toast('info', 'That account is no longer connected.');
    return;
  }
  showAccountsPage();
  setTab(account.platform, 'accounts');
  openDetails(account.platform, account.id);
  set({ spotlight: { accountId, reconnect, seq: ++spotlightSeq } });
}

/** The pill has scrolled, lit up and taken focus for this request. */
export function consumeSpotlight(seq: number): void {
  if (get().spotlight?.seq === seq) set({ spotlight: null });
}

export async function syncProfile(account: AccountView): Promise<void> {
  set((s) => ({ syncing: { ...s.syncing, [account.id]: true } }));
  const r = await call('accounts.syncProfile', { accountId: account.id });
  set((s) => {
    const syncing = { ...s.syncing };
    delete syncing[account.id];
    return { syncing };
  });
  if (!r.ok) {
    report(r.error);
    return;
  }
  replaceAccount(r.result);
  toast('success', `Premium status updated — ${premiumLine(r.result)}`);
}

function premiumLine(account: AccountView): string {
  const sub = account.details.subscriptionType;
  return `${atHandle(account.handle)}: ${sub ? subscriptionLabel(sub) : 'not reported'}`;
}

// ---- token management

export async function refreshAll(): Promise<void> {
  set({ bulk: 'refreshAll' });
  const r = await call('accounts.refreshAll', {});
  set({ bulk: null });
  if (!r.ok) {
    report(r.error);
    return;
  }
  const { tone, message } = refreshAllSummary(r.result);
  toast(tone, message);
}

/** "4 renewed · 1 needs Reconnect · 5 do not expire", then why each account that needs the user does. */
export function refreshAllSummary(s: Results['accounts.refreshAll']): { tone: 'success' | 'info' | 'warning'; message: string } {
  const parts = [
    s.refreshed > 0 && `${s.refreshed} renewed`,
    s.needReconnect.length > 0 && `${s.needReconnect.length} ${s.needReconnect.length === 1 ? 'needs' : 'need'} Reconnect`,
    s.failed.length > 0 && `${s.failed.length} will try again later`,
    s.notRenewable > 0 && `${s.notRenewable} ${s.notRenewable === 1 ? 'renews' : 'renew'} only by Reconnect, not due yet`,
    s.noExpiry > 0 && `${s.noExpiry} ${s.noExpiry === 1 ? 'does' : 'do'} not expire`,
  ].filter((p) => p !== false);
  if (parts.length === 0) return { tone: 'info', message: 'No accounts to refresh in this workspace.' };
  const why = [...s.needReconnect, ...s.failed].map((f) => `${atHandle(f.handle || 'an account')}: ${f.message}`);
  // Each reason is the core's own sentence, ending with its full stop.
  return { tone: why.length > 0 ? 'warning' : 'success', message: why.length > 0 ? `${parts.join(' · ')}. ${why.join(' ')}` : parts.join(' · ') };
}

/** Re-reads every X account's profile, so a new or lapsed Premium subscription shows. */
export async function syncAllX(): Promise<void> {
  const xAccounts = get().accounts.filter((a) => a.platform === 'x');
  if (xAccounts.length === 0) return;
  set({ bulk: 'syncX' });
  const done: string[] = [];
  const failed: string[] = [];
  let offline: ApiError | null = null;
  for (const account of xAccounts) {
    const r = await call('accounts.syncProfile', { accountId: account.id });
    if (r.ok) {
      replaceAccount(r.result);
      done.push(premiumLine(r.result));
    } else if (r.error.code === 'offline') {
      offline = r.error;
      break;
    } else {
      failed.push(`${atHandle(account.handle)}: ${r.error.message}`);
    }
  }
  set({ bulk: null });
  if (offline) {
    report(offline);
    return;
  }
  if (failed.length === 0) toast('success', `Premium status updated — ${done.join(', ')}`);
  else toast(done.length ? 'warning' : 'error', `${done.length ? `Premium status updated — ${done.join(', ')}. ` : ''}Could not update ${failed.join(' ')}`);
}
