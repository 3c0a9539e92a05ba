// npm run bench: 10,000 accounts in the refresh scheduler over a simulated day
// on a fake clock. Prints live timers, plan() cost, refreshes and memory.
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ErrorKind } from '../src-main/api/contract.ts';
import type { Clock } from '../src-main/core/clock.ts';
import { RefreshScheduler, type RunOutcome } from '../src-main/scheduler/refresh-scheduler.ts';
import { renewAt } from '../src-main/scheduler/timing.ts';

const ACCOUNTS = 10_000;
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 0, 1);
/** How long after an auth failure the simulated user reconnects (a plan() call). */
const RECONNECT_AFTER_MS = 2 * HOUR;
const FAILURES: [ErrorKind, number][] = [
  ['network', 0.005],
  ['rate_limited', 0.002],
  ['auth', 0.0005],
];
const KINDS = [
  { platform: 'x', lifetime: 2 * HOUR, share: 0.7 },
  { platform: 'youtube', lifetime: HOUR, share: 0.1 },
  { platform: 'tiktok', lifetime: DAY, share: 0.1 },
  { platform: 'facebook', lifetime: 60 * DAY, share: 0.1 },
];

// Without --expose-gc on the command line (the npm script is a plain `node file`), this
// is the way to reach gc(), so the memory lines compare live data rather than garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function fakeClock() {
  let now = T0;
  let maxLive = 0;
  const timers = new Set<{ at: number; fn: () => void }>();
  const earliest = () => {
    let best: { at: number; fn: () => void } | undefined;
    for (const t of timers) if (!best || t.at < best.at) best = t;
    return best;
  };
  return {
    now: () => now,
    setTimeout(fn: () => void, ms: number) {
      const timer = { at: now + ms, fn };
      timers.add(timer);
      maxLive = Math.max(maxLive, timers.size);
      return () => void timers.delete(timer);
    },
    maxLive: () => maxLive,
    async advance(ms: number, afterFire: () => void) {
      await flush();
      const until = now + ms;
      for (let next = earliest(); next && next.at <= until; next = earliest()) {
        timers.delete(next);
        now = Math.max(now, next.at);
        next.fn();
        await flush();
        afterFire();
      }
      now = until;
      await flush();
    },
  } satisfies Clock & Record<string, unknown>;
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

gc();
const memBefore = process.memoryUsage();
const wallStart = performance.now();

const clock = fakeClock();
const random = mulberry32(2025);
const kindOf: (typeof KINDS)[number][] = [];
const obtainedAt: number[] = [];
/** Accounts refused with auth, waiting for the simulated user to reconnect. */
const parked = new Set<string>();
const refreshes = new Map<string, number>();
const failures = new Map<ErrorKind, number>();
const planTimes: number[] = [];
const reconnects: { at: number; id: string }[] = [];

function pick(): (typeof KINDS)[number] {
  let r = random();
  for (const k of KINDS) if ((r -= k.share) < 0) return k;
  return KINDS[0]!;
}

function dueOf(i: number): number {
  return renewAt({ obtainedAt: obtainedAt[i]!, expiresAt: obtainedAt[i]! + kindOf[i]!.lifetime, random });
}

function timedPlan(id: string, platform: string, dueAt: number | null) {
  const start = performance.now();
  scheduler.plan(id, platform, dueAt);
  planTimes.push(performance.now() - start);
}

const scheduler = new RefreshScheduler({
  clock,
  random,
  run: (id): Promise<RunOutcome> => {
    const kind = kindOf[Number(id)]!;
    refreshes.set(kind.platform, (refreshes.get(kind.platform) ?? 0) + 1);
    let r = random();
    for (const [failure, rate] of FAILURES) {
      if ((r -= rate) < 0) {
        failures.set(failure, (failures.get(failure) ?? 0) + 1);
        if (failure === 'auth') {
          parked.add(id);
          reconnects.push({ at: clock.now() + RECONNECT_AFTER_MS, id });
        }
        return Promise.resolve({ ok: false, kind: failure, retryAt: failure === 'rate_limited' ? clock.now() + 15 * MIN : null });
      }
    }
    obtainedAt[Number(id)] = clock.now();
    return Promise.resolve({ ok: true, nextDueAt: dueOf(Number(id)) });
  },
});

for (let i = 0; i < ACCOUNTS; i++) {
  const kind = pick();
  kindOf.push(kind);
  // Steady state: each token somewhere between its last renewal and its next one.
  const renewalInterval = renewAt({ obtainedAt: 0, expiresAt: kind.lifetime, random });
  obtainedAt.push(T0 - random() * renewalInterval);
  timedPlan(String(i), kind.platform, dueOf(i));
}
const initialPlans = planTimes.length;

scheduler.start();
let maxLiveStat = scheduler.stats().liveTimers;
let fires = 0;
let resynced = false;
let resyncPlans = 0;
let reconnectPlans = 0;
await clock.advance(DAY, () => {
  fires++;
  maxLiveStat = Math.max(maxLiveStat, scheduler.stats().liveTimers);
  while (reconnects.length > 0 && reconnects[0]!.at <= clock.now()) {
    const { id } = reconnects.shift()!;
    parked.delete(id);
    // Reconnecting brings a fresh token.
    obtainedAt[Number(id)] = clock.now();
    timedPlan(id, kindOf[Number(id)]!.platform, dueOf(Number(id)));
    reconnectPlans++;
  }
  // Halfway, every account is planned again from its stored token (fresh jitter moves each key a
  // little), as a resync from the database would.
  if (!resynced && clock.now() >= T0 + DAY / 2) {
    resynced = true;
    for (let i = 0; i < ACCOUNTS; i++) {
      if (parked.has(String(i))) continue;
      timedPlan(String(i), kindOf[i]!.platform, dueOf(i));
      resyncPlans++;
    }
  }
});

const wallMs = performance.now() - wallStart;
const memAfterRaw = process.memoryUsage();
gc();
const memAfter = process.memoryUsage();
const sortedPlans = [...planTimes].sort((a, b) => a - b);
const total = [...refreshes.values()].reduce((a, b) => a + b, 0);
const stats = scheduler.stats();

console.log(`accounts: ${ACCOUNTS} (${KINDS.map((k) => `${k.platform} ${k.lifetime >= 2 * DAY ? `${k.lifetime / DAY} d` : `${k.lifetime / HOUR} h`} token ${k.share * 100}%`).join(', ')}), simulated day`);
console.log(`live timers: max ${clock.maxLive()} (fake clock), max ${maxLiveStat} (stats()), ${fires} timer firings`);
console.log(
  `plan(): ${planTimes.length} calls (${initialPlans} at start, ${resyncPlans} resync at noon, ${reconnectPlans} reconnects) — median ${(quantile(sortedPlans, 0.5) * 1000).toFixed(2)} µs, p99 ${(quantile(sortedPlans, 0.99) * 1000).toFixed(2)} µs, max ${(sortedPlans.at(-1)! * 1000).toFixed(2)} µs`,
);
console.log(`refreshes made: ${total}`);
console.log(`refreshes per platform: ${[...refreshes].map(([p, n]) => `${p} ${n}`).join(', ')}`);
console.log(`failures injected: ${[...failures].map(([k, n]) => `${k} ${n}`).join(', ')}`);
console.log(`end of day: queued ${stats.queued}, running ${stats.running}, waiting ${stats.waiting}, live timers ${stats.liveTimers}`);
console.log(`memory before: rss ${mib(memBefore.rss)} MiB, heapUsed ${mib(memBefore.heapUsed)} MiB`);
console.log(`memory after:  rss ${mib(memAfter.rss)} MiB, heapUsed ${mib(memAfter.heapUsed)} MiB after gc (${mib(memAfterRaw.heapUsed)} MiB before gc)`);
console.log(`wall time: ${(wallMs / 1000).toFixed(2)} s`);
