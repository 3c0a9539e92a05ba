import { useState } from 'react';
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

export function Avatar({ account, size = 'sm' }: { account: Pictured; size?: 'sm' | 'lg' }) {
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  const className = `avatar avatar--${size}`;
  if (account.avatar && failedSrc !== account.avatar) {
    const src = account.avatar;
    // Decoded off the main thread: a long list brings dozens of pictures into view at once while scrolling.
    return <img className={className} src={src} alt="" draggable={false} decoding="async" onError={() => setFailedSrc(src)} />;
  }
  // The initial is drawn by CSS (::before): as text it would join the visible label of the button around it
  // ("B@bob_builds"), which then no longer matches that button's name (WCAG 2.5.3, label in name).
  return <span className={`${className} avatar--initial`} data-tone={toneOf(account.id)} data-initial={initialOf(account)} aria-hidden="true" />;
}
