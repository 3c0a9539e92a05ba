// When to renew and when to retry. Pure functions of their inputs (randomness
// passed in) so the numbers can be tested exactly.

const MINUTE = 60_000;

const MIN_MARGIN_MS = 5 * MINUTE;
const MARGIN_FRACTION = 0.1;
const MAX_JITTER_MS = 2 * MINUTE;
const JITTER_FRACTION = 0.02;

const BACKOFF_BASE_MS = 30_000;
export const BACKOFF_CAP_MS = 60 * MINUTE;

/** How long to wait after a rate limit when the platform names no reset time. */
export const RATE_LIMIT_DEFAULT_MS = 15 * MINUTE;

/**
 * When to renew a token valid from obtainedAt to expiresAt: a margin before expiry
 * of the larger of 5 minutes and 10% of the lifetime, minus up to min(2 min, 2%)
 * of jitter so accounts connected together do not renew together.
 *
 * Never earlier than the token's midpoint. A lifetime of 5 minutes or less then
 * renews at exactly half-life, and a lifetime just over 5 minutes does not renew
 * a second after it was obtained (the bare formula would, and each renewal would
 * immediately schedule the next one).
 */
export function renewAt(p: { obtainedAt: number; expiresAt: number; random: () => number }): number {
  const { obtainedAt, expiresAt } = p;
  if (!Number.isFinite(obtainedAt) || !Number.isFinite(expiresAt)) throw new RangeError('renewAt needs finite times');
  const lifetime = expiresAt - obtainedAt;
  if (lifetime <= 0) return obtainedAt;
  const margin = Math.max(MIN_MARGIN_MS, MARGIN_FRACTION * lifetime);
  const jitter = p.random() * Math.min(MAX_JITTER_MS, JITTER_FRACTION * lifetime);
  return Math.max(expiresAt - margin - jitter, obtainedAt + lifetime / 2);
}

/**
 * The wait before retry number attempt + 1 after a transient failure (attempt
 * counts from 0): a step of 30 s doubling to a cap of 1 h, and a delay uniform
 * in [50%, 100%] of the step ("equal jitter"). Full jitter ([0, 100%]) spreads
 * retries more but can retry a dead connection almost at once; keeping half the
 * step guarantees the delays really grow while still de-synchronising accounts
 * that failed together (say, when the network dropped).
 */
export function backoffDelay(attempt: number, random: () => number): number {
  // Clamped so 2 ** attempt cannot overflow to Infinity on a very long outage.
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** exponent);
  return step * (0.5 + 0.5 * random());
}

const clockTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'long' });

/** "Next try at 14:05." (local time), with the weekday when that is not today. */
export function nextTry(at: number, now: number): string {
  const day = new Date(at).toDateString() === new Date(now).toDateString() ? '' : `${weekday.format(at)} `;
  return `Next try ${day}at ${clockTime.format(at)}.`;
}
