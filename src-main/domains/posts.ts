// Publishing from the window: one post to several accounts of the active workspace (posts.publish), and the history.
// Tools' posts waiting for the user are in post-confirmations.ts.
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
