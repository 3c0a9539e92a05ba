import type { AccountStatus, AccountView, ActivityView, PlatformView, Renewal } from '../../src-main/api/contract.ts';

/** Handles get an "@"; page and channel names (which contain spaces) are shown as they are. */
export function atHandle(handle: string): string {
  if (handle.startsWith('@') || /\s/.test(handle)) return handle;
  return `@${handle}`;
}

export const STATUS_LABELS: Record<AccountStatus, string> = {
  connected: 'Connected',
  expiring: 'Expiring soon',
  expired: 'Expired',
  refreshing: 'Refreshing',
  offline: 'Offline — will retry',
};

/** How the platform keeps a connection alive, and what it promises while its accounts are fine. */
const RENEWAL_LINES: Record<Renewal, [string, string]> = {
  'rotating-refresh': ['Rotating refresh tokens', 'renews itself'],
  refresh: ['Refresh tokens', 'renews itself'],
  'long-lived-extension': ['Long-lived tokens', 'extended automatically'],
  none: ['Tokens cannot be renewed', 'reconnect before they end'],
};

function renewalParts(platform: PlatformView): [string, string] {
  if (platform.auth === 'app-password') {
    return platform.renewal === 'none' ? ['App password', 'does not expire'] : ['App password', 'the session renews itself'];
  }
  if (platform.renewal === 'none') {
    return platform.tokenLifetimeDays === null
      ? ['Tokens do not expire', 'reconnect only if access is removed']
      : [`${platform.tokenLifetimeDays}-day tokens`, 'reconnect before they end'];
  }
  return RENEWAL_LINES[platform.renewal];
}

/**
 * The platform card's header line: how it renews, then its promise, unless an account says otherwise
 * (a header must not say "renews itself" next to a red pill).
 */
export function renewalLine(platform: PlatformView, accounts: readonly AccountView[] = []): string {
  const [how, promise] = renewalParts(platform);
  const stopped = accounts.filter((a) => a.status === 'expired').length;
  if (stopped) return `${how} · ${plural(stopped, 'account')} stopped — reconnect ${stopped === 1 ? 'it' : 'them'}`;
  const expiring = accounts.filter((a) => a.status === 'expiring');
  if (expiring.length) {
    const first = expiring.map((a) => a.userDate).filter((d) => d !== null).sort()[0];
    const need = `${plural(expiring.length, 'account')} ${expiring.length === 1 ? 'needs' : 'need'} you`;
    return `${how} · ${first ? `${need} by ${formatDay(first)}` : `${need} soon`}`;
  }
  return `${how} · ${promise}`;
}

/** The worst of these accounts' states on the one scale of severity (red, then yellow), or null when none needs the user. */
export function attentionOf(accounts: readonly AccountView[]): 'expired' | 'expiring' | null {
  if (accounts.some((a) => a.status === 'expired')) return 'expired';
  return accounts.some((a) => a.status === 'expiring') ? 'expiring' : null;
}

/** The one date an account's user cares about, in words: "Stopped Dec 3", "Needs you by Dec 15", "Renews itself". */
export function userDateLine(account: Pick<AccountView, 'status' | 'userDate' | 'renews'>): string {
  const day = account.userDate ? formatDay(account.userDate) : null;
  if (account.status === 'expired') return day ? `Stopped ${day}` : 'Stopped';
  if (day) return `Needs you by ${day}`;
  return account.renews ? 'Renews itself' : 'Does not expire';
}

// One date format in sentences and fields: "Dec 15", the year only when it is not this one.
const dayOnly = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const dayAndYear = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric' });
const timeOfDay = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
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

/**
 * How far the main process's clock runs ahead of this page's (app.status.now).
 * Zero in normal use; the demo's dev-only time travel moves it by days, and
 * relative times must then be measured from its "now", not the page's.
 */
let clockAheadMs = 0;
const CLOCK_SLACK_MS = 60_000;

export function setCoreNow(iso: string): void {
  const ahead = new Date(iso).getTime() - Date.now();
  clockAheadMs = Number.isFinite(ahead) && Math.abs(ahead) > CLOCK_SLACK_MS ? ahead : 0;
}

/** "Now" as the main process sees it. */
export function coreNow(): number {
  return Date.now() + clockAheadMs;
}

function relativeTime(iso: string): string {
  const seconds = (new Date(iso).getTime() - coreNow()) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') return relative.format(Math.round(seconds / size), unit);
  }
  return '';
}

/** "Dec 15" (or "Dec 15, 2027"), in the user's locale; measured against the main process's year. */
export function formatDay(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return (date.getFullYear() === new Date(coreNow()).getFullYear() ? dayOnly : dayAndYear).format(date);
}

/** Both forms in the user's locale ("Dec 15, 3:04 PM" and "in 6 days"); null for a missing or unreadable time. */
export function formatWhen(iso: string | null): { absolute: string; relative: string } | null {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return { absolute: `${formatDay(iso)}, ${timeOfDay.format(date)}`, relative: relativeTime(iso) };
}

/** Just the relative form ("in 6 days", "2 hours ago"), or '' for an unreadable time. */
export function relativeOnly(iso: string): string {
  return formatWhen(iso)?.relative ?? '';
}

export function activityPhrase(entry: ActivityView): string {
  switch (entry.kind) {
    case 'connected':
      return 'Connected';
    case 'reconnected':
      return 'Reconnected';
    case 'refreshed':
      return entry.detail ? `Refreshed: ${entry.detail}` : 'Refreshed';
    case 'recovered':
      return entry.detail ? `Recovered: ${entry.detail}` : 'Recovered';
    case 'refresh_failed':
      return entry.detail ? `Refresh failed: ${entry.detail}` : 'Refresh failed';
    case 'disconnected':
      return 'Disconnected';
    case 'imported':
      return entry.detail ? `Imported: ${entry.detail}` : 'Imported';
    // The detail says who and what: "used by weekly-report: GET /2/users/me → 200".
    case 'tool_request':
      return entry.detail ? capitalised(entry.detail) : 'Used by a connected tool';
    case 'tool_token':
      return `${entry.detail ? capitalised(entry.detail) : 'A connected tool read the access token'} — it now lives outside Plugboard until it expires`;
    // The detail says what became of it: "posted: https://…", "refused a post: …".
    case 'posted':
      return entry.detail ? capitalised(entry.detail) : 'Posted';
    default:
      return String(entry.kind);
  }
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** X's subscription_type values in words. */
export function subscriptionLabel(value: string): string {
  const known: Record<string, string> = { None: 'None', Basic: 'Basic', Premium: 'Premium', PremiumPlus: 'Premium+' };
  return known[value] ?? value;
}

/** "1 account", "3 accounts". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The offline banner's words (F13). */
export const OFFLINE_MESSAGE = 'Offline — Plugboard will renew your accounts when the network is back';
/** Why an action that needs the network may not work now (tooltips, disabled reasons). */
export const OFFLINE_REASON = 'You are offline: this needs the network. Plugboard will renew your accounts when it is back.';
