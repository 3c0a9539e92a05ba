import type { PlatformId } from '../../src-main/api/contract.ts';

// Monograms instead of brand artwork: no logo files to license or ship.
const MONOGRAMS: Record<PlatformId, string> = {
  x: 'X',
  linkedin: 'in',
  facebook: 'f',
  instagram: 'Ig',
  threads: '@',
  tiktok: 'Tk',
  youtube: 'YT',
  pinterest: 'P',
  bluesky: 'bs',
  wordpress: 'W',
};

export function PlatformBadge({ platform, size = 'md' }: { platform: PlatformId; size?: 'sm' | 'md' }) {
  return (
    <span className={`platform-badge platform-badge--${size}`} data-platform={platform} aria-hidden="true">
      {MONOGRAMS[platform] ?? platform.slice(0, 1).toUpperCase()}
    </span>
  );
}
