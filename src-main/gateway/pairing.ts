// Pairing requests waiting for the user (waiting-room.ts): one per name, a bounded number at once.
import type { PairingRequestView } from '../api/contract.ts';
import type { Clock } from '../core/clock.ts';
import { WaitingRoom } from './waiting-room.ts';

/** How long a request waits for the user before the tool is told it expired. */
export const PAIRING_TTL_MS = 5 * 60_000;
/** At most this many requests wait at once: a looping script cannot fill the window with dialogs. */
export const MAX_PENDING = 10;

export type PairingAnswer = { approved: true; toolId: string; key: string } | { approved: false; reason: 'denied' | 'expired' | 'withdrawn' };

/** What the tool asked; whether it replaces a paired tool is the window's question (domains/tools.ts). */
export type PairingRequest = Omit<PairingRequestView, 'replacesExisting'>;

export class PairingError extends Error {
  readonly code = 'pairing_pending';
}

export class Pairing {
  readonly #room: WaitingRoom<PairingRequest, PairingAnswer>;

  constructor(opts: { clock: Clock; changed: () => void; ttlMs?: number }) {
    this.#room = new WaitingRoom({
      ...opts,
      ttlMs: opts.ttlMs ?? PAIRING_TTL_MS,
      expired: { approved: false, reason: 'expired' },
      withdrawn: { approved: false, reason: 'withdrawn' },
    });
  }

  /** Starts waiting for the user; `withdraw` ends it when the tool goes away first. */
  ask(p: { name: string; description: string | null }): { id: string; answer: Promise<PairingAnswer>; withdraw(): void } {
    const pending = this.#room.views();
    if (pending.some((r) => r.name === p.name)) throw new PairingError(`A request to pair "${p.name}" is already waiting for an answer in Plugboard.`);
    if (pending.length >= MAX_PENDING) throw new PairingError(`${MAX_PENDING} pairing requests are already waiting; answer them in Plugboard first.`);
    return this.#room.open((id, times) => ({ id, name: p.name, description: p.description, ...times }));
  }

  list(): PairingRequest[] {
    return this.#room.views();
  }

  get(id: string): PairingRequest | null {
    return this.#room.get(id);
  }

  /** Answers a request; false when it is no longer waiting (expired, withdrawn, answered elsewhere). */
  settle(id: string, a: PairingAnswer): boolean {
    return this.#room.settle(id, a);
  }

  /** Every waiting tool is told no (the app is closing or locking). */
  closeAll(): void {
    this.#room.closeAll();
  }
}
