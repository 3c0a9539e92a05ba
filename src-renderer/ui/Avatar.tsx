import { useState } from 'react';
import { useWaitWhileScrolling } from './scroll-pace.ts';
/** What a picture needs: an account, or an identity offered in the choose step. */
interface Pictured {
  id: string;
  avatar: string | null;
  displayName: string;
  handle: string;
}

const TONES = 8;

function toneOf(id: string): number {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return Math.abs(hash) % TONES;
}

function initialOf(account: Pictured): string {
  const source = (account.displayName || account.handle).replace(/^@/, '');
  return (Array.from(source)[0] ?? '?').toUpperCase();
}

/** Pictures this window has shown: the browser holds them, so they show at once, even mid-scroll. */
const shown = new Set<string>();

/** `inLongList`: the picture of a pill met while scrolling fast waits until the scroll slows (scroll-pace.ts). */
export function Avatar({ account, size = 'sm', inLongList = false }: { account: Pictured; size?: 'sm' | 'lg'; inLongList?: boolean }) {
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  const className = `avatar avatar--${size}`;
  const src = account.avatar && failedSrc !== account.avatar ? account.avatar : null;
  const waiting = useWaitWhileScrolling(inLongList && src !== null && !shown.has(src));
  if (src && !waiting) {
    // Decoded off the main thread: a long list brings dozens of pictures into view at once when a scroll stops.
    return <img className={className} src={src} alt="" draggable={false} decoding="async" onLoad={() => shown.add(src)} onError={() => setFailedSrc(src)} />;
  }
  // The initial is drawn by CSS (::before): as text it would join the visible label of the button around it
  // ("B@bob_builds"), which then no longer matches that button's name (WCAG 2.5.3, label in name).
  return <span className={`${className} avatar--initial`} data-tone={toneOf(account.id)} data-initial={initialOf(account)} aria-hidden="true" />;
}
