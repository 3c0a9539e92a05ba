// Tools' posts waiting for the user to confirm them in the window (waiting-room.ts): a bounded number per tool,
// each shown with the workspace of the tool that sent it.
import type { PostConfirmationView } from '../api/views.ts';
import type { Clock } from '../core/clock.ts';
import { WaitingRoom } from './waiting-room.ts';

/** How long a post waits for the user before the tool is told it expired. */
export const POST_CONFIRMATION_TTL_MS = 10 * 60_000;
/** At most this many posts of one tool wait at once: a looping script cannot bury the window in dialogs. */
export const MAX_PENDING_PER_TOOL = 5;

export type PostAnswer = { confirmed: true } | { confirmed: false; reason: 'rejected' | 'expired' | 'withdrawn' };

export type PostToConfirm = Omit<PostConfirmationView, 'id' | 'requestedAt' | 'expiresAt'>;

/** A waiting post and the workspace of the tool that sent it (the window lists the active workspace's only). */
interface Waiting {
  view: PostConfirmationView;
  workspaceId: string;
}

export class TooManyPendingPosts extends Error {}

export class PostConfirmations {
  readonly #room: WaitingRoom<Waiting, PostAnswer>;

  constructor(opts: { clock: Clock; changed: () => void; ttlMs?: number }) {
    this.#room = new WaitingRoom({
      ...opts,
      ttlMs: opts.ttlMs ?? POST_CONFIRMATION_TTL_MS,
      expired: { confirmed: false, reason: 'expired' },
      withdrawn: { confirmed: false, reason: 'withdrawn' },
    });
  }

  /** Starts waiting for the user; `withdraw` ends it when the tool goes away first. */
  ask(workspaceId: string, post: PostToConfirm): { id: string; answer: Promise<PostAnswer>; withdraw(): void } {
    const ofTool = this.#room.views().filter((p) => p.view.toolId === post.toolId).length;
    if (ofTool >= MAX_PENDING_PER_TOOL) throw new TooManyPendingPosts(`${MAX_PENDING_PER_TOOL} posts of "${post.toolName}" are already waiting for the user in Plugboard; wait for their answers first.`);
    return this.#room.open((id, times) => ({ view: { ...post, id, ...times }, workspaceId }));
  }

  /** The posts waiting in one workspace, oldest first. */
  list(workspaceId: string): PostConfirmationView[] {
    return this.#room.views().filter((p) => p.workspaceId === workspaceId).map((p) => p.view);
  }

  /** A waiting post of this workspace, or null. */
  get(workspaceId: string, id: string): PostConfirmationView | null {
    const p = this.#room.get(id);
    return p && p.workspaceId === workspaceId ? p.view : null;
  }

  /** Answers a post; false when it is no longer waiting (expired, withdrawn, answered elsewhere). */
  settle(id: string, a: PostAnswer): boolean {
    return this.#room.settle(id, a);
  }

  /** Every waiting tool is told its post was not sent (the app is closing or locking). */
  closeAll(): void {
    this.#room.closeAll();
  }
}
