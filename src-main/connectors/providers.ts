// The ten platforms as data: endpoints, scopes, how a connection stays alive,
// which redirects each platform accepts, and the setup guide on its credentials
// tab (its texts in setup-guides.ts). Facts follow shared/platforms.md; provider-schema.ts holds the rules an
// entry must keep. Lifetimes are typical values: a reply's own expires_in wins.
import type { PlatformId } from '../api/contract.ts';
import { SETUP_GUIDES } from './setup-guides.ts';
import type { ProviderDecl } from './types.ts';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Default ports where a platform needs the loopback redirect registered exactly (the user can change them).
 * One each, so Connects on two platforms at once do not fight over a port.
 */
const LOOPBACK_PORT = { x: 8765, linkedin: 8766, tiktok: 8767, pinterest: 8768 } as const;

/** Meta serves a Graph API version for about two years; v25.0 is available until mid-2028. */
export const GRAPH_VERSION = 'v25.0';

/** Long-lived tokens are extended this early so a machine that stays off or offline for a week still makes it. */
const LONG_LIVED_BUFFER_SEC = 14 * DAY;

export const providers: readonly ProviderDecl[] = [
  {
    id: 'x',
    name: 'X (Twitter)',
    available: true,
    auth: 'oauth2',
    renewal: 'rotating-refresh',
    accessTokenLifetimeSec: 2 * HOUR,
    // X documents no refresh-token lifetime, and every refresh hands out a new one.
    connectionLifetimeSec: null,
    expiryBufferSec: 5 * MINUTE,
    oauth: {
      authorizeUrl: 'https://x.com/i/oauth2/authorize',
      tokenUrl: 'https://api.x.com/2/oauth2/token',
      revokeUrl: 'https://api.x.com/2/oauth2/revoke',
      // offline.access is what makes X issue a refresh token; media.write covers media uploads.
      scopes: ['tweet.read', 'tweet.write', 'users.read', 'offline.access', 'media.write'],
      scopeSeparator: ' ',
      pkce: 'S256',
      // A confidential "Web App, Automated App or Bot" client; a Native App saves no secret and sends client_id in the body.
      clientAuth: 'client_secret_basic',
      clientIdParam: 'client_id',
      // X matches the callback URL exactly, port included.
      redirect: { kinds: ['loopback', 'protocol', 'manual'], loopbackPort: 'fixed-port', defaultPort: LOOPBACK_PORT.x, httpsOnly: false },
    },
    // docs.x.com: v2 endpoints and media upload (POST /2/media/upload) are on api.x.com with a user token as Bearer.
    // X's 401 says only "Unauthorized", so any 401 counts as an expired token.
    api: { base: { url: 'https://api.x.com' }, origins: ['https://api.x.com'], token: 'bearer', expiredToken: { status: 401 } },
    portalUrl: 'https://developer.x.com/en/portal/dashboard',
    guide: SETUP_GUIDES.x,
  },
  {
    id: 'linkedin',
    name: 'LinkedIn',
    available: true,
    auth: 'oauth2',
    // LinkedIn issues refresh tokens only to apps it has approved for programmatic refresh, which a
    // creator's own app is not by default: the connection ends with its 60-day token (Expiring soon, then Reconnect).
    renewal: 'none',
    accessTokenLifetimeSec: 60 * DAY,
    connectionLifetimeSec: 60 * DAY,
    expiryBufferSec: DAY,
    oauth: {
      authorizeUrl: 'https://www.linkedin.com/oauth/v2/authorization',
      tokenUrl: 'https://www.linkedin.com/oauth/v2/accessToken',
      revokeUrl: 'https://www.linkedin.com/oauth/v2/revoke',
      scopes: ['openid', 'profile', 'email', 'w_member_social'],
      // The Community Management API is a product LinkedIn reviews before granting it, so company pages are
      // asked for only once the user says their app has it.
      optionalScopes: [
        {
          id: 'company-pages',
          label: 'Company pages',
          help: 'Also lets you pick the LinkedIn Pages you administer. Turn on only once your app has the Community Management API product; LinkedIn refuses the whole sign-in otherwise.',
          scopes: ['r_organization_social', 'w_organization_social', 'rw_organization_admin'],
        },
      ],
      scopeSeparator: ' ',
      pkce: 'none',
      clientAuth: 'client_secret_post',
      clientIdParam: 'client_id',
      // Unconfirmed whether LinkedIn accepts an http://127.0.0.1 redirect, so loopback comes last.
      redirect: { kinds: ['https-relay', 'manual', 'loopback'], loopbackPort: 'fixed-port', defaultPort: LOOPBACK_PORT.linkedin, httpsOnly: true },
    },
    // learn.microsoft.com/linkedin: /v2 and the versioned /rest APIs, Bearer. Nothing renews, so a 401 passes through.
    api: { base: { url: 'https://api.linkedin.com' }, origins: ['https://api.linkedin.com'], token: 'bearer' },
    portalUrl: 'https://www.linkedin.com/developers/apps',
    guide: SETUP_GUIDES.linkedin,
  },
  {
    id: 'facebook',
    name: 'Facebook Pages',
    available: true,
    auth: 'oauth2',
    // Each account is a Page, and a Page token obtained with a long-lived user token does not expire: it dies only
    // when the user changes password, loses the Page role or removes the app, which the next call reports (code 190).
    // The ~60-day user token has no refresh token and is needed only while connecting, so nothing is renewed;
    // 'long-lived-extension' would promise an extension Facebook does not offer.
    renewal: 'none',
    accessTokenLifetimeSec: null,
    // Unconfirmed whether data-access expiry (90 days without the user returning) limits what a Page token can do.
    connectionLifetimeSec: null,
    expiryBufferSec: DAY,
    oauth: {
      authorizeUrl: `https://www.facebook.com/${GRAPH_VERSION}/dialog/oauth`,
      tokenUrl: `https://graph.facebook.com/${GRAPH_VERSION}/oauth/access_token`,
      // No OAuth revocation endpoint: facebook.ts sends DELETE /{user-id}/permissions with the app token, since the user token is not kept.
      // Without business_management, Pages held in a Business portfolio are missing from /me/accounts.
      scopes: ['pages_show_list', 'pages_manage_posts', 'pages_read_engagement', 'business_management'],
      scopeSeparator: ',',
      // Facebook takes PKCE only in its OIDC flow, which Meta still marks as testing.
      pkce: 'none',
      clientAuth: 'client_secret_post',
      clientIdParam: 'client_id',
      // Strict Mode wants an exact HTTPS URI; localhost works only while the app is in development mode.
      redirect: { kinds: ['https-relay', 'manual'], loopbackPort: 'not-accepted', httpsOnly: true },
    },
    // The Graph API takes the Page token as Bearer as well as access_token (Meta's WhatsApp Cloud and Marketing API
    // examples on graph.facebook.com use the header); video uploads go to graph-video.facebook.com. Tools name the version.
    api: { base: { url: 'https://graph.facebook.com' }, origins: ['https://graph.facebook.com', 'https://graph-video.facebook.com'], token: 'bearer' },
    portalUrl: 'https://developers.facebook.com/apps',
    guide: SETUP_GUIDES.facebook,
  },
  {
    // Instagram Login, for Business and Creator accounts. Accounts reached through a Facebook Page go through
    // Facebook Login with the Facebook app's credentials instead.
    id: 'instagram',
    name: 'Instagram',
    available: true,
    auth: 'oauth2',
    // The 1-hour token is exchanged at once for a 60-day one, which can be extended by 60 days once it is 24 hours old.
    renewal: 'long-lived-extension',
    accessTokenLifetimeSec: 60 * DAY,
    connectionLifetimeSec: 60 * DAY,
    expiryBufferSec: LONG_LIVED_BUFFER_SEC,
    oauth: {
      authorizeUrl: 'https://www.instagram.com/oauth/authorize',
      tokenUrl: 'https://api.instagram.com/oauth/access_token',
      scopes: ['instagram_business_basic', 'instagram_business_content_publish'],
      scopeSeparator: ',',
      pkce: 'none',
      clientAuth: 'client_secret_post',
      clientIdParam: 'client_id',
      redirect: { kinds: ['https-relay', 'manual'], loopbackPort: 'not-accepted', httpsOnly: true },
    },
    // Instagram API with Instagram Login: graph.instagram.com, Bearer (Meta's examples use the header); an account
    // reached through a Facebook Page uses the Graph API with the Page's token. An expired long-lived token cannot be extended.
    api: {
      base: { url: 'https://graph.instagram.com' },
      baseVia: { facebook: 'https://graph.facebook.com' },
      origins: ['https://graph.instagram.com', 'https://graph.facebook.com'],
      token: 'bearer',
    },
    portalUrl: 'https://developers.facebook.com/apps',
    guide: SETUP_GUIDES.instagram,
  },
  {
    id: 'threads',
    name: 'Threads',
    available: true,
    auth: 'oauth2',
    // The 1-hour token is exchanged at once for a 60-day one, which can be extended by 60 days once it is 24 hours old.
    renewal: 'long-lived-extension',
    accessTokenLifetimeSec: 60 * DAY,
    connectionLifetimeSec: 60 * DAY,
    expiryBufferSec: LONG_LIVED_BUFFER_SEC,
    oauth: {
      authorizeUrl: 'https://threads.net/oauth/authorize',
      tokenUrl: 'https://graph.threads.net/oauth/access_token',
      scopes: ['threads_basic', 'threads_content_publish'],
      scopeSeparator: ',',
      pkce: 'none',
      clientAuth: 'client_secret_post',
      clientIdParam: 'client_id',
      // Unconfirmed whether Threads accepts a localhost redirect at all.
      redirect: { kinds: ['https-relay', 'manual'], loopbackPort: 'not-accepted', httpsOnly: true },
    },
    // developers.facebook.com/documentation/threads: every example passes access_token as a query parameter, on
    // graph.threads.net and (newer pages) graph.threads.com.
    api: { base: { url: 'https://graph.threads.net' }, origins: ['https://graph.threads.net', 'https://graph.threads.com'], token: 'query-access-token' },
    portalUrl: 'https://developers.facebook.com/apps',
    guide: SETUP_GUIDES.threads,
  },
  {
    id: 'tiktok',
    name: 'TikTok',
    available: true,
    auth: 'oauth2',
    // platforms.md has 24 h access tokens and a 365-day refresh token that "may" change; TikTok's current docs
    // (November 2026) say 2 h and 180 days, and that each refresh rotates the refresh token and kills the old one.
    // Rotating is the safe reading of both: the refresh token that comes back is always the one stored.
    renewal: 'rotating-refresh',
    accessTokenLifetimeSec: 2 * HOUR,
    connectionLifetimeSec: 180 * DAY,
    expiryBufferSec: 5 * MINUTE,
    oauth: {
      authorizeUrl: 'https://www.tiktok.com/v2/auth/authorize/',
      tokenUrl: 'https://open.tiktokapis.com/v2/oauth/token/',
      revokeUrl: 'https://open.tiktokapis.com/v2/oauth/revoke/',
      // user.info.profile is what returns the username.
      scopes: ['user.info.basic', 'user.info.profile', 'video.upload', 'video.publish'],
      scopeSeparator: ',',
      // TikTok's Login Kit for Desktop hashes the verifier with SHA-256 and sends it hex-encoded (not RFC 7636's
      // base64url), still with code_challenge_method=S256.
      pkce: 'S256-hex',
      clientAuth: 'client_secret_post',
      clientIdParam: 'client_key',
      // Desktop apps register http://localhost or 127.0.0.1 with a port; an exact port keeps the URI copyable as shown.
      redirect: { kinds: ['loopback', 'manual'], loopbackPort: 'fixed-port', defaultPort: LOOPBACK_PORT.tiktok, httpsOnly: false },
    },
    // developers.tiktok.com: open.tiktokapis.com/v2 with Bearer; the Content Posting API's upload_url is on
    // open-upload.tiktokapis.com. An invalid or expired token is 401 with error.code access_token_invalid.
    api: {
      base: { url: 'https://open.tiktokapis.com' },
      origins: ['https://open.tiktokapis.com', 'https://open-upload.tiktokapis.com'],
      token: 'bearer',
      expiredToken: { status: 401, bodyIncludes: 'access_token_invalid' },
    },
    portalUrl: 'https://developers.tiktok.com/apps',
    guide: SETUP_GUIDES.tiktok,
  },
  {
    id: 'youtube',
    name: 'YouTube',
    available: true,
    auth: 'oauth2',
    renewal: 'refresh',
    accessTokenLifetimeSec: HOUR,
    // Google's refresh tokens have no fixed lifetime: they die after 6 months unused, or after 7 days while the
    // consent screen is in Testing.
    connectionLifetimeSec: null,
    expiryBufferSec: 5 * MINUTE,
    oauth: {
      authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      revokeUrl: 'https://oauth2.googleapis.com/revoke',
      scopes: ['https://www.googleapis.com/auth/youtube.upload', 'https://www.googleapis.com/auth/youtube.readonly'],
      scopeSeparator: ' ',
      pkce: 'S256',
      // A desktop client's secret is not confidential; Google still expects it in the body.
      clientAuth: 'client_secret_post',
      clientIdParam: 'client_id',
      // prompt=consent makes Google issue a refresh token on every reconnect, not only the first.
      extraAuthorizeParams: { access_type: 'offline', prompt: 'consent' },
      // Desktop clients take any loopback port and no custom schemes.
      redirect: { kinds: ['loopback', 'manual'], loopbackPort: 'any-port', httpsOnly: false },
    },
    // developers.google.com/youtube/v3: the Data API on www.googleapis.com (also youtube.googleapis.com), uploads and
    // their resumable sessions on www.googleapis.com/upload; Bearer. An expired token is 401 UNAUTHENTICATED.
    api: { base: { url: 'https://www.googleapis.com' }, origins: ['https://www.googleapis.com', 'https://youtube.googleapis.com'], token: 'bearer', expiredToken: { status: 401 } },
    portalUrl: 'https://console.cloud.google.com/apis/credentials',
    guide: SETUP_GUIDES.youtube,
  },
  {
    id: 'pinterest',
    name: 'Pinterest',
    available: true,
    auth: 'oauth2',
    // Continuous refresh has been the only model since 2025-05-14 (Pinterest's notice, quoted in
    // pinterest-python-sdk #156): each refresh returns a new refresh token with a fresh 60-day window.
    renewal: 'refresh',
    accessTokenLifetimeSec: 30 * DAY,
    connectionLifetimeSec: 60 * DAY,
    expiryBufferSec: DAY,
    oauth: {
      authorizeUrl: 'https://www.pinterest.com/oauth/',
      tokenUrl: 'https://api.pinterest.com/v5/oauth/token',
      scopes: ['boards:read', 'pins:read', 'pins:write', 'user_accounts:read'],
      scopeSeparator: ',',
      pkce: 'none',
      clientAuth: 'client_secret_basic',
      clientIdParam: 'client_id',
      // Pinterest's own quickstart registers http://localhost:8085/ exactly (unconfirmed for 127.0.0.1).
      redirect: { kinds: ['loopback', 'manual'], loopbackPort: 'fixed-port', defaultPort: LOOPBACK_PORT.pinterest, httpsOnly: false },
    },
    // developers.pinterest.com/docs/api/v5: api.pinterest.com, Bearer; apps with Trial access write through
    // api-sandbox.pinterest.com. A bad or expired token is 401 code 2 "Authentication failed.".
    api: { base: { url: 'https://api.pinterest.com' }, origins: ['https://api.pinterest.com', 'https://api-sandbox.pinterest.com'], token: 'bearer', expiredToken: { status: 401 } },
    portalUrl: 'https://developers.pinterest.com/apps/',
    guide: SETUP_GUIDES.pinterest,
  },
  {
    id: 'bluesky',
    name: 'Bluesky',
    available: true,
    auth: 'app-password',
    // refreshSession returns a new pair and retires the old refresh JWT (after a grace window never relied on).
    renewal: 'rotating-refresh',
    accessTokenLifetimeSec: 2 * HOUR,
    // platforms.md says ~2 months; the reference PDS signs refresh JWTs for 90 days.
    connectionLifetimeSec: 60 * DAY,
    expiryBufferSec: 5 * MINUTE,
    // The account's own PDS (stored as details.pds) with the session's access JWT as Bearer (atproto XRPC); the PDS
    // answers an expired one 400 ExpiredToken, which is what @atproto/api itself renews on.
    api: { base: { detail: 'pds' }, origins: [], token: 'bearer', expiredToken: { status: 400, bodyIncludes: 'ExpiredToken' } },
    portalUrl: 'https://bsky.app/settings/app-passwords',
    guide: SETUP_GUIDES.bluesky,
  },
  {
    id: 'wordpress',
    name: 'WordPress',
    available: true,
    auth: 'app-password',
    renewal: 'none',
    accessTokenLifetimeSec: null,
    connectionLifetimeSec: null,
    expiryBufferSec: DAY,
    // The site's REST root (details.restRoot, found when connecting), HTTP Basic with the login and the application
    // password (make.wordpress.org's integration guide). Nothing expires.
    api: { base: { detail: 'restRoot' }, origins: [], token: 'basic-app-password' },
    portalUrl: 'https://make.wordpress.org/core/2020/11/05/application-passwords-integration-guide/',
    guide: SETUP_GUIDES.wordpress,
  },
];

const byId = new Map(providers.map((decl) => [decl.id, decl]));

export function providerDecl(id: PlatformId): ProviderDecl {
  const decl = byId.get(id);
  if (!decl) throw new Error(`No provider declaration for platform "${id}"`);
  return decl;
}
