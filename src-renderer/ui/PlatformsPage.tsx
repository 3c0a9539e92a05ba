import { LoaderCircle } from 'lucide-react';
import { useEffect, useMemo } from 'react';
import type { AccountView, PlatformId, PlatformView } from '../../src-main/api/contract.ts';
import { useAccounts } from '../state/accounts.ts';
import { usePage } from '../state/page.ts';
import { usePlatforms } from '../state/platforms.ts';
import { useSession } from '../state/session.ts';
import { OfflineBanner } from './OfflineBanner.tsx';
import { PlatformCard } from './PlatformCard.tsx';

/** Working platforms first, in the list's order; those coming soon share one compact grid after them. */
function groupRuns(platforms: PlatformView[]): (PlatformView | PlatformView[])[] {
  const soon = platforms.filter((p) => !p.available);
  return [...platforms.filter((p) => p.available), ...(soon.length ? [soon] : [])];
}

/** Each platform's own place: its app's setup (guide, redirect address, keys) and its accounts. */
export function PlatformsPage() {
  const status = useSession((s) => s.status);
  const platforms = usePlatforms((s) => s.platforms);
  const accounts = useAccounts((s) => s.accounts);
  const target = usePage((s) => s.platform);
  const byPlatform = useMemo(() => {
    const map = new Map<PlatformId, AccountView[]>();
    for (const a of accounts) {
      const list = map.get(a.platform);
      if (list) list.push(a);
      else map.set(a.platform, [a]);
    }
    return map;
  }, [accounts]);

  // Opened for one platform (the overview's grid, an account's Setup, Ctrl/Cmd+K): bring its card to the top.
  useEffect(() => {
    if (!target) return;
    const card = document.querySelector<HTMLElement>(`[data-platform-card="${target}"]`);
    card?.scrollIntoView({ block: 'start' });
    card?.querySelector<HTMLElement>('h2')?.focus({ preventScroll: true });
  }, [target, platforms.length]);

  return (
    <main className="main">
      <div className="page">
        <header className="page-head">
          <div>
            <h1>Platforms</h1>
            <p className="page-sub">Set up each platform's app once, then connect as many accounts as you like.</p>
          </div>
        </header>
        <OfflineBanner />
        {status === 'loading' && platforms.length === 0 && (
          <p className="page-state" role="status">
            <LoaderCircle size={18} className="spin" aria-hidden="true" /> Loading the platforms…
          </p>
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
      </div>
    </main>
  );
}
