// Facebook Pages: a post on the Page's feed, made with the Page's own token (the one stored for a Page account;
// Meta refuses a user token there). The link goes beside the message (post-rules.ts), where Facebook shows it as
// a preview.
import { z } from 'zod';
import { GRAPH_ROOT } from '../connectors/facebook.ts';
import { PlatformError } from '../errors/platform-error.ts';
import { readGraphStep } from './graph-post-replies.ts';
import { accessTokenOf } from './replies.ts';
import type { Publisher } from './types.ts';

const createdSchema = z.object({ id: z.string().regex(/^\d+_\d+$/) });

/** Codes 10 and 200–299 are permissions: on a feed, a token that is not this Page's or lacks pages_manage_posts. */
const isPermission = (code: number | undefined) => code === 10 || (code !== undefined && code >= 200 && code <= 299);

export const facebookPublisher: Publisher = {
  async publish({ http, account, credentials }, post) {
    const form = new URLSearchParams({ message: post.text.trim() });
    if (post.link) form.set('link', post.link);
    const res = await http.fetch(`${GRAPH_ROOT}/${encodeURIComponent(account.platform_user_id)}/feed`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessTokenOf('Facebook', credentials)}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form,
    });
    const { id } = await readGraphStep(res, {
      name: 'Facebook',
      schema: createdSchema,
      what: "the new post's id",
      posts: true,
      describe: (err, status) =>
        isPermission(err?.code)
          ? new PlatformError(
              'auth',
              `Facebook refused to post on ${account.display_name}: it takes posts only with the Page's own access, granted "Create and manage content on your Page" by someone whose Page role can create content. Reconnect the Page and leave that permission ticked.`,
              { status },
            )
          : null,
    });
    return { platformPostId: id, url: `https://www.facebook.com/${id}` };
  },
};
