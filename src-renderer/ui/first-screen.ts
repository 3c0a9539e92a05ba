// The first screen first. A page opened on a thousand accounts rendered every section of the page
// before its first frame, though the window shows two or three: most of the ~1,500 elements it made
// and laid out were below the fold, and the frame waited for all of them. Now the sections the
// window shows render in the first frame, and the rest in a transition once that frame is painted.
import { startTransition, useEffect, useLayoutEffect, useState, type RefObject } from 'react';

/** Marks a section's stand-in until the whole page renders; the value is the section's key. */
export const LATER_ATTRIBUTE = 'data-renders-later';

/**
 * `later(key)` says whether the section with that key is still a stand-in. Stand-ins are guesses of
 * the section's height; before the frame is painted, every stand-in the scroller shows is replaced by
 * its section, again and again until none shows, since a section taller or shorter than its guess
 * moves those below it. The whole page renders after the first frame with content is painted
 * (`ready`), as a transition, so input during it is not held up by its rendering. A hidden window
 * paints no frame and runs no rAF callback: its page renders whole when it is shown.
 */
export function useFirstScreen(ready: boolean, scrollerRef: RefObject<HTMLElement | null>): (key: string) => boolean {
  const [whole, setWhole] = useState(false);
  const [shown, setShown] = useState<ReadonlySet<string>>(() => new Set());

  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    if (!ready || whole || !scroller) return;
    const view = scroller.getBoundingClientRect();
    const inView: string[] = [];
    for (const el of scroller.querySelectorAll<HTMLElement>(`[${LATER_ATTRIBUTE}]`)) {
      const box = el.getBoundingClientRect();
      if (box.bottom > view.top && box.top < view.bottom) inView.push(el.getAttribute(LATER_ATTRIBUTE)!);
    }
    if (inView.length) setShown((prev) => new Set([...prev, ...inView]));
  });

  useEffect(() => {
    if (!ready || whole) return;
    // A rAF callback runs before its frame's paint; a task queued from it runs after that paint.
    let timer = 0;
    const frame = requestAnimationFrame(() => {
      timer = window.setTimeout(() => startTransition(() => setWhole(true)));
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [ready, whole]);

  return (key) => !whole && !shown.has(key);
}
