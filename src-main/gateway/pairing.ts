// Pairing requests waiting for the user. In memory on purpose: a request lives only as long as the tool
// that asked keeps its connection open (or until it expires), and a restart answers none of them.
import { randomUUID } from 'node:crypto';
import type { PairingRequestView } from '../api/contract.ts';
import type { Clock } from '../core/clock.ts';

/** How long a request waits for the user before the tool is told it expired. */
export const PAIRING_TTL_MS = 5 * 60_000;
/** At most this many requests wait at once: a looping script cannot fill the window with dialogs. */
export const MAX_PENDING = 10;

export type PairingAnswer = { approved: true; toolId: string; key: string } | { approved: false; reason: 'denied' | 'expired' | 'withdrawn' };

/** What the tool asked; whether it replaces a paired tool is the window's question (domains/tools.ts). */
export type PairingRequest = Omit<PairingRequestView, 'replacesExisting'>;

interface Pending {
  view: PairingRequest;
  answer(a: PairingAnswer): void;
  timer: NodeJS.Timeout;
}

export class PairingError extends Error {
  readonly code = 'pairing_pending';
}

export class Pairing {
  readonly #pending = new Map<string, Pending>();
  readonly #clock: Clock;
  readonly #changed: () => void;
  readonly #ttlMs: number;

  constructor(opts: { clock: Clock; changed: () => void; ttlMs?: number }) {
    this.#clock = opts.clock;
    this.#changed = opts.changed;
    this.#ttlMs = opts.ttlMs ?? PAIRING_TTL_MS;
  }

  /** Starts waiting for the user; `withdraw` ends it when the tool goes away first. */
  ask(p: { name: string; description: string | null }): { id: string; answer: Promise<PairingAnswer>; withdraw(): void } {
    const pending = [...this.#pending.values()];
    if (pending.some((r) => r.view.name === p.name)) throw new PairingError(`A request to pair "${p.name}" is already waiting for an answer in Plugboard.`);
    if (pending.length >= MAX_PENDING) throw new PairingError(`${MAX_PENDING} pairing requests are already waiting; answer them in Plugboard first.`);
    const id = randomUUID();
    const now = this.#clock.now();
    let resolve!: (a: PairingAnswer) => void;
    const answer = new Promise<PairingAnswer>((r) => (resolve = r));
    const timer = setTimeout(() => this.#settle(id, { approved: false, reason: 'expired' }), this.#ttlMs);
    timer.unref();
    this.#pending.set(id, {
      view: { id, name: p.name, description: p.description, requestedAt: new Date(now).toISOString(), expiresAt: new Date(now + this.#ttlMs).toISOString() },
      answer: resolve,
      timer,
    });
    this.#changed();
    return { id, answer, withdraw: () => this.#settle(id, { approved: false, reason: 'withdrawn' }) };
  }

  list(): PairingRequest[] {
    return [...this.#pending.values()].map((r) => r.view);
  }

  get(id: string): PairingRequest | null {
    return this.#pending.get(id)?.view ?? null;
  }

  /** Answers a request; false when it is no longer waiting (expired, withdrawn, answered elsewhere). */
  settle(id: string, a: PairingAnswer): boolean {
    return this.#settle(id, a);
  }

  /** Every waiting tool is told no (the app is closing or locking). */
  closeAll(): void {
    for (const id of [...this.#pending.keys()]) this.#settle(id, { approved: false, reason: 'withdrawn' });
  }

  #settle(id: string, a: PairingAnswer): boolean {
    const r = this.#pending.get(id);
    if (!r) return false;
    this.#pending.delete(id);
    clearTimeout(r.timer);
    r.answer(a);
    this.#changed();
    return true;
  }
}
