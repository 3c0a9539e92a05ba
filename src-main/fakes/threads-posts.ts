// Fake Threads' publishing, mounted by threads.ts, in Threads' two steps: POST /v1.0/{user-id}/threads makes a
// container ({"id"}), POST /v1.0/{user-id}/threads_publish?creation_id= publishes it ({"id": media id}), and
// GET /v1.0/{media-id}?fields=permalink gives the post's address. What was published is kept, read back with
// fake.posts() or GET {origin}/__control/posts (the demo polls it).
//
// Per Meta's Threads docs: a TEXT container takes `text` (500 characters, an emoji counted as its UTF-8 bytes:
// post-rules.ts counts the same way) and `link_attachment`; since 22 December 2025 more than 5 links (the unique
// URLs of the text, and an attached link that differs from them) fail at the container step with
// THREADS_API__LINK_LIMIT_EXCEEDED (Text Attachments page); an unpublished container expires after 24 hours;
// publishing needs threads_content_publish. Modelled where Meta shows no reply (unconfirmed wording and codes):
// the length refusal ("Param text must be at most 500 characters long", Graph's parameter wording), where the
// link limit's name stands in the body (here error_user_msg, with a made-up subcode), and the refusal to publish
// a container twice. Text containers are ready at once (media ones, which take time, are not modelled).
import { randomInt } from 'node:crypto';
import { countLength, URL_IN_TEXT } from '../api/post-rules.ts';
import { json, type FakeRequest, type FakeServer, type Reply } from './fake-server.ts';

export const THREADS_POST_ENDPOINTS = ['threads', 'threads_publish', 'media'] as const;
export type ThreadsPostEndpoint = (typeof THREADS_POST_ENDPOINTS)[number];

const LINK_LIMIT_SUBCODE = 4279009;

export interface ThreadsPost {
  /** The media id threads_publish answers. */
  id: string;
  containerId: string;
  userId: string;
  text: string;
  link: string | null;
  permalink: string;
  /** Fake-clock epoch ms. */
  at: number;
}

interface Container {
  id: string;
  userId: string;
  text: string;
  link: string | null;
  expiresAt: number;
  publishedAs: string | null;
}

export interface ThreadsPostsDeps {
  server: FakeServer;
  now(): number;
  /** The grant behind the request's access_token (query, form or bearer), or the Graph error its token gets. */
  grantOf(req: FakeRequest): { userId: string; scopes: string[] } | Reply;
  usernameOf(userId: string): string;
  graphError(status: number, code: number, message: string, note: string, extra?: { subcode?: number; userMessage?: string }): Reply;
}

const LIMIT = 500;
const MAX_LINKS = 5;
const CONTAINER_LIFETIME_MS = 24 * 3600_000;
const MEDIA_FIELDS = new Set(['id', 'permalink', 'text', 'media_type', 'timestamp', 'username', 'shortcode']);

const mediaId = () => `18${String(randomInt(1e9)).padStart(9, '0')}${String(randomInt(1e6)).padStart(6, '0')}`;

export function mountThreadsPosts(deps: ThreadsPostsDeps): { posts(): ThreadsPost[] } {
  const containers = new Map<string, Container>();
  const posts: ThreadsPost[] = [];
  const invalid = (message: string, note: string, extra?: { subcode?: number; userMessage?: string }) => deps.graphError(400, 100, message, note, extra);
  const param = (req: FakeRequest, name: string) => req.form.get(name) ?? req.query.get(name);

  /** The publishing user, or the refusal: a path naming someone else, or no threads_content_publish. */
  function publisher(req: FakeRequest): { userId: string } | Reply {
    const grant = deps.grantOf(req);
    if ('status' in grant) return grant;
    const target = req.params.userId;
    if (target !== 'me' && target !== grant.userId) return invalid(`Unsupported post request. Object with ID '${target ?? ''}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 'another user', { subcode: 33 });
    if (!grant.scopes.includes('threads_content_publish')) return deps.graphError(400, 10, '(#10) Application does not have permission for this action', 'no threads_content_publish');
    return grant;
  }

  function createContainer(req: FakeRequest): Reply {
    const user = publisher(req);
    if ('status' in user) return user;
    const mediaType = param(req, 'media_type');
    if (mediaType !== 'TEXT') return invalid(mediaType ? `(#100) media_type ${mediaType} is not modelled by this fake` : '(#100) The parameter media_type is required', 'media_type');
    const text = param(req, 'text') ?? '';
    const link = param(req, 'link_attachment');
    if (text.trim() === '') return invalid('(#100) The parameter text is required for a TEXT post', 'no text');
    if (countLength('threads', text) > LIMIT) return invalid(`(#100) Param text must be at most ${LIMIT} characters long.`, 'text too long');
    if (link !== null && !/^https?:\/\/[^\s/]+\.\S+$/i.test(link)) return invalid('(#100) Param link_attachment must be a valid URL', 'bad link_attachment');
    const links = new Set([...text.matchAll(URL_IN_TEXT)].map((m) => m[0]).concat(link ? [link] : []));
    if (links.size > MAX_LINKS) {
      return invalid('Invalid parameter', 'more than 5 links', { subcode: LINK_LIMIT_SUBCODE, userMessage: `THREADS_API__LINK_LIMIT_EXCEEDED: a post can hold at most ${MAX_LINKS} links.` });
    }
    const id = mediaId();
    containers.set(id, { id, userId: user.userId, text, link, expiresAt: deps.now() + CONTAINER_LIFETIME_MS, publishedAs: null });
    return { ...json(200, { id }), note: 'container created' };
  }

  function publish(req: FakeRequest): Reply {
    const user = publisher(req);
    if ('status' in user) return user;
    const creationId = param(req, 'creation_id');
    if (!creationId) return invalid('(#100) The parameter creation_id is required', 'no creation_id');
    const container = containers.get(creationId);
    if (!container || container.userId !== user.userId) return invalid(`(#100) Param creation_id ${creationId} is not a container of this user`, 'unknown container');
    if (container.publishedAs !== null) return invalid('(#100) This container has already been published', 'container published twice');
    if (container.expiresAt <= deps.now()) return invalid('(#100) This container has expired: publish within 24 hours of making it', 'container expired');
    const id = mediaId();
    container.publishedAs = id;
    const permalink = `https://www.threads.net/@${deps.usernameOf(user.userId)}/post/${Buffer.from(id).toString('base64url').slice(0, 11)}`;
    posts.push({ id, containerId: container.id, userId: user.userId, text: container.text, link: container.link, permalink, at: deps.now() });
    return { ...json(200, { id }), note: 'published' };
  }

  function media(req: FakeRequest): Reply {
    const grant = deps.grantOf(req);
    if ('status' in grant) return grant;
    const post = posts.find((p) => p.id === req.params.mediaId && p.userId === grant.userId);
    if (!post) return invalid(`Unsupported get request. Object with ID '${req.params.mediaId ?? ''}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 'no such media', { subcode: 33 });
    const fields = (req.query.get('fields') ?? 'id').split(',').filter(Boolean);
    const unknown = fields.find((f) => !MEDIA_FIELDS.has(f));
    if (unknown) return invalid(`(#100) Tried accessing nonexisting field (${unknown}) on node type (ThreadsMedia)`, 'unknown field');
    const all: Record<string, string> = {
      id: post.id,
      permalink: post.permalink,
      text: post.text,
      media_type: 'TEXT_POST',
      timestamp: new Date(post.at).toISOString().replace(/\.\d{3}Z$/, '+0000'),
      username: deps.usernameOf(post.userId),
      shortcode: post.permalink.split('/').at(-1)!,
    };
    return { ...json(200, { ...Object.fromEntries(fields.map((f) => [f, all[f]])), id: post.id }), note: 'media read' };
  }

  deps.server.route('POST', '/v1.0/:userId/threads', createContainer, { endpoint: 'threads' });
  deps.server.route('POST', '/v1.0/:userId/threads_publish', publish, { endpoint: 'threads_publish' });
  deps.server.route('GET', '/v1.0/:mediaId', media, { endpoint: 'media' });
  const list = () => posts.map((p) => ({ ...p }));
  deps.server.view('posts', list);
  return { posts: list };
}
