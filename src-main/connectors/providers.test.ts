import { describe, expect, it } from 'vitest';
import { PLATFORM_IDS } from '../api/contract.ts';
import { providerDeclSchema } from './provider-schema.ts';
import { providerDecl, providers } from './providers.ts';
import type { ProviderDecl } from './types.ts';
import { connectorFor } from './registry.ts';

function copyOf(id: ProviderDecl['id']): ProviderDecl {
  return structuredClone(providerDecl(id));
}

/** The paths of the schema's complaints, so a test can tell which rule fired. */
function rejectionPaths(decl: unknown): string[] {
  const result = providerDeclSchema.safeParse(decl);
  expect(result.success, 'the schema accepted a broken declaration').toBe(false);
  return result.error?.issues.map((i) => i.path.join('.')) ?? [];
}

describe('provider declarations', () => {
  it.each(providers.map((d) => [d.id, d] as const))('%s passes the schema', (_id, decl) => {
    const result = providerDeclSchema.safeParse(decl);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it('cover exactly the platforms of the contract, once each, in F1 order', () => {
    expect(providers.map((d) => d.id)).toEqual([...PLATFORM_IDS]);
  });

  it('are found by id', () => {
    for (const id of PLATFORM_IDS) expect(providerDecl(id).id).toBe(id);
  });

  it('give each fixed-port platform its own default loopback port', () => {
    const ports = providers.flatMap((d) => (d.oauth?.redirect.loopbackPort === 'fixed-port' ? [d.oauth.redirect.defaultPort] : []));
    expect(ports.length).toBeGreaterThan(1);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('are available exactly where this build ships a connector', () => {
    expect(providers.filter((d) => d.available).map((d) => d.id)).toEqual(providers.filter((d) => connectorFor(d.id) !== null).map((d) => d.id));
    expect(providers.filter((d) => d.available).map((d) => d.id)).toEqual(['x', 'linkedin', 'facebook', 'instagram', 'threads', 'tiktok', 'youtube', 'pinterest', 'bluesky', 'wordpress']);
  });

  it('give X what platforms.md demands', () => {
    const x = providerDecl('x');
    expect(x.auth).toBe('oauth2');
    expect(x.renewal).toBe('rotating-refresh');
    expect(x.oauth?.pkce).toBe('S256');
    expect(x.oauth?.clientAuth).toBe('client_secret_basic');
    expect(x.oauth?.scopes).toEqual(expect.arrayContaining(['offline.access', 'tweet.write']));
    expect(x.oauth?.scopeSeparator).toBe(' ');
    expect(x.oauth?.revokeUrl).toBe('https://api.x.com/2/oauth2/revoke');
    expect(x.oauth?.tokenUrl).toBe('https://api.x.com/2/oauth2/token');
    expect(x.oauth?.redirect).toMatchObject({ loopbackPort: 'fixed-port', defaultPort: 8765 });
    expect(x.guide.app.join(' ')).toContain('Web App, Automated App or Bot');
    expect(x.guide.app.join(' ')).toContain('Read and write');
  });

  it('say where each API lives and how the proxy signs a request', () => {
    expect(providerDecl('x').api).toMatchObject({ base: { url: 'https://api.x.com' }, token: 'bearer', expiredToken: { status: 401 } });
    expect(providerDecl('youtube').api.origins).toEqual(['https://www.googleapis.com', 'https://youtube.googleapis.com']);
    expect(providerDecl('threads').api.token).toBe('query-access-token');
    expect(providerDecl('instagram').api.baseVia).toEqual({ facebook: 'https://graph.facebook.com' });
    expect(providerDecl('bluesky').api).toMatchObject({ base: { detail: 'pds' }, origins: [], token: 'bearer' });
    expect(providerDecl('wordpress').api).toMatchObject({ base: { detail: 'restRoot' }, token: 'basic-app-password' });
    expect(providers.filter((d) => d.api.expiredToken).map((d) => d.id)).toEqual(['x', 'tiktok', 'youtube', 'pinterest', 'bluesky']);
  });

  it('name TikTok’s client ID client_key and ask Google for offline access', () => {
    expect(providerDecl('tiktok').oauth?.clientIdParam).toBe('client_key');
    expect(providerDecl('youtube').oauth?.extraAuthorizeParams).toEqual({ access_type: 'offline', prompt: 'consent' });
  });
});

describe('provider schema rejects a careless entry', () => {
  it('an oauth block on an app-password platform', () => {
    const decl = copyOf('bluesky');
    decl.oauth = structuredClone(providerDecl('x').oauth);
    expect(rejectionPaths(decl)).toContain('oauth');
  });

  it('an OAuth platform without its oauth block', () => {
    const decl = copyOf('linkedin');
    delete decl.oauth;
    expect(rejectionPaths(decl)).toContain('oauth');
  });

  it('a duplicate scope', () => {
    const decl = copyOf('x');
    decl.oauth!.scopes.push('tweet.read');
    expect(rejectionPaths(decl)).toContain('oauth.scopes.5');
  });

  it('a scope that contains the separator', () => {
    const decl = copyOf('tiktok');
    decl.oauth!.scopes = ['user.info.basic,video.publish'];
    expect(rejectionPaths(decl)).toContain('oauth.scopes.0');
  });

  it('no scopes at all', () => {
    const decl = copyOf('youtube');
    decl.oauth!.scopes = [];
    expect(rejectionPaths(decl)).toContain('oauth.scopes');
  });

  it('an http URL', () => {
    const decl = copyOf('x');
    decl.oauth!.tokenUrl = 'http://api.x.com/2/oauth2/token';
    expect(rejectionPaths(decl)).toContain('oauth.tokenUrl');
  });

  it('an http portal URL', () => {
    const decl = copyOf('wordpress');
    decl.portalUrl = 'http://wordpress.org/';
    expect(rejectionPaths(decl)).toContain('portalUrl');
  });

  it('an authorize URL with its parameters baked in', () => {
    const decl = copyOf('youtube');
    decl.oauth!.authorizeUrl += '?access_type=offline';
    expect(rejectionPaths(decl)).toContain('oauth.authorizeUrl');
  });

  it('an extra parameter that overrides one the flow sets', () => {
    const decl = copyOf('youtube');
    decl.oauth!.extraAuthorizeParams = { redirect_uri: 'https://example.com/' };
    expect(rejectionPaths(decl)).toContain('oauth.extraAuthorizeParams.redirect_uri');
  });

  it('a guide without {redirectUri}', () => {
    const decl = copyOf('x');
    decl.guide.redirect = decl.guide.redirect.map((step) => step.replace('{redirectUri}', 'the redirect URI'));
    expect(rejectionPaths(decl)).toContain('guide.redirect');
  });

  it('a guide with {redirectUri} twice', () => {
    const decl = copyOf('linkedin');
    decl.guide.redirect.push('Double-check that {redirectUri} is saved.');
    expect(rejectionPaths(decl)).toContain('guide.redirect');
  });

  it('{redirectUri} outside the redirect stage', () => {
    const decl = copyOf('facebook');
    decl.guide.keys.push('Check that {redirectUri} is listed.');
    expect(rejectionPaths(decl)).toContain('guide.keys');
  });

  it('an address to register on a platform that takes any loopback port', () => {
    const decl = copyOf('youtube');
    decl.guide.redirect = ['Register exactly {redirectUri} as the redirect URI.'];
    expect(rejectionPaths(decl)).toContain('guide.redirect');
  });

  it('an OAuth guide that skips the redirect stage', () => {
    const decl = copyOf('youtube');
    decl.guide.redirect = [];
    expect(rejectionPaths(decl)).toContain('guide.redirect');
  });

  it('a redirect stage on an app-password platform', () => {
    const decl = copyOf('wordpress');
    decl.guide.redirect.push('Register {redirectUri} somewhere.');
    expect(rejectionPaths(decl)).toContain('guide.redirect');
  });

  it('a misspelt placeholder', () => {
    const decl = copyOf('x');
    decl.guide.redirect[0] = decl.guide.redirect[0]!.replace('{redirectUri}', '{redirectURI}');
    expect(rejectionPaths(decl)).toEqual(expect.arrayContaining(['guide.redirect', 'guide.redirect.0']));
  });

  it('a guide of two steps', () => {
    const decl = copyOf('bluesky');
    decl.guide.keys = decl.guide.keys.slice(0, 0);
    expect(rejectionPaths(decl)).toEqual(expect.arrayContaining(['guide', 'guide.keys']));
  });

  it('a step that is not one sentence', () => {
    const decl = copyOf('bluesky');
    decl.guide.app[0] = 'Open Settings. Then open App passwords.';
    expect(rejectionPaths(decl)).toContain('guide.app.0');
  });

  it('fixed-port without a port', () => {
    const decl = copyOf('x');
    delete decl.oauth!.redirect.defaultPort;
    expect(rejectionPaths(decl)).toContain('oauth.redirect.defaultPort');
  });

  it('a port below 1024', () => {
    const decl = copyOf('x');
    decl.oauth!.redirect.defaultPort = 80;
    expect(rejectionPaths(decl)).toContain('oauth.redirect.defaultPort');
  });

  it('a port on an any-port platform', () => {
    const decl = copyOf('youtube');
    decl.oauth!.redirect.defaultPort = 8765;
    expect(rejectionPaths(decl)).toContain('oauth.redirect.defaultPort');
  });

  it('loopback first on an HTTPS-only platform', () => {
    const decl = copyOf('linkedin');
    decl.oauth!.redirect.kinds = ['loopback', 'https-relay', 'manual'];
    expect(rejectionPaths(decl)).toContain('oauth.redirect.kinds');
  });

  it('a loopback port rule that contradicts the kinds', () => {
    const decl = copyOf('facebook');
    decl.oauth!.redirect.loopbackPort = 'any-port';
    expect(rejectionPaths(decl)).toContain('oauth.redirect.loopbackPort');
  });

  it('X without PKCE', () => {
    const decl = copyOf('x');
    decl.oauth!.pkce = 'none';
    expect(rejectionPaths(decl)).toContain('oauth.pkce');
  });

  it("renewal 'none' with a connection that outlives its token", () => {
    const decl = copyOf('linkedin');
    decl.connectionLifetimeSec = 365 * 86_400;
    expect(rejectionPaths(decl)).toContain('connectionLifetimeSec');
  });

  it('a refresh model without an expiring token', () => {
    const decl = copyOf('youtube');
    decl.accessTokenLifetimeSec = null;
    expect(rejectionPaths(decl)).toContain('accessTokenLifetimeSec');
  });

  it('asking for offline access and then not refreshing', () => {
    const decl = copyOf('x');
    decl.renewal = 'none';
    decl.connectionLifetimeSec = decl.accessTokenLifetimeSec;
    expect(rejectionPaths(decl)).toContain('renewal');
  });

  it('a long-lived extension on an app-password platform', () => {
    const decl = copyOf('bluesky');
    decl.renewal = 'long-lived-extension';
    decl.connectionLifetimeSec = decl.accessTokenLifetimeSec;
    expect(rejectionPaths(decl)).toContain('renewal');
  });

  it('an expiry buffer under a minute', () => {
    const decl = copyOf('x');
    decl.expiryBufferSec = 30;
    expect(rejectionPaths(decl)).toContain('expiryBufferSec');
  });

  it('an expiry buffer as long as the token', () => {
    const decl = copyOf('youtube');
    decl.expiryBufferSec = 3600;
    expect(rejectionPaths(decl)).toContain('expiryBufferSec');
  });

  it('an http API origin, an origin with a path, or one listed twice', () => {
    const decl = copyOf('youtube');
    decl.api.origins = ['http://www.googleapis.com', 'https://www.googleapis.com/upload', 'https://youtube.googleapis.com', 'https://youtube.googleapis.com'];
    expect(rejectionPaths(decl)).toEqual(expect.arrayContaining(['api.origins.0', 'api.origins.1', 'api.origins']));
  });

  it('an API base outside the declared origins', () => {
    const decl = copyOf('x');
    decl.api.base = { url: 'https://upload.x.com' };
    expect(rejectionPaths(decl)).toContain('api.base.url');
    const via = copyOf('instagram');
    via.api.baseVia = { facebook: 'https://graph-video.facebook.com' };
    expect(rejectionPaths(via)).toContain('api.baseVia.facebook');
  });

  it('extra origins beside an account’s own base', () => {
    const decl = copyOf('bluesky');
    decl.api.origins = ['https://bsky.social'];
    expect(rejectionPaths(decl)).toContain('api.origins');
  });

  it('an app password or an account’s own base on an OAuth platform', () => {
    const decl = copyOf('x');
    decl.api.token = 'basic-app-password';
    expect(rejectionPaths(decl)).toContain('api');
    const based = copyOf('linkedin');
    based.api = { base: { detail: 'apiRoot' }, origins: [], token: 'bearer' };
    expect(rejectionPaths(based)).toContain('api');
  });

  it('renew-and-retry where nothing can replace an expired token', () => {
    const decl = copyOf('threads');
    decl.api.expiredToken = { status: 401 };
    expect(rejectionPaths(decl)).toContain('api.expiredToken');
  });

  it('an unknown field', () => {
    expect(rejectionPaths({ ...copyOf('x'), scope: 'tweet.read' })).toContain('');
  });
});
