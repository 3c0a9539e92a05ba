// One post to many accounts: each account's rules checked, its token renewed first when due, the post sent once,
// and a result per account; one account's failure never stops the others.
import type { PostAuthorView, PostResultView, PostView } from '../api/views.ts';
import { checkPost, PLATFORM_NAMES, PUBLISH_RULES } from '../api/post-rules.ts';
import { canRenew } from '../core/account-facts.ts';
import { ApiFailure } from '../core/api-failure.ts';
import { deriveStatus } from '../core/status.ts';
import { providerDecl } from '../connectors/providers.ts';
import type { CoreContext } from '../domains/context.ts';
import { PlatformError } from '../errors/platform-error.ts';
import type { AccountRow } from '../store/accounts.ts';
import { VaultCorruptError } from '../vault/vault.ts';
import { PUBLISHERS } from './registry.ts';
import type { OutgoingPost, PublishCredentials, Publisher } from './types.ts';

export interface PublishInput {
  workspaceId: string;
  by: PostAuthorView;
  text: string;
  link: string | null;
  accountIds: string[];
  draft: boolean;
}

/** What publishing uses of the core. */
export type PublishDeps = Pick<CoreContext, 'accounts' | 'activity' | 'lifecycle' | 'http' | 'db' | 'clock' | 'logger' | 'emit' | 'posts'>;

type Result = Omit<PostResultView, 'accountId' | 'platform' | 'handle'> & { platformPostId: string | null };

const notTried = (message: string): Result => ({ outcome: 'not_tried', url: null, message, platformPostId: null });

/** "@alice on X": how a result's sentences name the account. */
function named(row: Pick<AccountRow, 'platform' | 'handle'>): string {
  return `@${row.handle.replace(/^@/, '')} on ${PLATFORM_NAMES[row.platform]}`;
}

export async function publishPost(ctx: PublishDeps, input: PublishInput): Promise<PostView> {
  const ids = [...new Set(input.accountIds)];
  const targets = ids.map((id) => {
    const row = ctx.accounts.get(id);
    if (row && row.workspace_id === input.workspaceId) return { id, row };
    const former = ctx.posts.formerAccount(input.workspaceId, id);
    if (!former) throw new ApiFailure('not_found', 'One of the chosen accounts was never connected in this workspace; nothing was posted.');
    return { id, row: null, former };
  });
  const post: OutgoingPost = { text: input.text, link: input.link, draft: input.draft };
  const postId = ctx.posts.create({ workspaceId: input.workspaceId, by: input.by, text: input.text, link: input.link, draft: input.draft, at: ctx.clock.now() });
  await Promise.all(
    targets.map(async (t) => {
      const result = t.row ? await publishTo(ctx, t.row, post) : notTried('This account was disconnected before the post was sent.');
      const who = t.row ?? t.former!;
      ctx.posts.addResult(postId, { accountId: t.id, platform: who.platform, handle: who.handle, ...result }, ctx.clock.now());
      if (t.row) ctx.activity.add(t.row, 'posted', activityDetail(input, result), ctx.clock.now());
    }),
  );
  ctx.emit({ type: 'posts.changed' });
  ctx.emit({ type: 'accounts.changed' });
  return ctx.posts.get(postId)!;
}

function activityDetail(input: PublishInput, result: Result): string {
  const by = input.by.kind === 'tool' ? ` for ${input.by.name}` : '';
  const what = input.draft ? 'a draft' : 'a post';
  switch (result.outcome) {
    case 'posted':
      return `${input.draft ? 'saved a draft' : 'posted'}${by}${result.url ? `: ${result.url}` : ''}`;
    case 'unknown':
      return `sent ${what}${by}; the answer was lost`;
    default:
      return `${result.outcome === 'refused' ? 'refused' : 'did not send'} ${what}${by}: ${result.message ?? ''}`;
  }
}

async function publishTo(ctx: PublishDeps, row: AccountRow, post: OutgoingPost): Promise<Result> {
  const check = checkPost(row.platform, post);
  if (check.problems.length > 0) return notTried(check.problems.join(' '));
  const publisher = PUBLISHERS[row.platform];
  if (!publisher) {
    const rule = PUBLISH_RULES[row.platform];
    return notTried(rule.supported ? `Plugboard cannot publish to ${PLATFORM_NAMES[row.platform]} yet.` : rule.reason);
  }
  const decl = providerDecl(row.platform);
  const status = deriveStatus(row, decl, ctx.clock.now());
  if (status.status === 'expired') return notTried(`${named(row)} needs Reconnect in Plugboard: ${status.reason}`);

  let credentials: PublishCredentials;
  try {
    credentials = await freshCredentials(ctx, row, false);
  } catch (e) {
    return notTried(renewalProblem(row, e));
  }
  try {
    return await send(ctx, publisher, row, credentials, post);
  } catch (e) {
    // Only a refused token, where the platform surely made nothing, is worth one renewal and one more send.
    if (!(e instanceof PlatformError && e.kind === 'auth' && !e.mayHaveArrived && canRenew(row, decl))) return failed(ctx, publisher, row, e);
    try {
      credentials = await freshCredentials(ctx, row, true);
    } catch (renewal) {
      return { ...notTried(renewalProblem(row, renewal)), outcome: 'refused' };
    }
    try {
      return await send(ctx, publisher, row, credentials, post);
    } catch (again) {
      return failed(ctx, publisher, row, again);
    }
  }
}

async function send(ctx: PublishDeps, publisher: Publisher, row: AccountRow, credentials: PublishCredentials, post: OutgoingPost): Promise<Result> {
  const now = ctx.accounts.get(row.id) ?? row;
  const published = await publisher.publish({ http: ctx.http, account: now, credentials }, post);
  return { outcome: 'posted', url: published.url, message: null, platformPostId: published.platformPostId };
}

/** The credentials after any renewal due (or forced, after the platform refused the token). */
async function freshCredentials(ctx: PublishDeps, row: AccountRow, force: boolean): Promise<PublishCredentials> {
  if (force) await ctx.lifecycle.refreshNow(row.id);
  else await ctx.lifecycle.ensureFresh(row.id);
  const { accessToken, appPassword } = ctx.accounts.readTokens(row.id);
  return { accessToken, appPassword };
}

function renewalProblem(row: AccountRow, e: unknown): string {
  if (e instanceof VaultCorruptError) return `${named(row)}'s stored token cannot be read on this computer: Reconnect it in Plugboard. Nothing was sent.`;
  if (e instanceof PlatformError && (e.kind === 'auth' || e.kind === 'setup' || e.kind === 'denied')) {
    return `${named(row)} needs Reconnect in Plugboard: ${e.message} Nothing was sent.`;
  }
  return `${named(row)} could not be renewed before posting, so nothing was sent: ${(e as Error).message}`;
}

function failed(ctx: PublishDeps, publisher: Publisher, row: AccountRow, e: unknown): Result {
  if (!(e instanceof PlatformError)) {
    // A fault of Plugboard's own while sending: whether the platform got the post cannot be told.
    ctx.logger.error('publish failed', { platform: row.platform, error: (e as Error).stack ?? String(e) });
    e = new PlatformError('malformed', `Plugboard failed while sending the post (${(e as Error).message}).`, { mayHaveArrived: true });
  }
  const error = e as PlatformError;
  // Connection refused, name not found: the post never left this computer.
  if (error.kind === 'network' && !error.mayHaveArrived) return notTried(`${error.message} Nothing was sent.`);
  if (!error.mayHaveArrived) return { outcome: 'refused', url: null, message: error.message, platformPostId: null };
  const where = publisher.whereToCheck?.(row) ?? `${named(row)}'s page`;
  // A lost connection's own sentence ("Could not reach …") would mislead here: the post did reach the platform.
  const what = error.kind === 'network' ? `The post was sent to ${PLATFORM_NAMES[row.platform]} but its answer was lost on the way back.` : error.message;
  return {
    outcome: 'unknown',
    url: null,
    message: `${what} It may or may not have been posted; Plugboard did not send it again. Check ${where} before posting it again.`,
    platformPostId: null,
  };
}
