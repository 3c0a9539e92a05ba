// Publishing: one post to many accounts (posts.publish), its history, and tools' posts waiting for the user.
import { ApiFailure } from '../core/api-failure.ts';
import type { CoreContext, DomainHandlers } from './context.ts';

type PostsContext = Pick<CoreContext, 'accounts'>;

// i14-base only: the helpers replace these handlers (i14-core: publish and history; i14-gateway: pending/confirm/reject).
export function postHandlers(_ctx: PostsContext): DomainHandlers<'posts.publish' | 'posts.history' | 'posts.pending' | 'posts.confirm' | 'posts.reject'> {
  const notYet = async (): Promise<never> => {
    throw new ApiFailure('internal', 'Publishing is not built yet.');
  };
  return { 'posts.publish': notYet, 'posts.history': notYet, 'posts.pending': notYet, 'posts.confirm': notYet, 'posts.reject': notYet };
}
