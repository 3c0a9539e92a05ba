// Publishing from the window: one post to several accounts of the active workspace (posts.publish), and the history.
import { ApiFailure } from '../core/api-failure.ts';
import { publishPost, type PublishDeps } from '../publish/publish.ts';
import { activeWorkspace, type CoreContext, type DomainHandlers } from './context.ts';

type PostsContext = PublishDeps & Pick<CoreContext, 'prefs'>;

export function postHandlers(ctx: PostsContext): DomainHandlers<'posts.publish' | 'posts.history'> {
  return {
    'posts.publish': async ({ text, link, accountIds, draft }) =>
      publishPost(ctx, { workspaceId: activeWorkspace(ctx), by: { kind: 'window' }, text, link: link ?? null, accountIds, draft: draft ?? false }),

    'posts.history': async ({ accountId }) => ctx.posts.list(activeWorkspace(ctx), accountId),
  };
}

// i14-base only, until the confirmations domain (domains/post-confirmations.ts) is merged and takes their place.
export function postConfirmationPlaceholders(): DomainHandlers<'posts.pending' | 'posts.confirm' | 'posts.reject'> {
  const notYet = async (): Promise<never> => {
    throw new ApiFailure('internal', 'Publishing is not built yet.');
  };
  return { 'posts.pending': notYet, 'posts.confirm': notYet, 'posts.reject': notYet };
}
