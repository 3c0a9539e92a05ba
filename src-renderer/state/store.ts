import { create } from 'zustand';
import type {
  AccountView,
  ApiError,
  ApiEvent,
  Envelope,
  FlowState,
  FlowView,
  MethodName,
  Params,
  PlatformId,
  PlatformView,
  Results,
} from '../../src-main/api/contract.ts';
import { api } from '../api/transport.ts';
import { atHandle } from '../ui/format.ts';

export type Tab = 'accounts' | 'credentials';

/** What the UI needs of a flow; `connect.start` gives enough of it to show the waiting panel at once. */
export type FlowEntry = Pick<
  FlowView,
  'flowId' | 'platform' | 'state' | 'authorizeUrl' | 'startedAt' | 'accountId' | 'renewed' | 'reconnectAccountId' | 'error'
>;

export type ToastTone = 'success' | 'warning' | 'error';
interface Toast {
  id: number;
  tone: ToastTone;
  message: string;
}

interface PlugboardState {
  status: 'loading' | 'ready' | 'error';
  loadError: string | null;
  platforms: PlatformView[];
  accounts: AccountView[];
  /** The latest flow per platform, until it connects or the user dismisses its outcome. */
  flows: Partial<Record<PlatformId, FlowEntry>>;
  /** Tabs the user (or a finished connect) chose; unset means "pick from whether credentials are saved". */
  tabs: Partial<Record<PlatformId, Tab>>;
  /** Accounts with a refresh started from this window. */
  refreshing: Partial<Record<string, true>>;
  toasts: Toast[];
}

export const useStore = create<PlugboardState>(() => ({
  status: 'loading',
  loadError: null,
  platforms: [],
  accounts: [],
  flows: {},
  tabs: {},
  refreshing: {},
  toasts: [],
}));

const { getState: get, setState: set } = useStore;

const ACTIVE: FlowState[] = ['waiting', 'exchanging'];
export const isActive = (flow: FlowEntry | undefined): boolean => !!flow && ACTIVE.includes(flow.state);

/** The preload's IPC can reject where HTTP resolves with an envelope: make both look the same. */
async function call<M extends MethodName>(method: M, params: Params<M>): Promise<Envelope<Results[M]>> {
  try {
    return await api.invoke(method, params);
  } catch (e) {
    return { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
  }
}

// ---- toasts

let nextToastId = 1;
const TOAST_MS: Record<ToastTone, number> = { success: 4000, warning: 10_000, error: 10_000 };
const MAX_TOASTS = 4;

export function toast(tone: ToastTone, message: string): void {
  const id = nextToastId++;
  set((s) => ({ toasts: [...s.toasts, { id, tone, message }].slice(-MAX_TOASTS) }));
  setTimeout(() => dismissToast(id), TOAST_MS[tone]);
}

export function dismissToast(id: number): void {
  set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}

// ---- loading

/** Runs `fn`, and once more after it if asked again meanwhile, so bursts of events cost two loads at most. */
function coalesce(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await fn();
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  };
}

const reloadPlatforms = coalesce(async () => {
  const r = await call('platforms.list', {});
  if (r.ok) set({ platforms: r.result });
  else toast('error', r.error.message);
});

const reloadAccounts = coalesce(async () => {
  const r = await call('accounts.list', {});
  if (r.ok) set({ accounts: r.result });
  else toast('error', r.error.message);
});

export async function load(): Promise<void> {
  set({ status: 'loading', loadError: null });
  const [platforms, accounts] = await Promise.all([call('platforms.list', {}), call('accounts.list', {})]);
  if (!platforms.ok || !accounts.ok) {
    const error = !platforms.ok ? platforms.error : !accounts.ok ? accounts.error : null;
    set({ status: 'error', loadError: error?.message ?? null });
    return;
  }
  set({ status: 'ready', platforms: platforms.result, accounts: accounts.result });
}

function onEvent(event: ApiEvent): void {
  switch (event.type) {
    case 'accounts.changed':
      void reloadAccounts();
      break;
    case 'platforms.changed':
      void reloadPlatforms();
      break;
    case 'flow.changed':
      applyFlow(event.flow);
      break;
  }
}

/** Loads everything and follows the main process's events; returns the unsubscribe. */
export function start(): () => void {
  const unsubscribe = api.subscribe(onEvent);
  void load();
  return unsubscribe;
}

// ---- credentials

function replacePlatform(platform: PlatformView): void {
  set((s) => ({ platforms: s.platforms.map((p) => (p.id === platform.id ? platform : p)) }));
}

export function setTab(platform: PlatformId, tab: Tab): void {
  set((s) => ({ tabs: { ...s.tabs, [platform]: tab } }));
}

export async function saveCredentials(platform: PlatformId, clientId: string, clientSecret: string): Promise<ApiError | null> {
  const r = await call('credentials.save', clientSecret ? { platform, clientId, clientSecret } : { platform, clientId });
  if (!r.ok) return r.error;
  // Saving must not swap the form away under the user (the default tab follows `saved`).
  if (!get().tabs[platform]) setTab(platform, 'credentials');
  replacePlatform(r.result);
  toast('success', `Saved credentials for ${r.result.name}`);
  return null;
}

export async function clearCredentials(platform: PlatformId): Promise<ApiError | null> {
  const r = await call('credentials.clear', { platform });
  if (!r.ok) return r.error;
  replacePlatform(r.result);
  toast('success', `Cleared credentials for ${r.result.name}`);
  return null;
}

export async function setRedirect(platform: PlatformId, kind: 'loopback' | 'protocol', port?: number): Promise<ApiError | null> {
  const r = await call('platforms.setRedirect', port === undefined ? { platform, kind } : { platform, kind, port });
  if (!r.ok) return r.error;
  replacePlatform(r.result);
  toast('success', `${r.result.name} now redirects to ${r.result.redirectUri} — register it at ${r.result.name}`);
  return null;
}

// ---- connect flows

/** Flows that connected or were dismissed: late events and polls about them are ignored. */
const settled = new Set<string>();

function applyFlow(flow: FlowEntry): void {
  if (settled.has(flow.flowId)) return;
  const current = get().flows[flow.platform];
  if (current) {
    if (current.flowId === flow.flowId) {
      // A poll answered before an event that came later must not undo a finished state.
      if (!isActive(current) && isActive(flow)) return;
    } else if (isActive(current) && flow.startedAt <= current.startedAt) {
      return;
    }
  }
  if (flow.state === 'connected') {
    void onConnected(flow);
    return;
  }
  set((s) => ({ flows: { ...s.flows, [flow.platform]: flow } }));
}

async function onConnected(flow: FlowEntry): Promise<void> {
  settled.add(flow.flowId);
  set((s) => {
    const flows = { ...s.flows };
    delete flows[flow.platform];
    return { flows, tabs: { ...s.tabs, [flow.platform]: 'accounts' } };
  });
  await reloadAccounts();
  const account = get().accounts.find((a) => a.id === flow.accountId);
  const who = account ? atHandle(account.handle) : 'your account';
  toast('success', flow.renewed ? `Renewed ${who}` : `Connected ${who}`);
}

export async function connect(platform: PlatformId, reconnectAccountId?: string): Promise<void> {
  const r = await call('connect.start', reconnectAccountId ? { platform, reconnectAccountId } : { platform });
  if (!r.ok) {
    toast('error', r.error.message);
    return;
  }
  const { flowId, authorizeUrl, openedExternally } = r.result;
  if (get().flows[platform]?.flowId !== flowId) {
    applyFlow({
      flowId,
      platform,
      state: 'waiting',
      authorizeUrl,
      startedAt: new Date().toISOString(),
      accountId: null,
      renewed: false,
      reconnectAccountId: reconnectAccountId ?? null,
      error: null,
    });
  }
  // In the browser host nobody opened the consent page for us; 'noopener' keeps it from reaching back here.
  if (!openedExternally) window.open(authorizeUrl, '_blank', 'noopener');
}

export async function pollFlow(flowId: string): Promise<void> {
  const r = await call('connect.status', { flowId });
  if (r.ok) applyFlow(r.result);
  else if (r.error.code === 'not_found') failFlow(flowId, r.error.message);
}

function failFlow(flowId: string, message: string): void {
  const flow = Object.values(get().flows).find((f) => f.flowId === flowId);
  if (flow && isActive(flow)) applyFlow({ ...flow, state: 'failed', error: message });
}

export async function cancelFlow(flowId: string): Promise<void> {
  const r = await call('connect.cancel', { flowId });
  if (r.ok) applyFlow(r.result);
  else toast('error', r.error.message);
}

export async function completeFlow(flowId: string, url: string): Promise<ApiError | null> {
  const r = await call('connect.complete', { flowId, url });
  if (!r.ok) return r.error;
  applyFlow(r.result);
  return null;
}

export function dismissFlow(platform: PlatformId): void {
  const flow = get().flows[platform];
  if (!flow) return;
  settled.add(flow.flowId);
  set((s) => {
    const flows = { ...s.flows };
    delete flows[platform];
    return { flows };
  });
}

// ---- accounts

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
    toast('error', r.error.message);
    return;
  }
  replaceAccount(r.result);
  const who = atHandle(r.result.handle);
  if (r.result.status === 'expired') toast('error', r.result.statusReason ?? `${who} needs to be reconnected.`);
  else if (r.result.status === 'offline') toast('warning', r.result.statusReason ?? `Plugboard is offline; it will retry ${who} later.`);
  else toast('success', `Refreshed ${who}`);
}

export async function disconnectAccount(account: AccountView): Promise<ApiError | null> {
  const r = await call('accounts.disconnect', { accountId: account.id });
  if (!r.ok) return r.error;
  set((s) => ({ accounts: s.accounts.filter((a) => a.id !== account.id) }));
  const who = atHandle(account.handle);
  if (r.result.revoked) {
    toast('success', `Disconnected ${who}`);
  } else {
    const platform = get().platforms.find((p) => p.id === account.platform)?.name ?? 'the platform';
    const why = r.result.revokeError ? `: ${r.result.revokeError}` : '.';
    toast('warning', `Disconnected ${who}, but revoking its access at ${platform} failed${why}`);
  }
  void reloadAccounts();
  return null;
}
