// Tools' posts waiting for the user to confirm them in the window. In memory on purpose, as pairing requests are:
// a post waits only as long as the tool that sent it keeps its connection open (or until it expires), and a
// restart confirms none of them — nothing is posted that the user did not see while the tool was still there.
import { randomUUID } from 'node:crypto';
import type { PostConfirmationView } from '../api/views.ts';
import type { Clock } from '../core/clock.ts';

/** How long a post waits for the user before the tool is told it expired. */
export const POST_CONFIRMATION_TTL_MS = 10 * 60_000;
/** At most this many posts of one tool wait at once: a looping script cannot bury the window in dialogs. */
export const MAX_PENDING_PER_TOOL = 5;

export type PostAnswer = { confirmed: true } | { confirmed: false; reason: 'rejected' | 'expired' | 'withdrawn' };

export type PostToConfirm = Omit<PostConfirmationView, 'id' | 'requestedAt' | 'expiresAt'>;

interface Pending {
  view: PostConfirmationView;
  workspaceId: string;
  answer(a: PostAnswer): void;
  timer: NodeJS.Timeout;
}

export class TooManyPendingPosts extends Error {}

export class PostConfirmations {
  readonly #pending = new Map<string, Pending>();
  readonly #clock: Clock;
  readonly #changed: () => void;
  readonly #ttlMs: number;

  constructor(opts: { clock: Clock; changed: () => void; ttlMs?: number }) {
    this.#clock = opts.clock;
    this.#changed = opts.changed;
    this.#ttlMs = opts.ttlMs ?? POST_CONFIRMATION_TTL_MS;
  }

  /** Starts waiting for the user; `withdraw` ends it when the tool goes away first. */
  ask(workspaceId: string, post: PostToConfirm): { id: string; answer: Promise<PostAnswer>; withdraw(): void } {
    const ofTool = [...this.#pending.values()].filter((p) => p.view.toolId === post.toolId).length;
    if (ofTool >= MAX_PENDING_PER_TOOL) throw new TooManyPendingPosts(`${MAX_PENDING_PER_TOOL} posts of "${post.toolName}" are already waiting for the user in Plugboard; wait for their answers first.`);
    const id = randomUUID();
    const now = this.#clock.now();
    let resolve!: (a: PostAnswer) => void;
    const answer = new Promise<PostAnswer>((r) => (resolve = r));
    const timer = setTimeout(() => this.#settle(id, { confirmed: false, reason: 'expired' }), this.#ttlMs);
    timer.unref();
    const view = { ...post, id, requestedAt: new Date(now).toISOString(), expiresAt: new Date(now + this.#ttlMs).toISOString() };
    this.#pending.set(id, { view, workspaceId, answer: resolve, timer });
    this.#changed();
    return { id, answer, withdraw: () => this.#settle(id, { confirmed: false, reason: 'withdrawn' }) };
  }

  /** The posts waiting in one workspace, oldest first. */
  list(workspaceId: string): PostConfirmationView[] {
    return [...this.#pending.values()].filter((p) => p.workspaceId === workspaceId).map((p) => p.view);
  }

  /** A waiting post of this workspace, or null. */
  get(workspaceId: string, id: string): PostConfirmationView | null {
    const p = this.#pending.get(id);
    return p && p.workspaceId === workspaceId ? p.view : null;
  }

  /** Answers a post; false when it is no longer waiting (expired, withdrawn, answered elsewhere). */
  settle(id: string, a: PostAnswer): boolean {
    return this.#settle(id, a);
  }

  /** Every waiting tool is told its post was not sent (the app is closing or locking). */
  closeAll(): void {
    for (const id of [...this.#pending.keys()]) this.#settle(id, { confirmed: false, reason: 'withdrawn' });
  }

  #settle(id: string, a: PostAnswer): boolean {
    const p = this.#pending.get(id);
    if (!p) return false;
    this.#pending.delete(id);
    clearTimeout(p.timer);
    p.answer(a);
    this.#changed();
    return true;
  }
}
