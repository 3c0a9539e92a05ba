import { create } from 'zustand';
import type {
  AccountView,
  ActivityView,
  ApiError,
  AppStatus,
  ApiEvent,
  Envelope,
  FlowState,
  FlowView,
  MethodName,
  ExportLeftOut,
  Params,
  PlatformId,
  PlatformView,
  LockState,
  Results,
  WorkspaceView,
} from '../../src-main/api/contract.ts';
import { api } from '../api/transport.ts';
import { atHandle, plural, setCoreNow, subscriptionLabel } from '../ui/format.ts';

export type Tab = 'accounts' | 'credentials';

/** What the UI needs of a flow; `connect.start` gives enough of it to show the waiting panel at once. */
export type FlowEntry = Pick<
  FlowView,
  'flowId' | 'platform' | 'state' | 'authorizeUrl' | 'startedAt' | 'accountId' | 'renewed' | 'reconnectAccountId' | 'error'
> &
  Partial<Pick<FlowView, 'choices' | 'accountIds' | 'redirectUri'>>;

/** 'info' is the calm tone: e.g. "offline, Plugboard will do it later" is not an error. */
export type ToastTone = 'success' | 'info' | 'warning' | 'error';
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
  /** Accounts whose profile (e.g. X premium status) is being re-read from this window. */
  syncing: Partial<Record<string, true>>;
  /** A token-management action under way. */
  bulk: 'refreshAll' | 'syncX' | null;
  /** The main process's state (online, warning window, unread notices); null until loaded. */
  app: AppStatus | null;
  /** Account notices and the app's own (an export), newest first. */
  notices: Results['notices.list'];
  /** Recent activity of accounts whose details were opened; 'error' when it could not be loaded. */
  activity: Partial<Record<string, ActivityView[] | 'error'>>;
  /** The account whose details each platform card shows. */
  openDetails: Partial<Record<PlatformId, string>>;
  /** An account to bring into view (a notice click, or ui.openAccount); `seq` changes every time. */
  spotlight: { accountId: string; reconnect: boolean; seq: number } | null;
  toasts: Toast[];
  /** F11: every workspace, the active one marked. */
  workspaces: WorkspaceView[];
  /** F12: how the data key is protected, and whether the window must ask for the passphrase first. */
  lock: LockState | null;
}

export const useStore = create<PlugboardState>(() => ({
  status: 'loading',
  loadError: null,
  platforms: [],
  accounts: [],
  flows: {},
  tabs: {},
  refreshing: {},
  syncing: {},
  bulk: null,
  app: null,
  notices: [],
  activity: {},
  openDetails: {},
  spotlight: null,
  toasts: [],
  workspaces: [],
  lock: null,
}));

const { getState: get, setState: set } = useStore;

const ACTIVE: FlowState[] = ['waiting', 'exchanging', 'choosing'];
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
const TOAST_MS: Record<ToastTone, number> = { success: 4000, info: 6000, warning: 10_000, error: 10_000 };
const MAX_TOASTS = 4;

export function toast(tone: ToastTone, message: string): void {
  const id = nextToastId++;
  set((s) => ({ toasts: [...s.toasts, { id, tone, message }].slice(-MAX_TOASTS) }));
  setTimeout(() => dismissToast(id), TOAST_MS[tone]);
}

export function dismissToast(id: number): void {
  set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}

/** An API failure as the user should see it: being offline is calm news, not a red error. */
function report(error: ApiError): void {
  if (error.code === 'offline') {
    toast('info', error.message);
    void reloadApp();
  } else {
    toast('error', error.message);
  }
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

function setAccounts(accounts: AccountView[]): void {
  set({ accounts });
}

function setNotices(notices: Results['notices.list']): void {
  set({ notices });
}

const reloadAccounts = coalesce(async () => {
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

function setApp(app: AppStatus): void {
  setCoreNow(app.now);
  // 'system' leaves color-scheme to the OS; light or dark pins it (styles.css).
  if (app.theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = app.theme;
  set({ app });
}

const reloadApp = coalesce(async () => {
  const r = await call('app.status', {});
  if (r.ok) setApp(r.result);
});

const reloadWorkspaces = coalesce(async () => {
  const r = await call('workspaces.list', {});
  if (r.ok) set({ workspaces: r.result });
});

const reloadNotices = coalesce(async () => {
  const [notices, app] = await Promise.all([call('notices.list', {}), call('app.status', {})]);
  if (notices.ok) setNotices(notices.result);
  if (app.ok) setApp(app.result);
});

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
  const [platforms, accounts, app, notices, workspaces] = await Promise.all([
    call('platforms.list', {}),
    call('accounts.list', {}),
    call('app.status', {}),
    call('notices.list', {}),
    call('workspaces.list', {}),
  ]);
  if (!platforms.ok || !accounts.ok) {
    const error = !platforms.ok ? platforms.error : !accounts.ok ? accounts.error : null;
    set({ status: 'error', loadError: error?.message ?? null });
    return;
  }
  // The app status and notices add to the page; without them it still works.
  if (app.ok) setApp(app.result);
  if (notices.ok) setNotices(notices.result);
  if (workspaces.ok) set({ workspaces: workspaces.result });
  setAccounts(accounts.result);
  set({ status: 'ready', platforms: platforms.result });
}

function onEvent(event: ApiEvent): void {
  switch (event.type) {
    case 'accounts.changed':
      void reloadAccounts();
      // Counts and attention per workspace follow the accounts.
      void reloadWorkspaces();
      break;
    case 'lock.changed':
      if (get().lock?.state === 'open') void loadLock();
      else void load();
      break;
    case 'workspaces.changed':
      void reloadWorkspaces();
      void reloadApp();
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

// ---- workspaces (F11)

export async function switchWorkspace(workspaceId: string): Promise<void> {
  const r = await call('workspaces.switch', { workspaceId });
  if (!r.ok) {
    toast('error', r.error.message);
    return;
  }
  // What belongs to the workspace left behind goes with it.
  set({ openDetails: {}, spotlight: null, activity: {} });
  await Promise.all([reloadWorkspaces(), reloadAccounts(), reloadApp()]);
}

/** Creates a workspace and switches to it; returns the error to show in the dialog, or null. */
export async function createWorkspace(name: string): Promise<ApiError | null> {
  const r = await call('workspaces.create', { name });
  if (!r.ok) return r.error;
  await switchWorkspace(r.result.id);
  toast('success', `Workspace “${r.result.name}” created`);
  return null;
}

export async function renameWorkspace(workspaceId: string, name: string): Promise<ApiError | null> {
  const r = await call('workspaces.rename', { workspaceId, name });
  if (!r.ok) return r.error;
  await Promise.all([reloadWorkspaces(), reloadApp()]);
  return null;
}

export async function deleteWorkspace(workspaceId: string, name: string): Promise<ApiError | null> {
  const r = await call('workspaces.delete', { workspaceId });
  if (!r.ok) return r.error;
  await Promise.all([reloadWorkspaces(), reloadAccounts(), reloadApp()]);
  const { disconnected, revokeErrors } = r.result;
  toast(revokeErrors.length ? 'error' : 'success', `Deleted “${name}”: ${plural(disconnected, 'account')} disconnected${revokeErrors.length ? `; revoking failed for ${revokeErrors.join('; ')}` : ''}`);
  return null;
}

// ---- the lock (F12)

/** Unlocks, or sets the first passphrase; returns the sentence to show, or null once open. */
export async function openVault(kind: 'unlock' | 'choose', passphrase: string): Promise<string | null> {
  const r = kind === 'unlock' ? await call('app.unlock', { passphrase }) : await call('app.setPassphrase', { passphrase });
  if (!r.ok) return r.error.issues?.[0]?.message ?? r.error.message;
  await load();
  return null;
}

export async function changePassphrase(current: string, next: string): Promise<string | null> {
  const r = await call('app.changePassphrase', { current, next });
  if (!r.ok) return r.error.issues?.[0]?.message ?? r.error.message;
  set({ lock: r.result });
  toast('success', 'Passphrase changed. Use the new one from now on.');
  return null;
}

// ---- moving machines (F16)

/**
 * Seals everything under the passphrase and saves the file. `vaultPassphrase`: the one that unlocks
 * Plugboard, where a passphrase protects the data key (elsewhere the main process asks in a window of its own).
 * Returns the error to show, or what the export left out (a damaged account) for the dialog to say.
 */
export async function exportData(passphrase: string, vaultPassphrase?: string): Promise<{ error: string } | { leftOut: ExportLeftOut; fileName: string }> {
  const r = await call('data.export', { passphrase, ...(vaultPassphrase ? { vaultPassphrase } : {}) });
  if (!r.ok) return { error: r.error.issues?.[0]?.message ?? r.error.message };
  const bytes = Uint8Array.from(atob(r.result.contentBase64), (c) => c.charCodeAt(0));
  const href = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = href;
  a.download = r.result.fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 1000);
  toast('success', `Exported ${plural(r.result.accounts, 'account')} to ${r.result.fileName}`);
  // The export's own notice is in the list now (the event brings it too).
  void reloadNotices();
  return { leftOut: r.result.leftOut, fileName: r.result.fileName };
}

/** The import's summary, or the sentence saying why nothing changed. */
export async function importData(file: File, passphrase: string): Promise<Results['data.import'] | string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const r = await call('data.import', { content: btoa(binary), passphrase });
  if (!r.ok) return r.error.message;
  // The core's events bring the new accounts, workspaces and credentials; these make sure they are in before the summary.
  await Promise.all([reloadAccounts(), reloadWorkspaces(), reloadPlatforms(), reloadNotices()]);
  return r.result;
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

export async function setRedirect(
  platform: PlatformId,
  kind: 'loopback' | 'protocol' | 'https-relay',
  opts: { port?: number; httpsUrl?: string } = {},
): Promise<ApiError | null> {
  const r = await call('platforms.setRedirect', { platform, kind, ...opts });
  if (!r.ok) return r.error;
  replacePlatform(r.result);
  toast(
    'success',
    r.result.redirectUri
      ? `${r.result.name} now redirects to ${r.result.redirectUri} — register it at ${r.result.name}`
      : `Enter your HTTPS page for ${r.result.name}, then register it there`,
  );
  return null;
}

/** true once saved. */
export async function setScopeOption(platform: PlatformId, option: string, enabled: boolean): Promise<boolean> {
  const r = await call('platforms.setScopeOption', { platform, option, enabled });
  if (r.ok) replacePlatform(r.result);
  else toast('error', r.error.message);
  return r.ok;
}

/** The relay page to host for an HTTPS-only platform (no secrets in it). */
export async function fetchRelayPage(platform: PlatformId): Promise<Results['platforms.relayPage'] | null> {
  const r = await call('platforms.relayPage', { platform });
  if (r.ok) return r.result;
  toast('error', r.error.message);
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
  const ids = flow.accountIds?.length ? flow.accountIds : [flow.accountId];
  const handles = ids.map((id) => get().accounts.find((a) => a.id === id)).filter((a) => a !== undefined).map((a) => atHandle(a.handle));
  const who = handles.length ? handles.join(', ') : 'your account';
  toast('success', flow.renewed ? `Renewed ${who}` : `Connected ${who}`);
}

/** F4: the identities the user picked from what the login offers. */
export async function chooseIdentities(flowId: string, platformUserIds: string[]): Promise<ApiError | null> {
  const r = await call('connect.choose', { flowId, platformUserIds });
  if (!r.ok) return r.error;
  applyFlow(r.result);
  return null;
}

/** App-password platforms (F10, Bluesky): who the typed values belong to; nothing is stored. */
export async function testAppPassword(platform: PlatformId, values: Record<string, string>): Promise<Envelope<Results['appPassword.test']>> {
  return call('appPassword.test', { platform, values });
}

export async function saveAppPassword(platform: PlatformId, values: Record<string, string>): Promise<ApiError | null> {
  const r = await call('appPassword.save', { platform, values });
  if (!r.ok) return r.error;
  await reloadAccounts();
  setTab(platform, 'accounts');
  toast('success', `Connected ${atHandle(r.result.handle)}`);
  return null;
}

export async function connect(platform: PlatformId, reconnectAccountId?: string, via?: PlatformId): Promise<void> {
  // App-password platforms connect (and reconnect) through their form, not a browser sign-in.
  if (get().platforms.find((p) => p.id === platform)?.form) {
    setTab(platform, 'credentials');
    return;
  }
  await startFlow(platform, { platform, ...(reconnectAccountId ? { reconnectAccountId } : {}), ...(via ? { via } : {}) });
}

/** WordPress: the site creates an application password for Plugboard once the user approves it there. */
export async function connectInBrowser(platform: PlatformId, siteUrl: string): Promise<void> {
  await startFlow(platform, { platform, siteUrl });
}

async function startFlow(platform: PlatformId, params: Params<'connect.start'>): Promise<void> {
  const reconnectAccountId = params.reconnectAccountId;
  const r = await call('connect.start', params);
  if (!r.ok) {
    report(r.error);
    return;
  }
  const { flowId, authorizeUrl, redirectUri, openedExternally } = r.result;
  if (get().flows[platform]?.flowId !== flowId) {
    applyFlow({
      flowId,
      platform,
      state: 'waiting',
      authorizeUrl,
      redirectUri,
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
    const platform = get().platforms.find((p) => p.id === account.platform)?.name ?? 'the platform';
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
 * account's card on its Accounts tab, open its details and bring its pill into
 * view (the pill scrolls and highlights itself; with `reconnect`, Reconnect gets focus).
 */
export async function showAccount(accountId: string, reconnect: boolean): Promise<void> {
  if (!get().accounts.some((a) => a.id === accountId)) await reloadAccounts();
  const account = get().accounts.find((a) => a.id === accountId);
  if (!account) {
    toast('info', 'That account is no longer connected.');
    return;
  }
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
  const { refreshed, failed } = r.result;
  if (failed.length === 0) {
    toast('success', refreshed === 0 ? 'Nothing to refresh: no account renews itself yet.' : `Refreshed ${plural(refreshed, 'account')}`);
    return;
  }
  const why = failed.map((f) => `${atHandle(f.handle || 'an account')}: ${f.message}`).join(' ');
  const head = refreshed > 0 ? `Refreshed ${plural(refreshed, 'account')}; ${plural(failed.length, 'account')} could not be refreshed.` : `Could not refresh ${plural(failed.length, 'account')}.`;
  toast(refreshed > 0 ? 'warning' : 'error', `${head} ${why}`);
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

// ---- notices and settings

export async function markNoticesRead(): Promise<void> {
  const r = await call('notices.markRead', {});
  if (r.ok) setNotices(r.result);
  void reloadApp();
}

export async function updateSettings(params: Params<'settings.update'>): Promise<ApiError | null> {
  const r = await call('settings.update', params);
  if (!r.ok) return r.error;
  setApp(r.result);
  return null;
}
