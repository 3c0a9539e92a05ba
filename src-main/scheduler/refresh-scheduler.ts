// Keeps every account's renewal on time with ONE clock timer, armed for the
// earliest due time in a priority queue. The scheduler knows only account ids,
// platforms and due times; what a run does (refresh, store, status) is the
// core's run() callback, which reports back how the attempt ended.
import type { ErrorKind } from '../api/contract.ts';
import type { Clock } from '../core/clock.ts';
import { silentLogger, type Logger } from '../core/logger.ts';
import { PriorityQueue } from './priority-queue.ts';
import { RATE_LIMIT_DEFAULT_MS, backoffDelay } from './timing.ts';

export type RunOutcome = { ok: true; nextDueAt: number | null } | { ok: false; kind: ErrorKind; retryAt?: number | null };

export interface RefreshSchedulerDeps {
  clock: Clock;
  random?: () => number;
  run: (accountId: string) => Promise<RunOutcome>;
  /** Runs in flight at once per platform (default 2). */
  concurrency?: (platform: string) => number;
  isOnline?: () => boolean;
  logger?: Logger;
  /** Called once per finished run, however many callers shared it. */
  onSettled?: (accountId: string, outcome: RunOutcome) => void;
}

export interface SchedulerStats {
  /** 0 or 1: the scheduler never holds more than one clock timer. */
  liveTimers: number;
  queued: number;
  running: number;
  /** Runs started but held back by their platform's concurrency limit. */
  waiting: number;
}

/**
 * Long waits are cut into steps of at most an hour: after a sleep the timer
 * fires late, re-reads the clock and sees the jump. It also keeps delays far
 * below setTimeout's 2^31−1 ms, past which Node fires after 1 ms instead.
 */
export const MAX_TIMER_DELAY_MS = 60 * 60_000;
/** While offline with overdue work, how often to ask isOnline() again, in case no online event comes. */
export const OFFLINE_RECHECK_MS = 60_000;
/**
 * The earliest a successful run may be followed by the next one. A connector that
 * reports a token already due (expires_in of 0, a clock far off) would otherwise
 * renew in a tight loop against the platform.
 */
export const MIN_RENEW_INTERVAL_MS = 30_000;

const DEFAULT_CONCURRENCY = 2;

interface Entry {
  platform: string;
  /** null: not queued — nothing to renew, or parked until the user reconnects. */
  dueAt: number | null;
  /** Consecutive transient failures, for the backoff. */
  attempt: number;
  /** Which plan() this entry reflects, so a run that started before a newer plan() does not overwrite it. */
  planId: number;
}

interface Slots {
  running: number;
  /** Insertion-ordered, so the first waiter is served first (FIFO) in O(1). */
  waiters: Set<() => void>;
}

export class RefreshScheduler {
  #deps: RefreshSchedulerDeps;
  #random: () => number;
  #log: Logger;
  #accounts = new Map<string, Entry>();
  #queue = new PriorityQueue<string>();
  #inflight = new Map<string, Promise<RunOutcome>>();
  #slots = new Map<string, Slots>();
  #running = 0;
  #waiting = 0;
  #plans = 0;
  #started = false;
  #online = true;
  #cancelTimer: (() => void) | null = null;
  /** The due time the live timer was armed for, so planning without a new head keeps the timer. */
  #armedFor: number | null = null;

  constructor(deps: RefreshSchedulerDeps) {
    this.#deps = deps;
    this.#random = deps.random ?? Math.random;
    this.#log = deps.logger ?? silentLogger;
  }

  /** Sets the account's due time (null: do not renew), replacing any earlier one, and forgets its backoff. */
  plan(accountId: string, platform: string, dueAt: number | null): void {
    if (dueAt !== null && Number.isNaN(dueAt)) throw new RangeError(`due time for ${accountId} is NaN`);
    const entry = this.#accounts.get(accountId);
    const planId = ++this.#plans;
    if (entry) Object.assign(entry, { platform, dueAt, attempt: 0, planId });
    else this.#accounts.set(accountId, { platform, dueAt, attempt: 0, planId });
    // A run in flight re-queues the account when it settles, from this plan.
    if (!this.#inflight.has(accountId)) this.#enqueue(accountId, dueAt);
    this.#arm();
  }

  /** Forgets the account; a run in flight finishes but changes nothing. */
  remove(accountId: string): void {
    this.#accounts.delete(accountId);
    this.#queue.remove(accountId);
    this.#arm();
  }

  /** Runs overdue work and keeps renewing from the timer until stop(). */
  start(): void {
    this.#started = true;
    void this.catchUp();
  }

  /** Cancels the timer; runs in flight or waiting for a slot still finish. */
  stop(): void {
    this.#started = false;
    this.#disarm();
  }

  /**
   * A manual refresh: runs the account now whatever its due time, or joins its run
   * in flight. Works on an account parked after an auth failure, since the user asked.
   */
  runNow(accountId: string): Promise<RunOutcome> {
    if (!this.#accounts.has(accountId)) return Promise.reject(new Error(`account ${accountId} is not planned`));
    return this.#launch(accountId);
  }

  /**
   * Refresh all: every account with a due time, and every run in flight (joined).
   * Accounts parked after auth/setup/denied are left out: they wait for a reconnect.
   * Never rejects; each account's outcome is in the map.
   */
  runAll(): Promise<Map<string, RunOutcome>> {
    const ids = new Set(this.#inflight.keys());
    for (const [id, entry] of this.#accounts) if (entry.dueAt !== null) ids.add(id);
    return this.#launchAll([...ids]);
  }

  /**
   * Runs everything already due (when started and online) and re-arms the timer.
   * Call it when the clock may have jumped: start-up, resume from sleep, back online.
   */
  catchUp(): Promise<Map<string, RunOutcome>> {
    const due = this.#started && this.#isOnline() ? this.#takeDue(this.#deps.clock.now()) : [];
    const done = this.#launchAll(due);
    this.#arm();
    return done;
  }

  /** Offline, the timer runs nothing and network failures do not grow the backoff; back online, overdue work runs. */
  setOnline(online: boolean): void {
    this.#online = online;
    if (online) void this.catchUp();
  }

  stats(): SchedulerStats {
    return {
      liveTimers: this.#cancelTimer ? 1 : 0,
      queued: this.#queue.size,
      running: this.#running,
      waiting: this.#waiting,
    };
  }

  #isOnline(): boolean {
    return this.#online && (this.#deps.isOnline?.() ?? true);
  }

  #enqueue(accountId: string, dueAt: number | null): void {
    if (dueAt === null) this.#queue.remove(accountId);
    else this.#queue.set(accountId, dueAt);
  }

  #takeDue(now: number): string[] {
    const due: string[] = [];
    for (let head = this.#queue.peek(); head && head.priority <= now; head = this.#queue.peek()) {
      this.#queue.pop();
      due.push(head.key);
    }
    return due;
  }

  #launchAll(ids: string[]): Promise<Map<string, RunOutcome>> {
    return Promise.all(ids.map((id) => this.#launch(id))).then((outcomes) => new Map(ids.map((id, i) => [id, outcomes[i]!])));
  }

  #launch(accountId: string): Promise<RunOutcome> {
    const current = this.#inflight.get(accountId);
    if (current) return current;
    const entry = this.#accounts.get(accountId)!;
    this.#queue.remove(accountId);
    const run = this.#execute(accountId, entry.platform, entry.planId);
    this.#inflight.set(accountId, run);
    return run;
  }

  async #execute(accountId: string, platform: string, planId: number): Promise<RunOutcome> {
    // Yield first, so a run() that calls back into runNow() synchronously finds this run in flight.
    await this.#acquire(platform);
    let outcome: RunOutcome;
    try {
      outcome = await this.#deps.run(accountId);
    } catch (err) {
      this.#log.error('scheduler: run threw', { accountId, platform, error: err instanceof Error ? err.message : String(err) });
      outcome = { ok: false, kind: 'server' };
    } finally {
      this.#release(platform);
    }
    this.#inflight.delete(accountId);
    this.#settle(accountId, planId, outcome);
    try {
      this.#deps.onSettled?.(accountId, outcome);
    } catch (err) {
      this.#log.error('scheduler: onSettled threw', { accountId, error: err instanceof Error ? err.message : String(err) });
    }
    return outcome;
  }

  #settle(accountId: string, planId: number, outcome: RunOutcome): void {
    const entry = this.#accounts.get(accountId);
    if (!entry) return;
    if (entry.planId === planId) {
      const now = this.#deps.clock.now();
      if (outcome.ok) {
        entry.attempt = 0;
        entry.dueAt = outcome.nextDueAt === null ? null : Math.max(outcome.nextDueAt, now + MIN_RENEW_INTERVAL_MS);
      } else {
        entry.dueAt = this.#retryAt(entry, outcome, now);
      }
    }
    this.#enqueue(accountId, entry.dueAt);
    this.#arm();
  }

  #retryAt(entry: Entry, outcome: { kind: ErrorKind; retryAt?: number | null }, now: number): number | null {
    switch (outcome.kind) {
      case 'auth':
      case 'setup':
      case 'denied':
        // Retrying cannot help until the user reconnects, which calls plan() again.
        return null;
      case 'rate_limited':
        // A reset already past means our clock and the platform's disagree; retrying at once would hit the limit again.
        return outcome.retryAt != null && outcome.retryAt > now ? outcome.retryAt : now + RATE_LIMIT_DEFAULT_MS;
      case 'network':
      case 'server':
      case 'malformed':
        // Offline, the failure says nothing about the platform: stay due, and run on the way back online.
        if (outcome.kind === 'network' && !this.#isOnline()) return now;
        return now + backoffDelay(entry.attempt++, this.#random);
    }
  }

  #acquire(platform: string): Promise<void> {
    let slots = this.#slots.get(platform);
    if (!slots) this.#slots.set(platform, (slots = { running: 0, waiters: new Set() }));
    const limit = Math.max(1, this.#deps.concurrency?.(platform) ?? DEFAULT_CONCURRENCY);
    if (slots.running < limit) {
      slots.running++;
      this.#running++;
      return Promise.resolve();
    }
    this.#waiting++;
    const waiters = slots.waiters;
    return new Promise((resolve) => waiters.add(resolve));
  }

  #release(platform: string): void {
    const slots = this.#slots.get(platform)!;
    const next = slots.waiters.values().next();
    if (next.done) {
      slots.running--;
      this.#running--;
      return;
    }
    // The slot passes straight to the next waiter, so running stays the same.
    slots.waiters.delete(next.value);
    this.#waiting--;
    next.value();
  }

  #arm(): void {
    if (!this.#started) return;
    const head = this.#queue.peek();
    if (!head) return this.#disarm();
    if (this.#cancelTimer && this.#armedFor === head.priority) return;
    this.#disarm();
    const now = this.#deps.clock.now();
    const delay = head.priority <= now && !this.#isOnline() ? OFFLINE_RECHECK_MS : Math.min(Math.max(0, head.priority - now), MAX_TIMER_DELAY_MS);
    this.#armedFor = head.priority;
    this.#cancelTimer = this.#deps.clock.setTimeout(() => this.#onTimer(), delay);
  }

  #disarm(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    this.#armedFor = null;
  }

  #onTimer(): void {
    this.#cancelTimer = null;
    this.#armedFor = null;
    // catchUp re-reads the clock, so a timer that fired early (or a clock that went back) runs nothing before its time.
    void this.catchUp();
  }
}
