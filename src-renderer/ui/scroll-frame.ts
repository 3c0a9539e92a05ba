// Every windowed account list follows the page's scroll. They share one listener and one animation
// frame: a page of 10,000 accounts has some thirty lists, and thirty listeners each asking for a
// frame of its own were twelve callbacks a frame for the same scroll.
type Listener = () => void;

const listeners = new Set<Listener>();
let frame = 0;

function run(): void {
  frame = 0;
  // Each listener reads its list's position and at most sets React state: no listener writes to the
  // DOM here, so the reads cost one layout between them, not one each.
  for (const listener of listeners) listener();
}

/** Asks every list to check its range in the next frame: the page moved under them, or may have. */
export function nudgeLists(): void {
  if (!frame && listeners.size > 0) frame = requestAnimationFrame(run);
}

/** Calls `listener` once a frame while the page scrolls or the window resizes; returns the unsubscribe. */
export function followScroll(listener: Listener): () => void {
  if (listeners.size === 0) {
    // Capture: the page scrolls inside .main, and scroll events do not bubble.
    window.addEventListener('scroll', nudgeLists, { capture: true, passive: true });
    window.addEventListener('resize', nudgeLists, { passive: true });
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size > 0) return;
    window.removeEventListener('scroll', nudgeLists, { capture: true });
    window.removeEventListener('resize', nudgeLists);
    cancelAnimationFrame(frame);
    frame = 0;
  };
}
