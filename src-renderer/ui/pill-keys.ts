// Arrow keys in an account list: Left and Right to the previous and next pill, Up and Down to the
// nearest pill a row above or below, Home and End to the first and last. One pill is in the Tab
// order at a time (a roving tabindex), so Tab leaves a list of thousands after one pill's buttons.
import { useCallback, useLayoutEffect, useRef, useState, type FocusEvent, type KeyboardEvent, type RefObject } from 'react';
import type { AccountView } from '../../src-main/api/contract.ts';

const PILL = '[data-account-id]';

/** The rendered pill a row above (dir -1) or below (+1) `from` whose middle is nearest its own. */
function rowNeighbour(list: HTMLElement, from: HTMLElement, dir: -1 | 1): string | null {
  const box = from.getBoundingClientRect();
  const middle = box.left + box.width / 2;
  let best: { id: string; dy: number; dx: number } | null = null;
  for (const li of list.querySelectorAll<HTMLElement>(PILL)) {
    const r = li.getBoundingClientRect();
    const dy = (r.top - box.top) * dir;
    // Less than a pixel apart is the same row.
    if (dy < 1) continue;
    const dx = Math.abs(r.left + r.width / 2 - middle);
    if (!best || dy < best.dy - 1 || (Math.abs(dy - best.dy) <= 1 && dx < best.dx)) best = { id: li.dataset.accountId!, dy, dx };
  }
  return best?.id ?? null;
}

/**
 * `activeIndex`, when not null, must be rendered (AccountsTab pins its chunk): a key may move focus
 * to a pill far outside the windowed list's rendered chunks, and it is focused once its chunk is there.
 */
export function usePillKeys(accounts: AccountView[], indexOf: Map<string, number>, listRef: RefObject<HTMLUListElement | null>) {
  const [activeId, setActiveId] = useState<string | null>(null);
  // Null until a pill of this list is focused (or when that account is gone): then the first pill
  // rendered is the one in the Tab order, so nothing extra renders for it and Tab finds the list
  // wherever it is scrolled.
  const activeIndex = activeId !== null ? (indexOf.get(activeId) ?? null) : null;
  const pendingFocus = useRef<string | null>(null);

  // After every render, since chunks come and go with the scroll: AccountPill leaves tabindex to the
  // list, which alone knows which pill is the current one.
  useLayoutEffect(() => {
    const list = listRef.current;
    if (!list) return;
    const currentId = activeIndex !== null ? accounts[activeIndex]!.id : list.querySelector<HTMLElement>(PILL)?.dataset.accountId;
    for (const li of list.querySelectorAll<HTMLElement>(PILL)) {
      const tabIndex = li.dataset.accountId === currentId ? 0 : -1;
      for (const button of li.querySelectorAll<HTMLElement>('button')) if (button.tabIndex !== tabIndex) button.tabIndex = tabIndex;
    }
    const id = pendingFocus.current;
    const body = id ? list.querySelector<HTMLElement>(`[data-account-id="${CSS.escape(id)}"] .pill-body`) : null;
    if (body) {
      pendingFocus.current = null;
      body.focus({ preventScroll: true });
      body.closest('li')!.scrollIntoView({ block: 'nearest' });
    }
  });

  const onFocus = useCallback((e: FocusEvent<HTMLUListElement>) => {
    const li = (e.target as HTMLElement).closest<HTMLElement>(PILL);
    if (li) setActiveId(li.dataset.accountId!);
  }, []);

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLUListElement>) => {
      if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      const li = (e.target as HTMLElement).closest<HTMLElement>(PILL);
      const from = li ? indexOf.get(li.dataset.accountId!) : undefined;
      if (!li || from === undefined) return;
      let to: string | null;
      if (e.key === 'ArrowLeft') to = accounts[from - 1]?.id ?? null;
      else if (e.key === 'ArrowRight') to = accounts[from + 1]?.id ?? null;
      else if (e.key === 'Home') to = accounts[0]!.id;
      else if (e.key === 'End') to = accounts[accounts.length - 1]!.id;
      else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') to = rowNeighbour(e.currentTarget, li, e.key === 'ArrowUp' ? -1 : 1);
      else return;
      // Also keeps the arrow from scrolling the page under the focus.
      e.preventDefault();
      if (!to || to === li.dataset.accountId) return;
      pendingFocus.current = to;
      setActiveId(to);
    },
    [accounts, indexOf],
  );

  return { activeIndex, onFocus, onKeyDown };
}
