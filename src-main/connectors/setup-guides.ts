// The setup guide of each platform, in the stages its credentials tab walks through: make the app, register
// Plugboard's address, paste the keys (the tab adds the last, checking them with a Connect). One sentence a step;
// provider-schema.ts holds the rules a guide must keep.
import type { PlatformId } from '../api/contract.ts';
import type { SetupGuideDecl } from './types.ts';

export const SETUP_GUIDES: Record<PlatformId, SetupGuideDecl> = {
  x: {
    app: [
      'In the X Developer Portal, create a Project and add an App to it.',
      'In the app’s User authentication settings, click Set up and turn on OAuth 2.0.',
      'Choose "Web App, Automated App or Bot" as the type of app, which is what makes "Read and write" appear under App permissions, and select "Read and write".',
    ],
    redirect: ['Enter {redirectUri} as the Callback URI / Redirect URL, fill in any website URL you own, and click Save.'],
    keys: ['Copy the OAuth 2.0 Client ID and Client Secret (not the API Key and Secret, which are OAuth 1.0a) and paste them here; X shows the secret only once.'],
  },
  linkedin: {
    app: [
      'At LinkedIn Developers, create an app and associate it with a LinkedIn Page you administer, as LinkedIn requires.',
      'On the Products tab, add "Sign In with LinkedIn using OpenID Connect" and "Share on LinkedIn".',
      'Check that the Auth tab lists the scopes openid, profile, email and w_member_social.',
    ],
    redirect: ['On the Auth tab, add {redirectUri} under Authorized redirect URLs for your app.'],
    keys: ['Copy the Client ID and the Primary Client Secret from the Auth tab and paste them here.'],
  },
  facebook: {
    app: [
      'At Meta for Developers, create an app with the use case "Manage everything on your Page".',
      'In the use case’s permissions, add pages_show_list, pages_manage_posts, pages_read_engagement and business_management.',
    ],
    redirect: ['In the Facebook Login settings, add {redirectUri} to Valid OAuth Redirect URIs and keep Strict Mode and Enforce HTTPS on.'],
    keys: [
      'In App settings → Basic, copy the App ID and App secret and paste them here as client ID and client secret.',
      'While the app stays in development mode only people with a role on the app can connect, which includes you.',
    ],
  },
  instagram: {
    app: [
      'At Meta for Developers, create an app with the use case "Manage messaging & content on Instagram".',
      'Under API setup with Instagram login, add the permissions instagram_business_basic and instagram_business_content_publish.',
    ],
    redirect: ['In the business login settings, add {redirectUri} as an OAuth redirect URI.'],
    keys: [
      'Copy the Instagram app ID and Instagram app secret (not the Facebook App ID) and paste them here.',
      'Connect with an Instagram Business or Creator account; a personal account can be switched in the Instagram app’s settings.',
    ],
  },
  threads: {
    app: [
      'At Meta for Developers, create an app with the use case "Access the Threads API".',
      'In the use case’s permissions, add threads_basic and threads_content_publish.',
    ],
    redirect: ['In the use case’s settings, add {redirectUri} as a Redirect Callback URL.'],
    keys: [
      'Copy the Threads app ID and Threads app secret from the same settings and paste them here.',
      'While the app is in development, add your Threads account as a Threads Tester under App roles and accept the invitation in the Threads app.',
    ],
  },
  tiktok: {
    app: [
      'At TikTok for Developers, create an app under Manage apps and fill in its basic information.',
      'Add the Login Kit product with Desktop as the platform, and the Content Posting API product.',
      'Under Scopes, make sure user.info.basic, user.info.profile, video.upload and video.publish are added.',
    ],
    redirect: ['Under Login Kit, add {redirectUri} as a redirect URI.'],
    keys: [
      'Copy the Client key and Client secret and paste them here as client ID and client secret.',
      'Until TikTok approves the app, only accounts you add as Sandbox target users can connect.',
    ],
  },
  // Google's desktop-app guide: a Desktop app client has no redirect URIs to register and takes a loopback address on any port.
  youtube: {
    app: [
      'In the Google Cloud console, create a project and enable the YouTube Data API v3.',
      'Configure the OAuth consent screen for External users and add the youtube.upload and youtube.readonly scopes.',
      'Publish the app to In production, because while it stays in Testing Google ends every connection after 7 days and you would reconnect weekly.',
      'Create an OAuth client ID of type Desktop app.',
    ],
    redirect: ['Nothing to register here: a Desktop app client has no redirect field, and Google accepts the 127.0.0.1 address Plugboard listens on, whatever its port.'],
    keys: ['Copy the client ID and client secret and paste them here.'],
  },
  pinterest: {
    app: [
      'At Pinterest Developers, sign in with a business account and create an app, which Pinterest reviews for Trial access.',
      'Plugboard asks for boards:read, pins:read, pins:write and user_accounts:read, which Trial access includes.',
    ],
    redirect: ['Once the app is approved, open Manage and add {redirectUri} under Redirect URIs.'],
    keys: ['Copy the App ID and App secret key and paste them here as client ID and client secret.'],
  },
  bluesky: {
    app: ['In Bluesky, open Settings → Privacy and security → App passwords.', 'Add an app password named Plugboard, leaving access to direct messages off.'],
    redirect: [],
    keys: [
      'Copy the password Bluesky shows (it appears only once) and enter it in Plugboard with your handle.',
      'Never enter your main Bluesky password: an app password can be revoked on its own and cannot change your account.',
    ],
  },
  wordpress: {
    app: [
      'Quickest: enter the site address and click Connect in browser, and WordPress asks you to approve Plugboard and hands it a new application password.',
      'To make one yourself instead, make sure the site runs WordPress 5.6 or later over HTTPS, since application passwords are off on plain HTTP.',
      'Sign in to the site’s dashboard and open Users → Profile.',
      'Under Application Passwords, enter Plugboard as the name and click Add New Application Password.',
    ],
    redirect: [],
    keys: ['Copy the password (WordPress shows it only once) and enter it in Plugboard with the site address and your username.'],
  },
};
