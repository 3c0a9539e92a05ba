// A fake self-hosted WordPress site on 127.0.0.1: the front page (with the
// api.w.org Link header), the REST index and /wp/v2/users/me?context=edit, with
// application-password Basic auth as WordPress checks it, and Gravatar avatars.
// The site claims a real-looking address (opts.siteUrl, default
// https://blog.example.com, a subfolder allowed); originMap() points it here.
//
// Modes: pretty or plain permalinks (?rest_route=), root or subfolder,
// stripAuthorization (the web server drops the header), version 6.1 (a wrong
// application password is answered 401 rest_not_logged_in) or 6.5
// (incorrect_password), https: false with environment type production
// (application_passwords_disabled), restDisabled (404 rest_no_route, no Link
// header), linkHeader: false, notWordPress (a static site).
//
// Connect in browser: /wp-admin/authorize-application.php as WordPress 6.1.9 (Debian's) checks it
// (success/reject URLs: a scheme and a host, never javascript: or data:, plain http only on a local
// site; app_id a UUID), an Approve / Don't approve page for the user signed in to wp-admin (or an
// automatic answer: autoAuthorize), and the new password handed to success_url. REST
// application-passwords/introspect and DELETE …/{uuid} (5.7+) let Plugboard delete its own.
//
// Test controls for another process: POST JSON to {origin}/__control/<name>.
//   fail-next {endpoint, kind, times?} · advance {seconds} · requests / clear-requests
//   delete-app-passwords {login}   the user deletes every application password
//   auto-authorize {decision, login?}   the next authorize page answers at once
//   demote {login}                 the site's admin makes the user a subscriber (no edit_posts, no publish_posts)
//   posts {}                       → the posts created (GET works too, for the demo)
//
// POST /wp/v2/posts as WordPress checks it: edit_posts to create, publish_posts to publish (a draft needs only
// edit_posts), a status it knows, a title or content; it answers 201 with the post's id, status and link.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { createFakeServer, escapeHtml, html, json, png, redirect, solidPng, text, type FakePlatform, type FakeRequest, type Reply } from './fake-server.ts';

export const WORDPRESS_ENDPOINTS = ['front', 'index', 'usersMe', 'avatar', 'authorize', 'appPasswords', 'posts'] as const;
export type WordPressEndpoint = (typeof WORDPRESS_ENDPOINTS)[number];

export interface WordPressUser {
  id: number;
  /** The login name (Basic auth's username). */
  login: string;
  email: string;
  slug: string;
  name: string;
  roles: string[];
  capabilities: Record<string, boolean>;
  /** As WordPress shows them once: six groups of four, spaces included. */
  appPasswords: string[];
}

const ADMIN_CAPS = { switch_themes: true, edit_posts: true, publish_posts: true, edit_others_posts: true, manage_options: true, list_users: true, read: true, level_10: true, administrator: true };
const AUTHOR_CAPS = { upload_files: true, edit_posts: true, edit_published_posts: true, publish_posts: true, read: true, level_2: true, delete_posts: true, author: true };
// A subscriber has no publish_posts key at all (absent, not false).
const SUBSCRIBER_CAPS = { read: true, level_0: true, subscriber: true };

export const WORDPRESS_USERS: readonly WordPressUser[] = [
  { id: 1, login: 'admin', email: 'ada@example.com', slug: 'ada', name: 'Ada Admin', roles: ['administrator'], capabilities: ADMIN_CAPS, appPasswords: ['abcd EFGH ijkl MNOP qrst UVWX'] },
  { id: 7, login: 'alice.author', email: 'alice@example.com', slug: 'alice-author', name: 'Alice Author', roles: ['author'], capabilities: AUTHOR_CAPS, appPasswords: ['Auth Orpa ssw0 rd12 3456 7890'] },
  { id: 9, login: 'sam', email: 'sam@example.com', slug: 'sam', name: 'Sam Subscriber', roles: ['subscriber'], capabilities: SUBSCRIBER_CAPS, appPasswords: ['subs crib erpa sswo rd00 0001'] },
];

/** A post the fake site stored. */
export interface WordPressPost {
  id: number;
  author: number;
  status: string;
  title: string;
  content: string;
  link: string;
}

export interface FakeWordPressOptions {
  port?: number;
  /** The address the site claims (its home URL). Default https://blog.example.com; http:// with https false. */
  siteUrl?: string;
  permalinks?: 'pretty' | 'plain';
  stripAuthorization?: boolean;
  version?: '6.1' | '6.5';
  /** false: the site is served over plain http (siteUrl defaults to http://blog.example.com). */
  https?: boolean;
  /** wp_get_environment_type(); 'local' allows application passwords over plain http. Default production. */
  environmentType?: 'production' | 'staging' | 'development' | 'local';
  /** The REST API is switched off by a plugin: every route 404 rest_no_route, no Link header. */
  restDisabled?: boolean;
  /** false: the Link header is removed (discovery falls back to /wp-json/ and ?rest_route=/). */
  linkHeader?: boolean;
  /** A static site, no WordPress at all. */
  notWordPress?: boolean;
  siteName?: string;
}

export interface FakeWordPress extends FakePlatform<WordPressEndpoint> {
  readonly siteUrl: string;
  /** The REST root as the Link header names it. */
  readonly restRoot: string;
  readonly users: readonly WordPressUser[];
  /** Whether this application password ever reached the fake in an Authorization header. */
  sawPassword(password: string): boolean;
  /** The user deletes every application password in their profile. */
  deleteAppPasswords(login: string): void;
  /** The next authorize-application page answers at once, as `login` (default: the wp-admin user, admin). */
  autoAuthorize(decision: 'approve' | 'reject', login?: string): void;
  /** Application passwords created through the authorize page: who, for which app. */
  readonly authorized: readonly { login: string; appId: string; appName: string; uuid: string; password: string }[];
  /** The posts created, oldest first. */
  readonly posts: readonly WordPressPost[];
  /** The site's admin makes the user a subscriber. */
  demote(login: string): void;
}

/** wp_is_authorize_application_redirect_url_valid() as of 6.1.9 (its 6.3.2 rules were backported). */
function redirectUrlProblem(url: string, local: boolean): string | null {
  if (!url) return null;
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(url)) return 'Invalid URL format.';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Invalid URL format.';
  }
  const scheme = parsed.protocol.slice(0, -1).toLowerCase();
  if (!parsed.host || scheme === 'javascript' || scheme === 'data') return 'Invalid URL format.';
  if (scheme === 'http' && !local) return 'The URL must be served over a secure connection.';
  return null;
}

/** add_query_arg(): appended with ? or &, replacing a parameter of the same name. */
function addQueryArgs(url: string, args: Record<string, string>): string {
  const [head, query = ''] = url.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  for (const [k, v] of Object.entries(args)) params.set(k, v);
  return `${head}?${params.toString()}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const squash = (pw: string) => pw.replace(/[^a-z\d]/gi, '');

export async function startFakeWordPress(opts: FakeWordPressOptions = {}): Promise<FakeWordPress> {
  const https = opts.https ?? true;
  const site = new URL(opts.siteUrl ?? (https ? 'https://blog.example.com' : 'http://blog.example.com'));
  const siteUrl = `${site.origin}${site.pathname.replace(/\/+$/, '')}`;
  const base = site.pathname.replace(/\/+$/, '');
  const plain = opts.permalinks === 'plain';
  const restRoot = plain ? `${siteUrl}/?rest_route=/` : `${siteUrl}/wp-json/`;
  const version = opts.version ?? '6.5';
  const environmentType = opts.environmentType ?? 'production';
  const appPasswordsAvailable = https || environmentType === 'local';
  const siteName = opts.siteName ?? 'Example Blog';
  const users = WORDPRESS_USERS.map((u) => ({ ...u, appPasswords: [...u.appPasswords] }));
  const seen = new Set<string>();
  const authorized: { login: string; appId: string; appName: string; uuid: string; password: string }[] = [];
  let pendingAuthorize: { decision: 'approve' | 'reject'; login: string } | null = null;
  /** The user signed in to wp-admin in the browser. */
  const browserLogin = 'admin';

  const error = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) => json(status, { code, message, data: { status, ...extra } });
  const noRoute = () => error(404, 'rest_no_route', 'No route was found matching the URL and request method.');
  const avatarUrls = (u: WordPressUser) => {
    const hash = createHash('md5').update(u.email).digest('hex');
    return Object.fromEntries([24, 48, 96].map((s) => [String(s), `https://secure.gravatar.com/avatar/${hash}?s=${s}&d=mm&r=g`]));
  };
  const userJson = (u: WordPressUser) => ({
    id: u.id,
    username: u.login,
    name: u.name,
    first_name: u.name.split(' ')[0],
    last_name: u.name.split(' ').slice(1).join(' '),
    email: u.email,
    url: '',
    description: '',
    link: `${siteUrl}/author/${u.slug}/`,
    locale: 'en_US',
    nickname: u.login,
    slug: u.slug,
    roles: u.roles,
    registered_date: '2023-01-02T03:04:05+00:00',
    capabilities: u.capabilities,
    extra_capabilities: Object.fromEntries(u.roles.map((r) => [r, true])),
    avatar_urls: avatarUrls(u),
    meta: { persisted_preferences: [] },
    _links: { self: [{ href: `${restRoot}wp/v2/users/${u.id}` }] },
  });
  const indexJson = () => ({
    name: siteName,
    description: 'Just another WordPress site',
    url: siteUrl,
    home: siteUrl,
    gmt_offset: '0',
    timezone_string: '',
    namespaces: ['oembed/1.0', 'wp/v2', 'wp-site-health/v1'],
    authentication: appPasswordsAvailable ? { 'application-passwords': { endpoints: { authorization: `${siteUrl}/wp-admin/authorize-application.php` } } } : [],
    routes: { '/': { namespace: '', methods: ['GET'] }, '/wp/v2/users/me': { namespace: 'wp/v2', methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] } },
    site_logo: 0,
    site_icon: 0,
    site_icon_url: '',
  });

  const server = await createFakeServer({
    name: 'WordPress',
    port: opts.port,
    endpoints: WORDPRESS_ENDPOINTS,
    failures: {
      sample: (endpoint) => (endpoint === 'usersMe' ? userJson(users[0]!) : indexJson()),
      missingFields: (endpoint) => (endpoint === 'usersMe' ? { id: 1 } : { description: 'x' }),
      rateLimited: (_e, { resetAt, limit }) => ({ ...error(429, 'rest_rate_limited', 'Too many requests.'), headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(Math.max(1, resetAt - server.clock.nowSec())), 'x-ratelimit-limit': String(limit) } }),
      invalidGrant: () => error(401, 'incorrect_password', 'The provided password is an invalid application password.'),
    },
  });

  /** What wp_authenticate_application_password + rest_application_password_check_errors decide. */
  function authenticate(req: FakeRequest): { user: WordPressUser | null; error: Reply | null; note: string; password: string | null } {
    const result = authenticateInner(req);
    return { ...result, password: result.user ? passwordOf(req) : null };
  }

  function passwordOf(req: FakeRequest): string | null {
    const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return null;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }

  function authenticateInner(req: FakeRequest): { user: WordPressUser | null; error: Reply | null; note: string } {
    const header = opts.stripAuthorization ? undefined : req.headers.authorization;
    const m = header ? /^Basic\s+(\S+)$/i.exec(header) : null;
    if (!m) return { user: null, error: null, note: header ? 'non-basic auth ignored' : opts.stripAuthorization && req.headers.authorization ? 'authorization stripped' : 'anonymous' };
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const login = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    seen.add(squash(password));
    // is_in_use(): with no application password anywhere on the site, Basic auth is ignored.
    if (!users.some((u) => u.appPasswords.length > 0)) return { user: null, error: null, note: 'no app passwords in use' };
    const user = users.find((u) => u.login === login) ?? (login.includes('@') ? users.find((u) => u.email === login) : undefined);
    // 6.1 (Debian 12's) answers an unknown user like a missing header: "not logged in" (seen on a real 6.1.9).
    if (!user && version === '6.1') return { user: null, error: null, note: 'unknown user (6.1)' };
    if (!user) {
      return login.includes('@')
        ? { user: null, error: error(401, 'invalid_email', 'Unknown email address. Check again or try your username.'), note: 'invalid_email' }
        : { user: null, error: error(401, 'invalid_username', 'Unknown username. Check again or try your email address.'), note: 'invalid_username' };
    }
    if (!appPasswordsAvailable) return { user: null, error: error(401, 'application_passwords_disabled', 'Application passwords are not available.'), note: 'app passwords disabled' };
    if (user.appPasswords.some((p) => squash(p) === squash(password))) return { user, error: null, note: `user ${user.id}` };
    // 6.1 (Debian 12's) ends up "not logged in"; newer versions name the wrong password.
    if (version === '6.1') return { user: null, error: null, note: 'wrong password (6.1)' };
    return { user: null, error: error(401, 'incorrect_password', 'The provided password is an invalid application password.'), note: 'incorrect_password' };
  }

  function rest(route: string, req: FakeRequest): Reply {
    if (opts.restDisabled) return { ...noRoute(), note: 'rest disabled' };
    const auth = authenticate(req);
    if (auth.error) return { ...auth.error, note: auth.note };
    const r = route.replace(/\/+$/, '') || '/';
    if (r === '/') return { ...json(200, indexJson(), linkHeaders()), note: auth.note };
    if (r === '/wp/v2/users/me/application-passwords/introspect' || r.startsWith('/wp/v2/users/me/application-passwords/')) {
      if (!auth.user) return { ...error(401, 'rest_not_logged_in', 'You are not currently logged in.'), note: auth.note };
      const used = authorized.find((a) => a.login === auth.user!.login && auth.password !== null && squash(a.password) === squash(auth.password));
      if (r.endsWith('/introspect')) {
        if (req.method !== 'GET') return noRoute();
        // A seeded password was made in the profile screen: no app_id.
        return used
          ? json(200, { uuid: used.uuid, app_id: used.appId, name: used.appName, created: '2026-11-24T00:00:00', last_used: null, last_ip: null })
          : json(200, { uuid: `seeded-${auth.user.id}`, app_id: '', name: 'Typed in the profile screen', created: '2026-01-01T00:00:00', last_used: null, last_ip: null });
      }
      if (req.method !== 'DELETE') return noRoute();
      const uuid = r.slice('/wp/v2/users/me/application-passwords/'.length);
      const index = authorized.findIndex((a) => a.uuid === uuid && a.login === auth.user!.login);
      if (index < 0) return error(404, 'application_password_not_found', 'Could not find an application password with that id.');
      const [gone] = authorized.splice(index, 1);
      auth.user.appPasswords.splice(auth.user.appPasswords.findIndex((p) => squash(p) === squash(gone!.password)), 1);
      return { ...json(200, { deleted: true, previous: { uuid, app_id: gone!.appId, name: gone!.appName } }), note: 'app password deleted' };
    }
    if (r === '/wp/v2/posts' && req.method === 'POST') return createPost(req, auth.user, auth.note);
    if (r === '/wp/v2/users/me') {
      if (!auth.user) return { ...error(401, 'rest_not_logged_in', 'You are not currently logged in.'), note: auth.note };
      const context = req.query.get('context') ?? 'view';
      if (context !== 'edit') {
        const { id, name, url, description, link, slug, avatar_urls } = userJson(auth.user);
        return json(200, { id, name, url, description, link, slug, avatar_urls });
      }
      return { ...json(200, userJson(auth.user)), note: auth.note };
    }
    return noRoute();
  }

  const posts: WordPressPost[] = [];
  const STATUSES = ['publish', 'future', 'draft', 'pending', 'private'];

  function createPost(req: FakeRequest, user: WordPressUser | null, note: string): Reply {
    if (!user?.capabilities.edit_posts) {
      const status = user ? 403 : 401;
      return { ...error(status, 'rest_cannot_create', 'Sorry, you are not allowed to create posts as this user.'), note };
    }
    const body = (req.json ?? {}) as { title?: unknown; content?: unknown; status?: unknown };
    const status = body.status === undefined ? 'draft' : String(body.status);
    if (!STATUSES.includes(status)) return error(400, 'rest_invalid_param', 'Invalid parameter(s): status', { params: { status: `status is not one of ${STATUSES.join(', ')}.` } });
    if ((status === 'publish' || status === 'future') && !user.capabilities.publish_posts) {
      return { ...error(403, 'rest_cannot_publish', 'Sorry, you are not allowed to publish posts in this post type.'), note: 'cannot publish' };
    }
    const title = typeof body.title === 'string' ? body.title : '';
    const content = typeof body.content === 'string' ? body.content : '';
    if (!title.trim() && !content.trim()) return error(400, 'empty_content', 'Content, title, and excerpt are empty.');
    const id = 100 + posts.length;
    const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || String(id);
    const link = status === 'publish' && !plain ? `${siteUrl}/${slug}/` : `${siteUrl}/?p=${id}`;
    posts.push({ id, author: user.id, status, title, content, link });
    const rendered = (s: string) => ({ raw: s, rendered: s });
    return {
      ...json(201, { id, date: new Date(server.clock.now()).toISOString().slice(0, 19), slug, status, type: 'post', link, title: rendered(title), content: { ...rendered(content), protected: false }, author: user.id }),
      note: `created ${status} ${id}`,
    };
  }

  function linkHeaders(): Record<string, string> {
    return opts.linkHeader === false || opts.restDisabled ? {} : { link: `<${restRoot}>; rel="https://api.w.org/"` };
  }

  function frontPage(): Reply {
    if (opts.notWordPress) return html(200, `<!doctype html><html><head><title>${siteName}</title></head><body><h1>Hello</h1></body></html>`);
    const reply = html(
      200,
      `<!doctype html><html lang="en-US"><head><meta charset="UTF-8"><title>${siteName}</title><meta name="generator" content="WordPress ${version}">` +
        `<link rel="stylesheet" href="${siteUrl}/wp-includes/css/dist/block-library/style.min.css"></head><body class="home blog"><h1>${siteName}</h1></body></html>`,
    );
    return { ...reply, headers: { ...reply.headers, ...linkHeaders() } };
  }

  function notFoundPage(): Reply {
    if (opts.notWordPress) return html(404, '<!doctype html><title>404</title><h1>Not found</h1>');
    const reply = html(404, `<!doctype html><html><head><title>Page not found – ${siteName}</title></head><body class="error404"><link rel="stylesheet" href="${siteUrl}/wp-content/themes/twentytwentyfour/style.css"></body></html>`);
    return { ...reply, headers: { ...reply.headers, ...linkHeaders() } };
  }

  const endpointOf = (req: FakeRequest): WordPressEndpoint => {
    const route = req.query.get('rest_route') ?? (req.path.includes('/wp-json') ? req.path.slice(req.path.indexOf('/wp-json') + '/wp-json'.length) || '/' : null);
    if (route === null) return 'front';
    if (route.includes('/application-passwords')) return 'appPasswords';
    if (route.replace(/\/+$/, '') === '/wp/v2/posts') return 'posts';
    return route.replace(/\/+$/, '').endsWith('/users/me') ? 'usersMe' : 'index';
  };

  const front = (req: FakeRequest): Reply => {
    // ?rest_route= works with any permalink setting (rest_api_loaded reads it on every request).
    const route = req.query.get('rest_route');
    if (route !== null && !opts.notWordPress) return rest(route, req);
    return frontPage();
  };
  server.route('GET', `${base}/`, front, { endpoint: endpointOf });
  server.route('GET', `${base}/index.php`, front, { endpoint: endpointOf });
  const prettyRest = (route: string) => (req: FakeRequest) => (plain || opts.notWordPress ? notFoundPage() : rest(route, req));
  server.route('GET', `${base}/wp-json`, prettyRest('/'), { endpoint: endpointOf });
  server.route('GET', `${base}/wp-json/wp/v2/users/me`, prettyRest('/wp/v2/users/me'), { endpoint: endpointOf });
  server.route('GET', `${base}/wp-json/wp/v2/users`, prettyRest('/wp/v2/users'), { endpoint: endpointOf });
  server.route('GET', `${base}/wp-json/wp/v2/users/me/application-passwords/introspect`, prettyRest('/wp/v2/users/me/application-passwords/introspect'), { endpoint: endpointOf });
  server.route('DELETE', `${base}/wp-json/wp/v2/users/me/application-passwords/:uuid`, (req) => prettyRest(`/wp/v2/users/me/application-passwords/${req.params.uuid}`)(req), { endpoint: endpointOf });
  server.route('POST', `${base}/wp-json/wp/v2/posts`, prettyRest('/wp/v2/posts'), { endpoint: endpointOf });
  server.route('POST', `${base}/`, (req) => (req.query.get('rest_route') !== null && !opts.notWordPress ? rest(req.query.get('rest_route')!, req) : notFoundPage()), { endpoint: endpointOf });
  server.route('DELETE', `${base}/`, (req) => (req.query.get('rest_route') !== null && !opts.notWordPress ? rest(req.query.get('rest_route')!, req) : notFoundPage()), { endpoint: endpointOf });

  /** wp_die() as WordPress renders it: a small page with a title and the message. */
  const wpDie = (status: number, title: string, message: string, back?: string): Reply =>
    html(
      status,
      `<!doctype html><html lang="en-US"><head><meta charset="UTF-8"><title>${escapeHtml(title)}</title></head><body id="error-page"><div class="wp-die-message"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>` +
        (back ? `<p><a href="${escapeHtml(back)}">Go Back</a></p>` : '') +
        '</div></body></html>',
    );

  function authorizeRequest(q: URLSearchParams): { appName: string; appId: string; success: string | null; reject: string | null } {
    const success = q.get('success_url') || null;
    return { appName: q.get('app_name') ?? '', appId: q.get('app_id') ?? '', success, reject: q.get('reject_url') || (success ? addQueryArgs(success, { success: 'false' }) : null) };
  }

  function approve(login: string, request: ReturnType<typeof authorizeRequest>): Reply {
    const user = users.find((u) => u.login === login)!;
    // WP_Application_Passwords::create_new_application_password (5.7+): names are unique per user.
    if (authorized.some((a) => a.login === login && a.appName === request.appName)) {
      return { ...html(200, '<!doctype html><div class="notice notice-error"><p>Each application name should be unique.</p></div>'), note: 'duplicate name' };
    }
    const password = Array.from({ length: 24 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 62)]).join('');
    user.appPasswords.push(password);
    authorized.push({ login, appId: request.appId, appName: request.appName, uuid: crypto.randomUUID(), password });
    if (!request.success) return { ...html(200, `<!doctype html><p>Your new password for ${escapeHtml(request.appName)} is: <input readonly value="${password}"></p>`), note: 'approved, shown' };
    return { ...redirect(addQueryArgs(request.success, { site_url: siteUrl, user_login: login, password })), note: `approved as ${login}` };
  }

  const authorizePage = (req: FakeRequest): Reply => {
    const request = authorizeRequest(req.query);
    const problems = [redirectUrlProblem(request.success ?? '', environmentType === 'local'), redirectUrlProblem(request.reject ?? '', environmentType === 'local')].filter((p): p is string => p !== null);
    if (request.appId && !UUID.test(request.appId)) problems.push('The application ID must be a UUID.');
    if (problems.length) return { ...wpDie(500, 'Cannot Authorize Application', `The Authorize Application request is not allowed. ${[...new Set(problems)].join(' ')}`), note: 'request refused' };
    if (!appPasswordsAvailable) {
      return { ...wpDie(501, 'Cannot Authorize Application', 'Application passwords are not available.', request.reject ? addQueryArgs(request.reject, { error: 'disabled' }) : undefined), note: 'unavailable' };
    }
    if (pendingAuthorize) {
      const { decision, login } = pendingAuthorize;
      pendingAuthorize = null;
      if (decision === 'reject') return { ...redirect(request.reject ?? `${siteUrl}/wp-admin/`), note: 'rejected' };
      return approve(login, request);
    }
    const hidden = (name: string, value: string | null) => `<input type="hidden" name="${name}" value="${escapeHtml(value ?? '')}">`;
    return {
      ...html(
        200,
        `<!doctype html><html lang="en-US"><head><meta charset="UTF-8"><title>Authorize Application ‹ ${escapeHtml(siteName)} — WordPress</title></head><body class="wp-admin">` +
          `<h1>Authorize Application</h1><p>Would you like to give the application identified as <strong>${escapeHtml(request.appName || 'an application')}</strong> access to your account (${escapeHtml(browserLogin)})?</p>` +
          `<form method="post" action="${escapeHtml(`${base}/wp-admin/authorize-application.php`)}">${hidden('app_name', request.appName)}${hidden('app_id', request.appId)}${hidden('success_url', request.success)}${hidden('reject_url', request.reject)}` +
          `<button type="submit" name="approve" value="1">Yes, I approve of this connection</button> <button type="submit" name="reject" value="1">No, I do not approve of this connection</button></form></body></html>`,
      ),
      note: 'authorize page',
    };
  };
  server.route('GET', `${base}/wp-admin/authorize-application.php`, authorizePage, { endpoint: 'authorize' });
  server.route(
    'POST',
    `${base}/wp-admin/authorize-application.php`,
    (req) => {
      const request = authorizeRequest(req.form);
      if (req.form.has('reject')) return { ...redirect(request.reject ?? `${siteUrl}/wp-admin/`), note: 'rejected' };
      if (!req.form.has('approve')) return text(400, 'Bad form');
      return approve(browserLogin, request);
    },
    { endpoint: 'authorize' },
  );
  server.control('auto-authorize', z.object({ decision: z.enum(['approve', 'reject']), login: z.string().optional() }), ({ decision, login }) => fake.autoAuthorize(decision, login));
  const avatarPng = solidPng(96, [120, 60, 200]);
  server.route('GET', '/avatar/:hash', (req) => (/^[0-9a-f]{32}$/.test(req.params.hash ?? '') ? png(avatarPng) : text(404, 'Not Found')), { endpoint: 'avatar' });

  server.control('delete-app-passwords', z.object({ login: z.string() }), ({ login }) => fake.deleteAppPasswords(login));
  server.control('demote', z.object({ login: z.string() }), ({ login }) => fake.demote(login));
  server.control('posts', z.object({}), () => posts, { read: true });

  const fake: FakeWordPress = {
    origin: server.origin,
    siteUrl,
    restRoot,
    users,
    endpoints: WORDPRESS_ENDPOINTS,
    originMap: () => ({ [site.origin]: server.origin, 'https://secure.gravatar.com': server.origin }),
    get requests() {
      return server.requests;
    },
    clearRequests: () => server.clearRequests(),
    failNext: (endpoint, kind, failOpts) => server.failNext(endpoint, kind, failOpts),
    answerLate: (endpoint, lateOpts) => server.answerLate(endpoint, lateOpts),
    now: () => server.clock.now(),
    advance: (seconds) => server.clock.advance(seconds),
    // Application passwords do not expire.
    expireAccessTokens() {},
    revokeUser(userId) {
      fake.deleteAppPasswords(users.find((u) => String(u.id) === userId || u.login === userId)?.login ?? '');
    },
    liveGrants(userId) {
      return users.find((u) => String(u.id) === userId || u.login === userId)?.appPasswords.length ?? 0;
    },
    sawPassword: (password) => seen.has(squash(password)),
    autoAuthorize(decision, login = browserLogin) {
      pendingAuthorize = { decision, login };
    },
    authorized,
    posts,
    demote(login) {
      const user = users.find((u) => u.login === login);
      if (!user) throw new Error(`fake WordPress has no user ${login}`);
      user.roles = ['subscriber'];
      user.capabilities = SUBSCRIBER_CAPS;
    },
    deleteAppPasswords(login) {
      const user = users.find((u) => u.login === login);
      if (user) user.appPasswords.length = 0;
    },
    close: () => server.close(),
  };
  return fake;
}
