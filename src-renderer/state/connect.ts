// Connect: the sign-in under way per platform, from the click to a connected account, and the
// app-password form that connects without a browser.
import { create } from 'zustand';
import type { ApiError, Envelope, FlowState, FlowView, Params, PlatformId, Results } from '../../src-main/api/contract.ts';
import { atHandle } from '../ui/format.ts';
import { reloadAccounts, useAccounts } from './accounts.ts';
import { report } from './app.ts';
import { call } from './call.ts';
import { setTab, usePlatforms } from './platforms.ts';
import { toast } from './toasts.ts';

/** What the UI needs of a flow; `connect.start` gives enough of it to show the waiting panel at once. */
export type FlowEntry = Pick<
  FlowView,
  'flowId' | 'platform' | 'state' | 'authorizeUrl' | 'startedAt' | 'accountId' | 'renewed' | 'reconnectAccountId' | 'error'
> &
  Partial<Pick<FlowView, 'choices' | 'accountIds' | 'redirectUri'>>;

/** The latest flow per platform, until it connects or the user dismisses its outcome. */
export const useFlows = create<{ flows: Partial<Record<PlatformId, FlowEntry>> }>(() => ({ flows: {} }));

const { getState: get, setState: set } = useFlows;

const ACTIVE: FlowState[] = ['waiting', 'exchanging', 'choosing'];
export const isActive = (flow: FlowEntry | undefined): boolean => !!flow && ACTIVE.includes(flow.state);

/** Flows that connected or were dismissed: late events and polls about them are ignored. */
const settled = new Set<string>();

export function applyFlow(flow: FlowEntry): void {
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
    return { flows };
  });
  setTab(flow.platform, 'accounts');
  await reloadAccounts();
  const ids = flow.accountIds?.length ? flow.accountIds : [flow.accountId];
  const accounts = useAccounts.getState().accounts;
  const handles = ids.map((id) => accounts.find((a) => a.id === id)).filter((a) => a !== undefined).map((a) => atHandle(a.handle));
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
  if (usePlatforms.getState().platforms.find((p) => p.id === platform)?.form) {
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
