// Threads: a text post in Threads' two steps — a container holding the text (and the link as link_attachment,
// shown as a preview; post-rules.ts), then publishing that container — and a read of the new post's address.
// Only the second step makes a post, so only its lost answer leaves the post unknown.
import { z } from 'zod';
import type { GraphErrorBody } from '../connectors/graph-errors.ts';
import { PlatformError } from '../errors/platform-error.ts';
import type { Http } from '../http/http.ts';
import { readGraphStep, type GraphPostStep } from './graph-post-replies.ts';
import { accessTokenOf } from './replies.ts';
import type { Publisher } from './types.ts';

const GRAPH = 'https://graph.threads.net/v1.0';
const idSchema = z.object({ id: z.string().regex(/^\d+$/) });
const permalinkSchema = z.object({ permalink: z.string().url() });

/**
 * Meta's Threads docs (Text Attachments) say a post with more than 5 links fails at the container step "with the
 * error code: THREADS_API__LINK_LIMIT_EXCEEDED", without saying where in the body that name stands, so the name
 * anywhere in it decides.
 */
function describe(err: GraphErrorBody | null, status: number, body: string): PlatformError | null {
  if (body.includes('THREADS_API__LINK_LIMIT_EXCEEDED')) {
    return new PlatformError('denied', 'Threads takes at most 5 links in a post, and this one has more.', { status });
  }
  const code = err?.code;
  if (code === 10 || (code !== undefined && code >= 200 && code <= 299)) {
    return new PlatformError('auth', 'Threads refused the post: the connection lacks permission to publish (threads_content_publish). Reconnect the account and allow publishing.', { status });
  }
  return null;
}

const step = <S extends z.ZodType>(schema: S, what: string, posts: boolean): GraphPostStep<S> => ({ name: 'Threads', schema, what, posts, describe });

/** The container step made no post whatever became of it (an unpublished container expires in 24 hours): a lost answer there is nothing posted. */
async function container(http: Http, url: string, body: URLSearchParams): Promise<string> {
  try {
    return (await readGraphStep(await http.fetch(url, { method: 'POST', headers: { accept: 'application/json' }, body }), step(idSchema, 'the id of the post being prepared', false))).id;
  } catch (e) {
    if (!(e instanceof PlatformError) || !e.mayHaveArrived) throw e;
    throw new PlatformError(e.kind, 'Threads failed or did not answer while the post was being prepared, so nothing was posted. Try again later.', { status: e.status, cause: e });
  }
}

/** The post is made by then: an address that cannot be read leaves it without one rather than failing it. */
async function permalink(http: Http, id: string, token: string): Promise<string | null> {
  try {
    const res = await http.fetch(`${GRAPH}/${id}?${new URLSearchParams({ fields: 'permalink', access_token: token })}`, { headers: { accept: 'application/json' } });
    return (await readGraphStep(res, step(permalinkSchema, "the post's address", false))).permalink;
  } catch (e) {
    if (e instanceof PlatformError) return null;
    throw e;
  }
}

export const threadsPublisher: Publisher = {
  async publish({ http, account, credentials }, post) {
    const token = accessTokenOf('Threads', credentials);
    const user = `${GRAPH}/${encodeURIComponent(account.platform_user_id)}`;
    // Threads' examples pass access_token as a parameter; in a POST body it stays out of URLs.
    const draft = new URLSearchParams({ media_type: 'TEXT', text: post.text.trim(), access_token: token });
    if (post.link) draft.set('link_attachment', post.link);
    const creationId = await container(http, `${user}/threads`, draft);
    const res = await http.fetch(`${user}/threads_publish`, { method: 'POST', headers: { accept: 'application/json' }, body: new URLSearchParams({ creation_id: creationId, access_token: token }) });
    const { id } = await readGraphStep(res, step(idSchema, "the new post's id", true));
    return { platformPostId: id, url: await permalink(http, id, token) };
  },
};
