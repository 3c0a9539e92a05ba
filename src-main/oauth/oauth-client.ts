// Token requests through oauth4webapi, driven by a provider's declaration.
// Replies are checked here: rate limits and 5xx are classified before
// oauth4webapi parses the body, and its parse failures become plain sentences.
import { createHash } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import type { Http } from '../http/http.ts';
import type { ClientCredentials, Connector, OAuthDecl, TokenSet } from '../connectors/types.ts';
import { PlatformError } from '../errors/platform-error.ts';

function server(decl: OAuthDecl): oauth.AuthorizationServer {
  return {
    issuer: new URL(decl.authorizeUrl).origin,
    authorization_endpoint: decl.authorizeUrl,
    token_endpoint: decl.tokenUrl,
    revocation_endpoint: decl.revokeUrl,
  };
}

function clientAuth(decl: OAuthDecl, creds: ClientCredentials): oauth.ClientAuth {
  if (!creds.clientSecret) return oauth.None();
  return decl.clientAuth === 'client_secret_basic' ? oauth.ClientSecretBasic(creds.clientSecret) : oauth.ClientSecretPost(creds.clientSecret);
}

/** `tokenRequest`: the answer carries new tokens, so it gets the longer deadline (see HttpInit). */
function requestOptions(http: Http, tokenRequest: boolean): oauth.TokenEndpointRequestOptions {
  return { [oauth.customFetch]: (url: string, init: RequestInit) => http.fetch(url, { ...init, tokenRequest }) } as oauth.TokenEndpointRequestOptions;
}

export function buildAuthorizeUrl(decl: OAuthDecl, creds: ClientCredentials, p: { redirectUri: string; state: string; codeChallenge: string | null }): string {
  const url = new URL(decl.authorizeUrl);
  const q = url.searchParams;
  q.set('response_type', 'code');
  q.set(decl.clientIdParam, creds.clientId);
  q.set('redirect_uri', p.redirectUri);
  q.set('scope', decl.scopes.join(decl.scopeSeparator));
  q.set('state', p.state);
  if (p.codeChallenge) {
    q.set('code_challenge', p.codeChallenge);
    q.set('code_challenge_method', 'S256');
  }
  for (const [k, v] of Object.entries(decl.extraAuthorizeParams ?? {})) q.set(k, v);
  return url.href;
}

export async function newPkce(kind: 'S256' | 'S256-hex'): Promise<{ verifier: string; challenge: string }> {
  const verifier = oauth.generateRandomCodeVerifier();
  const challenge = kind === 'S256' ? await oauth.calculatePKCECodeChallenge(verifier) : createHash('sha256').update(verifier).digest('hex');
  return { verifier, challenge };
}

export const newState = (): string => oauth.generateRandomState();

export async function exchangeCode(
  connector: Connector,
  creds: ClientCredentials,
  http: Http,
  p: { params: URLSearchParams; state: string; redirectUri: string; verifier: string | null; now: number },
): Promise<TokenSet> {
  const decl = connector.decl.oauth!;
  const as = server(decl);
  const client: oauth.Client = { client_id: creds.clientId };
  const run = async () => {
    const callback = oauth.validateAuthResponse(as, client, p.params, p.state);
    const res = await oauth.authorizationCodeGrantRequest(as, client, clientAuth(decl, creds), callback, p.redirectUri, p.verifier ?? oauth.nopkce, requestOptions(http, true));
    await rejectUnusable(connector, res);
    return oauth.processAuthorizationCodeResponse(as, client, res);
  };
  return toTokenSet(decl, await classify(connector, run), p.now);
}

export async function refreshTokens(connector: Connector, creds: ClientCredentials, http: Http, refreshToken: string, now: number): Promise<TokenSet> {
  const decl = connector.decl.oauth!;
  const as = server(decl);
  const client: oauth.Client = { client_id: creds.clientId };
  const run = async () => {
    const res = await oauth.refreshTokenGrantRequest(as, client, clientAuth(decl, creds), refreshToken, requestOptions(http, true));
    await rejectUnusable(connector, res);
    return oauth.processRefreshTokenResponse(as, client, res);
  };
  return toTokenSet(decl, await classify(connector, run), now);
}

export async function revokeToken(connector: Connector, creds: ClientCredentials, http: Http, token: string, hint: 'access_token' | 'refresh_token'): Promise<void> {
  const decl = connector.decl.oauth!;
  const as = server(decl);
  const client: oauth.Client = { client_id: creds.clientId };
  await classify(connector, async () => {
    const res = await oauth.revocationRequest(as, client, clientAuth(decl, creds), token, {
      ...requestOptions(http, false),
      additionalParameters: { token_type_hint: hint },
    });
    await rejectUnusable(connector, res);
    await oauth.processRevocationResponse(res);
  });
}

function toTokenSet(decl: OAuthDecl, r: oauth.TokenEndpointResponse, now: number): TokenSet {
  const refreshIn = typeof r.refresh_token_expires_in === 'number' ? r.refresh_token_expires_in : null;
  return {
    accessToken: r.access_token,
    refreshToken: r.refresh_token || undefined,
    accessTokenExpiresAt: typeof r.expires_in === 'number' ? now + r.expires_in * 1000 : null,
    refreshTokenExpiresAt: refreshIn !== null ? now + refreshIn * 1000 : undefined,
    scopes: typeof r.scope === 'string' ? r.scope.split(/[\s,]+/).filter(Boolean) : decl.scopes,
  };
}

/** Rate limits and server failures, classified before anything tries to parse the body. */
export async function rejectUnusable(connector: Pick<Connector, 'decl'>, res: Response): Promise<void> {
  const name = connector.decl.name;
  if (res.status === 429) {
    await res.body?.cancel();
    throw new PlatformError('rate_limited', `${name} is rate-limiting requests; Plugboard will try again later.`, { status: 429, retryAt: retryAt(res) });
  }
  if (res.status >= 500) {
    await res.body?.cancel();
    throw new PlatformError('server', `${name} answered with a server error (HTTP ${res.status}); Plugboard will try again later.`, { status: res.status });
  }
}

export function retryAt(res: Response): number | null {
  const reset = res.headers.get('x-rate-limit-reset') ?? res.headers.get('x-ratelimit-reset') ?? res.headers.get('ratelimit-reset');
  if (reset && /^\d+$/.test(reset)) {
    const n = Number(reset);
    // Epoch seconds (X) or seconds from now (IETF RateLimit headers).
    return n > 1e9 ? n * 1000 : Date.now() + n * 1000;
  }
  const after = res.headers.get('retry-after');
  if (after && /^\d+$/.test(after)) return Date.now() + Number(after) * 1000;
  return null;
}

async function classify<T>(connector: Connector, run: () => Promise<T>): Promise<T> {
  const name = connector.decl.name;
  try {
    return await run();
  } catch (e) {
    if (e instanceof PlatformError) throw e;
    if (e instanceof oauth.AuthorizationResponseError) {
      throw new PlatformError('denied', describeAuthorizationError(name, e.error, e.error_description));
    }
    if (e instanceof oauth.ResponseBodyError) throw refusal(connector, e.error, e.error_description, e.status, e);
    // oauth4webapi stops at a WWW-Authenticate challenge before it reads the body; the body's error
    // code still decides (a dead refresh token answered 401 with a challenge is not a client refused).
    if (e instanceof oauth.WWWAuthenticateChallengeError) {
      const body = await e.response.json().catch(() => null);
      if (isOAuthError(body)) throw refusal(connector, body.error, body.error_description, e.status, e);
      throw refusal(connector, 'invalid_client', undefined, e.status, e);
    }
    if (e instanceof oauth.OperationProcessingError || e instanceof oauth.UnsupportedOperationError || e instanceof TypeError) {
      throw new PlatformError('malformed', `${name} sent a reply Plugboard could not use (${e.message}). Nothing was changed; try again later.`, { cause: e });
    }
    throw e;
  }
}

function isOAuthError(body: unknown): body is { error: string; error_description?: string } {
  if (typeof body !== 'object' || body === null) return false;
  const { error, error_description: description } = body as Record<string, unknown>;
  return typeof error === 'string' && error !== '' && (description === undefined || typeof description === 'string');
}

/** A token endpoint's OAuth error reply, read by its code: the connector's sentence first. */
function refusal(connector: Connector, error: string, description: string | undefined, status: number, cause: unknown): PlatformError {
  const name = connector.decl.name;
  const mapped = connector.describeTokenError?.(error, description, status);
  if (mapped) return new PlatformError(mapped.kind, mapped.message, { status, cause });
  if (error === 'invalid_client' || error === 'unauthorized_client') {
    return new PlatformError('setup', `${name} did not accept the client ID and secret. Check them on the Credentials tab.`, { status, cause });
  }
  return new PlatformError('auth', `${name} refused the request (${error}${description ? `: ${description}` : ''}). Reconnect the account.`, { status, cause });
}

export function describeAuthorizationError(platformName: string, error: string, description?: string): string {
  if (error === 'access_denied') return `You declined the authorization on ${platformName}. Nothing was connected.`;
  return `${platformName} stopped the authorization: ${description || error}.`;
}
