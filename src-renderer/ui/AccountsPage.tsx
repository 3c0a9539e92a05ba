import { CircleAlert, CircleCheck, LoaderCircle, Plus, Settings2 } from 'lucide-react';
import { useId, useMemo, useRef } from 'react';
import type { AccountView, PlatformId, PlatformView } from '../../src-main/api/contract.ts';
import { useAccounts } from '../state/accounts.ts';
import { connect, isActive, useFlows } from '../state/connect.ts';
import { setAccountsFilter, showPage, usePage } from '../state/page.ts';
import { usePlatforms } from '../state/platforms.ts';
import { load, useSession } from '../state/session.ts';
import { AccountsTab, PILL_ROW_PX } from './AccountsTab.tsx';
import { LATER_ATTRIBUTE, useFirstScreen } from './first-screen.ts';
import { ChoosePanel, FlowNotice, WaitingPanel } from './FlowPanels.tsx';
import { atHandle } from './format.ts';
import { OfflineBanner } from './OfflineBanner.tsx';
import { PlatformBadge } from './PlatformBadge.tsx';
import './overview.css';

/** The status groups, worst first: what stopped, what will stop, what works. */
const GROUPS = [
  { id: 'expired', title: 'Stopped working', test: (a: AccountView) => a.status === 'expired' },
  { id: 'expiring', title: 'Needs you soon', test: (a: AccountView) => a.status === 'expiring' },
  { id: 'working', title: 'Working', test: (a: AccountView) => a.status !== 'expired' && a.status !== 'expiring' },
] as const;

/** A section's head and padding (overview.css): with AccountsTab's row height, the stand-ins' guess. */
const SECTION_HEAD_PX = 62;

const needsYou = (a: AccountView) => a.status === 'expired' || a.status === 'expiring';

function byPlatform(accounts: AccountView[], platforms: PlatformView[]): [PlatformView, AccountView[]][] {
  const map = new Map<PlatformId, AccountView[]>();
  for (const a of accounts) {
    const list = map.get(a.platform);
    if (list) list.push(a);
    else map.set(a.platform, [a]);
  }
  return platforms.filter((p) => map.has(p.id)).map((p) => [p, map.get(p.id)!]);
}

/** "1 expired · 1 expiring — Reconnect": the one line that says whether anything needs the user. */
function Attention({ accounts, platforms }: { accounts: AccountView[]; platforms: PlatformView[] }) {
  const expired = accounts.filter((a) => a.status === 'expired');
  const expiring = accounts.filter((a) => a.status === 'expiring');
  const flows = useFlows((s) => s.flows);
  if (accounts.length === 0) return null;
  if (expired.length + expiring.length === 0) {
    return (
      <p className="attention attention--ok" role="status">
        <CircleCheck size={18} aria-hidden="true" />
        {accounts.length === 1 ? 'Your account is working. Plugboard renews it before it expires.' : `All ${accounts.length} accounts are working. Plugboard renews them before they expire.`}
      </p>
    );
  }
  const first = expired[0] ?? expiring[0]!;
  const platform = platforms.find((p) => p.id === first.platform);
  const parts = [expired.length && `${expired.length} expired`, expiring.length && `${expiring.length} expiring`].filter(Boolean).join(' · ');
  const busy = isActive(flows[first.platform]);
  const who = atHandle(first.handle);
  return (
    <div className={`attention ${expired.length ? 'attention--red' : 'attention--yellow'}`} role="status">
      <CircleAlert size={18} aria-hidden="true" />
      <p className="attention-text">
        <strong>{parts}</strong>
        <span>
          {' — '}
          {expired.length + expiring.length === 1
            ? `${who} on ${platform?.name ?? first.platform} ${first.status === 'expired' ? 'has stopped working' : 'needs you soon'}.`
            : 'Reconnect them to keep them working.'}
        </span>
      </p>
      <button
        type="button"
        className={expired.length ? 'btn btn-primary btn-sm' : 'btn btn-secondary btn-sm'}
        aria-label={`Reconnect ${who} (${platform?.name ?? first.platform})`}
        disabled={busy}
        onClick={() => void connect(first.platform, first.id)}
      >
        Reconnect{expired.length + expiring.length > 1 ? ` ${who}` : ''}
      </button>
    </div>
  );
}

/** The chips that filter the groups below them; "Need attention" leaves only the accounts that need the user. */
function Filters({ accounts }: { accounts: AccountView[] }) {
  const filter = usePage((s) => s.accountsFilter);
  const attention = accounts.filter(needsYou);
  const worst = attention.some((a) => a.status === 'expired') ? 'expired' : 'expiring';
  if (accounts.length === 0) return null;
  return (
    <div className="filters" role="group" aria-label="Show">
      <button type="button" className="filter-chip" aria-pressed={filter === 'all'} onClick={() => setAccountsFilter('all')}>
        All <span className="filter-count">{accounts.length}</span>
      </button>
      <button
        type="button"
        className="filter-chip"
        data-tone={attention.length ? worst : undefined}
        aria-pressed={filter === 'attention'}
        disabled={attention.length === 0 && filter !== 'attention'}
        onClick={() => setAccountsFilter('attention')}
      >
        <span className="status-dot" data-status={attention.length ? worst : 'connected'} aria-hidden="true" />
        Need attention <span className="filter-count">{attention.length}</span>
      </button>
    </div>
  );
}

/**
 * A platform's section until the page renders whole (first-screen.ts): its height guessed from a pill
 * row's height and three pills a row, the guess the first frame corrects for the sections it shows.
 */
function SectionLater({ id, count }: { id: string; count: number }) {
  const height = SECTION_HEAD_PX + Math.ceil(count / 3) * PILL_ROW_PX;
  return <div className="status-group-platform" {...{ [LATER_ATTRIBUTE]: id }} style={{ height }} aria-hidden="true" />;
}

function Group({ title, tone, accounts, platforms, later }: { title: string; tone: string; accounts: AccountView[]; platforms: PlatformView[]; later: (key: string) => boolean }) {
  const headingId = useId();
  const flows = useFlows((s) => s.flows);
  // Kept while the accounts are the same: a list measures its pills once per accounts array.
  const lists = useMemo(() => byPlatform(accounts, platforms), [accounts, platforms]);
  return (
    <section className="status-group" data-tone={tone} aria-labelledby={headingId}>
      <h2 id={headingId} className="status-group-head">
        <span className="status-dot" data-status={tone === 'working' ? 'connected' : tone} aria-hidden="true" />
        {title}
        <span className="status-group-count">{accounts.length}</span>
      </h2>
      {lists.map(([platform, list]) => {
        const key = `${tone}:${platform.id}`;
        return later(key) ? (
          <SectionLater key={platform.id} id={key} count={list.length} />
        ) : (
          <div key={platform.id} className="status-group-platform">
            <div className="status-group-platform-head">
              <PlatformBadge platform={platform.id} size="sm" />
              <span>{platform.name}</span>
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => showPage('platforms', platform.id)} aria-label={`${platform.name} setup and accounts`}>
                <Settings2 size={14} aria-hidden="true" />
                Setup
              </button>
            </div>
            <AccountsTab platform={platform} accounts={list} connectBusy={isActive(flows[platform.id])} />
          </div>
        );
      })}
    </section>
  );
}

/** Connections being made: shown here too, since Reconnect starts them from this page. */
function FlowsInProgress({ platforms }: { platforms: PlatformView[] }) {
  const flows = useFlows((s) => s.flows);
  const shown = platforms.filter((p) => flows[p.id]);
  if (shown.length === 0) return null;
  return (
    <div className="flows-in-progress">
      {shown.map((p) => {
        const flow = flows[p.id]!;
        return flow.state === 'choosing' ? (
          <ChoosePanel key={flow.flowId} flow={flow} platformName={p.name} />
        ) : isActive(flow) ? (
          <WaitingPanel key={flow.flowId} flow={flow} platformName={p.name} />
        ) : (
          <FlowNotice key={flow.flowId} flow={flow} />
        );
      })}
    </div>
  );
}

/** Whether Connect works on the platform's card now, or its app needs setting up first. */
const ready = (p: PlatformView) => !!p.form || (p.credentials.saved && !(p.redirectKind === 'https-relay' && !p.redirectUri));

/** The platforms with no account yet, small, to add from; each opens that platform's setup. */
function AddGrid({ platforms, accounts }: { platforms: PlatformView[]; accounts: AccountView[] }) {
  const headingId = useId();
  const used = new Set(accounts.map((a) => a.platform));
  const open = platforms.filter((p) => !used.has(p.id));
  if (open.length === 0) return null;
  return (
    <section className="add-grid-section" aria-labelledby={headingId}>
      <h2 id={headingId} className="status-group-head">
        {accounts.length === 0 ? 'Connect your first account' : 'Add another platform'}
      </h2>
      {accounts.length === 0 && <p className="add-grid-intro">Pick a platform: Plugboard walks you through its setup, then keeps the account signed in.</p>}
      <ul className="add-grid">
        {open.map((p) => (
          <li key={p.id}>
            <button type="button" className="add-tile" disabled={!p.available} onClick={() => showPage('platforms', p.id)}>
              <PlatformBadge platform={p.id} size="sm" />
              <span className="add-tile-name">{p.name}</span>
              <span className="add-tile-action">
                {p.available ? (
                  <>
                    <Plus size={14} aria-hidden="true" />
                    {ready(p) ? 'Add account' : 'Set up'}
                  </>
                ) : (
                  'Coming soon'
                )}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The window's first page: what needs the user, the accounts by status, and what can still be added. */
export function AccountsPage() {
  const status = useSession((s) => s.status);
  const loadError = useSession((s) => s.loadError);
  const platforms = usePlatforms((s) => s.platforms);
  const accounts = useAccounts((s) => s.accounts);
  const filter = usePage((s) => s.accountsFilter);
  const shown = useMemo(() => (filter === 'attention' ? accounts.filter(needsYou) : accounts), [accounts, filter]);
  const mainRef = useRef<HTMLElement>(null);
  const later = useFirstScreen(status === 'ready', mainRef);
  const groups = useMemo(() => GROUPS.map((g) => ({ ...g, accounts: shown.filter(g.test) })).filter((g) => g.accounts.length > 0), [shown]);

  return (
    <main className="main" ref={mainRef}>
      <div className="page">
        <header className="page-head">
          <div>
            <h1>Accounts</h1>
            <p className="page-sub">Connect each account once; Plugboard keeps it signed in and warns you before anything lapses.</p>
          </div>
        </header>
        <OfflineBanner />
        {status === 'loading' && platforms.length === 0 && (
          <p className="page-state" role="status">
            <LoaderCircle size={18} className="spin" aria-hidden="true" /> Loading your accounts…
          </p>
        )}
        {status === 'error' && (
          <div className="page-state page-state--error" role="alert">
            <CircleAlert size={18} aria-hidden="true" />
            <p>{loadError ?? 'Plugboard could not load your accounts.'}</p>
            <button type="button" className="btn btn-secondary" onClick={() => void load()}>
              Try again
            </button>
          </div>
        )}
        {status === 'ready' && (
          <>
            <Attention accounts={accounts} platforms={platforms} />
            <FlowsInProgress platforms={platforms} />
            <Filters accounts={accounts} />
            {groups.map((g) => (
              <Group key={g.id} title={g.title} tone={g.id} accounts={g.accounts} platforms={platforms} later={later} />
            ))}
            {filter === 'all' && <AddGrid platforms={platforms} accounts={accounts} />}
          </>
        )}
      </div>
    </main>
  );
}
