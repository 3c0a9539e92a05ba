// WordPress (self-hosted, 5.6+): an application password sent as HTTP Basic
// username:password on every REST request. Nothing expires and nothing renews, so
// there are no tokens: the sealed application password is the whole credential.
// The site is anywhere (any host, a subfolder, plain permalinks), so the REST root
// is discovered, and every way that can fail gets its own sentence with the fix.
import { z } from 'zod';
import { rejectUnusable } from '../oauth/oauth-client.ts';
import { providerDecl } from './providers.ts';
import type { AppPasswordConnection, Connector, ConnectorContext, Profile } from './types.ts';
import { PlatformError } from '../errors/platform-error.ts';

const NAME = 'WordPress';
const WHERE = 'Create one in your WordPress admin under Users → Profile → Application Passwords';
const API_REL = 'https://api.w.org/';
const MAX_REDIRECTS = 5;
/** The line for Apache (.htaccess) that hands the Authorization header on to PHP. */
export const HTACCESS_FIX = 'SetEnvIf Authorization "(.*)" HTTP_AUTHORIZATION=$1';

/** Normalises what the user typed: https:// when no scheme, subfolder kept, no trailing slash, no query. */
export function normaliseSiteUrl(input: string): string {
  const s = input.trim();
  if (!s) throw new PlatformError('setup', 'Enter the address of your WordPress site, like https://example.com.');
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `https://${s}`);
  } catch {
    throw new PlatformError('setup', `“${s}” is not a web address. Enter the address of your WordPress site, like https://example.com.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new PlatformError('setup', 'The site address must start with https:// (or http:// for a local development site).');
  if (url.username || url.password) throw new PlatformError('setup', 'Leave the username and password out of the site address; enter them in their own fields.');
  const path = url.pathname.replace(/\/(wp-admin|wp-login\.php|wp-json)(\/.*)?$/i, '').replace(/\/+$/, '');
  return `${url.origin}${path}`;
}

/** Loopback and the usual development-only names: where WordPress may allow application passwords over http. */
function looksLocal(site: string): boolean {
  const host = new URL(site).hostname;
  return host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.test') || /^127\./.test(host) || host === '[::1]';
}

const fieldsSchema = z.object({
  siteUrl: z.string({ error: 'Enter the address of your WordPress site.' }),
  username: z
    .string({ error: 'Enter your WordPress username.' })
    .trim()
    .min(1, 'Enter your WordPress username (your login name, not the application password’s name).'),
  applicationPassword: z
    .string({ error: `Enter an application password. ${WHERE}.` })
    .transform((s) => s.trim())
    .pipe(z.string().min(1, `Enter an application password. ${WHERE}.`)),
  /** 'browser': WordPress created the password for Plugboard (Connect in browser), so Disconnect may delete it. */
  passwordSource: z.enum(['browser']).optional(),
});

/** WordPress's REST error body: {code, message, data: {status}}. */
const wpErrorSchema = z.object({ code: z.string(), message: z.string().optional() });

const userSchema = z.object({
  id: z.number(),
  name: z.string(),
  slug: z.string(),
  avatar_urls: z.record(z.string(), z.string()).optional(),
  capabilities: z.record(z.string(), z.unknown()).optional(),
  roles: z.array(z.string()).optional(),
});

const indexSchema = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  url: z.string().optional(),
  home: z.string().optional(),
  namespaces: z.array(z.string()).optional(),
  routes: z.unknown().optional(),
  // An object naming the authorize-application page when application passwords are available; `[]` when not.
  authentication: z.unknown().optional(),
});

const authorizationSchema = z.object({
  'application-passwords': z.object({ endpoints: z.object({ authorization: z.string().url() }) }),
});

/** Names Plugboard's application passwords in the user's profile, so Plugboard only ever deletes its own. */
export const PLUGBOARD_APP_ID = '5b0e5a7e-3c1d-4f4e-9a52-7c1b0f1f2a11';

const introspectSchema = z.object({ uuid: z.string().min(1), app_id: z.string().optional() });

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The JSON body when there is one. */
  json: unknown;
  /** The URL that answered (after redirects). */
  url: string;
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function wpCode(r: Reply): string | null {
  const p = wpErrorSchema.safeParse(r.json);
  return p.success ? p.data.code : null;
}

function hostOf(url: string): string {
  return new URL(url).host;
}

/**
 * A GET through Plugboard's HTTP layer, following redirects itself so that every hop goes
 * through the origin map. The Authorization header is only sent to the site's own origin.
 */
async function get(ctx: ConnectorContext, url: string, opts: { auth?: string; site: string }): Promise<Reply> {
  return send(ctx, 'GET', url, opts);
}

async function send(ctx: ConnectorContext, method: 'GET' | 'DELETE', url: string, opts: { auth?: string; site: string }): Promise<Reply> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const sameOrigin = new URL(current).origin === new URL(opts.site).origin;
    const headers: Record<string, string> = { accept: 'application/json, text/html;q=0.8, */*;q=0.5' };
    if (opts.auth && sameOrigin) headers.authorization = opts.auth;
    const res = await ctx.http.fetch(current, { method, headers, redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new PlatformError('server', `${hostOf(url)} redirects in a loop; open the site address in a browser and enter the address it ends up at.`);
      current = new URL(location, current).href;
      continue;
    }
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: parseJson(text), url: current };
  }
}

/** 429 and 5xx as the usual classified errors. */
async function rejectBusy(r: Reply): Promise<void> {
  await rejectUnusable(wordpress, new Response(null, { status: r.status === 429 || r.status >= 500 ? r.status : 200, headers: r.headers }));
}

/** A REST route under a root, for pretty (`/wp-json/`) and plain (`?rest_route=/`) roots alike. */
export function restUrl(root: string, route: string, params: Record<string, string> = {}): string {
  const url = new URL(root);
  if (url.searchParams.has('rest_route')) {
    url.searchParams.set('rest_route', `/${route.replace(/^\//, '')}`);
  } else {
    url.pathname = `${url.pathname.replace(/\/?$/, '/')}${route.replace(/^\//, '')}`;
  }
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}

/** The REST root from a Link header: `<https://site/wp-json/>; rel="https://api.w.org/"`. */
export function restRootFromLink(link: string | null): string | null {
  if (!link) return null;
  for (const m of link.matchAll(/<([^>]+)>([^,<]*)/g)) {
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(m[2] ?? '')?.[1];
    if (rel?.split(/\s+/).includes(API_REL)) return m[1]!;
  }
  return null;
}

function isRestIndex(r: Reply): boolean {
  if (r.status !== 200) return false;
  const p = indexSchema.safeParse(r.json);
  return p.success && (Array.isArray(p.data.namespaces) || p.data.routes !== undefined);
}

function looksLikeWordPressHtml(text: string): boolean {
  return /\/wp-(content|includes)\/|<meta[^>]+generator[^>]+WordPress/i.test(text);
}

interface Discovery {
  /** The site address after the front page's redirects (http → https, www). */
  site: string;
  root: string;
  index: z.infer<typeof indexSchema>;
  notes: string[];
}

function unreachable(site: string, e: PlatformError): PlatformError {
  return new PlatformError(
    'network',
    `${/did not answer/.test(e.message) ? e.message : `Could not reach ${hostOf(site)}.`} Check the site address (open it in a browser to be sure) and your internet connection.`,
    { cause: e },
  );
}

function restDisabled(site: string): PlatformError {
  return new PlatformError(
    'setup',
    `${hostOf(site)} is a WordPress site, but its REST API is turned off (it answers “rest_no_route”). Plugboard needs it: turn the REST API back on in the security or “disable REST API” plugin that blocks it, or ask your host.`,
  );
}

/** Finds the REST root: the Link header, else /wp-json/, else plain permalinks' ?rest_route=/. */
async function discover(ctx: ConnectorContext, typed: string): Promise<Discovery> {
  const notes: string[] = [];
  let front: Reply;
  try {
    front = await get(ctx, `${typed}/`, { site: typed });
  } catch (e) {
    if (e instanceof PlatformError && e.kind === 'network') throw unreachable(typed, e);
    throw e;
  }
  // The address the site itself uses once redirects are done (http → https, a www prefix…).
  let site = typed;
  if (front.url !== `${typed}/`) {
    const moved = normaliseSiteUrl(front.url);
    if (moved !== typed) {
      site = moved;
      notes.push(`${typed} sends visitors to ${site}; Plugboard uses that address.`);
    }
  }
  if (front.status >= 500) await rejectBusy(front);
  const wordpressHtml = looksLikeWordPressHtml(front.text);
  let sawNoRoute = wpCode(front) === 'rest_no_route';
  const candidates: string[] = [];
  const linked = restRootFromLink(front.headers.get('link'));
  if (linked) candidates.push(new URL(linked, front.url).href);
  candidates.push(`${site}/wp-json/`, `${site}/?rest_route=/`);
  for (const root of [...new Set(candidates)]) {
    let r: Reply;
    try {
      r = await get(ctx, root, { site });
    } catch (e) {
      if (e instanceof PlatformError && e.kind === 'network' && root !== candidates[0]) continue;
      throw e instanceof PlatformError && e.kind === 'network' ? unreachable(site, e) : e;
    }
    if (isRestIndex(r)) {
      if (new URL(root).searchParams.has('rest_route')) notes.push('The site uses plain permalinks, so its REST API is at ?rest_route=/.');
      return { site, root, index: indexSchema.parse(r.json), notes };
    }
    if (wpCode(r) === 'rest_no_route' || wpCode(r) === 'rest_disabled' || wpCode(r) === 'rest_cannot_access') sawNoRoute = true;
    if (r.status === 429 || r.status >= 500) {
      // The Link header named this root: a broken answer there is the site's trouble, not "not WordPress".
      if (root === candidates[0] && linked) await rejectBusy(r);
      continue;
    }
    if (r.status === 200 && r.json === undefined && root === candidates[0] && linked && r.headers.get('content-type')?.includes('json')) {
      throw new PlatformError('malformed', `${hostOf(site)} sent a REST API index that is not valid JSON. Nothing was saved; try again later.`);
    }
  }
  if (sawNoRoute || linked || wordpressHtml) throw restDisabled(site);
  throw new PlatformError(
    'setup',
    `${hostOf(site)} does not look like a WordPress site: it has no WordPress REST API (no api.w.org link, nothing at /wp-json/ or ?rest_route=/). Check the address; if WordPress lives in a subfolder, include it (https://example.com/blog).`,
  );
}

function wrongPassword(username: string, alsoStripped: boolean, site: string): PlatformError {
  if (alsoStripped) {
    return new PlatformError(
      'auth',
      `${hostOf(site)} did not accept the sign-in and Plugboard cannot tell why: either the application password for “${username}” is wrong (create a new one under Users → Profile → Application Passwords), ` +
        `or the web server drops the Authorization header (on Apache add ${HTACCESS_FIX} to .htaccess, or ask your host).`,
    );
  }
  return new PlatformError(
    'auth',
    `WordPress did not accept that application password for “${username}”. Check you copied it whole (spaces are fine), that it belongs to this user and this site, and that it was not deleted. ${WHERE}.`,
  );
}

/** users/me?context=edit with the credentials, every failure as its sentence. */
async function readMe(ctx: ConnectorContext, d: Discovery, username: string, password: string, opts: { probeOnly?: boolean } = {}): Promise<Reply> {
  const me = restUrl(d.root, 'wp/v2/users/me', { context: 'edit' });
  const r = await get(ctx, me, { site: d.site, auth: basic(username, password) });
  if (opts.probeOnly) return r;
  const code = wpCode(r);
  if (r.status === 200) return r;
  await rejectBusy(r);
  switch (code) {
    case 'invalid_username':
    case 'invalid_email':
      throw new PlatformError(
        'auth',
        `${hostOf(d.site)} has no user “${username}”. Enter your WordPress login name (the one you sign in to wp-admin with), not the application password’s name or your display name.`,
      );
    case 'incorrect_password':
      throw wrongPassword(username, false, d.site);
    case 'application_passwords_disabled':
      throw httpsNeeded(d.site, true);
    case 'application_passwords_disabled_for_user':
      throw new PlatformError('setup', `WordPress does not allow application passwords for “${username}” on ${hostOf(d.site)} (a plugin or the site’s settings turn them off for this user). Ask the site’s administrator.`);
    case 'rest_no_route':
      throw restDisabled(d.site);
    case 'rest_not_logged_in':
      return notLoggedIn(ctx, d, username);
  }
  if (r.status === 401 || r.status === 403) {
    throw new PlatformError(
      'auth',
      `${hostOf(d.site)} refused the sign-in (HTTP ${r.status}${code ? `, “${code}”` : ''}). Check the username and application password; a security plugin or firewall may also block REST API sign-ins.`,
      { status: r.status },
    );
  }
  throw new PlatformError('server', `${hostOf(d.site)} could not return your WordPress user (HTTP ${r.status}${code ? `, “${code}”` : ''}).`, { status: r.status });
}

function httpsNeeded(site: string, said: boolean): PlatformError {
  return new PlatformError(
    'setup',
    `WordPress turns application passwords off on sites served over plain http${said ? ' (the site answered “Application passwords are not available”)' : ''}, except local development sites. ` +
      `Serve ${hostOf(site)} over HTTPS and enter its https:// address. Plugboard did not send your application password.`,
  );
}

/**
 * `rest_not_logged_in` while Basic was sent: the server stripped the header, or (WordPress 6.1)
 * the password is wrong. A made-up user tells them apart: if the header arrives, WordPress says
 * `invalid_username`; if it is stripped, the answer stays "not logged in".
 */
async function notLoggedIn(ctx: ConnectorContext, d: Discovery, username: string): Promise<never> {
  let probe: Reply | null = null;
  try {
    probe = await readMe(ctx, d, `plugboard-probe-${Math.random().toString(36).slice(2, 10)}`, 'xxxx xxxx xxxx xxxx xxxx xxxx', { probeOnly: true });
  } catch {
    probe = null;
  }
  const code = probe ? wpCode(probe) : null;
  // The header reaches WordPress (it named the made-up user): the password is what is wrong.
  if (code === 'invalid_username' || code === 'invalid_email' || code === 'incorrect_password') throw wrongPassword(username, false, d.site);
  // "Not logged in" for a made-up user too: WordPress 6.1 (Debian 12's) answers a wrong password, an unknown
  // user and a stripped header byte for byte alike (checked against a real 6.1.9), so both causes are named.
  throw wrongPassword(username, true, d.site);
}

function largestAvatar(urls: Record<string, string> | undefined): string | null {
  const sizes = Object.keys(urls ?? {}).filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(b) - Number(a));
  return sizes.length ? urls![sizes[0]!]! : null;
}

function readUser(r: Reply, site: string): z.infer<typeof userSchema> {
  if (r.json === undefined) throw new PlatformError('malformed', `${hostOf(site)} sent your WordPress user in a form that is not JSON (a plugin or the server may print something before it). Nothing was saved; try again later.`);
  const p = userSchema.safeParse(r.json);
  if (!p.success) {
    const issue = p.error.issues[0];
    throw new PlatformError('malformed', `${hostOf(site)} sent your WordPress user without the expected fields (${issue?.path.join('.') || 'body'}: ${issue?.message}). Nothing was saved.`);
  }
  return p.data;
}

async function connect(ctx: ConnectorContext, typed: string, username: string, password: string): Promise<{ profile: Profile; notes: string[] }> {
  const d = await discover(ctx, typed);
  const site = d.site;
  const https = new URL(d.root).protocol === 'https:' && new URL(site).protocol === 'https:';
  if (!https) {
    // Plain http: ask with a made-up password first, so the real one only travels unencrypted
    // where WordPress itself allows it (a site whose environment type is "local").
    const probe = await readMe(ctx, d, username, `plugboard-probe ${Math.random().toString(36).slice(2, 10)}`, { probeOnly: true });
    if (wpCode(probe) === 'application_passwords_disabled') throw httpsNeeded(site, true);
    d.notes.push(
      looksLocal(site)
        ? `${hostOf(site)} is served over plain http; that is fine for a local development site only.`
        : `${hostOf(site)} is served over plain http, so the application password travels unencrypted. Switch the site to HTTPS if it is on the internet.`,
    );
  }
  const me = readUser(await readMe(ctx, d, username, password), site);
  if (me.capabilities === undefined) {
    throw new PlatformError('malformed', `${hostOf(site)} did not say what “${username}” may do (no capabilities in /wp/v2/users/me?context=edit). A plugin may hide them. Nothing was saved.`);
  }
  if (me.capabilities.publish_posts !== true) {
    const role = me.roles?.[0];
    throw new PlatformError(
      'denied',
      `“${username}” cannot publish posts on ${hostOf(site)}${role ? ` (role: ${role})` : ''}. Ask the site’s administrator to make you an Author, Editor or Administrator, or connect a user who can publish.`,
    );
  }
  const siteName = d.index.name?.trim() || hostOf(site);
  const profile: Profile = {
    platformUserId: `${site}#${me.id}`,
    handle: me.slug,
    displayName: me.name.trim() || me.slug,
    avatarUrl: largestAvatar(me.avatar_urls),
    details: { siteUrl: site, siteName, restRoot: d.root, username },
  };
  return { profile, notes: d.notes };
}

export const wordpress: Connector = {
  decl: providerDecl('wordpress'),

  appPassword: {
    fields: [
      { name: 'siteUrl', label: 'Site address', kind: 'url', placeholder: 'https://example.com', autocomplete: 'url' },
      { name: 'username', label: 'Username', kind: 'text', help: 'Your WordPress login name, not the application password’s name', autocomplete: 'username' },
      {
        name: 'applicationPassword',
        label: 'Application password',
        kind: 'password',
        placeholder: 'xxxx xxxx xxxx xxxx xxxx xxxx',
        help: 'Users → Profile → Application Passwords in your WordPress admin; spaces are fine',
        autocomplete: 'off',
      },
    ],

    // `test` and `save` do the same: Basic auth opens no session, so there is nothing to close.
    async verify(ctx, values, _now, _purpose): Promise<AppPasswordConnection> {
      const parsed = fieldsSchema.safeParse(values);
      if (!parsed.success) throw new PlatformError('setup', parsed.error.issues.map((i) => i.message).join(' '));
      const { username, applicationPassword, passwordSource } = parsed.data;
      const site = normaliseSiteUrl(parsed.data.siteUrl);
      const { profile, notes } = await connect(ctx, site, username, applicationPassword);
      if (passwordSource) profile.details.passwordSource = passwordSource;
      return { profile, tokens: null, secret: applicationPassword, notes };
    },
  },

  browserConnect: {
    async authorizePage(ctx, siteUrl, redirect, now) {
      const d = await discover(ctx, normaliseSiteUrl(siteUrl));
      const auth = authorizationSchema.safeParse(d.index.authentication);
      if (!auth.success) {
        if (new URL(d.site).protocol !== 'https:') throw httpsNeeded(d.site, false);
        throw new PlatformError(
          'setup',
          `${hostOf(d.site)} does not offer application passwords (its REST API names no authorization page): it runs a WordPress older than 5.6, or a plugin turns application passwords off. Update WordPress or turn them back on, then try again.`,
        );
      }
      const url = new URL(auth.data['application-passwords'].endpoints.authorization);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new PlatformError('malformed', `${hostOf(d.site)} names an authorization page that is not a web address. Nothing was opened.`);
      // WordPress (5.7+) refuses a second password with the same name for a user, so a Reconnect
      // needs a new one; the time also tells the user which password is which in their profile.
      url.searchParams.set('app_name', `Plugboard ${new Date(now).toISOString().slice(0, 19).replace('T', ' ')} UTC`);
      url.searchParams.set('app_id', PLUGBOARD_APP_ID);
      url.searchParams.set('success_url', redirect.successUrl);
      url.searchParams.set('reject_url', redirect.rejectUrl);
      return { url: url.href, site: d.site };
    },
    valuesFrom: (params, site) => ({
      siteUrl: site,
      username: params.get('user_login') ?? '',
      applicationPassword: params.get('password') ?? '',
      passwordSource: 'browser',
    }),
  },

  describeAuthorizeError(error) {
    if (error === 'access_denied') return 'You chose not to approve Plugboard on your WordPress site. Nothing was connected.';
    if (error === 'disabled') {
      return 'WordPress says application passwords are not available for your account on this site (a plugin or the site’s settings turn them off, or the site sits behind Basic Authentication). Ask the site’s administrator.';
    }
    return null;
  },

  /**
   * WordPress has no tokens: the credential is the application password itself, which the core
   * does not hand to fetchProfile today (it passes the stored access token, '' for WordPress).
   * Given the application password in its place, this re-reads the account from the stored
   * site and username; given nothing, it says to use Test connection / Reconnect.
   */
  async fetchProfile(ctx, appPassword) {
    const details = ctx.account?.details;
    if (!appPassword || !details?.siteUrl || !details.username) {
      throw new PlatformError('setup', `${NAME} accounts are checked with their application password: use Reconnect (or Test connection) to read the profile again.`);
    }
    return (await connect(ctx, details.siteUrl, details.username, appPassword)).profile;
  },

  /**
   * A password WordPress made for Plugboard (Connect in browser) is deleted at the site: introspect
   * for its uuid (WordPress 5.7+), then DELETE it, but only when it carries Plugboard's app_id. A
   * typed password may serve other tools too, so it stays and the note says where to delete it.
   */
  async revoke(ctx, tokens) {
    const details = ctx.account?.details;
    const kept = { note: `The application password stays on ${details?.siteUrl ? hostOf(details.siteUrl) : 'the site'}: it was typed in, and other tools may use it. Delete it under Users → Profile → Application Passwords if nothing else does.` };
    if (details?.passwordSource !== 'browser' || !details.restRoot || !details.siteUrl || !details.username || !tokens.appPassword) return kept;
    const auth = basic(details.username, tokens.appPassword);
    const site = details.siteUrl;
    const r = await get(ctx, restUrl(details.restRoot, 'wp/v2/users/me/application-passwords/introspect'), { site, auth });
    // The site no longer takes the password (deleted there already): nothing is left to revoke.
    if (r.status === 401) return;
    if (r.status === 404) {
      return { note: `${hostOf(site)} cannot delete application passwords from outside (WordPress older than 5.7): delete “Plugboard” under Users → Profile → Application Passwords.` };
    }
    await rejectBusy(r);
    const me = introspectSchema.safeParse(r.json);
    if (r.status !== 200 || !me.success) throw new PlatformError('server', `${hostOf(site)} did not say which application password this is (HTTP ${r.status}); delete “Plugboard” under Users → Profile → Application Passwords.`);
    if (me.data.app_id !== PLUGBOARD_APP_ID) return kept;
    const del = await send(ctx, 'DELETE', restUrl(details.restRoot, `wp/v2/users/me/application-passwords/${encodeURIComponent(me.data.uuid)}`), { site, auth });
    if (del.status === 200 || del.status === 404) return;
    await rejectBusy(del);
    throw new PlatformError('server', `${hostOf(site)} did not delete the application password (HTTP ${del.status}); delete “Plugboard” under Users → Profile → Application Passwords.`);
  },
};
