// Publishing (issue 14): the composer's post in progress and its last result, the history of posts, and
// tools' posts waiting for the user to confirm them.
import { create } from 'zustand';
import type { PostConfirmationView, PostView } from '../../src-main/api/contract.ts';
import { call, coalesce } from './call.ts';
import { toast } from './toasts.ts';

export interface Composition {
  text: string;
  link: string;
  accountIds: string[];
  draft: boolean;
}

const EMPTY: Composition = { text: '', link: '', accountIds: [], draft: false };

interface PostsState {
  /** Kept in the store so leaving the Post page and coming back keeps what was written. */
  composition: Composition;
  publishing: boolean;
  /** The post just published from the composer: its results show inline until Clear. */
  published: PostView | null;
  /** null until loaded; 'error' when it could not be. */
  history: PostView[] | null | 'error';
  /** Posts per account, for the accounts whose details were opened. */
  byAccount: Partial<Record<string, PostView[] | 'error'>>;
  pending: PostConfirmationView[];
  /** Confirmations put aside with Escape: their dialog stays closed until asked for again. */
  later: string[];
}

export const usePosts = create<PostsState>(() => ({
  composition: EMPTY,
  publishing: false,
  published: null,
  history: null,
  byAccount: {},
  pending: [],
  later: [],
}));

const { getState: get, setState: set } = usePosts;

/** Confirmations answered from this window: their leaving the list is no news. */
const answered = new Set<string>();

export function compose(change: Partial<Composition>): void {
  set((s) => ({ composition: { ...s.composition, ...change } }));
}

/** Starts the next post: the same accounts are the likeliest next time, so they stay chosen. */
export function clearComposer(): void {
  set((s) => ({ composition: { ...EMPTY, accountIds: s.composition.accountIds }, published: null }));
}

/** What belongs to the workspace left behind goes with it. */
export function forgetWorkspacePosts(): void {
  set({ composition: EMPTY, published: null, history: null, byAccount: {} });
}

/** An account's posts, for its details; followed on posts.changed once loaded. */
export async function loadAccountPosts(accountId: string): Promise<void> {
  const r = await call('posts.history', { accountId });
  // A disconnected account's posts are not shown: keep what there was rather than flash an error.
  if (!r.ok && r.error.code === 'not_found') return;
  set((s) => ({ byAccount: { ...s.byAccount, [accountId]: r.ok ? r.result : 'error' } }));
}

export const reloadPosts = coalesce(async () => {
  const [history, pending] = await Promise.all([call('posts.history', {}), call('posts.pending', {})]);
  const now = pending.ok ? pending.result : [];
  // A dialog that closes by itself needs a word: the tool gave up or nobody answered in time.
  for (const gone of get().pending.filter((p) => !now.some((n) => n.id === p.id) && !answered.has(p.id))) {
    toast('info', `“${gone.toolName}” stopped waiting: the tool gave up, or its post expired. Nothing was posted.`);
  }
  set((s) => ({ history: history.ok ? history.result : 'error', pending: now, later: s.later.filter((id) => now.some((p) => p.id === id)) }));
  await Promise.all(Object.keys(get().byAccount).map((id) => loadAccountPosts(id)));
});

/** Sends the post to the accounts that can take it; returns the sentence to show, or null once published. */
export async function publish(accountIds: string[]): Promise<string | null> {
  const { text, link, draft } = get().composition;
  set({ publishing: true });
  const trimmed = link.trim();
  const r = await call('posts.publish', { text, accountIds, ...(trimmed ? { link: trimmed } : {}), ...(draft ? { draft } : {}) });
  set({ publishing: false });
  if (!r.ok) return r.error.issues?.[0]?.message ?? r.error.message;
  set({ published: r.result });
  void reloadPosts();
  return null;
}

/** Escape on the dialog: answer later, from the Post page. */
export function confirmLater(request: PostConfirmationView): void {
  set((s) => ({ later: [...s.later, request.id] }));
  toast('info', `The post from “${request.toolName}” waits for your answer under Post until it expires.`);
}

/** "Review" on the Post page: the confirmation opens again. */
export function reviewPost(requestId: string): void {
  set((s) => ({ later: s.later.filter((id) => id !== requestId) }));
}

export async function confirmPost(request: PostConfirmationView): Promise<string | null> {
  answered.add(request.id);
  const r = await call('posts.confirm', { requestId: request.id });
  void reloadPosts();
  if (!r.ok) return r.error.message;
  toast('success', `Posting for “${request.toolName}”. Recent posts shows how it went on each account.`);
  return null;
}

export async function rejectPost(request: PostConfirmationView): Promise<string | null> {
  answered.add(request.id);
  const r = await call('posts.reject', { requestId: request.id });
  void reloadPosts();
  if (!r.ok) return r.error.message;
  toast('info', `Not posted: “${request.toolName}” was told no.`);
  return null;
}
