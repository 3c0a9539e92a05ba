// A connector is mostly data (ProviderDecl, in providers.ts, checked by a schema
// test) plus a few small functions for what differs between platforms (Connector).
import type { ErrorKind, FormField, PlatformId, RedirectKind, Renewal } from '../api/contract.ts';
import type { Http } from '../http/http.ts';

export type ClientAuth =
  /** HTTP Basic client_id:client_secret (X confidential clients, Pinterest). */
  | 'client_secret_basic'
  /** client_id and client_secret in the form body (LinkedIn, Google, TikTok, Meta). */
  | 'client_secret_post';

export interface OAuthDecl {
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl?: string;
  scopes: string[];
  scopeSeparator: ' ' | ',';
  /** 'S256-hex': TikTok's desktop flow, whose challenge is the SHA-256 in hex rather than base64url. */
  pkce: 'S256' | 'S256-hex' | 'none';
  clientAuth: ClientAuth;
  /** TikTok calls the client ID `client_key`. */
  clientIdParam: 'client_id' | 'client_key';
  /**
   * Scopes the user can add when their app has the product behind them (LinkedIn's company pages need
   * the Community Management API): asking for a scope the app lacks fails the whole sign-in.
   */
  optionalScopes?: { id: string; label: string; help: string; scopes: string[] }[];
  /** Added to the authorization URL as-is, e.g. Google's access_type=offline. */
  extraAuthorizeParams?: Record<string, string>;
  redirect: {
    /** Kinds the platform accepts, best first. */
    kinds: RedirectKind[];
    /** 'any-port': the platform ignores the loopback port (Google); 'fixed-port': it must match exactly. */
    loopbackPort: 'any-port' | 'fixed-port' | 'not-accepted';
    /** Default port for fixed-port loopback; the user can change it. */
    defaultPort?: number;
    /** The platform refuses plain-http redirects (Meta, LinkedIn in production). */
    httpsOnly: boolean;
  };
}

/** How the gateway's proxy signs a tool's request with the account's credential. */
export type ApiToken =
  /** `Authorization: Bearer <access token>` (RFC 6750 2.1). */
  | 'bearer'
  /** An `access_token` query parameter, where the platform documents only that (Threads). */
  | 'query-access-token'
  /** HTTP Basic with the account's login and its application password (WordPress). */
  | 'basic-app-password';

/** Where the platform's API lives, for the gateway's proxy (`POST /v1/request`). */
export interface ApiDecl {
  /**
   * What a relative path is joined to: a fixed URL, or a fact stored in the account's details where each
   * account has its own (Bluesky's PDS, a WordPress site's REST root).
   */
  base: { url: string } | { detail: string };
  /** Accounts reached through another platform's login use that one's API (Instagram through a Facebook Page). */
  baseVia?: Partial<Record<PlatformId, string>>;
  /** The origins a full URL may name; an account-derived base adds its own origin. */
  origins: string[];
  token: ApiToken;
  /**
   * How the platform says the access token expired, so the proxy renews once and retries once. Absent
   * where a renewal could not help (nothing renews, or an expired token cannot be extended).
   */
  expiredToken?: { status: 400 | 401; bodyIncludes?: string };
}

export interface ProviderDecl {
  id: PlatformId;
  name: string;
  /** Whether this build ships a working connector (false → "coming soon"). */
  available: boolean;
  auth: 'oauth2' | 'app-password';
  renewal: Renewal;
  /** Typical lifetimes; a reply's own expires_in always wins. null = does not expire. */
  accessTokenLifetimeSec: number | null;
  /** The connection's own deadline when the platform has one (refresh-token or long-lived-token expiry). */
  connectionLifetimeSec: number | null;
  /** Renew this long before expiry at the least (the scheduler also uses 10% of the lifetime). */
  expiryBufferSec: number;
  oauth?: OAuthDecl;
  api: ApiDecl;
  portalUrl: string;
  /** The setup guide on the credentials tab, one sentence a step, in the stages the tab walks through. */
  guide: SetupGuideDecl;
}

export interface SetupGuideDecl {
  /** Making the developer app at the platform (for an app-password platform, the password). */
  app: string[];
  /**
   * Telling the platform where the browser comes back: `{redirectUri}` is filled in with the exact address.
   * Empty on an app-password platform; on one that takes any loopback port (Google's Desktop app client), it
   * says that nothing is registered.
   */
  redirect: string[];
  /** Copying the keys into Plugboard, and what to know before the first Connect. */
  keys: string[];
}

export interface Profile {
  platformUserId: string;
  handle: string;
  displayName: string;
  avatarUrl: string | null;
  /** Non-secret facts worth showing (X: subscriptionType). */
  details: Record<string, string>;
}

/** One publishable identity a login gives (a YouTube channel, a Facebook Page, a LinkedIn page…). */
export interface Identity extends Profile {
  /** Tokens of its own where the platform issues them per identity (Page tokens); else the login's. */
  tokens?: TokenSet;
  /** Shown and explained instead of hidden (e.g. a Page with no Instagram account linked). */
  unavailableReason?: string;
}

export interface TokenSet {
  accessToken: string;
  /** Absent from a reply that carries none: the stored one is kept. */
  refreshToken?: string;
  /** Epoch ms. */
  accessTokenExpiresAt: number | null;
  refreshTokenExpiresAt?: number | null;
  scopes: string[];
  /**
   * A renewal that did more than renew says what and why, in words for the account's history
   * (e.g. "signed in again with the app password: the session had expired"). Never stored with the tokens.
   */
  note?: string;
}

export interface ClientCredentials {
  clientId: string;
  /** null for a public client. */
  clientSecret: string | null;
}

export interface ConnectorContext {
  http: Http;
  /** The app's client credentials; empty for app-password platforms, which have none. */
  credentials: ClientCredentials;
  /** The account being renewed, re-read or disconnected: its non-secret facts (a PDS, a site URL). */
  account?: { platformUserId: string; details: Record<string, string> };
}

/** What an app-password platform's connector checks and returns (the shared "form → test → save" shape). */
export interface AppPasswordConnection {
  /** Non-secret facts to keep go in profile.details (the PDS, the site URL). */
  profile: Profile;
  /** A session the platform issued (Bluesky), or null where the password itself is the credential (WordPress). */
  tokens: TokenSet | null;
  /** The app password, sealed in the vault. */
  secret: string;
  /** Plain sentences worth showing after a test (e.g. "the REST API is at ?rest_route="). */
  notes: string[];
}

export interface Connector {
  decl: ProviderDecl;
  fetchProfile(ctx: ConnectorContext, accessToken: string): Promise<Profile>;
  /**
   * Exchanges the authorization code where the token endpoint is not plain OAuth (TikTok's
   * client_key). Absent: the standard grant through oauth4webapi.
   */
  exchange?(ctx: ConnectorContext, p: { code: string; redirectUri: string; verifier: string | null }, now: number): Promise<TokenSet>;
  /**
   * Where one login can give several identities (F4): all of them, and the user picks which to
   * connect. Absent: the login is one account, read with fetchProfile.
   */
  listIdentities?(ctx: ConnectorContext, accessToken: string): Promise<Identity[]>;
  /** The sentence for a login with no identity to connect (e.g. a Google account without a channel). */
  noIdentityMessage?: string;
  /**
   * Renews the tokens where the platform does it differently from the OAuth refresh_token grant
   * (Instagram's and Threads' long-lived token extension, Bluesky's refreshSession). Absent: the
   * standard grant with the stored refresh token.
   */
  renew?(ctx: ConnectorContext, tokens: { accessToken: string | null; refreshToken: string | null; appPassword: string | null }, now: number): Promise<TokenSet>;
  /** App-password platforms: the form's fields, and a check that stores nothing (Test connection). */
  appPassword?: {
    fields: FormField[];
    /** `test`: nothing will be kept, so a session opened to check must be closed again. */
    verify(ctx: ConnectorContext, values: Record<string, string>, now: number, purpose: 'test' | 'save'): Promise<AppPasswordConnection>;
    /**
     * A save renewed this account in place: ends at the platform what the replaced credentials held
     * open (Bluesky's old session). Called after the new ones are stored; a failure is only logged.
     * `ctx.account` is the account as it was before the save.
     */
    closeReplaced?(ctx: ConnectorContext, replaced: { accessToken: string | null; refreshToken: string | null; appPassword: string | null }): Promise<void>;
  };
  /**
   * Connect in the browser for an app-password platform whose site can hand a new app password
   * back to a redirect (WordPress's authorize-application.php). The password that comes back is
   * checked by appPassword.verify exactly as a typed one.
   */
  browserConnect?: {
    /** Where the user approves Plugboard; `site` is the address the password will be checked against. */
    authorizePage(ctx: ConnectorContext, siteUrl: string, redirect: { successUrl: string; rejectUrl: string }, now: number): Promise<{ url: string; site: string }>;
    /** The form values the redirect's query stands for. */
    valuesFrom(params: URLSearchParams, site: string): Record<string, string>;
  };
  /**
   * Which login's grant the account uses, where accounts with different tokens share one (Facebook
   * Pages, and Instagram accounts reached through them): revoking for one would end them all.
   */
  grantOf?(details: Record<string, string>): string | null;
  /**
   * Revoke at the platform; a connector without a revoke endpoint leaves this out. Resolves to a
   * note instead when it chose to leave the credential in place (and says why).
   */
  revoke?(ctx: ConnectorContext, tokens: { accessToken: string | null; refreshToken: string | null; appPassword: string | null }): Promise<void | { note: string }>;
  /**
   * Turns an error the platform sent back to the redirect (`?error=…&error_description=…`) into a
   * sentence with the fix, e.g. a scope the app was not granted. null: the generic sentence.
   */
  describeAuthorizeError?(error: string, description: string | null): string | null;
  /** Turns a token-endpoint error reply into a sentence with the fix (setup mistakes). */
  describeTokenError?(error: string, description: string | undefined, status: number): { kind: ErrorKind; message: string } | null;
}
