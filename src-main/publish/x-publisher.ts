// X: POST /2/tweets with the user's token. X answers a refusal with an RFC 7807 problem body (detail, title) or,
// for a bad request, a list of errors; each becomes one sentence.
import { z } from 'zod';
import { textWithLink } from '../api/post-rules.ts';
import { PlatformError } from '../errors/platform-error.ts';
import { jsonBody, quoted, rejectUnusableAnswer, unreadableAnswer } from './replies.ts';
import type { Publisher } from './types.ts';

const TWEETS_URL = 'https://api.x.com/2/tweets';

const createdSchema = z.object({ data: z.object({ id: z.string().regex(/^\d+$/), text: z.string().optional() }) });
const problemSchema = z.object({
  title: z.string().optional(),
  detail: z.string().optional(),
  errors: z.array(z.object({ message: z.string().optional() })).optional(),
});

function refusal(status: number, body: unknown): PlatformError {
  const problem = problemSchema.safeParse(body);
  const p = problem.success ? problem.data : {};
  const words = p.errors?.find((e) => e.message)?.message ?? p.detail ?? p.title;
  if (status === 401) return new PlatformError('auth', 'X did not accept this account’s token (401 Unauthorized); nothing was posted.', { status });
  if (status === 403 && (!words || /^forbidden$/i.test(words))) {
    // X answers a token without tweet.write with a bare "Forbidden".
    return new PlatformError('denied', 'X refused the post (403 Forbidden): this connection may not post for the account. Reconnect it in Plugboard and allow posting.', { status });
  }
  return new PlatformError('denied', `X refused the post: ${quoted(words ?? `HTTP ${status}`)}`, { status });
}

export const xPublisher: Publisher = {
  async publish(ctx, post) {
    if (!ctx.credentials.accessToken) throw new PlatformError('auth', 'X has no token stored for this account; nothing was posted.');
    const res = await ctx.http.fetch(TWEETS_URL, {
      method: 'POST',
      headers: { authorization: `Bearer ${ctx.credentials.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: textWithLink('x', post.text, post.link) }),
    });
    await rejectUnusableAnswer('X', res);
    const body = await jsonBody(res);
    if (res.status !== 201 && res.status !== 200) throw refusal(res.status, body);
    const created = createdSchema.safeParse(body);
    if (!created.success) throw unreadableAnswer('X', res.status);
    const id = created.data.data.id;
    return { platformPostId: id, url: `https://x.com/${ctx.account.handle.replace(/^@/, '')}/status/${id}` };
  },
  whereToCheck: (account) => `https://x.com/${account.handle.replace(/^@/, '')}`,
};
