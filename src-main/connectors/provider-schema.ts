// The rules every entry of providers.ts must keep. The declarations are plain
// data typed by types.ts; the type system cannot see an http URL, a duplicate
// scope or a guide that forgets the redirect URI, and each of those would only
// surface as a failed consent page on a user's machine. providers.test.ts runs
// every declaration through this schema instead.
import { z } from 'zod';
import { PLATFORM_IDS } from '../api/contract.ts';
import type { PlatformId } from '../api/contract.ts';
import type { ProviderDecl } from './types.ts';

/** The credentials tab replaces this with the exact redirect URI to register. */
export const REDIRECT_URI_PLACEHOLDER = '{redirectUri}';

/** platforms.md says these platforms support or require PKCE, so their declarations must use it. */
const PKCE_PLATFORMS: readonly PlatformId[] = ['x', 'tiktok', 'youtube'];

/** Parameters the authorization flow sets itself; an extra parameter must not override them. */
const FLOW_PARAMS = [
  'client_id',
  'client_key',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
];

/** Scopes and parameters that ask the platform for a refresh token. */
const OFFLINE_SCOPES = ['offline.access', 'offline_access'];

function httpsUrl(opts: { endpoint: boolean }) {
  return z.string().superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a URL' });
      return;
    }
    if (url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'must be an https:// URL' });
    // A query baked into an endpoint would be sent twice or clash with the flow's own parameters.
    if (opts.endpoint && (url.search !== '' || url.hash !== '')) {
      ctx.addIssue({ code: 'custom', message: 'must carry no query or fragment (use extraAuthorizeParams)' });
    }
  });
}

const endpointUrl = httpsUrl({ endpoint: true });

// RFC 6749 §3.3 scope-token characters: no spaces, double quotes or backslashes.
const scopeToken = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'is not a valid scope token');

// One step, one sentence: a capital (or an opening quote) to start, one stop at the end, no line breaks.
const guideStep = z
  .string()
  .regex(/^["“A-Z][^\n]*[.!?]$/, 'must be one sentence: a capital at the start, a full stop at the end, one line')
  .refine((step) => !/[.!?] +[A-Z]/.test(step), 'must be a single sentence');

const oauthDeclSchema = z
  .strictObject({
    authorizeUrl: endpointUrl,
    tokenUrl: endpointUrl,
    revokeUrl: endpointUrl.optional(),
    scopes: z.array(scopeToken).min(1, 'must list at least one scope'),
    optionalScopes: z
      .array(z.object({ id: z.string().regex(/^[a-z][a-z-]*$/), label: z.string().min(1), help: z.string().min(1), scopes: z.array(scopeToken).min(1) }))
      .optional(),
    scopeSeparator: z.enum([' ', ',']),
    pkce: z.enum(['S256', 'S256-hex', 'none']),
    clientAuth: z.enum(['client_secret_basic', 'client_secret_post']),
    clientIdParam: z.enum(['client_id', 'client_key']),
    extraAuthorizeParams: z.record(z.string().min(1), z.string().min(1)).optional(),
    redirect: z.strictObject({
      kinds: z.array(z.enum(['loopback', 'protocol', 'https-relay', 'manual'])).min(1, 'must list at least one kind'),
      loopbackPort: z.enum(['any-port', 'fixed-port', 'not-accepted']),
      defaultPort: z.number().int().min(1024).max(65535).optional(),
      httpsOnly: z.boolean(),
    }),
  })
  .superRefine((oauth, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });

    const seen = new Set<string>();
    oauth.scopes.forEach((scope, i) => {
      if (seen.has(scope)) issue(['scopes', i], `repeats "${scope}"`);
      seen.add(scope);
      if (scope.includes(oauth.scopeSeparator)) issue(['scopes', i], `contains the separator "${oauth.scopeSeparator}"`);
    });

    for (const key of Object.keys(oauth.extraAuthorizeParams ?? {})) {
      if (FLOW_PARAMS.includes(key)) issue(['extraAuthorizeParams', key], 'is set by the authorization flow itself');
    }

    const { kinds, loopbackPort, defaultPort, httpsOnly } = oauth.redirect;
    if (new Set(kinds).size !== kinds.length) issue(['redirect', 'kinds'], 'lists a kind twice');
    if (kinds.includes('loopback') !== (loopbackPort !== 'not-accepted')) {
      issue(['redirect', 'loopbackPort'], "must be 'not-accepted' exactly when kinds has no 'loopback'");
    }
    if ((loopbackPort === 'fixed-port') !== (defaultPort !== undefined)) {
      issue(['redirect', 'defaultPort'], "is required with loopbackPort 'fixed-port' and only then");
    }
    if (httpsOnly && kinds[0] === 'loopback') {
      issue(['redirect', 'kinds'], "must not put 'loopback' first on a platform that refuses plain-http redirects");
    }
  });

/** An API origin: https, a host, nothing after it (a full URL the proxy is asked for must match one exactly). */
const apiOrigin = httpsUrl({ endpoint: true }).refine((value) => {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}, 'must be an origin like https://api.x.com: no path and no trailing slash');

const apiDeclSchema = z
  .strictObject({
    base: z.union([z.strictObject({ url: endpointUrl }), z.strictObject({ detail: z.string().regex(/^[a-z][A-Za-z]*$/, 'must name a details field') })]),
    baseVia: z.partialRecord(z.enum(PLATFORM_IDS), endpointUrl).optional(),
    origins: z.array(apiOrigin),
    token: z.enum(['bearer', 'query-access-token', 'basic-app-password']),
    expiredToken: z.strictObject({ status: z.union([z.literal(400), z.literal(401)]), bodyIncludes: z.string().min(1).optional() }).optional(),
  })
  .superRefine((api, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (new Set(api.origins).size !== api.origins.length) issue(['origins'], 'lists an origin twice');
    // A relative path must land where a full URL would be allowed: the proxy sends the token to both.
    const reachable = (url: string) => api.origins.includes(URL.canParse(url) ? new URL(url).origin : url);
    if ('url' in api.base) {
      if (!reachable(api.base.url)) issue(['base', 'url'], "must be on one of the declared origins");
    } else if (api.origins.length > 0) {
      issue(['origins'], "must be empty with an account's own base: the account's origin is the only one");
    }
    for (const [via, url] of Object.entries(api.baseVia ?? {})) if (!reachable(url)) issue(['baseVia', via], 'must be on one of the declared origins');
  });

export const providerDeclSchema = z
  .strictObject({
    id: z.enum(PLATFORM_IDS),
    name: z.string().min(1),
    available: z.boolean(),
    auth: z.enum(['oauth2', 'app-password']),
    renewal: z.enum(['rotating-refresh', 'refresh', 'long-lived-extension', 'none']),
    accessTokenLifetimeSec: z.number().int().positive().nullable(),
    connectionLifetimeSec: z.number().int().positive().nullable(),
    expiryBufferSec: z.number().int().min(60, 'must be at least 60 seconds'),
    oauth: oauthDeclSchema.optional(),
    api: apiDeclSchema,
    portalUrl: httpsUrl({ endpoint: false }),
    guide: z.strictObject({
      app: z.array(guideStep).min(1, 'needs at least one step'),
      redirect: z.array(guideStep),
      keys: z.array(guideStep).min(1, 'needs at least one step'),
    }),
  })
  .superRefine((decl, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const { oauth, renewal } = decl;
    const access = decl.accessTokenLifetimeSec;
    const connection = decl.connectionLifetimeSec;

    if ((decl.auth === 'oauth2') !== (oauth !== undefined)) {
      issue(['oauth'], "must be present exactly when auth is 'oauth2'");
    }
    if (oauth && PKCE_PLATFORMS.includes(decl.id) && oauth.pkce === 'none') {
      issue(['oauth', 'pkce'], "must be 'S256' or 'S256-hex': platforms.md says this platform takes PKCE");
    }

    // For oauth2, a refresh model needs the token endpoint, which oauthDeclSchema already requires;
    // app-password platforms refresh at a protocol-defined endpoint of their own.
    if (renewal === 'none') {
      if (access !== connection) {
        issue(['connectionLifetimeSec'], "must equal accessTokenLifetimeSec: with renewal 'none' the connection ends with its token");
      }
    } else if (access === null) {
      issue(['accessTokenLifetimeSec'], `must be set: renewal '${renewal}' renews a token that expires`);
    }
    if (renewal === 'long-lived-extension') {
      if (decl.auth !== 'oauth2') issue(['renewal'], "'long-lived-extension' applies to OAuth tokens only");
      if (connection !== access) {
        issue(['connectionLifetimeSec'], 'must equal accessTokenLifetimeSec: the long-lived token is the connection');
      }
    }
    if ((renewal === 'refresh' || renewal === 'rotating-refresh') && access !== null && connection !== null && connection <= access) {
      issue(['connectionLifetimeSec'], 'must outlast the access token it refreshes');
    }
    if (access !== null && decl.expiryBufferSec >= access) {
      issue(['expiryBufferSec'], 'must be shorter than the access-token lifetime, or renewal would never stop');
    }
    const asksForRefreshToken =
      oauth !== undefined &&
      (oauth.scopes.some((s) => OFFLINE_SCOPES.includes(s)) || oauth.extraAuthorizeParams?.access_type === 'offline');
    if (asksForRefreshToken && renewal !== 'refresh' && renewal !== 'rotating-refresh') {
      issue(['renewal'], 'must use the refresh token that the declaration asks for (offline access)');
    }

    // Only an app-password platform has a password to sign with, and only it keeps per-account API addresses.
    if ((decl.api.token === 'basic-app-password' || 'detail' in decl.api.base) && decl.auth !== 'app-password') {
      issue(['api'], "may use an app password or an account's own base only on an app-password platform");
    }
    // Renew-and-retry needs a renewal that replaces an expired token; an extension needs the old token alive.
    if (decl.api.expiredToken && renewal !== 'refresh' && renewal !== 'rotating-refresh') {
      issue(['api', 'expiredToken'], `must be absent with renewal '${renewal}': renewing could not replace an expired token`);
    }

    const { guide } = decl;
    const steps = guide.app.length + guide.redirect.length + guide.keys.length;
    if (steps < 3 || steps > 8) issue(['guide'], `needs 3 to 8 steps in all (found ${steps})`);
    // Where the user registers an address, the redirect stage names it; a Desktop-style client that takes any
    // loopback port has nothing to register, and its redirect stage says so without an address.
    const registers = oauth !== undefined && !(oauth.redirect.loopbackPort === 'any-port' && oauth.redirect.kinds.every((k) => k === 'loopback' || k === 'manual'));
    const count = (stage: string[]) => stage.join('\n').split(REDIRECT_URI_PLACEHOLDER).length - 1;
    if (decl.auth === 'app-password') {
      if (guide.redirect.length > 0) issue(['guide', 'redirect'], 'must be empty: an app-password platform has no redirect');
    } else if (guide.redirect.length === 0) {
      issue(['guide', 'redirect'], 'must say where the browser comes back, or that nothing is registered');
    }
    if (count(guide.redirect) !== (registers ? 1 : 0)) {
      issue(
        ['guide', 'redirect'],
        registers
          ? `must mention ${REDIRECT_URI_PLACEHOLDER} exactly once (found ${count(guide.redirect)}): it is what the user registers`
          : `must not mention ${REDIRECT_URI_PLACEHOLDER}: nothing is registered on this platform`,
      );
    }
    for (const stage of ['app', 'keys'] as const) {
      if (count(guide[stage]) > 0) issue(['guide', stage], `must not mention ${REDIRECT_URI_PLACEHOLDER}: the address belongs to the redirect stage`);
    }
    for (const stage of ['app', 'redirect', 'keys'] as const) {
      guide[stage].forEach((step, i) => {
        const stray = step.replaceAll(REDIRECT_URI_PLACEHOLDER, '').match(/\{[^}]*\}/);
        if (stray) issue(['guide', stage, i], `has an unknown placeholder ${stray[0]}`);
      });
    }
  });

type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
// tsc fails here when this schema and ProviderDecl in types.ts drift apart.
export type ProviderDeclSchemaMatchesTypes = Assert<MutuallyAssignable<z.infer<typeof providerDeclSchema>, ProviderDecl>>;
