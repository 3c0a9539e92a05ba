// Which page the window shows (there is no router): the sidebar's sections, and the platform a page
// was opened for (the Platforms page scrolls to it; Ctrl/Cmd+K and the overview's grid open it).
import { create } from 'zustand';
import type { PlatformId } from '../../src-main/api/contract.ts';

export type PageName = 'accounts' | 'platforms' | 'post' | 'tools' | 'notices' | 'settings' | 'move';

interface PageState {
  page: PageName;
  /** The platform the Platforms page was opened for; null when opened from the sidebar. */
  platform: PlatformId | null;
  /** The Accounts page's chips: every account, or only those that need the user. */
  accountsFilter: 'all' | 'attention';
}

export const usePage = create<PageState>(() => ({ page: 'accounts', platform: null, accountsFilter: 'all' }));

export function showPage(page: PageName, platform: PlatformId | null = null): void {
  usePage.setState({ page, platform });
}

export function setAccountsFilter(accountsFilter: PageState['accountsFilter']): void {
  usePage.setState({ accountsFilter });
}

/** An account asked for by name (a notice, the tray, Ctrl/Cmd+K): the Accounts page, with no chip hiding it. */
export function showAccountsPage(): void {
  usePage.setState({ page: 'accounts', platform: null, accountsFilter: 'all' });
}
