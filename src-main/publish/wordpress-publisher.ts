// WordPress: POST /wp/v2/posts on the site's REST root with the application password. The first line is the title,
// the rest the content (the user's text as paragraphs, the link as a paragraph of its own); a draft stays a draft.
import { z } from 'zod';
import { basic, restUrl } from '../connectors/wordpress-rest.ts';
import { PlatformError } from '../errors/platform-error.ts';
import type { AccountRow } from '../store/accounts.ts';
import { jsonBody, quoted, rejectUnusableAnswer, unreadableAnswer } from './replies.ts';
import type { OutgoingPost, Publisher } from './types.ts';

const createdSchema = z.object({ id: z.number().int(), link: z.string().url() });
const wpErrorSchema = z.object({ code: z.string(), message: z.string().optional() });
/** Answers WordPress gives when the application password (or the user) is not accepted. */
const NOT_SIGNED_IN = new Set(['incorrect_password', 'invalid_username', 'invalid_email', 'rest_not_logged_in', 'application_passwords_disabled']);

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The text as WordPress shows it: the first line the title, each following paragraph a <p>, the link last. */
export function wordpressPost(post: OutgoingPost): { title: string; content: string } {
  const [first = '', ...rest] = post.text.trim().split('\n');
  const paragraphs = rest.join('\n').trim().split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  const html = paragraphs.map((p) => `<p>${escape(p).replace(/\n/g, '<br>')}</p>`);
  if (post.link && !post.text.includes(post.link)) html.push(`<p><a href="${escape(post.link)}">${escape(post.link)}</a></p>`);
  return { title: first.trim(), content: html.join('\n') };
}

function refusal(status: number, body: unknown): PlatformError {
  const wp = wpErrorSchema.safeParse(body);
  const words = wp.success ? quoted((wp.data.message ?? wp.data.code).replace(/<[^>]+>/g, '')) : `HTTP ${status}`;
  if (wp.success && NOT_SIGNED_IN.has(wp.data.code)) {
    return new PlatformError('auth', `WordPress did not accept the application password (${wp.data.code}); nothing was posted. Reconnect the account in Plugboard.`, { status });
  }
  return new PlatformError('denied', `WordPress refused the post: ${words.replace(/\.?$/, '.')}`, { status });
}

const details = (account: AccountRow) => JSON.parse(account.details) as Record<string, string>;

export const wordpressPublisher: Publisher = {
  async publish(ctx, post) {
    const { restRoot, username } = details(ctx.account);
    if (!ctx.credentials.appPassword || !restRoot || !username) {
      throw new PlatformError('auth', 'WordPress has no application password stored for this account; nothing was posted. Reconnect it in Plugboard.');
    }
    const res = await ctx.http.fetch(restUrl(restRoot, 'wp/v2/posts'), {
      method: 'POST',
      headers: { authorization: basic(username, ctx.credentials.appPassword), 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ ...wordpressPost(post), status: post.draft ? 'draft' : 'publish' }),
    });
    // A redirect would turn the POST into a GET elsewhere; the REST root was found after the site's redirects.
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      throw new PlatformError('denied', `WordPress sent the post elsewhere (HTTP ${res.status}) instead of taking it; nothing was posted. Reconnect the account so Plugboard finds the site's address again.`, { status: res.status });
    }
    await rejectUnusableAnswer('WordPress', res);
    const body = await jsonBody(res);
    if (res.status !== 201 && res.status !== 200) throw refusal(res.status, body);
    const created = createdSchema.safeParse(body);
    if (!created.success) throw unreadableAnswer('WordPress', res.status);
    return { platformPostId: String(created.data.id), url: created.data.link };
  },
  whereToCheck: (account) => `${details(account).siteUrl ?? 'the site'}/wp-admin/edit.php`,
};
