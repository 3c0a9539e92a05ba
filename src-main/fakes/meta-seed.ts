// The people, Pages and Instagram accounts the Meta fakes share. Facebook's fake (Pages, and
// Instagram through a Page) and Instagram Login's fake are separate servers, as the real hosts
// are, but an Instagram professional account is one account either way: the same IG user id.

export interface SeedInstagram {
  /** The Instagram professional account's id: instagram_business_account.id and Instagram Login's user_id. */
  igUserId: string;
  username: string;
  name: string;
  accountType: 'BUSINESS' | 'MEDIA_CREATOR' | 'PERSONAL';
  /** null: the picture cannot be loaded (the pill shows the initial). */
  hasPicture: boolean;
}

export interface SeedPage {
  pageId: string;
  name: string;
  /** The linked Instagram account's igUserId, or null: a Page with no Instagram account. */
  instagram: string | null;
  /** Held in a Business portfolio: /me/accounts lists it only with business_management granted. */
  inBusinessPortfolio: boolean;
}

export interface SeedFacebookUser {
  userId: string;
  name: string;
  pages: SeedPage[];
}

export const INSTAGRAM_ACCOUNTS: readonly SeedInstagram[] = [
  { igUserId: '17841400000000001', username: 'sunrise.bakery', name: 'Sunrise Bakery', accountType: 'BUSINESS', hasPicture: true },
  { igUserId: '17841400000000002', username: 'maya.makes', name: 'Maya Makes', accountType: 'MEDIA_CREATOR', hasPicture: true },
  { igUserId: '17841400000000003', username: 'no.picture.shop', name: 'No Picture Shop', accountType: 'BUSINESS', hasPicture: false },
  // Instagram Login refuses personal accounts: the account must be switched to Business or Creator first.
  { igUserId: '17841400000000004', username: 'just.me', name: 'Just Me', accountType: 'PERSONAL', hasPicture: true },
];

export const FACEBOOK_USERS: readonly SeedFacebookUser[] = [
  {
    userId: '100000000000001',
    name: 'Dana Baker',
    pages: [
      { pageId: '200000000000001', name: 'Sunrise Bakery', instagram: '17841400000000001', inBusinessPortfolio: false },
      { pageId: '200000000000002', name: 'Dana’s Studio', instagram: null, inBusinessPortfolio: false },
      { pageId: '200000000000003', name: 'Bakery Wholesale', instagram: null, inBusinessPortfolio: true },
    ],
  },
  {
    userId: '100000000000002',
    name: 'Maya Lee',
    pages: [{ pageId: '200000000000004', name: 'Maya Makes', instagram: '17841400000000002', inBusinessPortfolio: false }],
  },
  // A Facebook user who administers no Page at all.
  { userId: '100000000000003', name: 'Pat Nopages', pages: [] },
];

export function seedInstagram(igUserId: string): SeedInstagram | undefined {
  return INSTAGRAM_ACCOUNTS.find((a) => a.igUserId === igUserId);
}
