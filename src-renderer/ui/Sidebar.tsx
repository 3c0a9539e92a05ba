import { ArrowLeftRight, Bell, LayoutGrid, Lock, PenLine, PlugZap, Settings, SquareTerminal, Users } from 'lucide-react';
import type { ReactNode } from 'react';
import { useAccounts } from '../state/accounts.ts';
import { showPage, usePage, type PageName } from '../state/page.ts';
import { usePosts } from '../state/posts.ts';
import { useTools } from '../state/tools.ts';
import { About } from './About.tsx';
import { NoticesBadge } from './Notices.tsx';
import { WorkspaceSwitcher } from './WorkspaceSwitcher.tsx';
import './shell.css';

function NavItem({ page, icon, label, badge }: { page: PageName; icon: ReactNode; label: string; badge?: ReactNode }) {
  const current = usePage((s) => s.page === page);
  return (
    <li>
      {/* The label stays the button's name when the sidebar folds to icons; the title is for the mouse then. */}
      <button type="button" className={current ? 'nav-item nav-item--active' : 'nav-item'} aria-current={current ? 'page' : undefined} title={label} onClick={() => showPage(page)}>
        {icon}
        <span className="nav-label">{label}</span>
        {badge}
      </button>
    </li>
  );
}

/** A count beside a section; its colour is the severity of what it counts (red only when something stopped). */
function Count({ count, tone, what }: { count: number; tone: 'red' | 'yellow' | 'todo'; what: string }) {
  if (count === 0) return null;
  return (
    <span className={`nav-count nav-count--${tone}`}>
      {count}
      <span className="sr-only"> {what}</span>
    </span>
  );
}

function AccountsCount() {
  const expired = useAccounts((s) => s.accounts.filter((a) => a.status === 'expired').length);
  const expiring = useAccounts((s) => s.accounts.filter((a) => a.status === 'expiring').length);
  return <Count count={expired + expiring} tone={expired ? 'red' : 'yellow'} what="need attention" />;
}

export function Sidebar() {
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
        <NavItem page="accounts" icon={<Users size={16} aria-hidden="true" />} label="Accounts" badge={<AccountsCount />} />
        <NavItem page="platforms" icon={<LayoutGrid size={16} aria-hidden="true" />} label="Platforms" />
        <NavItem page="post" icon={<PenLine size={16} aria-hidden="true" />} label="Post" badge={<Count count={posts} tone="todo" what="waiting for your answer" />} />
        <NavItem page="tools" icon={<SquareTerminal size={16} aria-hidden="true" />} label="Tools" badge={<Count count={asking} tone="todo" what="waiting for your answer" />} />
        <NavItem page="notices" icon={<Bell size={16} aria-hidden="true" />} label="Notices" badge={<NoticesBadge />} />
        <NavItem page="settings" icon={<Settings size={16} aria-hidden="true" />} label="Settings" />
        <NavItem page="move" icon={<ArrowLeftRight size={16} aria-hidden="true" />} label="Move" />
      </ul>
      <About />
      <p className="sidebar-foot">
        <Lock size={13} aria-hidden="true" />
        <span className="nav-label">Tokens stay encrypted on this computer</span>
      </p>
    </nav>
  );
}
