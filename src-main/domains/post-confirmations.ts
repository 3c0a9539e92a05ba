// Tools' posts waiting for the user (the window's side of POST /v1/posts): list them, confirm one, reject one.
// Confirming only answers the waiting tool; the gateway then publishes, so the post and its results are the
// tool's (by: the tool) and land in the history like any other.
import { ApiFailure } from '../core/api-failure.ts';
import type { PostConfirmationView } from '../api/views.ts';
import { activeWorkspace, type CoreContext, type DomainHandlers } from './context.ts';

type ConfirmationsContext = Pick<CoreContext, 'postConfirmations' | 'db' | 'prefs' | 'logger'>;

export function postConfirmationHandlers(ctx: ConfirmationsContext): DomainHandlers<'posts.pending' | 'posts.confirm' | 'posts.reject'> {
  const waiting = (requestId: string): PostConfirmationView => {
    const view = ctx.postConfirmations.get(activeWorkspace(ctx), requestId);
    if (!view) throw new ApiFailure('not_found', 'That post is no longer waiting: it expired, or the tool stopped asking.');
    return view;
  };
  return {
    'posts.pending': async () => ctx.postConfirmations.list(activeWorkspace(ctx)),

    'posts.confirm': async ({ requestId }) => {
      const view = waiting(requestId);
      ctx.postConfirmations.settle(requestId, { confirmed: true });
      ctx.logger.info('tool post confirmed', { tool: view.toolId, accounts: view.accounts.length });
      return { requestId };
    },

    'posts.reject': async ({ requestId }) => {
      const view = waiting(requestId);
      ctx.postConfirmations.settle(requestId, { confirmed: false, reason: 'rejected' });
      ctx.logger.info('tool post rejected', { tool: view.toolId });
      return { requestId };
    },
  };
}
