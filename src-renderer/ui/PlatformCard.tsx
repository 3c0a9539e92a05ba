import { KeyRound, LoaderCircle, Plus, Users } from 'lucide-react';
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import type { AccountView, PlatformView } from '../../src-main/api/contract.ts';
import { useApp } from '../state/app.ts';
import { connect, isActive, useFlows } from '../state/connect.ts';
import { setTab, type Tab, usePlatforms } from '../state/platforms.ts';
import { AccountsTab } from './AccountsTab.tsx';
import { AppPasswordTab } from './AppPasswordTab.tsx';
import { ChoosePanel, FlowNotice, WaitingPanel } from './FlowPanels.tsx';
import { PlatformBadge } from './PlatformBadge.tsx';
import { SetupGuide } from './SetupGuide.tsx';
import { OFFLINE_REASON, attentionOf, renewalLine } from './format.ts';
import './severity.css';

const TABS: { id: Tab; label: string }[] = [
  { id: 'accounts', label: 'Accounts' },
  { id: 'credentials', label: 'Credentials' },
];

function ConnectButton({ platform, blockedBy }: { platform: PlatformView; blockedBy: string | null }) {
  const [starting, setStarting] = useState(false);
  const reasonId = useId();
  const start = async () => {
    setStarting(true);
    await connect(platform.id);
    setStarting(false);
  };
  return (
    <span className="connect" title={blockedBy ?? undefined}>
      <button
        type="button"
        className="btn btn-primary"
        aria-label={`Connect ${platform.name}`}
        aria-describedby={blockedBy ? reasonId : undefined}
        title={blockedBy ?? (platform.form ? `Add a ${platform.name} account with an app password` : `Sign in to ${platform.name} in your browser`)}
        disabled={!!blockedBy || starting}
        onClick={start}
      >
        {starting ? <LoaderCircle size={16} className="spin" aria-hidden="true" /> : <Plus size={16} aria-hidden="true" />}
        Connect
      </button>
      {blockedBy && (
        <span id={reasonId} className="sr-only">
          {blockedBy}
        </span>
      )}
    </span>
  );
}

/** A second way in (Instagram through a Facebook Page), signed in with the other platform's app. */
function ConnectViaButton({ platform, route, blockedBy }: { platform: PlatformView; route: PlatformView['connectVia'][number]; blockedBy: string | null }) {
  const [starting, setStarting] = useState(false);
  const reason = blockedBy ?? (route.ready ? null : `Set up the ${route.name} app first (its card: credentials and HTTPS page)`);
  const reasonId = useId();
  return (
    <span className="connect" title={reason ?? `Sign in with ${route.name} and pick the Page whose ${platform.name} account to connect`}>
      <button
        type="button"
        className="btn btn-secondary"
        aria-describedby={reason ? reasonId : undefined}
        disabled={!!reason || starting}
        onClick={async () => {
          setStarting(true);
          await connect(platform.id, undefined, route.platform);
          setStarting(false);
        }}
      >
        {starting ? <LoaderCircle size={16} className="spin" aria-hidden="true" /> : <Plus size={16} aria-hidden="true" />}
        Through {route.name}
      </button>
      {reason && (
        <span id={reasonId} className="sr-only">
          {reason}
        </span>
      )}
    </span>
  );
}

function ComingSoonCard({ platform }: { platform: PlatformView }) {
  return (
    <section className="card card--soon" aria-label={`${platform.name} (coming soon)`}>
      <header className="card-head">
        <PlatformBadge platform={platform.id} />
        <h2 className="card-title">{platform.name}</h2>
        <span className="soon-badge">Coming soon</span>
      </header>
    </section>
  );
}

export function PlatformCard({ platform, accounts }: { platform: PlatformView; accounts: AccountView[] }) {
  const flow = useFlows((s) => s.flows[platform.id]);
  const chosenTab = usePlatforms((s) => s.tabs[platform.id]);
  const offline = useApp((s) => s.app?.online === false);
  const tabRefs = useRef<Partial<Record<Tab, HTMLButtonElement | null>>>({});
  const baseId = useId();

  if (!platform.available) return <ComingSoonCard platform={platform} />;

  // App-password platforms have no app credentials: their second tab is the form that adds an account.
  const appPassword = platform.form !== null;
  const tabs = appPassword ? TABS.map((t) => (t.id === 'credentials' ? { ...t, label: 'Add account' } : t)) : TABS;
  const ready = appPassword || platform.credentials.saved;
  const needsHttpsPage = platform.redirectKind === 'https-relay' && !platform.redirectUri;
  const tab: Tab = chosenTab ?? (appPassword ? (accounts.length ? 'accounts' : 'credentials') : ready && (!needsHttpsPage || accounts.length) ? 'accounts' : 'credentials');
  const waiting = isActive(flow);
  const blockedBy = !ready
    ? `Save your ${platform.name} app's credentials first (Credentials tab)`
    : needsHttpsPage
      ? `Enter your HTTPS page first (Credentials tab): ${platform.name} redirects only to HTTPS`
      : waiting
      ? 'A connection is already waiting for your browser'
      : offline
        ? OFFLINE_REASON
        : null;
  const attention = attentionOf(accounts);

  // Arrow keys move between tabs; only the selected tab is in the Tab order.
  const onTabKey = (e: KeyboardEvent) => {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) return;
    e.preventDefault();
    const index = tabs.findIndex((t) => t.id === tab);
    const next =
      e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : (index + (e.key === 'ArrowRight' ? 1 : -1) + tabs.length) % tabs.length;
    const target = tabs[next].id;
    setTab(platform.id, target);
    tabRefs.current[target]?.focus();
  };

  return (
    <section className="card" aria-labelledby={`${baseId}-name`} data-platform-card={platform.id}>
      <header className="card-head">
        <PlatformBadge platform={platform.id} />
        <div className="card-title">
          <h2 id={`${baseId}-name`} tabIndex={-1}>
            {platform.name}
          </h2>
          <p className="card-sub" data-status={attention ?? undefined}>
            {renewalLine(platform, accounts)}
          </p>
        </div>
        <span className="card-actions">
          {platform.connectVia.map((route) => (
            <ConnectViaButton key={route.platform} platform={platform} route={route} blockedBy={waiting ? blockedBy : offline ? OFFLINE_REASON : null} />
          ))}
          <ConnectButton platform={platform} blockedBy={blockedBy} />
        </span>
      </header>

      {flow &&
        (flow.state === 'choosing' ? (
          <ChoosePanel key={flow.flowId} flow={flow} platformName={platform.name} />
        ) : waiting ? (
          <WaitingPanel flow={flow} platformName={platform.name} />
        ) : (
          <FlowNotice flow={flow} />
        ))}

      <div className="tabs" role="tablist" aria-label={`${platform.name} settings`} onKeyDown={onTabKey}>
        {tabs.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`${baseId}-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={tab === t.id ? `${baseId}-panel-${t.id}` : undefined}
            tabIndex={tab === t.id ? 0 : -1}
            className="tab"
            onClick={() => setTab(platform.id, t.id)}
          >
            {t.id === 'accounts' ? <Users size={15} aria-hidden="true" /> : <KeyRound size={15} aria-hidden="true" />}
            {t.label}
            {t.id === 'accounts' && accounts.length > 0 && (
              <span className="count" data-status={attention ?? undefined} aria-hidden="true">
                {accounts.length}
              </span>
            )}
            {t.id === 'credentials' && (!ready || needsHttpsPage) && <span className="count count--todo" aria-hidden="true">!</span>}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel" id={`${baseId}-panel-${tab}`} aria-labelledby={`${baseId}-tab-${tab}`}>
        {tab === 'accounts' ? (
          <AccountsTab platform={platform} accounts={accounts} connectBusy={waiting} />
        ) : appPassword ? (
          <AppPasswordTab platform={platform} />
        ) : (
          <SetupGuide platform={platform} />
        )}
      </div>
    </section>
  );
}
