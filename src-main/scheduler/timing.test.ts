import { describe, expect, it } from 'vitest';
import { BACKOFF_CAP_MS, RATE_LIMIT_DEFAULT_MS, backoffDelay, renewAt } from './timing.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 0, 1);
const noJitter = () => 0;
const fullJitter = () => 1 - Number.EPSILON;

function window(lifetime: number) {
  const at = (random: () => number) => renewAt({ obtainedAt: T0, expiresAt: T0 + lifetime, random });
  return { latest: T0 + lifetime - at(noJitter), earliest: T0 + lifetime - at(fullJitter) };
}

describe('renewAt', () => {
  it('renews an X 2-hour token 12 min before expiry, up to 2 more minutes of jitter (2% of 2 h is 2.4 min, capped at 2)', () => {
    const { latest, earliest } = window(2 * HOUR);
    expect(latest).toBe(12 * MIN);
    expect(earliest).toBeCloseTo(14 * MIN, 0);
  });

  it('renews a 1-hour token 6 to 7.2 min before expiry (jitter 2% = 1.2 min, under the cap)', () => {
    const { latest, earliest } = window(HOUR);
    expect(latest).toBe(6 * MIN);
    expect(earliest).toBeCloseTo(7.2 * MIN, 0);
  });

  it('renews a 24-hour token 2.4 h before expiry, jitter capped at 2 min', () => {
    const { latest, earliest } = window(DAY);
    expect(latest).toBe(2.4 * HOUR);
    expect(earliest).toBeCloseTo(2.4 * HOUR + 2 * MIN, 0);
  });

  it('renews a 60-day token 6 days before expiry, jitter capped at 2 min', () => {
    const { latest, earliest } = window(60 * DAY);
    expect(latest).toBe(6 * DAY);
    expect(earliest).toBeCloseTo(6 * DAY + 2 * MIN, 0);
  });

  it('uses the 5-minute floor when 10% of the lifetime is less (20-minute token)', () => {
    const { latest, earliest } = window(20 * MIN);
    expect(latest).toBe(5 * MIN);
    expect(earliest).toBeCloseTo(5 * MIN + 0.4 * MIN, 0);
  });

  it('renews a token of 5 minutes or less at half-life, without jitter', () => {
    expect(renewAt({ obtainedAt: T0, expiresAt: T0 + MIN, random: fullJitter })).toBe(T0 + 30_000);
    expect(renewAt({ obtainedAt: T0, expiresAt: T0 + 5 * MIN, random: fullJitter })).toBe(T0 + 2.5 * MIN);
  });

  it('never renews before half-life: a 5-minute-and-1-second token does not renew one second after it was obtained', () => {
    const lifetime = 5 * MIN + 1000;
    expect(renewAt({ obtainedAt: T0, expiresAt: T0 + lifetime, random: fullJitter })).toBe(T0 + lifetime / 2);
    expect(renewAt({ obtainedAt: T0, expiresAt: T0 + 8 * MIN, random: noJitter })).toBe(T0 + 4 * MIN);
  });

  it('stays within [obtainedAt, expiresAt) for lifetimes from 1 s to a year', () => {
    for (let lifetime = 1000; lifetime <= 365 * DAY; lifetime = Math.ceil(lifetime * 1.37)) {
      for (const random of [noJitter, () => 0.5, fullJitter]) {
        const at = renewAt({ obtainedAt: T0, expiresAt: T0 + lifetime, random });
        expect(at).toBeGreaterThanOrEqual(T0);
        expect(at).toBeLessThan(T0 + lifetime);
      }
    }
  });

  it('renews an already-expired token at once and refuses non-finite times', () => {
    expect(renewAt({ obtainedAt: T0, expiresAt: T0, random: noJitter })).toBe(T0);
    expect(renewAt({ obtainedAt: T0, expiresAt: T0 - HOUR, random: noJitter })).toBe(T0);
    expect(() => renewAt({ obtainedAt: T0, expiresAt: Number.NaN, random: noJitter })).toThrow(RangeError);
  });
});

describe('backoffDelay', () => {
  it('doubles from 30 s and caps at 1 h, with the delay between 50% and 100% of the step', () => {
    const steps = [30_000, 60_000, 2 * MIN, 4 * MIN, 8 * MIN, 16 * MIN, 32 * MIN, HOUR, HOUR];
    steps.forEach((step, attempt) => {
      expect(backoffDelay(attempt, noJitter)).toBe(step / 2);
      expect(backoffDelay(attempt, fullJitter)).toBeCloseTo(step, 3);
    });
  });

  it('stays at the cap after a very long outage instead of overflowing', () => {
    expect(backoffDelay(5000, fullJitter)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
    expect(backoffDelay(5000, noJitter)).toBe(BACKOFF_CAP_MS / 2);
  });

  it('treats a negative attempt as the first', () => {
    expect(backoffDelay(-3, noJitter)).toBe(15_000);
  });
});

it('waits 15 minutes after a rate limit that names no reset', () => {
  expect(RATE_LIMIT_DEFAULT_MS).toBe(15 * MIN);
});
