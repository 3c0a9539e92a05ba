// Instagram Business and Creator accounts reached through a Facebook Page: Facebook Login with the
// Facebook app's credentials, the same long-lived exchange and Page tokens as facebook.ts, and one
// account per Page's linked Instagram account (instagram_business_account). The account is the same
// Instagram account Instagram Login reaches (same IG user id), so it is stored under 'instagram'; its
// token is the Page's, which does not expire, so nothing renews. A Page without a linked account is
// shown with the fix rather than hidden. Per /work/shared/platforms.md "Instagram" (via Facebook Page).
import { z } from 'zod';
import {
  exchangeLogin,
  facebookGrantOf,
  facebookLogin,
  grantedFor,
  grantOf,
  graphGet,
  inspectToken,
  listPages,
  loginDetails,
  nothingUsable,
  pageTokenSet,
  pictureUrl,
  revokeLogin,
  type LoginGrant,
  type PageEntry,
} from './facebook.ts';
import { providerDecl } from './providers.ts';
import type { Connector, ConnectorContext, Identity, Profile, ProviderDecl } from './types.ts';
import { PlatformError } from '../errors/platform-error.ts';

const facebookDecl = providerDecl('facebook');

const decl: ProviderDecl = {
  ...providerDecl('instagram'),
  renewal: 'none',
  accessTokenLifetimeSec: null,
  connectionLifetimeSec: null,
  expiryBufferSec: facebookDecl.expiryBufferSec,
  oauth: {
    ...facebookDecl.oauth!,
    // Without business_management, Pages held in a Business portfolio (and so their Instagram accounts) are not listed.
    scopes: ['instagram_basic', 'instagram_content_publish', 'pages_show_list', 'pages_read_engagement', 'business_management'],
  },
};

const IG_FIELDS = 'instagram_business_account{id,username,name,profile_picture_url}';

const linkedSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  instagram_business_account: z
    .object({ id: z.string().min(1), username: z.string().min(1), name: z.string().optional(), profile_picture_url: z.string().url().optional() })
    .optional(),
});
type Linked = z.infer<typeof linkedSchema>;

const notLinked = (pageName: string) =>
  `${pageName} has no Instagram professional account linked: link it in Meta Business Suite / Page settings → Linked accounts, then Connect again.`;

async function readLinked(ctx: ConnectorContext, pageId: string, pageToken: string): Promise<Linked> {
  return graphGet(ctx, `/${encodeURIComponent(pageId)}`, { fields: `name,${IG_FIELDS}`, access_token: pageToken }, linkedSchema, 'the Instagram account linked to the Page');
}

function profileOf(ig: NonNullable<Linked['instagram_business_account']>, details: Record<string, string>): Profile {
  return { platformUserId: ig.id, handle: ig.username, displayName: ig.name || ig.username, avatarUrl: ig.profile_picture_url ?? null, details };
}

function igDetails(grant: LoginGrant, page: { id: string; name: string }): Record<string, string> {
  return { via: 'facebook', pageId: page.id, pageName: page.name, ...loginDetails(grant) };
}

async function identityOf(ctx: ConnectorContext, grant: LoginGrant, page: PageEntry): Promise<Identity> {
  const pageShown = { platformUserId: page.id, handle: page.name, displayName: page.name, avatarUrl: pictureUrl(page.picture), details: igDetails(grant, page) };
  if (!page.access_token) {
    return {
      ...pageShown,
      unavailableReason: `Facebook gave Plugboard no access to ${page.name}, so its Instagram account cannot be used: your role on the Page does not include creating content. Ask a Page admin for full control, then click Connect again.`,
    };
  }
  const ig = (await readLinked(ctx, page.id, page.access_token)).instagram_business_account;
  if (!ig) return { ...pageShown, unavailableReason: notLinked(page.name) };
  const shown = profileOf(ig, igDetails(grant, page));
  if (!grantedFor(grant, 'instagram_content_publish', ig.id)) {
    return { ...shown, unavailableReason: `@${ig.username} was not ticked for publishing when you connected. Click Connect again, choose Edit settings in the Facebook dialog and tick @${ig.username}.` };
  }
  return { ...shown, tokens: await pageTokenSet(ctx, { ...page, access_token: page.access_token }) };
}

async function listInstagramIdentities(ctx: ConnectorContext, userToken: string): Promise<Identity[]> {
  const info = await inspectToken(ctx, userToken);
  // A stored account's token is its Page token: the core re-reads the account through here.
  if (info.type === 'PAGE') return [await instagramViaFacebook.fetchProfile(ctx, userToken)];
  const grant = grantOf(info);
  if (!grant.scopes.has('instagram_basic')) {
    throw new PlatformError(
      'setup',
      'You did not allow Plugboard to see the Instagram accounts of your Pages (instagram_basic). Click Connect again and leave "Access profile and posts from the Instagram account" ticked (under Edit settings in the Facebook dialog).',
    );
  }
  const pages = await listPages(ctx, userToken, grant);
  if (!grant.scopes.has('instagram_content_publish')) {
    throw new PlatformError(
      'setup',
      'You did not allow Plugboard to publish to Instagram (instagram_content_publish), so no account can be used. Click Connect again and leave "Create posts on the Instagram account" ticked (under Edit settings in the Facebook dialog).',
    );
  }
  const identities = await Promise.all(pages.map((page) => identityOf(ctx, grant, page)));
  if (identities.every((i) => i.unavailableReason)) throw nothingUsable(identities, 'None of your Pages has an Instagram account Plugboard can use.');
  return identities;
}

export const instagramViaFacebook: Connector = {
  decl,

  grantOf: facebookGrantOf,

  exchange: (ctx, p, now) => exchangeLogin(ctx, p, now),

  listIdentities: listInstagramIdentities,

  /** Reads the Instagram account through its Page, with the Page token. */
  async fetchProfile(ctx, pageToken): Promise<Profile> {
    const info = await inspectToken(ctx, pageToken);
    const pageId = ctx.account?.details.pageId ?? info.profile_id;
    if (info.type !== 'PAGE' || !pageId) throw new PlatformError('malformed', 'The stored access is not a Page token, so Plugboard cannot reach the Instagram account with it. Reconnect the account.');
    const linked = await readLinked(ctx, pageId, pageToken);
    const pageName = linked.name ?? ctx.account?.details.pageName ?? pageId;
    if (!linked.instagram_business_account) throw new PlatformError('setup', notLinked(pageName));
    return profileOf(linked.instagram_business_account, { ...ctx.account?.details, ...igDetails(grantOf(info), { id: pageId, name: pageName }) });
  },

  revoke: (ctx) => revokeLogin(ctx),

  describeAuthorizeError(error) {
    if (error === 'access_denied') {
      return 'You declined the Facebook authorization, so no Instagram account was connected. To connect, click Connect again and choose Continue; under Edit settings you can pick which Pages and Instagram accounts Plugboard may use.';
    }
    return facebookLogin.describeAuthorizeError(error);
  },

  describeTokenError: facebookLogin.describeTokenError,
};
