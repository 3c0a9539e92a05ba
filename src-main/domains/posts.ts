// Publishing: one post to many accounts (posts.publish) and its history; tools' posts waiting for the user are
// in post-confirmations.ts.
import { ApiFailure } from '../core/api-failure.ts';
import type { CoreContext, DomainHandlers } from './context.ts';

type PostsContext = Pick<CoreContext, 'accounts'>;

// i14-base only: i14-core replaces these handlers.
export function postHandlers(_ctx: PostsContext): DomainHandlers<'posts.publish' | 'posts.history'> {
  const notYet = async (): Promise<never> => {
    throw new ApiFailure('internal', 'Publishing is not built yet.');
  };
  return { 'posts.publish': notYet, 'posts.history': notYet };
}
