// Whether the window is being scrolled fast. Scrolling through thousands of accounts brings a new
// picture into the page every few milliseconds, and each costs the main thread its load, decode and
// repaint: in bench/ui.bench.ts's scroll at 10,000 accounts they made most of the frames that ran
// long. The pills met on the way show their initial until the scroll slows, then their pictures.
import { useSyncExternalStore } from 'react';

/** Faster than this, pictures wait: 20 px a frame at 60 Hz. Reading while scrolling is slower. */
const FAST_PX_PER_S = 1200;
/** How long the scroll must have been slow, or still, before they load. */
const CALM_AFTER_MS = 150;

let fast = false;
let last: { target: Element; top: number; at: number } | null = null;
let lastFastAt = 0;
let checking = false;
const listeners = new Set<() => void>();

function setFast(value: boolean): void {
  if (fast === value) return;
  fast = value;
  for (const listener of listeners) listener();
}

/**
 * Checked at the start of each frame, after that frame's scroll events: a timer would also fire
 * after one long frame of a scroll that is still going, and load every waiting picture at once.
 */
function checkCalm(): void {
  if (performance.now() - lastFastAt < CALM_AFTER_MS) {
    requestAnimationFrame(checkCalm);
    return;
  }
  checking = false;
  setFast(false);
}

function onScroll(event: Event): void {
  const target = event.target instanceof Element ? event.target : document.scrollingElement;
  if (!target) return;
  const at = performance.now();
  const top = target.scrollTop;
  if (last?.target === target && (Math.abs(top - last.top) * 1000) / Math.max(at - last.at, 1) > FAST_PX_PER_S) {
    lastFastAt = at;
    setFast(true);
    if (!checking) {
      checking = true;
      requestAnimationFrame(checkCalm);
    }
  }
  last = { target, top, at };
}

function subscribe(listener: () => void): () => void {
  // Scroll events do not bubble: capture sees the page's own scroller (.main) as well as the window.
  if (listeners.size === 0) window.addEventListener('scroll', onScroll, { capture: true, passive: true });
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener('scroll', onScroll, { capture: true });
  };
}

/**
 * True while the window scrolls fast and `wanted` (a picture not yet shown) holds; a component
 * re-renders only when its own answer changes.
 */
export function useWaitWhileScrolling(wanted: boolean): boolean {
  return useSyncExternalStore(subscribe, () => wanted && fast);
}
