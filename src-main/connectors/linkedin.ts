// LinkedIn: 3-legged OAuth with the client secret in the form body. The code exchange and the
// refresh are done here rather than through oauth4webapi: an OpenID app's reply carries an id_token
// whose `iss` is "https://www.linkedin.com/oauth" (not the authorization server's origin, so
// oauth4webapi refuses it), and programmatic-refresh replies carry no token_type.
// The member is one identity (person:{sub}); with the Community Management scopes granted, each
// company page the member administers is another (organization:{id}) sharing the login's tokens.
// Per /work/shared/platforms.md and src-main/fakes/linkedin.ts (which notes what the docs confirm).
import { z } from 'zod';
import { providerDecl } from './providers.ts';
import { readTokenReply, tokenSetOf } from './token-reply.ts';
import { readJson } from './api-errors.ts';
import { rejectUnusable } from '../oauth/oauth-client.ts';
import type { Connector, ConnectorContext, Identity, Profile, TokenSet } from './types.ts';
import { PlatformError } from '../errors/platform-error.ts';
import type { ErrorKind } from '../api/contract.ts';

/**
 * The versioned API's monthly version. LinkedIn serves each one for about a year and then answers
 * 426 NONEXISTENT_VERSION, so this needs a bump (after checking the calls below still fit) before
 * October 2027.
 */
export const LINKEDIN_VERSION = '202610';

const NAME = 'LinkedIn';
const USERINFO_URL = 'https://api.linkedin.com/v2/userinfo';
const ACLS_URL = 'https://api.linkedin.com/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED';
const ORGANIZATION_URL = 'https://api.linkedin.com/rest/organizations/';
const IMAGE_URL = 'https://api.linkedin.com/rest/images/';
const REST_HEADERS = { 'linkedin-version': LINKEDIN_VERSION, 'x-restli-protocol-version': '2.0.0', accept: 'application/json' };

/** Which product on the app's Products tab grants each scope Plugboard may ask for. */
const PRODUCT_OF_SCOPE: Record<string, string> = {
  openid: 'Sign In with LinkedIn using OpenID Connect',
  profile: 'Sign In with LinkedIn using OpenID Connect',
  email: 'Sign In with LinkedIn using OpenID Connect',
  w_member_social: 'Share on LinkedIn',
  r_organization_social: 'Community Management API',
  w_organization_social: 'Community Management API',
  rw_organization_admin: 'Community Management API',
  r_organization_admin: 'Community Management API',
};

const tokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
  refresh_token_expires_in: z.number().int().nonnegative().optional(),
  scope: z.string().optional(),
});

const oauthErrorSchema = z.object({ error: z.string().min(1), error_description: z.string().optional() });

/** The API's error body: {"status":401,"serviceErrorCode":65600,"code":"…","message":"…"}. */
const serviceErrorSchema = z.object({
  status: z.number().optional(),
  serviceErrorCode: z.number().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
});
export type ServiceError = z.infer<typeof serviceErrorSchema>;

const userInfoSchema = z.object({
  sub: z.string().min(1),
  name: z.string().optional(),
  email: z.string().optional(),
  picture: z.string().url().optional(),
});

const aclsSchema = z.object({
  elements: z.array(z.object({ organization: z.string().regex(/^urn:li:organization:\d+$/), role: z.string(), state: z.string() })),
});

const organizationSchema = z.object({
  localizedName: z.string().min(1),
  vanityName: z.string().optional(),
  logoV2: z.object({ cropped: z.string().optional(), original: z.string().optional() }).optional(),
});

const imageSchema = z
  .object({ status: z.string().min(1), downloadUrl: z.string().url().optional() })
  .refine((i) => i.status !== 'AVAILABLE' || i.downloadUrl !== undefined, { message: 'an available image without downloadUrl', path: ['downloadUrl'] });

type Grant = 'authorization_code' | 'refresh_token' | 'revoke';

function fail(kind: ErrorKind, message: string, status: number | null): never {
  throw new PlatformError(kind, message, { status });
}

const LINKEDIN_CLIENT_REFUSED =
  'LinkedIn did not accept the client ID and secret. Copy the Client ID and the Primary Client Secret from the Auth tab of your app at LinkedIn Developers into the Credentials tab.';

const CODE_REFUSED =
  'LinkedIn did not accept the sign-in code: it expired (codes last 30 minutes) or was already used. Click Connect to sign in again; if this keeps happening, check that the Auth tab of your LinkedIn app lists exactly the redirect URL shown on the Credentials tab.';

/** The sentence for an OAuth error reply; `grant` says which request it answered. */
function describeOAuthError(error: string, description: string | undefined, status: number, grant: Grant): { kind: ErrorKind; message: string } {
  if (grant === 'authorization_code' && error === 'invalid_grant') return { kind: 'denied', message: CODE_REFUSED };
  const mapped = linkedin.describeTokenError!(error, description, status);
  if (mapped) return mapped;
  return { kind: 'auth', message: `LinkedIn refused the request (${error}${description ? `: ${description}` : ''}). Reconnect the account.` };
}

/** Reads a reply of the token or revoke endpoint. */
async function readOAuthReply(res: Response, grant: Grant): Promise<unknown> {
  await rejectUnusable(linkedin, res);
  const body = await res.text();
  let parsed: unknown;
  try {
    parsed = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (res.ok) {
    if (parsed === undefined) fail('malformed', 'LinkedIn sent a token reply that is not valid JSON. Nothing was changed; try again later.', res.status);
    return parsed;
  }
  const error = oauthErrorSchema.safeParse(parsed);
  if (error.success) {
    const { kind, message } = describeOAuthError(error.data.error, error.data.error_description, res.status, grant);
    fail(kind, message, res.status);
  }
  if (res.status === 401) fail('setup', linkedin.describeTokenError!('invalid_client', undefined, 401)!.message, 401);
  fail('server', `LinkedIn answered the ${grant === 'revoke' ? 'revoke' : 'token'} request with HTTP ${res.status}; Plugboard will try again later.`, res.status);
}

async function tokenRequest(ctx: ConnectorContext, grant: 'authorization_code' | 'refresh_token', params: Record<string, string>, now: number): Promise<TokenSet> {
  const decl = linkedin.decl.oauth!;
  const res = await ctx.http.fetch(decl.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: grant, ...params, client_id: ctx.credentials.clientId, client_secret: ctx.credentials.clientSecret ?? '' }),
    tokenRequest: true,
  });
  const r = readTokenReply('LinkedIn', tokenSchema, await readOAuthReply(res, grant), res.status);
  // refresh_token_expires_in: seconds left of a deadline fixed at the first sign-in; refreshing does not extend it.
  return tokenSetOf(decl, r, r.refresh_token_expires_in, now);
}

export function serviceErrorOf(body: string): ServiceError {
  try {
    const parsed = serviceErrorSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** LinkedIn's service errors as plain sentences; `what` names the data asked for. */
export function throwServiceError(status: number, e: ServiceError, what: string): never {
  if (e.code === 'NONEXISTENT_VERSION' || e.code === 'VERSION_MISSING' || status === 426) {
    fail('setup', `LinkedIn no longer serves API version ${LINKEDIN_VERSION}, which this version of Plugboard uses. Update Plugboard; the account itself is fine.`, status);
  }
  if (status === 401) {
    if (e.serviceErrorCode === 65601 || e.code === 'REVOKED_ACCESS_TOKEN') {
      fail('auth', 'LinkedIn says access for this account was revoked (in LinkedIn\'s Settings → Data privacy → Permitted services, or by resetting the app\'s secret). Reconnect the account.', status);
    }
    if (e.serviceErrorCode === 65602 || e.code === 'EXPIRED_ACCESS_TOKEN') {
      fail('auth', 'The 60-day LinkedIn access for this account has ended. Reconnect the account to continue.', status);
    }
    fail('auth', 'LinkedIn no longer accepts this account\'s access token. Reconnect the account.', status);
  }
  if (status === 403) {
    fail('auth', `LinkedIn refused access to ${what} (${e.code ?? 'ACCESS_DENIED'}). Reconnect the account and allow every permission asked for.`, status);
  }
  fail('server', `LinkedIn could not return ${what} (HTTP ${status}${e.code ? `, ${e.code}` : ''}); Plugboard will try again later.`, status);
}

/** Reads an API reply: LinkedIn's service errors first, then the body against the schema. */
async function readApi<S extends z.ZodType>(res: Response, schema: S, what: string): Promise<z.infer<S>> {
  await rejectUnusable(linkedin, res);
  if (res.ok) return readJson(linkedin, res, schema, what);
  throwServiceError(res.status, serviceErrorOf(await res.text()), what);
}

function get(ctx: ConnectorContext, url: string, accessToken: string, rest: boolean): Promise<Response> {
  return ctx.http.fetch(url, { headers: { authorization: `Bearer ${accessToken}`, ...(rest ? REST_HEADERS : { accept: 'application/json' }) } });
}

async function readMember(ctx: ConnectorContext, accessToken: string): Promise<Profile> {
  const res = await get(ctx, USERINFO_URL, accessToken, false);
  if (res.status === 403) {
    await res.body?.cancel();
    fail(
      'setup',
      'LinkedIn would not say who signed in: the app lacks "Sign In with LinkedIn using OpenID Connect" (scopes openid, profile, email). Add it on the Products tab of your app at LinkedIn Developers, then click Connect again.',
      403,
    );
  }
  const info = await readApi(res, userInfoSchema, 'the member profile');
  const handle = info.name?.trim() || info.email?.split('@')[0] || info.sub;
  return {
    platformUserId: `person:${info.sub}`,
    handle,
    displayName: info.name?.trim() || handle,
    avatarUrl: info.picture ?? null,
    // memberSub tells the core which accounts share this login (and its tokens).
    details: { memberSub: info.sub, ...(info.email ? { email: info.email } : {}) },
  };
}

/** A logo is a digitalmediaAsset URN; the Images API (same id, as urn:li:image) gives its download URL. */
async function logoUrl(ctx: ConnectorContext, accessToken: string, asset: string | undefined): Promise<string | null> {
  const id = /^urn:li:digitalmediaAsset:([A-Za-z0-9_-]+)$/.exec(asset ?? '')?.[1];
  if (!id) return null;
  const res = await get(ctx, `${IMAGE_URL}${encodeURIComponent(`urn:li:image:${id}`)}`, accessToken, true);
  // A logo LinkedIn cannot find leaves the page without a picture, not without a connection.
  if (res.status === 404) {
    await res.body?.cancel();
    return null;
  }
  const image = await readApi(res, imageSchema, 'a company page logo');
  // PROCESSING or FAILED: no picture yet.
  return image.status === 'AVAILABLE' ? image.downloadUrl! : null;
}

async function readOrganization(ctx: ConnectorContext, accessToken: string, id: string, memberSub: string): Promise<Identity> {
  const org = await readApi(await get(ctx, `${ORGANIZATION_URL}${id}`, accessToken, true), organizationSchema, 'a company page');
  return {
    platformUserId: `organization:${id}`,
    // People know a page by its name; its vanity name (the linkedin.com/company/… slug) stays in details.
    handle: org.localizedName,
    displayName: org.localizedName,
    avatarUrl: await logoUrl(ctx, accessToken, org.logoV2?.cropped ?? org.logoV2?.original),
    details: { memberSub, organizationId: id, ...(org.vanityName ? { vanityName: org.vanityName } : {}) },
  };
}

/**
 * The company pages the member administers. listIdentities is given the access token alone, not its
 * scopes, so LinkedIn's 403 on the role lookup is how a login without the Community Management scopes
 * (rw_organization_admin) shows: it simply has no pages to offer.
 */
async function readOrganizations(ctx: ConnectorContext, accessToken: string, memberSub: string): Promise<Identity[]> {
  const res = await get(ctx, ACLS_URL, accessToken, true);
  if (res.status === 403) {
    const e = serviceErrorOf(await res.text());
    if (e.code === undefined || e.code === 'ACCESS_DENIED') return [];
    throwServiceError(403, e, 'the company pages you administer');
  }
  const { elements } = await readApi(res, aclsSchema, 'the company pages you administer');
  const ids = [...new Set(elements.filter((e) => e.role === 'ADMINISTRATOR' && e.state === 'APPROVED').map((e) => e.organization.slice('urn:li:organization:'.length)))];
  return Promise.all(ids.map((id) => readOrganization(ctx, accessToken, id, memberSub)));
}

export const linkedin: Connector = {
  decl: providerDecl('linkedin'),

  fetchProfile: readMember,

  async listIdentities(ctx, accessToken) {
    const member = await readMember(ctx, accessToken);
    return [member, ...(await readOrganizations(ctx, accessToken, member.details.memberSub!))];
  },

  exchange(ctx, p, now) {
    const params: Record<string, string> = { code: p.code, redirect_uri: p.redirectUri };
    if (p.verifier) params.code_verifier = p.verifier;
    return tokenRequest(ctx, 'authorization_code', params, now);
  },

  renew(ctx, tokens, now) {
    if (!tokens.refreshToken) {
      return Promise.reject(
        new PlatformError('auth', 'LinkedIn gives refresh tokens only to apps it has approved for programmatic refresh, so this connection ends with its 60-day token. Reconnect the account.'),
      );
    }
    return tokenRequest(ctx, 'refresh_token', { refresh_token: tokens.refreshToken }, now);
  },

  async revoke(ctx, tokens) {
    const token = tokens.accessToken ?? tokens.refreshToken;
    if (!token) return;
    const res = await ctx.http.fetch(linkedin.decl.oauth!.revokeUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ client_id: ctx.credentials.clientId, client_secret: ctx.credentials.clientSecret ?? '', token }),
    });
    await readOAuthReply(res, 'revoke');
  },

  describeAuthorizeError(error, description) {
    if (error === 'user_cancelled_login') return 'You cancelled the LinkedIn sign-in, so nothing was connected. Click Connect to try again.';
    if (error === 'user_cancelled_authorize') return 'You cancelled the authorization on LinkedIn, so nothing was connected. Click Connect and choose Allow to connect.';
    if (error === 'unauthorized_scope_error') {
      // LinkedIn names the scope in quotes, sometimes HTML-escaped: Scope &quot;r_emailaddress&quot; is not authorized…
      const scope = /Scope (?:"|&quot;)([A-Za-z_]+)(?:"|&quot;)/.exec(description ?? '')?.[1];
      const product = scope ? PRODUCT_OF_SCOPE[scope] : undefined;
      if (scope && product) {
        return `LinkedIn refused the permission ${scope}: your LinkedIn app does not have the product that grants it. On the Products tab of your app at LinkedIn Developers, add "${product}", wait until it shows as added, then click Connect again.`;
      }
      return 'LinkedIn refused a permission Plugboard asked for: your LinkedIn app lacks a product. On the Products tab of your app at LinkedIn Developers, add "Sign In with LinkedIn using OpenID Connect" and "Share on LinkedIn", then click Connect again.';
    }
    return null;
  },

  // The body's error code first; the status is the last resort (a dead refresh token answered
  // with 401 is still the account's end, not the app's credentials).
  describeTokenError(error, description, status) {
    const text = description ?? '';
    if (error === 'invalid_client') return { kind: 'setup', message: LINKEDIN_CLIENT_REFUSED };
    if (error === 'invalid_redirect_uri' || (/redirect_uri/i.test(text) && !/does not match authorization code/i.test(text))) {
      return {
        kind: 'setup',
        message: 'LinkedIn refused the redirect URL. On the Auth tab of your app at LinkedIn Developers, add exactly the redirect URL shown on the Credentials tab under Authorized redirect URLs, then click Connect again.',
      };
    }
    if (/does not match authorization code/i.test(text)) return { kind: 'denied', message: CODE_REFUSED };
    if (error === 'invalid_grant' && /refresh/i.test(text)) {
      return { kind: 'auth', message: 'LinkedIn no longer accepts this account\'s refresh token (its year is over, or access was revoked). Reconnect the account.' };
    }
    if (error === 'invalid_grant') return { kind: 'denied', message: CODE_REFUSED };
    if (status === 401) return { kind: 'setup', message: LINKEDIN_CLIENT_REFUSED };
    return null;
  },
};
