// The first screen first. A page opened on a thousand accounts rendered every section of the page
// before its first frame, though the window shows two or three: most of the ~1,500 elements it made
// and laid out were below the fold, and the frame waited for all of them. Now the sections the
// window shows render in the first frame, and the rest a screenful per frame after it.
import { useEffect, useLayoutEffect, useState, type RefObject } from 'react';

/** Marks a section's stand-in until it renders; the value is the section's key. */
export const LATER_ATTRIBUTE = 'data-renders-later';

const ALL = 'all';

/**
 * `later(key)` says whether the section with that key is still a stand-in, a guess of its height.
 * Before a frame is painted, every stand-in the scroller shows is replaced by its section, again
 * and again until none shows, since a section taller or shorter than its guess moves those below
 * it. Once content is there (`ready`), each frame after the first renders the stand-ins then in
 * view and the next screenful of them in page order, so no one frame pays for the whole page: at
 * 10,000 accounts the sections below the first screen hold some 500 pills. A hidden window paints
 * no frame and runs no rAF callback: its page renders the rest when it is shown.
 */
export function useFirstScreen(ready: boolean, scrollerRef: RefObject<HTMLElement | null>): (key: string) => boolean {
  const [shown, setShown] = useState<ReadonlySet<string> | typeof ALL>(() => new Set());

  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    if (!ready || shown === ALL || !scroller) return;
    const view = scroller.getBoundingClientRect();
    const inView = standIns(scroller).filter((el) => crosses(el.getBoundingClientRect(), view));
    if (inView.length) setShown((prev) => add(prev, inView));
  });

  useEffect(() => {
    const scroller = scrollerRef.current;
    if (!ready || shown === ALL || !scroller) return;
    // A rAF callback runs before its frame's paint; a task queued from it runs after that paint.
    let timer = 0;
    const frame = requestAnimationFrame(() => {
      timer = window.setTimeout(() => {
        const rest = standIns(scroller);
        if (rest.length === 0) return setShown(ALL);
        const view = scroller.getBoundingClientRect();
        let height = 0;
        const next = rest.filter((el) => {
          const box = el.getBoundingClientRect();
          const take = height < view.height || crosses(box, view);
          height += box.height;
          return take;
        });
        setShown((prev) => add(prev, next));
      });
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [ready, shown]);

  return (key) => shown !== ALL && !shown.has(key);
}

const crosses = (box: DOMRect, view: DOMRect) => box.bottom > view.top && box.top < view.bottom;

const standIns = (scroller: HTMLElement) => [...scroller.querySelectorAll<HTMLElement>(`[${LATER_ATTRIBUTE}]`)];

function add(prev: ReadonlySet<string> | typeof ALL, els: HTMLElement[]): ReadonlySet<string> | typeof ALL {
  return prev === ALL ? prev : new Set([...prev, ...els.map((el) => el.getAttribute(LATER_ATTRIBUTE)!)]);
}
