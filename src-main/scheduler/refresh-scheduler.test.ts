import { describe, expect, it, vi } from 'vitest';
import type { ErrorKind } from '../api/contract.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { MAX_TIMER_DELAY_MS, MIN_RENEW_INTERVAL_MS, OFFLINE_RECHECK_MS, RefreshScheduler, type RefreshSchedulerDeps, type RunOutcome } from './refresh-scheduler.ts';
import { BACKOFF_CAP_MS, RATE_LIMIT_DEFAULT_MS, renewAt } from './timing.ts';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 0, 1);

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Lets every promise chain the fired timers started run to completion; no time passes.
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A wall clock the test moves; timers fire in due order as it passes them. */
function fakeClock() {
  let now = T0;
  let nextId = 0;
  let created = 0;
  let maxLive = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const earliest = () => {
    let best: [number, { at: number; fn: () => void }] | undefined;
    for (const entry of timers) if (!best || entry[1].at < best[1].at) best = entry;
    return best;
  };
  const clock = {
    now: () => now,
    setTimeout(fn: () => void, ms: number) {
      const id = ++nextId;
      timers.set(id, { at: now + ms, fn });
      created++;
      maxLive = Math.max(maxLive, timers.size);
      return () => void timers.delete(id);
    },
    live: () => timers.size,
    maxLive: () => maxLive,
    created: () => created,
    nextAt: () => earliest()?.[1].at,
    /** Moves time forward by ms, firing each timer at its due time; afterFire runs after each one settles. */
    async advance(ms: number, afterFire?: () => void) {
      // Work already started (start(), runNow) runs at the current time, not at the end of the step.
      await flush();
      const until = now + ms;
      for (let next = earliest(); next && next[1].at <= until; next = earliest()) {
        timers.delete(next[0]);
        now = Math.max(now, next[1].at);
        next[1].fn();
        await flush();
        afterFire?.();
      }
      now = until;
      await flush();
    },
    /** The wall clock jumps (sleep, NTP) and no timer fires, as when the machine was suspended. */
    jump(ms: number) {
      now += ms;
    },
    /** Fires the next timer now, before its time, as a misbehaving setTimeout might. */
    async fireEarly() {
      const next = earliest();
      if (!next) return;
      timers.delete(next[0]);
      next[1].fn();
      await flush();
    },
  } satisfies Clock & Record<string, unknown>;
  return clock;
}

type FakeClock = ReturnType<typeof fakeClock>;

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function setup(over: Partial<RefreshSchedulerDeps> & { clock?: FakeClock } = {}) {
  const clock = over.clock ?? fakeClock();
  const calls: { id: string; at: number }[] = [];
  const run = over.run ?? (async () => ({ ok: true, nextDueAt: null }) as RunOutcome);
  const scheduler = new RefreshScheduler({
    random: mulberry32(7),
    ...over,
    clock,
    run: (id) => {
      calls.push({ id, at: clock.now() });
      return run(id);
    },
  });
  const callsFor = (id: string) => calls.filter((c) => c.id === id);
  return { clock, scheduler, calls, callsFor };
}

const fail = (kind: ErrorKind, retryAt?: number | null): RunOutcome => ({ ok: false, kind, retryAt });

describe('RefreshScheduler: renewing on time', () => {
  it('renews an X-like 2-hour token before it expires, all day long', async () => {
    const clock = fakeClock();
    const random = mulberry32(1);
    let token = { obtainedAt: T0 - 30 * MIN, expiresAt: T0 + 90 * MIN };
    const renewals: { at: number; expiredAt: number; margin: number }[] = [];
    const { scheduler, calls } = setup({
      clock,
      run: async () => {
        const now = clock.now();
        renewals.push({ at: now, expiredAt: token.expiresAt, margin: token.expiresAt - now });
        token = { obtainedAt: now, expiresAt: now + 2 * HOUR };
        return { ok: true, nextDueAt: renewAt({ ...token, random }) };
      },
    });
    scheduler.plan('x1', 'x', renewAt({ ...token, random }));
    scheduler.start();
    await clock.advance(DAY);

    // A renewal every 1 h 46 min to 1 h 48 min: 13 or 14 in a day.
    expect(calls.length).toBeGreaterThanOrEqual(13);
    expect(calls.length).toBeLessThanOrEqual(14);
    for (const r of renewals) {
      expect(r.at).toBeLessThan(r.expiredAt);
      expect(r.margin).toBeGreaterThanOrEqual(12 * MIN);
      expect(r.margin).toBeLessThanOrEqual(14 * MIN);
    }
    expect(token.expiresAt).toBeGreaterThan(clock.now());
  });

  it('holds one timer for many accounts and re-arms only when the earliest due time changes', () => {
    const { clock, scheduler } = setup();
    scheduler.start();
    scheduler.plan('a', 'x', T0 + 10 * MIN);
    const afterFirst = clock.created();
    for (let i = 0; i < 100; i++) scheduler.plan(`later${i}`, 'x', T0 + 20 * MIN + i);
    expect(clock.created()).toBe(afterFirst);
    expect(clock.live()).toBe(1);
    expect(clock.nextAt()).toBe(T0 + 10 * MIN);

    scheduler.plan('b', 'x', T0 + 5 * MIN);
    expect(clock.live()).toBe(1);
    expect(clock.nextAt()).toBe(T0 + 5 * MIN);
    scheduler.remove('b');
    expect(clock.nextAt()).toBe(T0 + 10 * MIN);
    expect(scheduler.stats()).toEqual({ liveTimers: 1, queued: 101, running: 0, waiting: 0 });
  });

  it('caps the timer at an hour for a 60-day token, and still renews it when due', async () => {
    const { clock, scheduler, calls } = setup();
    scheduler.plan('fb', 'facebook', T0 + 54 * DAY);
    scheduler.start();
    expect(clock.nextAt()).toBe(T0 + MAX_TIMER_DELAY_MS);
    await clock.advance(54 * DAY - 1);
    expect(calls).toHaveLength(0);
    await clock.advance(1);
    expect(calls).toEqual([{ id: 'fb', at: T0 + 54 * DAY }]);
  });

  it('runs nothing before its time when the timer fires early or the clock goes back', async () => {
    const { clock, scheduler, calls } = setup();
    scheduler.plan('a', 'x', T0 + 10 * MIN);
    scheduler.start();
    await clock.fireEarly();
    expect(calls).toHaveLength(0);
    expect(clock.live()).toBe(1);

    await clock.advance(5 * MIN);
    clock.jump(-HOUR);
    await clock.advance(HOUR);
    expect(calls).toHaveLength(0);
    await clock.advance(5 * MIN);
    expect(calls).toEqual([{ id: 'a', at: T0 + 10 * MIN }]);
  });

  it('does not loop when a run reports a token already due', async () => {
    const { clock, scheduler, calls } = setup({ run: async () => ({ ok: true, nextDueAt: clock.now() }) });
    scheduler.plan('a', 'x', T0);
    scheduler.start();
    await clock.advance(10 * MIN);
    expect(calls).toHaveLength(1 + (10 * MIN) / MIN_RENEW_INTERVAL_MS);
  });

  it('drops an account whose run reports no next due time, and forgets a removed one', async () => {
    const { clock, scheduler, calls } = setup();
    scheduler.plan('a', 'x', T0 + MIN);
    scheduler.plan('b', 'x', T0 + MIN);
    scheduler.remove('b');
    scheduler.start();
    await clock.advance(DAY);
    expect(calls.map((c) => c.id)).toEqual(['a']);
    expect(scheduler.stats()).toEqual({ liveTimers: 0, queued: 0, running: 0, waiting: 0 });
    await expect(scheduler.runNow('b')).rejects.toThrow(/not planned/);
  });

  it('stops arming the timer after stop()', async () => {
    const { clock, scheduler, calls } = setup();
    scheduler.plan('a', 'x', T0 + MIN);
    scheduler.start();
    scheduler.stop();
    expect(clock.live()).toBe(0);
    await clock.advance(HOUR);
    expect(calls).toHaveLength(0);
  });
});

describe('RefreshScheduler: single flight and limits', () => {
  it('makes one run for a timer refresh, 20 clicks and Refresh all at once', async () => {
    const gate = deferred<RunOutcome>();
    const { clock, scheduler, calls } = setup({ run: () => gate.promise });
    scheduler.plan('x1', 'x', T0 + MIN);
    scheduler.start();
    await clock.advance(MIN);
    expect(calls).toHaveLength(1);

    const clicks = Array.from({ length: 20 }, () => scheduler.runNow('x1'));
    const all = scheduler.runAll();
    await flush();
    expect(calls).toHaveLength(1);

    const outcome: RunOutcome = { ok: true, nextDueAt: T0 + HOUR };
    gate.resolve(outcome);
    for (const result of await Promise.all(clicks)) expect(result).toBe(outcome);
    expect((await all).get('x1')).toBe(outcome);
    expect(calls).toHaveLength(1);

    await scheduler.runNow('x1');
    expect(calls).toHaveLength(2);
  });

  it('joins 20 clicks made before the timer fires into the same run', async () => {
    const gate = deferred<RunOutcome>();
    const { clock, scheduler, calls } = setup({ run: () => gate.promise });
    scheduler.plan('x1', 'x', T0 + MIN);
    scheduler.start();
    const clicks = Array.from({ length: 20 }, () => scheduler.runNow('x1'));
    await clock.advance(2 * MIN);
    gate.resolve({ ok: true, nextDueAt: T0 + HOUR });
    await Promise.all(clicks);
    expect(calls).toHaveLength(1);
  });

  it('runs at most 2 per platform at once; other platforms are not held back', async () => {
    const gates = new Map<string, ReturnType<typeof deferred<RunOutcome>>>();
    const inFlight = new Map<string, number>();
    const maxInFlight = new Map<string, number>();
    const platformOf = (id: string) => id.split(':')[0]!;
    const { clock, scheduler, calls } = setup({
      run: async (id) => {
        const p = platformOf(id);
        inFlight.set(p, (inFlight.get(p) ?? 0) + 1);
        maxInFlight.set(p, Math.max(maxInFlight.get(p) ?? 0, inFlight.get(p)!));
        const gate = deferred<RunOutcome>();
        gates.set(id, gate);
        const outcome = await gate.promise;
        inFlight.set(p, inFlight.get(p)! - 1);
        return outcome;
      },
    });
    for (let i = 0; i < 5; i++) scheduler.plan(`x:${i}`, 'x', T0 + MIN);
    for (let i = 0; i < 2; i++) scheduler.plan(`linkedin:${i}`, 'linkedin', T0 + MIN);
    scheduler.start();
    await clock.advance(MIN);
    expect(calls.filter((c) => c.id.startsWith('x:'))).toHaveLength(2);
    expect(calls.filter((c) => c.id.startsWith('linkedin:'))).toHaveLength(2);
    expect(scheduler.stats()).toMatchObject({ running: 4, waiting: 3, liveTimers: 0 });

    // The waiting runs start as slots free up, without another timer or more time.
    const xCalls = () => calls.filter((c) => c.id.startsWith('x:'));
    for (let done = 1; done <= 5; done++) {
      const open = [...gates.keys()].find((id) => id.startsWith('x:'))!;
      gates.get(open)!.resolve({ ok: true, nextDueAt: null });
      gates.delete(open);
      await flush();
      expect(xCalls()).toHaveLength(Math.min(5, 2 + done));
    }
    expect(calls.every((c) => c.at === T0 + MIN)).toBe(true);
    expect(maxInFlight.get('x')).toBe(2);
    expect(maxInFlight.get('linkedin')).toBe(2);
  });

  it('honours a per-platform limit from the concurrency option, including for clicks', async () => {
    const gates: ReturnType<typeof deferred<RunOutcome>>[] = [];
    const { scheduler, calls } = setup({
      concurrency: (platform) => (platform === 'tiktok' ? 1 : 3),
      run: () => {
        const gate = deferred<RunOutcome>();
        gates.push(gate);
        return gate.promise;
      },
    });
    for (let i = 0; i < 3; i++) scheduler.plan(`t${i}`, 'tiktok', null);
    const clicks = [0, 1, 2].map((i) => scheduler.runNow(`t${i}`));
    await flush();
    expect(calls).toHaveLength(1);
    expect(scheduler.stats()).toMatchObject({ running: 1, waiting: 2 });
    gates[0]!.resolve({ ok: true, nextDueAt: null });
    await flush();
    expect(calls).toHaveLength(2);
    gates[1]!.resolve({ ok: true, nextDueAt: null });
    await flush();
    gates[2]!.resolve({ ok: true, nextDueAt: null });
    await Promise.all(clicks);
    expect(scheduler.stats()).toMatchObject({ running: 0, waiting: 0 });
  });
});

describe('RefreshScheduler: failures', () => {
  it('parks an auth-refused account: one run, no retries however long, until plan() again', async () => {
    const settled: [string, RunOutcome][] = [];
    let outcome: RunOutcome = fail('auth');
    const { clock, scheduler, calls } = setup({ run: async () => outcome, onSettled: (id, o) => settled.push([id, o]) });
    scheduler.plan('x1', 'x', T0 + MIN);
    scheduler.start();
    await clock.advance(30 * DAY);
    expect(calls).toHaveLength(1);
    expect(settled).toEqual([['x1', fail('auth')]]);
    expect(scheduler.stats().queued).toBe(0);

    // Refresh all leaves it alone too; only a reconnect (plan) brings it back.
    expect((await scheduler.runAll()).size).toBe(0);
    outcome = { ok: true, nextDueAt: null };
    scheduler.plan('x1', 'x', clock.now() + MIN);
    await clock.advance(MIN);
    expect(calls).toHaveLength(2);
  });

  it.each(['setup', 'denied'] as const)('parks an account on %s as on auth', async (kind) => {
    const { clock, scheduler, calls } = setup({ run: async () => fail(kind) });
    scheduler.plan('a', 'x', T0);
    scheduler.start();
    await clock.advance(7 * DAY);
    expect(calls).toHaveLength(1);
  });

  it('waits for the platform reset after a rate limit, and retries right after it', async () => {
    let n = 0;
    const { clock, scheduler, calls } = setup({ run: async () => (n++ === 0 ? fail('rate_limited', T0 + 10 * MIN + 1234) : { ok: true, nextDueAt: null }) });
    scheduler.plan('a', 'x', T0);
    scheduler.start();
    await clock.advance(10 * MIN + 1233);
    expect(calls).toHaveLength(1);
    await clock.advance(1);
    expect(calls.map((c) => c.at)).toEqual([T0, T0 + 10 * MIN + 1234]);
  });

  it('waits 15 minutes after a rate limit without a reset, or with a reset already past', async () => {
    const retries = [undefined, null, T0 - HOUR];
    const { clock, scheduler, calls } = setup({ run: async () => fail('rate_limited', retries.shift() ?? undefined) });
    scheduler.plan('a', 'x', T0);
    scheduler.start();
    await clock.advance(3 * RATE_LIMIT_DEFAULT_MS);
    expect(calls.map((c) => c.at - T0)).toEqual([0, RATE_LIMIT_DEFAULT_MS, 2 * RATE_LIMIT_DEFAULT_MS, 3 * RATE_LIMIT_DEFAULT_MS]);
  });

  it.each(['network', 'server', 'malformed'] as const)('backs off exponentially with jitter on %s, capped at an hour; success resets it', async (kind) => {
    let failing = true;
    const { clock, scheduler, calls } = setup({
      random: mulberry32(99),
      run: async () => (failing ? fail(kind) : { ok: true, nextDueAt: clock.now() + HOUR }),
    });
    scheduler.plan('a', 'x', T0);
    scheduler.start();
    await clock.advance(12 * HOUR);
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at);
    expect(gaps.length).toBeGreaterThanOrEqual(12);
    gaps.forEach((gap, attempt) => {
      const step = Math.min(30 * SEC * 2 ** attempt, BACKOFF_CAP_MS);
      expect(gap).toBeGreaterThanOrEqual(step / 2);
      expect(gap).toBeLessThanOrEqual(step);
    });
    expect(new Set(gaps.slice(0, 7).map((gap, attempt) => gap / (30 * SEC * 2 ** attempt))).size).toBe(7);

    // One success within the next hour (the retry is at most an hour away), then failures start over from 30 s.
    failing = false;
    await clock.advance(BACKOFF_CAP_MS);
    const success = calls.at(-1)!;
    failing = true;
    await clock.advance(HOUR);
    const [firstFailure, firstRetry] = calls.slice(calls.indexOf(success) + 1);
    expect(firstFailure!.at).toBe(success.at + HOUR);
    expect(firstRetry!.at - firstFailure!.at).toBeGreaterThanOrEqual(15 * SEC);
    expect(firstRetry!.at - firstFailure!.at).toBeLessThanOrEqual(30 * SEC);
  });

  it('treats a run that throws as a server error, logs it, and Refresh all goes on past it', async () => {
    const logger: Logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const { clock, scheduler } = setup({
      logger,
      run: async (id) => {
        if (id === 'b') throw new Error('boom');
        if (id === 'c') return fail('network');
        return { ok: true, nextDueAt: clock.now() + HOUR };
      },
    });
    for (const id of ['a', 'b', 'c', 'd']) scheduler.plan(id, 'x', T0 + DAY);
    const results = await scheduler.runAll();
    expect([...results.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(results.get('b')).toEqual(fail('server'));
    expect(results.get('c')).toEqual(fail('network'));
    expect(results.get('a')).toEqual({ ok: true, nextDueAt: T0 + HOUR });
    expect(results.get('d')).toEqual({ ok: true, nextDueAt: T0 + HOUR });
    expect(logger.error).toHaveBeenCalledWith('scheduler: run threw', expect.objectContaining({ accountId: 'b', error: 'boom' }));
    expect(scheduler.stats().queued).toBe(4);
  });

  it('survives a run that throws synchronously and an onSettled hook that throws', async () => {
    const { scheduler } = setup({
      run: (id) => {
        if (id === 'sync') throw new Error('sync');
        return Promise.resolve({ ok: true, nextDueAt: null });
      },
      onSettled: () => {
        throw new Error('hook');
      },
    });
    scheduler.plan('sync', 'x', T0);
    scheduler.plan('fine', 'x', T0);
    const results = await scheduler.runAll();
    expect(results.get('sync')).toEqual(fail('server'));
    expect(results.get('fine')).toEqual({ ok: true, nextDueAt: null });
  });

  it('keeps a plan() made while a run was in flight over that run outcome (reconnect during a refresh)', async () => {
    const gate = deferred<RunOutcome>();
    const { clock, scheduler, calls } = setup({ run: () => gate.promise });
    scheduler.plan('a', 'x', T0);
    scheduler.start();
    await flush();
    scheduler.plan('a', 'x', T0 + HOUR);
    gate.resolve(fail('auth'));
    await flush();
    expect(scheduler.stats().queued).toBe(1);
    await clock.advance(HOUR);
    expect(calls).toHaveLength(2);
  });

  it('does not re-queue an account removed while its run was in flight', async () => {
    const gate = deferred<RunOutcome>();
    const { scheduler } = setup({ run: () => gate.promise });
    scheduler.plan('a', 'x', T0);
    const click = scheduler.runNow('a');
    scheduler.remove('a');
    gate.resolve({ ok: true, nextDueAt: T0 + HOUR });
    await click;
    expect(scheduler.stats().queued).toBe(0);
  });
});

describe('RefreshScheduler: offline, sleep and start-up', () => {
  it('runs nothing from the timer while offline, then the overdue ones at once on coming back online', async () => {
    const { clock, scheduler, calls } = setup();
    scheduler.plan('a', 'x', T0 + MIN);
    scheduler.plan('b', 'youtube', T0 + 2 * MIN);
    scheduler.plan('c', 'x', T0 + DAY);
    scheduler.start();
    scheduler.setOnline(false);
    await clock.advance(HOUR);
    expect(calls).toHaveLength(0);
    expect(scheduler.stats().liveTimers).toBe(1);

    scheduler.setOnline(true);
    await flush();
    expect(calls.map((c) => [c.id, c.at])).toEqual([['a', T0 + HOUR], ['b', T0 + HOUR]]);
  });

  it('notices isOnline() coming back even without setOnline(true)', async () => {
    let online = false;
    const { clock, scheduler, calls } = setup({ isOnline: () => online });
    scheduler.plan('a', 'x', T0 + MIN);
    scheduler.start();
    await clock.advance(HOUR);
    expect(calls).toHaveLength(0);
    online = true;
    await clock.advance(OFFLINE_RECHECK_MS);
    expect(calls).toHaveLength(1);
  });

  it('does not count network failures while offline as backoff attempts', async () => {
    let online = true;
    const { clock, scheduler, calls } = setup({ isOnline: () => online, random: () => 0, run: async () => fail('network') });
    scheduler.plan('a', 'x', T0 + DAY);
    scheduler.start();
    online = false;
    for (let i = 0; i < 5; i++) await scheduler.runNow('a');
    await clock.advance(HOUR);
    expect(calls).toHaveLength(5);

    online = true;
    scheduler.setOnline(true);
    await flush();
    expect(calls).toHaveLength(6);
    // The first counted failure waits half of the first 30 s step (random() is 0).
    await clock.advance(15 * SEC - 1);
    expect(calls).toHaveLength(6);
    await clock.advance(1);
    expect(calls).toHaveLength(7);
  });

  it('after a 10-hour sleep, catchUp runs each overdue account once and leaves the rest', async () => {
    const { clock, scheduler, callsFor } = setup({ run: async () => ({ ok: true, nextDueAt: clock.now() + 2 * DAY }) });
    scheduler.plan('a', 'x', T0 + HOUR);
    scheduler.plan('b', 'x', T0 + 2 * HOUR);
    scheduler.plan('c', 'tiktok', T0 + 5 * HOUR);
    scheduler.plan('d', 'x', T0 + 20 * HOUR);
    scheduler.start();
    clock.jump(10 * HOUR);
    await scheduler.catchUp();
    await clock.advance(MIN);
    for (const id of ['a', 'b', 'c']) expect(callsFor(id).map((c) => c.at)).toEqual([T0 + 10 * HOUR]);
    expect(callsFor('d')).toHaveLength(0);
    await clock.advance(10 * HOUR);
    expect(callsFor('d').map((c) => c.at)).toEqual([T0 + 20 * HOUR]);
    expect(callsFor('a')).toHaveLength(1);
  });

  it('notices a sleep by itself within an hour, through the capped timer', async () => {
    const { clock, scheduler, calls } = setup();
    scheduler.plan('a', 'x', T0 + 3 * HOUR);
    scheduler.start();
    clock.jump(10 * HOUR);
    await clock.advance(0);
    expect(calls).toEqual([{ id: 'a', at: T0 + 10 * HOUR }]);
  });

  it('runs overdue work at start-up', async () => {
    const { scheduler, calls } = setup();
    scheduler.plan('late', 'x', T0 - HOUR);
    scheduler.plan('soon', 'x', T0 + HOUR);
    scheduler.start();
    await flush();
    expect(calls.map((c) => c.id)).toEqual(['late']);
  });
});

it('never holds more than one timer across 1,000 accounts over a simulated day with failures', async () => {
  const clock = fakeClock();
  const random = mulberry32(4242);
  const lifetimes = [2 * HOUR, 2 * HOUR, 2 * HOUR, HOUR, DAY, 60 * DAY];
  const platforms = ['x', 'x', 'x', 'youtube', 'tiktok', 'facebook'];
  const kinds: ErrorKind[] = ['network', 'rate_limited', 'auth', 'server'];
  const { scheduler, calls } = setup({
    clock,
    random,
    run: async (id) => {
      const r = random();
      if (r < 0.02) return fail(kinds[Math.floor(r * 200)]!);
      const now = clock.now();
      return { ok: true, nextDueAt: renewAt({ obtainedAt: now, expiresAt: now + lifetimes[Number(id) % 6]!, random }) };
    },
  });
  for (let i = 0; i < 1000; i++) {
    const lifetime = lifetimes[i % 6]!;
    const obtainedAt = T0 - random() * lifetime;
    scheduler.plan(String(i), platforms[i % 6]!, renewAt({ obtainedAt, expiresAt: obtainedAt + lifetime, random }));
  }
  scheduler.start();
  let maxStat = scheduler.stats().liveTimers;
  await clock.advance(DAY, () => (maxStat = Math.max(maxStat, scheduler.stats().liveTimers)));
  expect(calls.length).toBeGreaterThan(5000);
  expect(clock.maxLive()).toBe(1);
  expect(maxStat).toBe(1);
});
