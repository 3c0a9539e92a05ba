import { Cable, CircleAlert, LoaderCircle, Lock, PenLine, PlugZap, SquareTerminal, WifiOff } from 'lucide-react';
import { useEffect, useMemo, type ReactNode } from 'react';
import type { AccountView, PlatformId, PlatformView } from '../../src-main/api/contract.ts';
import { useAccounts } from '../state/accounts.ts';
import { useApp } from '../state/app.ts';
import { usePlatforms } from '../state/platforms.ts';
import { load, start, useSession } from '../state/session.ts';
import { usePosts } from '../state/posts.ts';
import { showPage, usePage, type PageName } from '../state/page.ts';
import { useTools } from '../state/tools.ts';
import { OFFLINE_MESSAGE } from './format.ts';
import { About } from './About.tsx';
import { ConnectedTools } from './ConnectedTools.tsx';
import { LockScreen } from './LockScreen.tsx';
import { MoveData } from './MoveData.tsx';
import { NoticesButton } from './Notices.tsx';
import { PairingDialog } from './PairingDialog.tsx';
import { PlatformCard } from './PlatformCard.tsx';
import { PostConfirmDialog } from './PostConfirmDialog.tsx';
import { PostPage } from './PostPage.tsx';
import { JumpPalette } from './JumpPalette.tsx';
import { SettingsPage } from './SettingsPage.tsx';
import { Toasts } from './Toasts.tsx';
import { TokenManagement } from './TokenManagement.tsx';
import { WorkspaceSwitcher } from './WorkspaceSwitcher.tsx';

function NavItem({ page, icon, label, badge }: { page: PageName; icon: ReactNode; label: string; badge?: ReactNode }) {
  const current = usePage((s) => s.page === page);
  return (
    <li>
      <button type="button" className={current ? 'nav-item nav-item--active' : 'nav-item'} aria-current={current ? 'page' : undefined} onClick={() => showPage(page)}>
        {icon}
        {label}
        {badge}
      </button>
    </li>
  );
}

function Waiting({ count }: { count: number }) {
  if (count === 0) return null;
  return (
    <span className="count count--todo nav-count">
      {count}
      <span className="sr-only"> waiting for your answer</span>
    </span>
  );
}

function Sidebar() {
  const asking = useTools((s) => s.pending.length);
  const posts = usePosts((s) => s.pending.length);
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          <PlugZap size={18} />
        </span>
        <span className="brand-name">Plugboard</span>
      </div>
      <WorkspaceSwitcher />
      <ul className="nav">
        <NavItem page="accounts" icon={<Cable size={16} aria-hidden="true" />} label="Connections" />
        <NavItem page="post" icon={<PenLine size={16} aria-hidden="true" />} label="Post" badge={<Waiting count={posts} />} />
        <NavItem page="tools" icon={<SquareTerminal size={16} aria-hidden="true" />} label="Connected tools" badge={<Waiting count={asking} />} />
      </ul>
      <About />
      <p className="sidebar-foot">
        <Lock size={13} aria-hidden="true" />
        Tokens stay encrypted on this computer
      </p>
    </nav>
  );
}

/** F13: calm news, not an error — renewals wait for the network and run when it is back. */
function OfflineBanner() {
  const offline = useApp((s) => s.app?.online === false);
  // The live region exists before its text, so screen readers announce the change.
  return (
    <div className={offline ? 'offline-banner' : 'offline-banner offline-banner--hidden'} role="status">
      {offline && (
        <>
          <WifiOff size={16} aria-hidden="true" />
          <span>{OFFLINE_MESSAGE}</span>
        </>
      )}
    </div>
  );
}

function Summary({ accounts }: { accounts: AccountView[] }) {
  const attention = accounts.filter((a) => a.status === 'expired' || a.status === 'expiring').length;
  // Yellow while every account that needs the user still works; red once one has stopped.
  const worst = accounts.some((a) => a.status === 'expired') ? 'expired' : 'expiring';
  if (accounts.length === 0) return null;
  return (
    <div className="summary">
      <span className="summary-chip">
        {accounts.length} {accounts.length === 1 ? 'account' : 'accounts'}
      </span>
      {attention > 0 && (
        <span className={`summary-chip ${worst === 'expired' ? 'summary-chip--attention' : 'summary-chip--expiring'}`}>
          <span className="status-dot" data-status={worst} aria-hidden="true" />
          {attention} {attention === 1 ? 'needs' : 'need'} attention
        </span>
      )}
    </div>
  );
}

/** Working platforms first, in the list's order; those coming soon share one compact grid after them. */
function groupRuns(platforms: PlatformView[]): (PlatformView | PlatformView[])[] {
  const soon = platforms.filter((p) => !p.available);
  return [...platforms.filter((p) => p.available), ...(soon.length ? [soon] : [])];
}

function Connections() {
  const status = useSession((s) => s.status);
  const loadError = useSession((s) => s.loadError);
  const platforms = usePlatforms((s) => s.platforms);
  const accounts = useAccounts((s) => s.accounts);
  const byPlatform = useMemo(() => {
    const map = new Map<PlatformId, AccountView[]>();
    for (const a of accounts) {
      const list = map.get(a.platform);
      if (list) list.push(a);
      else map.set(a.platform, [a]);
    }
    return map;
  }, [accounts]);

  return (
    <main className="main">
      <div className="page">
        <header className="page-head">
          <div>
            <h1>Connections</h1>
            <p className="page-sub">Connect each account once; Plugboard keeps it signed in and warns you before anything lapses.</p>
          </div>
          <div className="page-tools">
            {status === 'ready' && <Summary accounts={accounts} />}
            {status === 'ready' && <NoticesButton />}
          </div>
        </header>
        <OfflineBanner />
        {status === 'loading' && platforms.length === 0 && (
          <p className="page-state" role="status">
            <LoaderCircle size={18} className="spin" aria-hidden="true" /> Loading your connections…
          </p>
        )}
        {status === 'error' && (
          <div className="page-state page-state--error" role="alert">
            <CircleAlert size={18} aria-hidden="true" />
            <p>{loadError ?? 'Plugboard could not load your connections.'}</p>
            <button type="button" className="btn btn-secondary" onClick={() => void load()}>
              Try again
            </button>
          </div>
        )}
        <div className="cards">
          {groupRuns(platforms).map((item) =>
            Array.isArray(item) ? (
              <div key={item[0].id} className="soon-grid">
                {item.map((p) => (
                  <PlatformCard key={p.id} platform={p} accounts={[]} />
                ))}
              </div>
            ) : (
              <PlatformCard key={item.id} platform={item} accounts={byPlatform.get(item.id) ?? []} />
            ),
          )}
        </div>
        {status === 'ready' && <TokenManagement />}
        {status === 'ready' && <MoveData />}
      </div>
    </main>
  );
}

function Page() {
  const page = usePage((s) => s.page);
  if (page === 'tools') return <ConnectedTools />;
  if (page === 'post') return <PostPage />;
  if (page === 'settings') return <SettingsPage />;
  return <Connections />;
}

export function App() {
  useEffect(() => start(), []);
  const lock = useSession((s) => s.lock);
  if (lock && lock.state !== 'open') {
    return (
      <>
        <LockScreen lock={lock} />
        <Toasts />
      </>
    );
  }
  return (
    <div className="shell">
      <Sidebar />
      <Page />
      <PairingDialog />
      <PostConfirmDialog />
      <JumpPalette />
      <Toasts />
    </div>
  );
}
