// POST /v1/posts: a tool publishes one post to accounts it was given. Unless the user let it publish unattended,
// the post first waits in the window, exactly as it will go out, until the user confirms or rejects it; the
// tool's request stays open meanwhile (long-poll, as pairing does), and hanging up takes the post back.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { MAX_POST_ACCOUNTS, requestSchemas } from '../api/contract.ts';
import type { PostView } from '../api/views.ts';
import { publishPost } from '../publish/publish.ts';
import type { AccountRow } from '../store/accounts.ts';
import type { ToolRow } from '../store/tools.ts';
import { TooManyPendingPosts, type PostAnswer } from './post-confirmations.ts';
import type { GatewayErrorCode } from './protocol.ts';
import { GatewayFailure, readJson, sendJson } from './replies.ts';
import { grantedAccount, recordUse, type GatewayContext } from './tool-access.ts';

const publishShape = requestSchemas['posts.publish'].shape;

const postBody = z.strictObject({
  text: publishShape.text,
  link: publishShape.link,
  to: z.array(z.string().max(200)).min(1, 'Name at least one account').max(MAX_POST_ACCOUNTS, `Post to at most ${MAX_POST_ACCOUNTS} accounts at once`),
  draft: z.boolean().optional(),
});

const REFUSED_ANSWERS: Record<Exclude<PostAnswer, { confirmed: true }>['reason'], [GatewayErrorCode, string]> = {
  rejected: ['rejected', 'The user declined this post in Plugboard, so nothing was posted; do not send it again unless they ask.'],
  expired: ['expired', 'Nobody confirmed this post in Plugboard in time, so nothing was posted; ask the user before sending it again.'],
  withdrawn: ['locked', 'Plugboard was locked or closed before the user answered, so nothing was posted.'],
};

export async function publishRoute(ctx: GatewayContext, tool: ToolRow, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parsed = postBody.safeParse(await readJson(req));
  if (!parsed.success) throw new GatewayFailure('bad_request', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  const post = { text: parsed.data.text, link: parsed.data.link ?? null, draft: parsed.data.draft ?? false };
  const rows = uniqueRows(parsed.data.to.map((ref) => grantedAccount(ctx, tool, ref, 'publish')));

  if (!tool.capabilities.includes('publish_unattended')) {
    await confirmed(ctx, tool, rows, post, res);
    // A tool gone as the user confirmed would never learn the results, and might send the post again.
    if (res.destroyed) return;
  }
  // A key revoked while the post waited does not publish, confirmed or not.
  const now = ctx.tools.get(tool.id);
  if (!now) throw new GatewayFailure('bad_key', 'This tool was revoked in Plugboard while its post waited; nothing was posted.');
  const view: PostView = await publishPost(ctx, {
    workspaceId: now.workspace_id,
    by: { kind: 'tool', toolId: now.id, name: now.name },
    ...post,
    accountIds: rows.map((r) => r.id),
  });
  // The tool's last use; the account's history already has the post from publishPost ('posted', for the tool).
  for (const result of view.results) {
    const row = rows.find((r) => r.id === result.accountId);
    if (row) recordUse(ctx, now, row, null, `post → ${result.outcome.replace('_', ' ')}`);
  }
  sendJson(res, 200, view);
}

/** Waits for the user's answer in the window; anything but a confirmation ends the request with its reason. */
async function confirmed(ctx: GatewayContext, tool: ToolRow, rows: AccountRow[], post: { text: string; link: string | null; draft: boolean }, res: ServerResponse): Promise<void> {
  let asked: ReturnType<GatewayContext['postConfirmations']['ask']>;
  try {
    asked = ctx.postConfirmations.ask(tool.workspace_id, {
      toolId: tool.id,
      toolName: tool.name,
      ...post,
      accounts: rows.map((r) => ({ id: r.id, platform: r.platform, handle: r.handle })),
    });
  } catch (e) {
    if (e instanceof TooManyPendingPosts) throw new GatewayFailure('posts_pending', e.message);
    throw e;
  }
  // The window may be in the tray while an assistant waits on it.
  const where = rows.length === 1 ? '1 account' : `${rows.length} accounts`;
  ctx.notices.recordApp({ kind: 'tool_post', title: `"${tool.name}" wants to post to ${where}`, body: 'Open Plugboard to confirm or decline it.', sent_at: ctx.clock.now() });
  ctx.emit({ type: 'notices.changed' });
  ctx.logger.info('tool post waits for the user', { tool: tool.id, request: asked.id, accounts: rows.length });
  const gone = () => asked.withdraw();
  res.once('close', gone);
  const answer = await asked.answer;
  res.off('close', gone);
  if (!answer.confirmed && !res.destroyed) throw new GatewayFailure(...REFUSED_ANSWERS[answer.reason]);
}

/** `x:@alice` and its id name one account: it gets the post once. */
function uniqueRows(rows: AccountRow[]): AccountRow[] {
  return rows.filter((row, i) => rows.findIndex((r) => r.id === row.id) === i);
}
