import { UserRoundPlus } from 'lucide-react';
import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type FocusEvent, type ReactNode, type RefObject } from 'react';
import type { AccountView, PlatformView } from '../../src-main/api/contract.ts';
import { openDetails, refreshAccount, useAccounts } from '../state/accounts.ts';
import { useApp } from '../state/app.ts';
import { connect } from '../state/connect.ts';
import { AccountDetails } from './AccountDetails.tsx';
import { AccountPill } from './AccountPill.tsx';
import { DisconnectDialog } from './DisconnectDialog.tsx';
import { usePillKeys } from './pill-keys.ts';
import './account-pills.css';

interface Props {
  platform: PlatformView;
  accounts: AccountView[];
  connectBusy: boolean;
}

/**
 * A long list renders only the chunks of pills near the viewport; the others are spacers of their
 * measured (or, until seen, estimated) height. A chunk always starts a new row, so its height is
 * its own whatever is rendered around it. Lists this short or shorter render whole.
 */
const CHUNK = 24;
const WINDOW_FROM = 2 * CHUNK;
/**
 * Rendered beyond each edge of the viewport, so a scroll reaches pills that are already there.
 * The first render does without: the pills in view come first, the rest once the browser is idle.
 */
const OVERSCAN_PX = 800;
/** A pill's height plus the space under it (account-pills.css), until a rendered pill says otherwise. */
export const PILL_ROW_PX = 50;
/** Until a chunk has been measured: a typical pill's width plus the gap, for pills per row. */
const PILL_WIDTH_PX = 240;

interface Measure {
  /** The list's width the heights belong to: the rows change with it. */
  width: number;
  /** The accounts the heights belong to: a changed account may change its pill's width. */
  items: unknown;
  heights: Map<number, number>;
  /** The heights' sum, kept as they are set: every unmeasured chunk's estimate needs it. */
  measuredPx: number;
  rowPx: number;
}

function estimatedHeight(count: number, measure: Measure): number {
  const rows = measure.measuredPx / measure.rowPx;
  const pills = measure.heights.size * CHUNK;
  const perRow = rows > 0 ? pills / rows : Math.max(1, Math.floor((measure.width + 10) / PILL_WIDTH_PX));
  return Math.ceil(count / perRow) * measure.rowPx;
}

/** The chunks that intersect the viewport grown by `margin` on each side, as [first, last]; null when none. */
function chunksNear(list: HTMLElement, chunkCount: number, heightOf: (c: number) => number, margin: number): [number, number] | null {
  const rect = list.getBoundingClientRect();
  const top = -rect.top - margin;
  const bottom = window.innerHeight - rect.top + margin;
  let first = -1;
  let last = -1;
  let y = 0;
  for (let c = 0; c < chunkCount && y < bottom; c++) {
    const h = heightOf(c);
    if (y + h > top) {
      if (first < 0) first = c;
      last = c;
    }
    y += h;
  }
  return first < 0 ? null : [first, last];
}

const covers = (outer: [number, number] | null, inner: [number, number] | null) => !inner || (!!outer && outer[0] <= inner[0] && outer[1] >= inner[1]);

/**
 * The range to render next. The current one stays while it covers the viewport with the overscan
 * and holds nothing twice as far: a chunk measured on the way in may move the others by a few
 * pixels, and that must not swap chunks back and forth. A new range reaches half again as far,
 * so a steady scroll adds a chunk or so at a time.
 */
function nextRange(prev: [number, number] | null, list: HTMLElement, chunkCount: number, heightOf: (c: number) => number, overscan: number): [number, number] | null {
  const needed = chunksNear(list, chunkCount, heightOf, overscan);
  if (prev && covers(prev, needed) && covers(chunksNear(list, chunkCount, heightOf, 2 * overscan), prev)) return prev;
  if (!prev && !needed) return prev;
  return chunksNear(list, chunkCount, heightOf, 1.5 * overscan);
}

/**
 * Which chunks of a long list to render: those in view, plus those that must exist whatever the
 * scroll position says — the focused pill's chunk and its neighbours (Tab and Shift+Tab reach the
 * next pill, not the page after the list), the open details' pill (closing them focuses it) and the
 * one a notice asked to show (it must be there before it can scroll into view).
 */
function useWindow(items: readonly unknown[], pinnedIndexes: number[], listRef: RefObject<HTMLUListElement | null>) {
  const count = items.length;
  const windowed = count > WINDOW_FROM;
  const chunkCount = Math.ceil(count / CHUNK);
  const measure = useRef<Measure>({ width: 0, items: null, heights: new Map(), measuredPx: 0, rowPx: PILL_ROW_PX });
  const [range, setRange] = useState<[number, number] | null>(null);
  const [focused, setFocused] = useState<number | null>(null);
  const [overscan, setOverscan] = useState(0);

  const heightOf = useCallback(
    (c: number) => measure.current.heights.get(c) ?? estimatedHeight(Math.min(CHUNK, count - c * CHUNK), measure.current),
    [count],
  );

  const update = useCallback(() => {
    const list = listRef.current;
    if (!list) return;
    setRange((prev) => nextRange(prev, list, chunkCount, heightOf, overscan));
  }, [chunkCount, heightOf, overscan]);

  useEffect(() => {
    if (!windowed || overscan) return;
    const idle = requestIdleCallback(() => setOverscan(OVERSCAN_PX), { timeout: 500 });
    return () => cancelIdleCallback(idle);
  }, [windowed, overscan]);

  // After every render: measure the chunks rendered for the first time, then check the range still
  // covers the viewport. A chunk keeps its height until the list's width or its accounts change:
  // measuring every rendered chunk after every render cost a scrolling list most of a frame.
  useLayoutEffect(() => {
    const list = listRef.current;
    if (!windowed || !list) return;
    const m = measure.current;
    const width = list.clientWidth;
    if (width !== m.width || m.items !== items) {
      m.width = width;
      m.items = items;
      m.heights.clear();
      m.measuredPx = 0;
    }
    const unmeasured = new Map<number, [HTMLElement, HTMLElement]>();
    for (const li of list.children as HTMLCollectionOf<HTMLElement>) {
      if (li.dataset.chunk === undefined) continue;
      const chunk = Number(li.dataset.chunk);
      if (m.heights.has(chunk)) continue;
      const bounds = unmeasured.get(chunk);
      if (bounds) bounds[1] = li;
      else unmeasured.set(chunk, [li, li]);
    }
    // Every pill is one row tall: one pill read per pass gives the row height for all the new chunks.
    const [sample] = unmeasured.values();
    if (sample) m.rowPx = sample[0].offsetHeight + parseFloat(getComputedStyle(sample[0]).marginBottom) + (parseFloat(getComputedStyle(list).rowGap) || 0);
    for (const [chunk, [first, last]] of unmeasured) {
      const height = last.offsetTop + m.rowPx - first.offsetTop;
      m.heights.set(chunk, height);
      m.measuredPx += height;
    }
    update();
  });

  useEffect(() => {
    if (!windowed) return;
    let frame = 0;
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(() => ((frame = 0), update()));
    };
    // Capture: the page scrolls inside .main, and scroll events do not bubble.
    window.addEventListener('scroll', onScroll, { capture: true, passive: true });
    window.addEventListener('resize', onScroll, { passive: true });
    const resize = new ResizeObserver(onScroll);
    if (listRef.current) resize.observe(listRef.current);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', onScroll, { capture: true });
      window.removeEventListener('resize', onScroll);
      resize.disconnect();
    };
  }, [windowed, update]);

  const rendered = useMemo(() => {
    const set = new Set<number>();
    if (range) for (let c = range[0]; c <= range[1]; c++) set.add(c);
    for (const i of pinnedIndexes) if (i >= 0) set.add(Math.floor(i / CHUNK));
    if (focused !== null) for (const c of [focused - 1, focused, focused + 1]) if (c >= 0 && c < chunkCount) set.add(c);
    return set;
  }, [range, focused, chunkCount, pinnedIndexes.join()]);

  const onFocus = useCallback((e: FocusEvent<HTMLUListElement>) => {
    const li = (e.target as HTMLElement).closest<HTMLElement>('[data-chunk]');
    setFocused(li ? Number(li.dataset.chunk) : null);
  }, []);
  const onBlur = useCallback((e: FocusEvent<HTMLUListElement>) => {
    if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocused(null);
  }, []);

  return { windowed, chunkCount, rendered, heightOf, onFocus, onBlur };
}

export function AccountsTab({ platform, accounts, connectBusy }: Props) {
  const refreshing = useAccounts((s) => s.refreshing);
  const openId = useAccounts((s) => s.openDetails[platform.id] ?? null);
  const offline = useApp((s) => s.app?.online === false);
  const spotlight = useAccounts((s) => s.spotlight);
  const [confirming, setConfirming] = useState<AccountView | null>(null);
  const detailsId = useId();
  const open = accounts.find((a) => a.id === openId) ?? null;
  const indexOf = useMemo(() => new Map(accounts.map((a, i) => [a.id, i])), [accounts]);
  const listRef = useRef<HTMLUListElement>(null);
  const keys = usePillKeys(accounts, indexOf, listRef);
  const pinned = [openId, spotlight?.accountId].map((id) => (id ? (indexOf.get(id) ?? -1) : -1)).concat(keys.activeIndex ?? -1);
  const win = useWindow(accounts, pinned, listRef);

  // Stable across renders, so a pill whose own props did not change skips rendering (AccountPill is memoised).
  const onToggleDetails = useCallback(
    (account: AccountView) => openDetails(platform.id, useAccounts.getState().openDetails[platform.id] === account.id ? null : account.id),
    [platform.id],
  );
  const onRefresh = useCallback((account: AccountView) => void refreshAccount(account), []);
  const onReconnect = useCallback((account: AccountView) => void connect(platform.id, account.id), [platform.id]);

  const closeDetails = () => {
    const pill = document.querySelector<HTMLElement>(`[data-account-id="${CSS.escape(openId ?? '')}"] .pill-body`);
    openDetails(platform.id, null);
    pill?.focus();
  };

  if (accounts.length === 0) {
    return (
      <div className="empty">
        <UserRoundPlus size={20} aria-hidden="true" />
        <p>
          {platform.form
            ? `No ${platform.name} accounts yet. Add one with an app password.`
            : platform.credentials.saved
            ? `No ${platform.name} accounts yet. Connect one to get started.`
            : `No ${platform.name} accounts yet. Save credentials, then Connect.`}
        </p>
      </div>
    );
  }

  const pill = (account: AccountView, index: number) => (
    <AccountPill
      key={account.id}
      account={account}
      refreshing={!!refreshing[account.id]}
      connectBusy={connectBusy}
      offline={offline}
      expanded={openId === account.id}
      detailsId={detailsId}
      spotlight={spotlight?.accountId === account.id ? spotlight : null}
      chunk={win.windowed ? Math.floor(index / CHUNK) : undefined}
      posInSet={win.windowed ? index + 1 : undefined}
      setSize={win.windowed ? accounts.length : undefined}
      onToggleDetails={onToggleDetails}
      onRefresh={onRefresh}
      onReconnect={onReconnect}
      onDisconnect={setConfirming}
    />
  );

  const items: ReactNode[] = [];
  if (win.windowed) {
    let gap = 0;
    const flushGap = (key: number) => {
      if (gap > 0) items.push(<li key={`gap-${key}`} className="pill-spacer" aria-hidden="true" style={{ height: gap }} />);
      gap = 0;
    };
    for (let c = 0; c < win.chunkCount; c++) {
      if (!win.rendered.has(c)) {
        gap += win.heightOf(c);
        continue;
      }
      flushGap(c);
      // The break makes the chunk start a row of its own.
      if (c > 0) items.push(<li key={`break-${c}`} className="pill-break" aria-hidden="true" />);
      for (let i = c * CHUNK; i < Math.min(accounts.length, (c + 1) * CHUNK); i++) items.push(pill(accounts[i]!, i));
    }
    flushGap(win.chunkCount);
  }

  return (
    <>
      <ul
        ref={listRef}
        className={win.windowed ? 'pills pills--windowed' : 'pills'}
        aria-label={`${platform.name} accounts`}
        aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown Home End"
        onFocus={(e) => {
          keys.onFocus(e);
          win.onFocus(e);
        }}
        onBlur={win.onBlur}
        onKeyDown={keys.onKeyDown}
      >
        {win.windowed ? items : accounts.map(pill)}
      </ul>
      {open && (
        <AccountDetails
          id={detailsId}
          account={open}
          platformName={platform.name}
          connectBusy={connectBusy}
          offline={offline}
          onReconnect={() => void connect(platform.id, open.id)}
          onClose={closeDetails}
        />
      )}
      {confirming && <DisconnectDialog account={confirming} platformName={platform.name} onClose={() => setConfirming(null)} />}
    </>
  );
}
