// Facebook Pages: Facebook Login, then each Page the login shares is an account with its own Page token.
// The code gives a short-lived user token (~1–2 h) that is exchanged at once (fb_exchange_token) for a
// ~60-day one, because Page tokens read with a long-lived user token do not expire; the user token is
// then kept nowhere. debug_token (with the app token APPID|SECRET) tells the granted permissions and,
// since granular consent, which Pages each was granted for. A Page token dies when the user changes
// password, loses the Page role or removes the app, which the next call reports (code 190); nothing renews.
// Per /work/shared/platforms.md "Facebook Pages". The Graph helpers here are shared with Instagram
// reached through a Page (instagram-facebook.ts), which is the same login.
import { z } from 'zod';
import { graphError, graphErrorSchema, readGraph } from './graph-errors.ts';
import { providerDecl } from './providers.ts';
import type { Connector, ConnectorContext, Identity, Profile, TokenSet } from './types.ts';
import { PlatformError } from '../errors/platform-error.ts';
import type { ErrorKind } from '../api/contract.ts';

const DECL = providerDecl('facebook');

/** The Graph API root at the declared version (https://graph.facebook.com/vNN.N): the token URL's version is the one every call uses. */
export const GRAPH_ROOT = ((tokenUrl: string) => {
  const url = new URL(tokenUrl);
  return `${url.origin}/${url.pathname.split('/').filter(Boolean)[0]}`;
})(DECL.oauth!.tokenUrl);

/** /me/accounts pages through its list; a creator with more Pages than this is not who Plugboard is for. */
const MAX_PAGE_REQUESTS = 10;

const tokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  // Facebook leaves it out for some long-lived tokens; debug_token's expires_at says it then.
  expires_in: z.number().int().positive().optional(),
});

const debugSchema = z.object({
  data: z.object({
    app_id: z.string().optional(),
    type: z.string().optional(),
    is_valid: z.boolean(),
    /** Epoch seconds; 0 = never. */
    expires_at: z.number().int().nonnegative().optional(),
    data_access_expires_at: z.number().int().nonnegative().optional(),
    scopes: z.array(z.string()),
    granular_scopes: z.array(z.object({ scope: z.string(), target_ids: z.array(z.string()).optional() })).optional(),
    user_id: z.string().optional(),
    profile_id: z.string().optional(),
    error: z.object({ code: z.number().int().optional(), subcode: z.number().int().optional(), message: z.string().optional() }).optional(),
  }),
});
export type TokenInfo = z.infer<typeof debugSchema>['data'];

const pictureSchema = z.object({ data: z.object({ url: z.string().url() }) }).optional();

const pageEntrySchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  access_token: z.string().min(1).optional(),
  picture: pictureSchema,
  tasks: z.array(z.string()).optional(),
});
export type PageEntry = z.infer<typeof pageEntrySchema>;

const accountsSchema = z.object({
  data: z.array(pageEntrySchema),
  paging: z.object({ next: z.string().url().optional() }).passthrough().optional(),
});

const pageSchema = z.object({ id: z.string().min(1), name: z.string(), picture: pictureSchema });

const successSchema = z.object({ success: z.literal(true) });


/** What one Facebook login granted, from debug_token on its user token. */
export interface LoginGrant {
  facebookUserId: string;
  scopes: Set<string>;
  /** Per permission, the Pages (or Instagram accounts) it was granted for; a permission absent here is not limited. */
  targets: Map<string, Set<string>>;
  /** When the user must log in with Facebook again for the app to keep reading their data (ISO), if Facebook says. */
  dataAccessExpiresAt: string | null;
}

// ---- Graph calls ----

export async function graphGet<S extends z.ZodType>(ctx: ConnectorContext, path: string, params: Record<string, string>, schema: S, what: string): Promise<z.infer<S>> {
  const url = new URL(`${GRAPH_ROOT}${path}`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return readGraph(facebook, await ctx.http.fetch(url, { headers: { accept: 'application/json' } }), schema, what);
}

function clientSecret(ctx: ConnectorContext): string {
  if (!ctx.credentials.clientSecret) {
    throw new PlatformError('setup', 'Facebook needs the App secret as well as the App ID. Copy it from App settings → Basic in the Meta app dashboard into the Credentials tab.');
  }
  return ctx.credentials.clientSecret;
}

/** Facebook's app access token is the App ID and secret joined by a bar. */
const appToken = (ctx: ConnectorContext): string => `${ctx.credentials.clientId}|${clientSecret(ctx)}`;

/** A token endpoint reply: its Graph errors are read with the sentences for setup mistakes first. */
async function tokenGet(ctx: ConnectorContext, params: Record<string, string>, what: string): Promise<z.infer<typeof tokenSchema>> {
  const url = new URL(DECL.oauth!.tokenUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const res = await ctx.http.fetch(url, { headers: { accept: 'application/json' }, tokenRequest: true });
  const body = graphErrorSchema.safeParse(await res.clone().json().catch(() => null));
  if (body.success) {
    const mapped = describeTokenError(String(body.data.error.code ?? ''), body.data.error.message, res.status);
    if (mapped) throw new PlatformError(mapped.kind, mapped.message, { status: res.status });
  }
  return readGraph(facebook, res, tokenSchema, what);
}

/** Code → short-lived user token → long-lived user token, then what it was granted. */
export async function exchangeLogin(ctx: ConnectorContext, p: { code: string; redirectUri: string }, now: number): Promise<TokenSet> {
  const client = { client_id: ctx.credentials.clientId, client_secret: clientSecret(ctx) };
  const short = await tokenGet(ctx, { ...client, redirect_uri: p.redirectUri, code: p.code }, 'the sign-in token');
  const long = await tokenGet(ctx, { ...client, grant_type: 'fb_exchange_token', fb_exchange_token: short.access_token }, 'the long-lived token');
  const info = await inspectToken(ctx, long.access_token);
  const expiresAt = long.expires_in !== undefined ? now + long.expires_in * 1000 : info.expires_at ? info.expires_at * 1000 : null;
  return { accessToken: long.access_token, accessTokenExpiresAt: expiresAt, scopes: info.scopes };
}

/** debug_token with the app token; a token Facebook calls invalid becomes its classified error. */
export async function inspectToken(ctx: ConnectorContext, token: string): Promise<TokenInfo> {
  const { data } = await graphGet(ctx, '/debug_token', { input_token: token, access_token: appToken(ctx) }, debugSchema, 'the token details');
  if (!data.is_valid) {
    throw graphError(DECL.name, { code: data.error?.code ?? 190, error_subcode: data.error?.subcode, message: data.error?.message }, null, null);
  }
  return data;
}

export function grantOf(info: TokenInfo): LoginGrant {
  if (!info.user_id) throw new PlatformError('malformed', 'Facebook described the sign-in without saying whose it is (no user_id). Nothing was changed; try again later.');
  const targets = new Map<string, Set<string>>();
  for (const g of info.granular_scopes ?? []) if (g.target_ids) targets.set(g.scope, new Set(g.target_ids));
  return {
    facebookUserId: info.user_id,
    scopes: new Set(info.scopes),
    targets,
    dataAccessExpiresAt: info.data_access_expires_at ? new Date(info.data_access_expires_at * 1000).toISOString() : null,
  };
}

export function loginDetails(grant: LoginGrant): Record<string, string> {
  return { facebookUserId: grant.facebookUserId, ...(grant.dataAccessExpiresAt ? { dataAccessExpiresAt: grant.dataAccessExpiresAt } : {}) };
}

/** Whether the permission covers this Page or Instagram account (granted, and ticked for it when granted per target). */
export function grantedFor(grant: LoginGrant, scope: string, targetId: string): boolean {
  const targets = grant.targets.get(scope);
  return grant.scopes.has(scope) && (targets === undefined || targets.has(targetId));
}

/** The Pages the login shares, with each Page's own token where Facebook gives one. */
export async function listPages(ctx: ConnectorContext, userToken: string, grant: LoginGrant): Promise<PageEntry[]> {
  if (!grant.scopes.has('pages_show_list')) {
    throw new PlatformError(
      'setup',
      'You did not allow Plugboard to see your Pages (pages_show_list), so there is nothing to connect. Click Connect again and leave "Show a list of the Pages you manage" ticked (under Edit settings in the Facebook dialog).',
    );
  }
  const pages: PageEntry[] = [];
  let next: string | undefined = `${GRAPH_ROOT}/me/accounts?${new URLSearchParams({ fields: 'id,name,access_token,picture,tasks', limit: '100', access_token: userToken })}`;
  for (let i = 0; next && i < MAX_PAGE_REQUESTS; i++) {
    const res = await ctx.http.fetch(next, { headers: { accept: 'application/json' } });
    const body: z.infer<typeof accountsSchema> = await readGraph(facebook, res, accountsSchema, 'the list of your Pages');
    pages.push(...body.data);
    next = body.data.length > 0 ? body.paging?.next : undefined;
  }
  if (pages.length === 0) throw new PlatformError('setup', noPagesMessage(grant));
  return pages;
}

function noPagesMessage(grant: LoginGrant): string {
  const base =
    'Facebook listed no Page for this login: either it manages none (create one at facebook.com/pages/create, or ask for a role on one), or none was ticked when you connected (click Connect again and tick your Pages under Edit settings in the Facebook dialog).';
  return grant.scopes.has('business_management')
    ? base
    : `${base} Pages held in a Business portfolio also need "Manage your business" (business_management) left ticked.`;
}

/** A Page's own token with its expiry from debug_token: null where Facebook says it never expires (expires_at 0). */
export async function pageTokenSet(ctx: ConnectorContext, page: PageEntry & { access_token: string }): Promise<TokenSet> {
  const info = await inspectToken(ctx, page.access_token);
  if (info.type !== 'PAGE') {
    throw new PlatformError('malformed', `Facebook gave an access for ${page.name} that is not a Page token. Nothing was connected; try again later.`);
  }
  return { accessToken: page.access_token, accessTokenExpiresAt: info.expires_at ? info.expires_at * 1000 : null, scopes: info.scopes };
}

export const pictureUrl = (picture: PageEntry['picture']): string | null => picture?.data.url ?? null;

/** Removes the app for the Facebook user who connected, with the app token: ends every Page token of that login. */
export async function revokeLogin(ctx: ConnectorContext): Promise<void> {
  const userId = ctx.account?.details.facebookUserId;
  if (!userId) {
    throw new PlatformError(
      'setup',
      'Plugboard does not know which Facebook login connected this account, so it could not remove its access there. Remove Plugboard on facebook.com under Settings & privacy → Settings → Business integrations.',
    );
  }
  const url = new URL(`${GRAPH_ROOT}/${encodeURIComponent(userId)}/permissions`);
  url.searchParams.set('access_token', appToken(ctx));
  const res = await ctx.http.fetch(url, { method: 'DELETE', headers: { accept: 'application/json' } });
  await readGraph(facebook, res, successSchema, 'the answer to removing the app');
}

/** The sentence for a token endpoint's Graph error (code as text, its message), or null for the shared mapping. */
function describeTokenError(error: string, description: string | undefined, _status: number): { kind: ErrorKind; message: string } | null {
  const text = description ?? '';
  if (error === '191' || /redirect_uri|redirect uri|URL Blocked/i.test(text)) {
    return {
      kind: 'setup',
      message:
        'Facebook refused the redirect address. In the Meta app dashboard, open Facebook Login → Settings and add the redirect address shown on the Credentials tab to Valid OAuth Redirect URIs exactly as shown (Strict Mode compares it character for character), then click Connect again.',
    };
  }
  if (/insecure/i.test(text)) {
    return {
      kind: 'setup',
      message:
        'Facebook refused a plain http redirect (Enforce HTTPS). Choose the https redirect on the Credentials tab; Facebook lets http://localhost through only while the app is in development mode.',
    };
  }
  if (error === '101' || /application ID/i.test(text)) {
    return { kind: 'setup', message: 'Facebook did not recognise the App ID. Copy it from App settings → Basic in the Meta app dashboard into the Credentials tab.' };
  }
  if (/client secret/i.test(text)) {
    return { kind: 'setup', message: 'Facebook did not accept the App secret. Copy it again from App settings → Basic in the Meta app dashboard (Show) into the Credentials tab.' };
  }
  if (error === '100' && /authorization code|verification code/i.test(text)) {
    return { kind: 'denied', message: 'Facebook did not accept the sign-in code (it was already used or has expired). Click Connect to try again.' };
  }
  return null;
}

function describeAuthorizeError(error: string): string | null {
  if (error === 'access_denied') {
    return 'You declined the Facebook authorization, so nothing was connected. To connect, click Connect again and choose Continue; under Edit settings you can pick which Pages Plugboard may use.';
  }
  return null;
}

/** Shared by both connectors that sign in with Facebook Login. */
export const facebookLogin = { describeTokenError, describeAuthorizeError };

// ---- the Pages connector ----

/** Why a listed Page cannot be posted to; null when it can. */
function pageUnavailable(grant: LoginGrant, page: PageEntry): string | null {
  if (!page.access_token) {
    return `Facebook gave Plugboard no access to ${page.name}: your role on this Page does not include creating content. Ask a Page admin to give you full control (or the content task) in the Page's settings, then click Connect again.`;
  }
  if (!grantedFor(grant, 'pages_manage_posts', page.id)) {
    return `${page.name} was not ticked for posting (pages_manage_posts) when you connected. Click Connect again, choose Edit settings in the Facebook dialog and tick ${page.name}.`;
  }
  return null;
}

/** Nothing usable: the one reason, or all of them. */
export function nothingUsable(identities: Identity[], intro: string): PlatformError {
  const reasons = [...new Set(identities.map((i) => i.unavailableReason!))];
  return new PlatformError('setup', reasons.length === 1 ? reasons[0]! : `${intro} ${reasons.join(' ')}`);
}

async function listPageIdentities(ctx: ConnectorContext, userToken: string): Promise<Identity[]> {
  const info = await inspectToken(ctx, userToken);
  // A stored account's token is its Page token: the core re-reads the account through here.
  if (info.type === 'PAGE') return [await facebook.fetchProfile(ctx, userToken)];
  const grant = grantOf(info);
  const pages = await listPages(ctx, userToken, grant);
  if (!grant.scopes.has('pages_manage_posts')) {
    throw new PlatformError(
      'setup',
      'You did not allow Plugboard to post on your Pages (pages_manage_posts), so none can be used. Click Connect again and leave "Create and manage content on your Page" ticked (under Edit settings in the Facebook dialog).',
    );
  }
  const identities = await Promise.all(
    pages.map(async (page): Promise<Identity> => {
      const base = { platformUserId: page.id, handle: page.name, displayName: page.name, avatarUrl: pictureUrl(page.picture), details: loginDetails(grant) };
      const reason = pageUnavailable(grant, page);
      if (reason) return { ...base, unavailableReason: reason };
      return { ...base, tokens: await pageTokenSet(ctx, { ...page, access_token: page.access_token! }) };
    }),
  );
  if (identities.every((i) => i.unavailableReason)) throw nothingUsable(identities, 'None of your Pages can be connected.');
  return identities;
}

/** Every Page and Instagram account connected through one Facebook login shares that login's grant. */
export function facebookGrantOf(details: Record<string, string>): string | null {
  return details.facebookUserId ? `facebook:${details.facebookUserId}` : null;
}

export const facebook: Connector = {
  decl: DECL,

  grantOf: facebookGrantOf,

  exchange: (ctx, p, now) => exchangeLogin(ctx, p, now),

  listIdentities: listPageIdentities,

  /** With a Page token, /me is the Page; debug_token tells whose login it came from. */
  async fetchProfile(ctx, pageToken): Promise<Profile> {
    const [page, info] = await Promise.all([graphGet(ctx, '/me', { fields: 'id,name,picture', access_token: pageToken }, pageSchema, 'the Page'), inspectToken(ctx, pageToken)]);
    if (info.type !== 'PAGE') throw new PlatformError('malformed', 'The stored access is not a Page token, so Plugboard cannot read the Page with it. Reconnect the Page.');
    return {
      platformUserId: page.id,
      handle: page.name,
      displayName: page.name,
      avatarUrl: pictureUrl(page.picture),
      details: { ...ctx.account?.details, ...loginDetails(grantOf(info)) },
    };
  },

  revoke: (ctx) => revokeLogin(ctx),

  describeAuthorizeError: (error) => describeAuthorizeError(error),

  describeTokenError,
};
