// How Plugboard finds a WordPress site's REST API (wherever the site lives: any host, a subfolder, plain
// permalinks) and talks to it, redirects followed hop by hop through the origin map.
import { z } from 'zod';
import { PlatformError } from '../errors/platform-error.ts';
import { rejectUnusable } from '../oauth/oauth-client.ts';
import { providerDecl } from './providers.ts';
import type { ConnectorContext } from './types.ts';

/** Who the classified errors name; the connector itself (wordpress.ts) is built on this file. */
const WORDPRESS = { decl: providerDecl('wordpress') };
const API_REL = 'https://api.w.org/';
const MAX_REDIRECTS = 5;

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

/** WordPress's REST error body: {code, message, data: {status}}. */
const wpErrorSchema = z.object({ code: z.string(), message: z.string().optional() });

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

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The JSON body when there is one. */
  json: unknown;
  /** The URL that answered (after redirects). */
  url: string;
}

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function wpCode(r: Reply): string | null {
  const p = wpErrorSchema.safeParse(r.json);
  return p.success ? p.data.code : null;
}

export function hostOf(url: string): string {
  return new URL(url).host;
}

/**
 * A GET through Plugboard's HTTP layer, following redirects itself so that every hop goes
 * through the origin map. The Authorization header is only sent to the site's own origin.
 */
export async function get(ctx: ConnectorContext, url: string, opts: { auth?: string; site: string }): Promise<Reply> {
  return send(ctx, 'GET', url, opts);
}

export async function send(ctx: ConnectorContext, method: 'GET' | 'DELETE', url: string, opts: { auth?: string; site: string }): Promise<Reply> {
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
export async function rejectBusy(r: Reply): Promise<void> {
  await rejectUnusable(WORDPRESS, new Response(null, { status: r.status === 429 || r.status >= 500 ? r.status : 200, headers: r.headers }));
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

export interface Discovery {
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

export function restDisabled(site: string): PlatformError {
  return new PlatformError(
    'setup',
    `${hostOf(site)} is a WordPress site, but its REST API is turned off (it answers “rest_no_route”). Plugboard needs it: turn the REST API back on in the security or “disable REST API” plugin that blocks it, or ask your host.`,
  );
}

/** Finds the REST root: the Link header, else /wp-json/, else plain permalinks' ?rest_route=/. */
export async function discover(ctx: ConnectorContext, typed: string): Promise<Discovery> {
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
