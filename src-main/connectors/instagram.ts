// Instagram through Instagram Login (the "Instagram API with Instagram Login"), for Business and
// Creator accounts. The code exchange at api.instagram.com answers in Instagram's own shape (errors
// as {error_type, code, error_message}, the token possibly wrapped in data: [...]), so it is done
// here; the 1-hour token it gives is exchanged at once for a 60-day one (ig_exchange_token), which
// is the connection: there is no refresh token, and renew extends it by 60 days (ig_refresh_token),
// which Instagram allows only once it is 24 hours old. graph.instagram.com answers Graph errors.
//
// There is no revoke: Instagram Login documents no endpoint that ends a token (Meta's docs list
// only authorize, the two token exchanges and the refresh), so `revoke` is left out. The user
// removes Plugboard in Instagram under Settings → Apps and websites.
import { z } from 'zod';
import { GRAPH_VERSION, providerDecl } from './providers.ts';
import { graphError, graphErrorSchema, readGraph, type GraphErrorBody } from './graph-errors.ts';
import { rejectUnusable, retryAt } from '../oauth/oauth-client.ts';
import type { Connector, ConnectorContext, TokenSet } from './types.ts';
import { PlatformError } from '../errors/platform-error.ts';
import type { ErrorKind } from '../api/contract.ts';

const NAME = 'Instagram';
const GRAPH = 'https://graph.instagram.com';
const ME_FIELDS = 'user_id,username,name,profile_picture_url,account_type';
const DAY_MS = 86_400_000;

const shortLivedSchema = z.object({
  access_token: z.string().min(1),
  // An Instagram-scoped id, not the professional account's: only /me's user_id is used.
  user_id: z.union([z.string(), z.number()]).optional(),
  permissions: z.union([z.string(), z.array(z.string())]).optional(),
});

/** The documented reply wraps the token in data: [...]; the older flat object is still reported. */
const codeReplySchema = z.union([z.object({ data: z.array(shortLivedSchema).min(1) }), shortLivedSchema]);

const longLivedSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().int().positive(),
});

/** Instagram's own error shape, from api.instagram.com. */
const igErrorSchema = z.object({
  error_type: z.string().optional(),
  code: z.number().int().optional(),
  error_message: z.string().min(1),
});

const meSchema = z.object({
  // Graph ids are strings; a number past 2^53 would already have lost digits.
  user_id: z.string().regex(/^\d+$/),
  username: z.string().min(1),
  name: z.string().optional(),
  profile_picture_url: z.string().optional(),
  account_type: z.string().optional(),
});

type Mapped = { kind: ErrorKind; message: string };

const ACCOUNT_TYPES: Record<string, string> = { BUSINESS: 'Business', MEDIA_CREATOR: 'Creator' };

/** The setup mistakes Instagram names in its error texts, each with where to fix it. */
function describeCause(text: string): Mapped | null {
  if (/redirect_uri|redirect uri/i.test(text)) {
    return {
      kind: 'setup',
      message:
        'Instagram refused the redirect URI. In the Meta app dashboard, open Instagram → API setup with Instagram login → Set up Instagram business login → Business login settings, add the redirect URI shown on the Credentials tab exactly as shown, save, then Connect again.',
    };
  }
  if (/platform app|invalid.*app(lication)? id|client_id/i.test(text)) {
    return {
      kind: 'setup',
      message:
        'Instagram did not recognise the app ID. Paste the Instagram app ID from API setup with Instagram login (Business login settings) on the Credentials tab: it is not the Facebook App ID shown at the top of the Meta dashboard.',
    };
  }
  if (/client secret|client_secret/i.test(text)) {
    return {
      kind: 'setup',
      message:
        'Instagram did not accept the app secret. Paste the Instagram app secret from API setup with Instagram login on the Credentials tab: it is not the Facebook App secret.',
    };
  }
  if (/developer role|tester/i.test(text)) {
    return {
      kind: 'setup',
      message:
        'This Instagram account is not a tester of the app, and the app is in development mode. In the Meta app dashboard, add the account under App roles → Roles → Instagram Testers and accept the invitation in Instagram (Settings → Apps and websites → Tester invites), or switch the app to Live.',
    };
  }
  if (/scope/i.test(text)) {
    return {
      kind: 'setup',
      message:
        'Instagram refused the permissions asked for. Under API setup with Instagram login in the Meta app dashboard, add instagram_business_basic and instagram_business_content_publish, then Connect again.',
    };
  }
  return null;
}

function fail(kind: ErrorKind, message: string, status: number | null): never {
  throw new PlatformError(kind, message, { status });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The Graph errors graph-errors.ts does not tell apart, read before it sees the reply. `refreshAt`:
 * the reply answers a token extension asked for at that moment.
 */
function instagramGraphError(err: GraphErrorBody, status: number, refreshAt: number | null): PlatformError | null {
  const message = err.message ?? '';
  if (err.error_subcode === 2207050) {
    return new PlatformError(
      'auth',
      'Instagram has put this account on hold (inactive, checkpointed or restricted). Log in at instagram.com or in the Instagram app, complete any steps it shows, then Reconnect here.',
      { status },
    );
  }
  if (/client secret/i.test(message)) return new PlatformError('setup', describeCause(message)!.message, { status });
  // Meta documents no body for this refusal; its message is the only sign (see src-main/fakes/instagram.ts).
  if (refreshAt !== null && err.code !== 190 && /24 hours|too (new|young|recent)|not (yet )?eligible/i.test(message)) {
    return new PlatformError(
      'rate_limited',
      'Instagram extends an access token only once it is a day old, and this one is newer. Nothing is wrong with the account; Plugboard will try again tomorrow.',
      { status, retryAt: refreshAt + DAY_MS },
    );
  }
  return null;
}

/** Reads a graph.instagram.com reply: Instagram's own cases first, then the shared Graph reading. */
async function readInstagramGraph<S extends z.ZodType>(res: Response, schema: S, what: string, refreshAt: number | null = null): Promise<z.infer<S>> {
  const asError = graphErrorSchema.safeParse(parseJson(await res.clone().text().catch(() => '')));
  if (asError.success) {
    const mapped = instagramGraphError(asError.data.error, res.status, refreshAt);
    if (mapped) throw mapped;
  }
  return readGraph(instagram, res, schema, what);
}

/** The code exchange at api.instagram.com: its own error shape, and Graph's on some failures. */
async function exchangeCode(ctx: ConnectorContext, code: string, redirectUri: string): Promise<{ accessToken: string; scopes: string[] }> {
  const res = await ctx.http.fetch(instagram.decl.oauth!.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      client_id: ctx.credentials.clientId,
      client_secret: ctx.credentials.clientSecret ?? '',
      grant_type: 'authorization_code',
      redirect_uri: redirectUri,
      code,
    }),
    tokenRequest: true,
  });
  await rejectUnusable(instagram, res);
  const body = parseJson(await res.text());
  const igError = igErrorSchema.safeParse(body);
  if (igError.success) {
    const { kind, message } = instagram.describeTokenError!(igError.data.error_type ?? 'OAuthException', igError.data.error_message, res.status)!;
    fail(kind, message, res.status);
  }
  const asGraph = graphErrorSchema.safeParse(body);
  if (asGraph.success) {
    const mapped = describeCause(asGraph.data.error.message ?? '');
    if (mapped) fail(mapped.kind, mapped.message, res.status);
    throw graphError(NAME, asGraph.data.error, res.status, retryAt(res));
  }
  if (!res.ok) fail('setup', `Instagram refused the sign-in code (HTTP ${res.status}). Check the Instagram app ID and secret on the Credentials tab, then Connect again.`, res.status);
  if (body === undefined) fail('malformed', 'Instagram sent a token reply that is not valid JSON. Nothing was changed; try again later.', res.status);
  const parsed = codeReplySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail('malformed', `Instagram sent a token reply without the expected fields (${issue?.path.join('.') || 'body'}: ${issue?.message}). Nothing was changed.`, res.status);
  }
  const reply = 'data' in parsed.data ? parsed.data.data[0]! : parsed.data;
  const permissions = reply.permissions === undefined ? [] : Array.isArray(reply.permissions) ? reply.permissions : reply.permissions.split(/[\s,]+/);
  const scopes = permissions.filter(Boolean);
  return { accessToken: reply.access_token, scopes: scopes.length > 0 ? scopes : instagram.decl.oauth!.scopes };
}

function tokenSet(r: z.infer<typeof longLivedSchema>, scopes: string[], now: number): TokenSet {
  // No refresh token: the core takes a long-lived token's expiry as the connection's deadline.
  return { accessToken: r.access_token, accessTokenExpiresAt: now + r.expires_in * 1000, scopes };
}

export const instagram: Connector = {
  decl: providerDecl('instagram'),

  async exchange(ctx, p, now) {
    // Instagram appends #_ to the redirect; it is not part of the code (a pasted URL may carry it).
    const code = p.code.replace(/#_$/, '');
    const short = await exchangeCode(ctx, code, p.redirectUri);
    const url = new URL(`${GRAPH}/access_token`);
    url.searchParams.set('grant_type', 'ig_exchange_token');
    url.searchParams.set('client_secret', ctx.credentials.clientSecret ?? '');
    url.searchParams.set('access_token', short.accessToken);
    const res = await ctx.http.fetch(url, { headers: { accept: 'application/json' }, tokenRequest: true });
    const long = await readInstagramGraph(res, longLivedSchema, 'the long-lived token');
    return tokenSet(long, short.scopes, now);
  },

  async renew(ctx, tokens, now) {
    if (!tokens.accessToken) fail('auth', 'Plugboard has no Instagram token stored for this account. Reconnect it.', null);
    const url = new URL(`${GRAPH}/refresh_access_token`);
    url.searchParams.set('grant_type', 'ig_refresh_token');
    url.searchParams.set('access_token', tokens.accessToken);
    const res = await ctx.http.fetch(url, { headers: { accept: 'application/json' }, tokenRequest: true });
    const long = await readInstagramGraph(res, longLivedSchema, 'the extended token', now);
    // The extension names no permissions; they are the ones granted at connect.
    return tokenSet(long, instagram.decl.oauth!.scopes, now);
  },

  async fetchProfile(ctx, accessToken) {
    const res = await ctx.http.fetch(`${GRAPH}/${GRAPH_VERSION}/me?fields=${ME_FIELDS}`, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
    const me = await readInstagramGraph(res, meSchema, 'the profile');
    if (me.account_type === 'PERSONAL') {
      fail(
        'setup',
        `@${me.username} is a personal Instagram account, which Instagram Login cannot connect. In the Instagram app, open Settings → Account type and tools → Switch to professional account, choose Business or Creator, then Connect again.`,
        res.status,
      );
    }
    const details: Record<string, string> = { via: 'instagram-login' };
    if (me.account_type) details.accountType = ACCOUNT_TYPES[me.account_type] ?? me.account_type;
    return {
      // The professional account's id: the same as a Facebook Page's instagram_business_account id.
      platformUserId: me.user_id,
      handle: me.username,
      displayName: me.name || me.username,
      avatarUrl: me.profile_picture_url || null,
      details,
    };
  },

  describeAuthorizeError(error, description) {
    if (error === 'access_denied') return 'You declined on Instagram, so nothing was connected. Click Connect to try again.';
    return describeCause(`${error} ${description ?? ''}`)?.message ?? null;
  },

  describeTokenError(error, description) {
    const text = `${error} ${description ?? ''}`;
    if (/matching code|code was not found|already used/i.test(text)) {
      return { kind: 'denied', message: 'Instagram did not accept the sign-in code (it was already used or has expired). Click Connect to try again.' };
    }
    return describeCause(text) ?? { kind: 'setup', message: `Instagram refused the sign-in${description ? `: ${description}` : ''}. Check the Instagram app ID, secret and redirect URI on the Credentials tab, then Connect again.` };
  },
};
