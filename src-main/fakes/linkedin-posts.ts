// Fake LinkedIn's Posts API, mounted by linkedin.ts: POST /rest/posts makes a member's or a company page's
// post and answers 201 with its URN in x-restli-id and no body. What arrived is kept, read back with
// fake.posts() or GET {origin}/__control/posts (the demo polls it).
//
// What this models, and on what grounds:
// - commentary is "little text" (learn.microsoft.com/linkedin/…/little-text-format): \ | { } @ [ ] ( ) < > # * _ ~
//   are markup unless escaped with a backslash, and an unescaped one that starts no element cuts the post
//   short there while the API still answers 201 (crossposter v1.1.5 and linkedctl issue 194 report the cut).
//   #word is a hashtag; a link is recognised as it stands (crossposter leaves links unescaped "so they still
//   auto-link"). Mentions are not modelled: an unescaped @ cuts.
// - At most 3,000 characters, counted as read rather than as escaped (unconfirmed which LinkedIn counts); the
//   refusal's wording is unconfirmed and given in LinkedIn's validation shape, 422 "ERROR :: /field :: …"
//   (the shape an n8n community report shows for missing fields).
// - The same text twice by one author: 422 "Content is a duplicate of urn:li:share:…" (widely reported).
// - w_member_social to post as the member, w_organization_social and an administrator role to post as a page;
//   otherwise 403 ACCESS_DENIED "Not enough permissions to access: partnerApiPostsExternal.CREATE.<version>".
import { randomInt } from 'node:crypto';
import { countLength } from '../api/post-rules.ts';
import { json, type FakeRequest, type FakeServer, type Reply } from './fake-server.ts';

export const LINKEDIN_POST_ENDPOINTS = ['posts'] as const;

export interface LinkedInPost {
  urn: string;
  author: string;
  /** As sent: little text. */
  commentary: string;
  /** As LinkedIn shows it. */
  text: string;
  /** An unescaped reserved character cut the text short. */
  cut: boolean;
  visibility: string;
  lifecycleState: string;
  /** Fake-clock epoch ms. */
  at: number;
}

export interface LinkedInPostsDeps {
  server: FakeServer;
  now(): number;
  /** The member and scopes behind the bearer token, or LinkedIn's 401. */
  bearer(req: FakeRequest): { userId: string; scopes: string[] } | Reply;
  versionProblem(req: FakeRequest, finder: boolean): Reply | null;
  /** The member's approved role on the page, or null. */
  roleOf(sub: string, organizationId: string): string | null;
  serviceError(status: number, body: { serviceErrorCode?: number; code?: string; message: string }, note: string): Reply;
}

const LIMIT = 3000;
const RESERVED = new Set('\\|{}@[]()<>#*_~');
const POSTING_ROLES = new Set(['ADMINISTRATOR', 'CONTENT_ADMINISTRATOR']);
const REQUIRED = ['author', 'commentary', 'visibility', 'distribution', 'lifecycleState'];
const OPTIONAL = ['isReshareDisabledByAuthor', 'content', 'contentLandingPage', 'reshareContext', 'container'];
/** A link as recognised in commentary; a backslash, which no URL holds unencoded, ends one (an escaped ")" after it). */
const LINK = /https?:\/\/[^\s<>"\\]+[^\s<>".,;:!?)\]'’”\\]/gu;
const VISIBILITIES = new Set(['PUBLIC', 'CONNECTIONS', 'LOGGED_IN', 'CONTAINER']);
const LIFECYCLES = new Set(['PUBLISHED', 'DRAFT']);

/** The text a reader sees for a commentary: escapes undone, and cut at the first unescaped reserved character. */
export function readLittleText(commentary: string): { text: string; cut: boolean } {
  const links = new Map([...commentary.matchAll(LINK)].map((m) => [m.index, m[0]]));
  let out = '';
  for (let i = 0; i < commentary.length; ) {
    const link = links.get(i);
    if (link) {
      out += link;
      i += link.length;
      continue;
    }
    const ch = commentary[i]!;
    if (ch === '\\' && i + 1 < commentary.length) {
      const escaped = String.fromCodePoint(commentary.codePointAt(i + 1)!);
      out += escaped;
      i += 1 + escaped.length;
      continue;
    }
    if (RESERVED.has(ch) && !(ch === '#' && /[\p{L}\p{N}]/u.test(commentary[i + 1] ?? ''))) return { text: out, cut: true };
    out += ch;
    i++;
  }
  return { text: out, cut: false };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** LinkedIn's validation messages for a post body, one per problem. */
function invalidFields(body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(body)) if (!REQUIRED.includes(key) && !OPTIONAL.includes(key)) problems.push(`/${key} :: unrecognized field found but not allowed`);
  for (const key of REQUIRED) if (body[key] === undefined) problems.push(`/${key} :: field is required but not found and has no default value`);
  if (body.author !== undefined && !/^urn:li:(person|organization):[A-Za-z0-9_-]+$/.test(String(body.author))) problems.push(`/author :: "${String(body.author)}" is not a person or organization URN`);
  if (body.commentary !== undefined && typeof body.commentary !== 'string') problems.push('/commentary :: not a string');
  if (body.visibility !== undefined && !VISIBILITIES.has(String(body.visibility))) problems.push(`/visibility :: "${String(body.visibility)}" is not an enum symbol`);
  if (body.lifecycleState !== undefined && !LIFECYCLES.has(String(body.lifecycleState))) problems.push(`/lifecycleState :: "${String(body.lifecycleState)}" is not an enum symbol`);
  if (body.distribution !== undefined && (!isRecord(body.distribution) || body.distribution.feedDistribution === undefined)) {
    problems.push('/distribution/feedDistribution :: field is required but not found and has no default value');
  }
  return problems;
}

const validation = (problems: string[], note: string): Reply => ({ ...json(422, { message: problems.map((p) => `ERROR :: ${p}\n`).join(''), status: 422 }), note });

export function mountLinkedInPosts(deps: LinkedInPostsDeps): { posts(): LinkedInPost[] } {
  const posts: LinkedInPost[] = [];

  /** Who may post as this author, or the reason LinkedIn gives for refusing. */
  function authorProblem(req: FakeRequest, grant: { userId: string; scopes: string[] }, author: string): Reply | null {
    const denied = (note: string) =>
      deps.serviceError(403, { serviceErrorCode: 100, code: 'ACCESS_DENIED', message: `Not enough permissions to access: partnerApiPostsExternal.CREATE.${String(req.headers['linkedin-version'])}` }, note);
    const person = /^urn:li:person:(.+)$/.exec(author)?.[1];
    if (person !== undefined) {
      if (person !== grant.userId) return denied('author is another member');
      return grant.scopes.includes('w_member_social') ? null : denied('no w_member_social');
    }
    const org = /^urn:li:organization:(.+)$/.exec(author)![1]!;
    if (!grant.scopes.includes('w_organization_social')) return denied('no w_organization_social');
    return POSTING_ROLES.has(deps.roleOf(grant.userId, org) ?? '') ? null : denied('not an administrator of the page');
  }

  function create(req: FakeRequest): Reply {
    const grant = deps.bearer(req);
    if ('status' in grant) return grant;
    const problem = deps.versionProblem(req, false);
    if (problem) return problem;
    if (!isRecord(req.json)) return deps.serviceError(400, { code: 'ILLEGAL_ARGUMENT', message: 'Request body could not be converted to data map' }, 'body not JSON');
    const body = req.json;
    const invalid = invalidFields(body);
    if (invalid.length > 0) return validation(invalid, 'invalid post');
    const author = String(body.author);
    const refused = authorProblem(req, grant, author);
    if (refused) return refused;
    const commentary = body.commentary as string;
    const { text, cut } = readLittleText(commentary);
    const length = countLength('utf16', text);
    if (length > LIMIT) return validation([`/commentary :: length ${length} exceeds the maximum allowed length of ${LIMIT}`], 'commentary too long');
    const earlier = posts.find((p) => p.author === author && p.commentary === commentary);
    if (earlier) return { ...json(422, { message: `Content is a duplicate of ${earlier.urn}`, status: 422 }), note: 'duplicate' };
    // Share ids are 19 digits.
    const urn = `urn:li:share:74${String(deps.now()).padStart(13, '0')}${String(randomInt(10_000)).padStart(4, '0')}`;
    posts.push({ urn, author, commentary, text, cut, visibility: String(body.visibility), lifecycleState: String(body.lifecycleState), at: deps.now() });
    return { status: 201, headers: { 'x-restli-id': urn, 'x-linkedin-id': urn, 'content-length': '0' }, note: cut ? 'post created, cut at an unescaped reserved character' : 'post created' };
  }

  deps.server.route('POST', '/rest/posts', create, { endpoint: 'posts' });
  const list = () => posts.map((p) => ({ ...p }));
  deps.server.view('posts', list);
  return { posts: list };
}
