// Requests waiting for the user's answer in the window: pairing requests and tools' posts. In memory on purpose:
// one lives only as long as the tool that asked keeps its connection open (or until it expires), and a restart
// answers none of them — nothing is granted or posted that the user did not see while the tool was still there.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.ts';

interface Pending<V, A> {
  view: V;
  answer(a: A): void;
  timer: NodeJS.Timeout;
}

/** When a request was made and when it expires, for its view. */
export interface Times {
  requestedAt: string;
  expiresAt: string;
}

export class WaitingRoom<V, A> {
  readonly #pending = new Map<string, Pending<V, A>>();
  readonly #clock: Clock;
  readonly #changed: () => void;
  readonly #ttlMs: number;
  /** What the tool is told when the request expires, or goes away unanswered (withdrawn, app closing or locking). */
  readonly #expired: A;
  readonly #withdrawn: A;

  constructor(opts: { clock: Clock; changed: () => void; ttlMs: number; expired: A; withdrawn: A }) {
    this.#clock = opts.clock;
    this.#changed = opts.changed;
    this.#ttlMs = opts.ttlMs;
    this.#expired = opts.expired;
    this.#withdrawn = opts.withdrawn;
  }

  /** Starts waiting for the user; `withdraw` ends it when the tool goes away first. */
  open(view: (id: string, times: Times) => V): { id: string; answer: Promise<A>; withdraw(): void } {
    const id = randomUUID();
    const now = this.#clock.now();
    let resolve!: (a: A) => void;
    const answer = new Promise<A>((r) => (resolve = r));
    const timer = setTimeout(() => this.settle(id, this.#expired), this.#ttlMs);
    timer.unref();
    this.#pending.set(id, { view: view(id, { requestedAt: new Date(now).toISOString(), expiresAt: new Date(now + this.#ttlMs).toISOString() }), answer: resolve, timer });
    this.#changed();
    return { id, answer, withdraw: () => this.settle(id, this.#withdrawn) };
  }

  /** Every waiting request, oldest first. */
  views(): V[] {
    return [...this.#pending.values()].map((p) => p.view);
  }

  get(id: string): V | null {
    return this.#pending.get(id)?.view ?? null;
  }

  /** Answers a request; false when it is no longer waiting (expired, withdrawn, answered elsewhere). */
  settle(id: string, a: A): boolean {
    const p = this.#pending.get(id);
    if (!p) return false;
    this.#pending.delete(id);
    clearTimeout(p.timer);
    p.answer(a);
    this.#changed();
    return true;
  }

  /** Every waiting tool is told its request went unanswered (the app is closing or locking). */
  closeAll(): void {
    for (const id of [...this.#pending.keys()]) this.settle(id, this.#withdrawn);
  }
}
