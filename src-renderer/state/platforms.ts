// Platforms and their app credentials, and which tab each platform card shows.
import { create } from 'zustand';
import type { ApiError, PlatformId, PlatformView, Results } from '../../src-main/api/contract.ts';
import { call, coalesce } from './call.ts';
import { toast } from './toasts.ts';

export type Tab = 'accounts' | 'credentials';

interface PlatformsState {
  platforms: PlatformView[];
  /** Tabs the user (or a finished connect) chose; unset means "pick from whether credentials are saved". */
  tabs: Partial<Record<PlatformId, Tab>>;
}

export const usePlatforms = create<PlatformsState>(() => ({ platforms: [], tabs: {} }));

const { getState: get, setState: set } = usePlatforms;

export function setPlatforms(platforms: PlatformView[]): void {
  set({ platforms });
}

export const reloadPlatforms = coalesce(async () => {
  const r = await call('platforms.list', {});
  if (r.ok) setPlatforms(r.result);
  else toast('error', r.error.message);
});

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
