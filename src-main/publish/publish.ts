// One post to many accounts: each account's rules checked, its token renewed first when due, the post sent once,
// and a result per account; one account's failure never stops the others.
import type { PostAuthorView, PostView } from '../api/views.ts';
import { ApiFailure } from '../core/api-failure.ts';
import type { CoreContext } from '../domains/context.ts';

export interface PublishInput {
  workspaceId: string;
  by: PostAuthorView;
  text: string;
  link: string | null;
  accountIds: string[];
  draft: boolean;
}

/** What publishing uses of the core; i14-core may name more parts (its posts store among them). */
export type PublishDeps = Pick<CoreContext, 'accounts' | 'activity' | 'lifecycle' | 'http' | 'db' | 'clock' | 'logger' | 'emit'>;

// i14-base only: i14-core builds it.
export async function publishPost(_ctx: PublishDeps, _input: PublishInput): Promise<PostView> {
  throw new ApiFailure('internal', 'Publishing is not built yet.');
}
