// Fake Facebook's Page feed, mounted by facebook.ts: POST /vNN.N/{page-id}/feed with `message` and an optional
// `link` answers {"id":"{page-id}_{post-id}"}. What arrived is kept, read back with fake.posts() or
// GET {origin}/__control/posts (the demo polls it).
//
// Meta's rules, and what is modelled where Meta is silent:
// - A Page is posted to with its Page token, granted pages_manage_posts and pages_read_engagement, by a role that
//   creates content. Anything else, a user token above all, gets code 200 with the wording developers have quoted
//   since Graph v8 ("If posting to a group, … If posting to a page, requires both pages_read_engagement and
//   pages_manage_posts as an admin with sufficient administrative permission").
// - A Page's post takes 63,206 characters. The refusals of a longer message, of no message and no link, and of a
//   link that is not a URL are unconfirmed wordings under code 100. The same message twice in a row is
//   code 506 "Duplicate status message" (widely reported).
import { randomInt } from 'node:crypto';
import { countLength } from '../api/post-rules.ts';
import { json, type FakeRequest, type FakeServer, type Reply } from './fake-server.ts';

export const FACEBOOK_POST_ENDPOINTS = ['feed'] as const;

export interface FacebookPost {
  /** {page-id}_{post-id}, as Graph names a Page post. */
  id: string;
  pageId: string;
  message: string | null;
  link: string | null;
  /** Fake-clock epoch ms. */
  at: number;
}

/** R: the fake's token record; only its kind is read here. */
export interface FacebookPostsDeps<R extends { kind: 'user' | 'page' }> {
  server: FakeServer;
  now(): number;
  validVersion(version: string | undefined): boolean;
  unknownPath(req: FakeRequest): Reply;
  /** The request's usable token, or the Graph error its token gets; `kind` says whose token it is. */
  requireToken(req: FakeRequest): { rec: R } | Reply;
  pageExists(pageId: string): boolean;
  /** Whether the token may post on the Page: its Page token, the permissions granted for it, and a role that creates content. */
  mayPost(rec: R, pageId: string): boolean;
  graphError(status: number, e: { message: string; code: number; subcode?: number; type?: string }, note: string): Reply;
}

const LIMIT = 63_206;
const NEEDS_PAGE_TOKEN =
  '(#200) If posting to a group, requires app being installed in the group, and either publish_to_groups permission with user token, or both pages_read_engagement and pages_manage_posts permission with page token; If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission';

/** The feed handler, for facebook.ts to route behind its throttles, and the posts it took. */
export function mountFacebookPosts<R extends { kind: 'user' | 'page' }>(deps: FacebookPostsDeps<R>): { feed(req: FakeRequest): Reply; posts(): FacebookPost[] } {
  const posts: FacebookPost[] = [];
  const invalid = (message: string, note: string) => deps.graphError(400, { code: 100, message: `(#100) ${message}` }, note);

  function feed(req: FakeRequest): Reply {
    if (!deps.validVersion(req.params.version)) return deps.unknownPath(req);
    const t = deps.requireToken(req);
    if ('status' in t) return t;
    const pageId = req.params.id!;
    if (!deps.pageExists(pageId)) {
      return deps.graphError(400, { type: 'GraphMethodException', code: 100, subcode: 33, message: `Unsupported post request. Object with ID '${pageId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.` }, 'unknown node');
    }
    if (!deps.mayPost(t.rec, pageId)) return deps.graphError(403, { code: 200, message: NEEDS_PAGE_TOKEN }, t.rec.kind === 'user' ? 'user token on a Page feed' : 'no permission to post on the Page');
    const param = (name: string) => req.form.get(name) ?? req.query.get(name);
    const message = param('message');
    const link = param('link');
    if (!message && !link) return invalid('Missing message or attachment', 'nothing to post');
    if (message && countLength('utf16', message) > LIMIT) return invalid(`Message is too long: a Page post takes at most ${LIMIT} characters`, 'message too long');
    if (link && !/^https?:\/\/[^\s/]+\.[^\s]+$/i.test(link)) return invalid('The link parameter must be a valid URL', 'bad link');
    const last = posts.findLast((p) => p.pageId === pageId);
    if (last && message && last.message === message && last.link === link) return deps.graphError(400, { code: 506, message: '(#506) Duplicate status message' }, 'duplicate');
    const id = `${pageId}_${randomInt(100_000, 1_000_000)}${String(posts.length).padStart(10, '0')}`;
    posts.push({ id, pageId, message, link, at: deps.now() });
    return { ...json(200, { id }), note: 'Page post created' };
  }

  const list = () => posts.map((p) => ({ ...p }));
  deps.server.view('posts', list);
  return { feed, posts: list };
}
