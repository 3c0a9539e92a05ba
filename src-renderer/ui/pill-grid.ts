// A long account list is a grid of equal cells: every pill's place follows from its index, the
// list's width and a few constants, so nothing is measured but the width, and only the rows near
// the viewport are rendered. The pills are placed absolutely, so a row that comes or goes moves no
// other pill (the browser lays out and repaints that row alone).
// A list of a dozen or fewer renders whole, as pills of their own widths (styles.css .pills): a
// creator's usual few accounts per platform. At thousands, even the "needs you" lists run to dozens
// each, and rendered whole they were most of the page's DOM.
import { useCallback, useEffect, useLayoutEffect, useMemo, useState, type RefObject } from 'react';
import type { AccountView } from '../../src-main/api/contract.ts';
import { followScroll, nudgeLists } from './scroll-frame.ts';

const WINDOW_FROM = 12;
/** styles.css .pill's height, and the space between pills across and down. */
export const PILL_PX = 40;
export const GAP_PX = 10;
const ROW_PX = PILL_PX + GAP_PX;
/** The narrowest cell: room for the picture, a shortened handle and the two icons. */
const MIN_COLUMN_PX = 220;
/** With "Needs you by Dec 15 — Reconnect" beside the handle. */
const MIN_COLUMN_WITH_NOTE_PX = 400;
/**
 * Rendered beyond each edge of the viewport, so a row is there before it scrolls into view. The
 * first render does without: the rows in view come first, the rest once the browser is idle.
 */
const OVERSCAN_PX = 400;

/** The lists of a page share their width: a new one starts from the last width measured. */
let lastWidth = 0;

const needsNote = (a: AccountView) => a.status === 'expired' || a.status === 'expiring';

function columnsFor(width: number, minColumn: number): number {
  return Math.max(1, Math.floor((width + GAP_PX) / (minColumn + GAP_PX)));
}

/** The rows of a list whose top is at `top` (viewport pixels) within the viewport grown by `margin`; null when none. */
function rowsNear(top: number, rows: number, margin: number): [number, number] | null {
  const first = Math.max(0, Math.floor((-top - margin) / ROW_PX));
  const last = Math.min(rows - 1, Math.floor((window.innerHeight - top + margin) / ROW_PX));
  return first <= last ? [first, last] : null;
}

const sameRange = (a: [number, number] | null, b: [number, number] | null) => a === b || (!!a && !!b && a[0] === b[0] && a[1] === b[1]);

/**
 * Which pills to render and where. `pinned` are indexes that must be rendered wherever the list is
 * scrolled: the focused pill (focus would otherwise fall to the page), the open details' pill
 * (closing them focuses it) and the one a notice asked to show (it must exist to scroll into view).
 */
export function usePillGrid(accounts: AccountView[], pinned: number[], listRef: RefObject<HTMLUListElement | null>) {
  const count = accounts.length;
  const windowed = count > WINDOW_FROM;
  const minColumn = useMemo(() => (accounts.some(needsNote) ? MIN_COLUMN_WITH_NOTE_PX : MIN_COLUMN_PX), [accounts]);
  const [width, setWidth] = useState(lastWidth);
  const [range, setRange] = useState<[number, number] | null>(null);
  const [overscan, setOverscan] = useState(0);
  const columns = columnsFor(width, minColumn);
  const rows = Math.ceil(count / columns);

  const update = useCallback(() => {
    const list = listRef.current;
    if (!list) return;
    const next = rowsNear(list.getBoundingClientRect().top, rows, overscan);
    setRange((prev) => (sameRange(prev, next) ? prev : next));
  }, [rows, overscan]);

  // Before the first paint: the width (once per page; the other lists read it from the same
  // layout), then the rows in view.
  useLayoutEffect(() => {
    const list = listRef.current;
    if (!windowed || !list) return;
    if (list.clientWidth !== width) {
      lastWidth = list.clientWidth;
      setWidth(lastWidth);
      return;
    }
    update();
  }, [windowed, width, update]);

  useEffect(() => {
    if (!windowed || overscan) return;
    const idle = requestIdleCallback(() => setOverscan(OVERSCAN_PX), { timeout: 500 });
    return () => cancelIdleCallback(idle);
  }, [windowed, overscan]);

  useEffect(() => {
    const list = listRef.current;
    if (!windowed || !list) return;
    const unfollow = followScroll(update);
    // A new width changes the grid. A list that grows or shrinks, or details opening under it,
    // move every list below it without a scroll: they check their ranges in the next frame.
    const resize = new ResizeObserver(() => {
      if (list.clientWidth !== width) setWidth((lastWidth = list.clientWidth));
      nudgeLists();
    });
    resize.observe(list);
    if (list.parentElement) resize.observe(list.parentElement);
    return () => {
      unfollow();
      resize.disconnect();
    };
  }, [windowed, width, update]);

  const indexes = useMemo(() => {
    if (!windowed) return null;
    const shown = new Set<number>();
    if (range) for (let i = range[0] * columns; i < Math.min(count, (range[1] + 1) * columns); i++) shown.add(i);
    for (const i of pinned) if (i >= 0 && i < count) shown.add(i);
    return [...shown].sort((a, b) => a - b);
  }, [windowed, range, columns, count, pinned.join()]);

  return {
    windowed,
    columns,
    /** Null when the list renders whole. */
    indexes,
    height: rows * ROW_PX - GAP_PX,
    columnWidth: (width - (columns - 1) * GAP_PX) / columns,
  };
}
