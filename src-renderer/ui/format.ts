import type { AccountStatus, PlatformView, Renewal } from '../../src-main/api/contract.ts';

/** Handles get an "@"; page and channel names (which contain spaces) are shown as they are. */
export function atHandle(handle: string): string {
  if (handle.startsWith('@') || /\s/.test(handle)) return handle;
  return `@${handle}`;
}

export const STATUS_LABELS: Record<AccountStatus, string> = {
  connected: 'Connected',
  expiring: 'Expiring soon',
  expired: 'Token expired',
  refreshing: 'Refreshing',
  offline: 'Offline — will retry',
};

const RENEWAL_LINES: Record<Renewal, string> = {
  'rotating-refresh': 'Rotating refresh tokens · renews itself',
  refresh: 'Refresh tokens · renews itself',
  'long-lived-extension': 'Long-lived tokens · extended automatically',
  none: 'Tokens cannot be renewed · reconnect when they expire',
};

export function renewalLine(platform: PlatformView): string {
  if (platform.auth === 'app-password') return 'App password · does not expire';
  return RENEWAL_LINES[platform.renewal];
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

function relativeTime(iso: string): string {
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') return relative.format(Math.round(seconds / size), unit);
  }
  return '';
}

/** Both forms in the user's locale; null for a missing or unreadable time. */
export function formatWhen(iso: string | null): { absolute: string; relative: string } | null {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return { absolute: dateTime.format(date), relative: relativeTime(iso) };
}
