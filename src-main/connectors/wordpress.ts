// WordPress (self-hosted, 5.6+): an application password sent as HTTP Basic
// username:password on every REST request. Nothing expires and nothing renews, so
// there are no tokens: the sealed application password is the whole credential.
// The site is anywhere (any host, a subfolder, plain permalinks), so the REST root
// is discovered, and every way that can fail gets its own sentence with the fix.
import { z } from 'zod';
import { providerDecl } from './providers.ts';
import type { AppPasswordConnection, Connector, ConnectorContext, Profile } from './types.ts';
import { basic, discover, get, hostOf, normaliseSiteUrl, rejectBusy, restDisabled, restUrl, send, wpCode, type Discovery, type Reply } from './wordpress-rest.ts';
import { PlatformError } from '../errors/platform-error.ts';

const NAME = 'WordPress';
const WHERE = 'Create one in your WordPress admin under Users → Profile → Application Passwords';
/** The line for Apache (.htaccess) that hands the Authorization header on to PHP. */
export const HTACCESS_FIX = 'SetEnvIf Authorization "(.*)" HTTP_AUTHORIZATION=$1';

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

const userSchema = z.object({
  id: z.number(),
  name: z.string(),
  slug: z.string(),
  avatar_urls: z.record(z.string(), z.string()).optional(),
  capabilities: z.record(z.string(), z.unknown()).optional(),
  roles: z.array(z.string()).optional(),
});

const authorizationSchema = z.object({
  'application-passwords': z.object({ endpoints: z.object({ authorization: z.string().url() }) }),
});

/** Names Plugboard's application passwords in the user's profile, so Plugboard only ever deletes its own. */
export const PLUGBOARD_APP_ID = '5b0e5a7e-3c1d-4f4e-9a52-7c1b0f1f2a11';

const introspectSchema = z.object({ uuid: z.string().min(1), app_id: z.string().optional() });

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
