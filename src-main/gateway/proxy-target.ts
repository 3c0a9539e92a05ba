// Where a proxied request goes: a path joined to the account's API base, or a full URL that must be on one of the
// platform's API origins (providers.ts, `api`). Anything else is refused before a byte leaves, since the account's
// credential travels with the request.
import type { ApiDecl } from '../connectors/types.ts';
import type { AccountRow } from '../store/accounts.ts';
import { accountRef } from './account-ref.ts';
import { GatewayFailure } from './replies.ts';

/** Parses paths only; a path that would leave it (`//host`, `/\host`) is refused. */
const PATH_PARSER = 'https://path.invalid';

export interface Target {
  url: URL;
  /** What the record names: the path the tool asked for, never its query. */
  path: string;
}

/** The account's API base: its login's (Instagram through a Page), the platform's, or its own (a PDS, a REST root). */
export function apiBase(decl: ApiDecl, row: AccountRow): string {
  const via = row.via ? decl.baseVia?.[row.via] : undefined;
  if (via) return via;
  if ('url' in decl.base) return decl.base.url;
  const own = (JSON.parse(row.details) as Record<string, string>)[decl.base.detail];
  if (!own || !URL.canParse(own)) throw new GatewayFailure('platform', `${accountRef(row)} has no API address stored: Reconnect it in Plugboard.`);
  return own;
}

export function resolveTarget(decl: ApiDecl, row: AccountRow, given: string | null): Target {
  if (!given) throw new GatewayFailure('bad_request', 'Say what to request: url=/path (relative to the platform’s API) or a full https:// URL.');
  if (/[\u0000-\u0020\u007f]/.test(given)) throw new GatewayFailure('bad_request', 'The url contains spaces or control characters; percent-encode them.');
  const base = apiBase(decl, row);
  if (given.startsWith('/')) {
    const parsed = new URL(given, PATH_PARSER);
    if (parsed.origin !== PATH_PARSER) throw new GatewayFailure('bad_request', `"${given}" is not a path; give a full URL to name a host.`);
    return { url: joinBase(base, parsed), path: parsed.pathname };
  }
  if (!URL.canParse(given)) throw new GatewayFailure('bad_request', `"${given}" is neither a path starting with / nor a full URL.`);
  const url = new URL(given);
  if (url.username || url.password) throw new GatewayFailure('bad_request', 'Leave user names and passwords out of the URL: Plugboard signs the request itself.');
  // Exact origins: scheme, host and port. The declared ones are all https, so plain http is refused with the rest;
  // only an account's own base may be plain http (a local WordPress site connected that way).
  const allowed = new Set([...decl.origins, new URL(base).origin]);
  if (!allowed.has(url.origin)) {
    throw new GatewayFailure('origin_not_allowed', `${url.origin} is not one of ${accountRef(row)}'s API origins (${[...allowed].join(', ')}); Plugboard sends its token nowhere else.`);
  }
  url.hash = '';
  return { url, path: url.pathname };
}

/**
 * The path under the base's own path (`https://site/blog/wp-json/` + `/wp/v2/posts`), with the tool's query. A
 * WordPress root on plain permalinks (`/?rest_route=/`) takes the path as its rest_route instead.
 */
function joinBase(base: string, relative: URL): URL {
  const url = new URL(base);
  if (url.searchParams.has('rest_route')) {
    url.searchParams.set('rest_route', relative.pathname);
    for (const [k, v] of relative.searchParams) url.searchParams.append(k, v);
    return url;
  }
  url.pathname = url.pathname.replace(/\/$/, '') + relative.pathname;
  url.search = relative.search;
  return url;
}
