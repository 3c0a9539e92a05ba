// LinkedIn: a text post as the member (urn:li:person) or as a company page they administer
// (urn:li:organization), through the versioned Posts API. The link goes in the text (post-rules.ts), and the new
// post's URN comes back in the x-restli-id header, not in a body.
import { textWithLink, URL_IN_TEXT } from '../api/post-rules.ts';
import { LINKEDIN_VERSION, serviceErrorOf, throwServiceError } from '../connectors/linkedin.ts';
import { PlatformError } from '../errors/platform-error.ts';
import type { AccountRow } from '../store/accounts.ts';
import { accessTokenOf, serverFailure } from './replies.ts';
import type { Publisher } from './types.ts';

const POSTS_URL = 'https://api.linkedin.com/rest/posts';
const RESERVED = /[\\|{}@[\]()<>#*_~]/g;
const WORD_START = /[\p{L}\p{N}]/u;

const escapeLittle = (s: string): string => s.replace(RESERVED, (ch, i: number) => (ch === '#' && WORD_START.test(s[i + 1] ?? '') ? ch : `\\${ch}`));

/**
 * The text as LinkedIn's "little text" commentary, escaped so it shows as typed: LinkedIn reads \ | { } @ [ ] ( )
 * < > # * _ ~ as markup unless escaped with a backslash (learn.microsoft.com/linkedin, "little text format"), and
 * an unescaped one cuts the post short at that point while the API still answers 201 (reported by crossposter
 * v1.1.5 and linkedctl issue 194). Two things stay as typed: links, which LinkedIn turns into links only
 * unescaped (crossposter's finding), and #word, a hashtag on LinkedIn as in its own composer.
 */
export function littleText(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    out += escapeLittle(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + escapeLittle(text.slice(last));
}

const isPage = (account: AccountRow) => account.platform_user_id.startsWith('organization:');

/** LinkedIn's refusal as a sentence; a dead token and a retired version read as the connector reads them. */
async function refusal(res: Response, account: AccountRow): Promise<never> {
  if (res.status >= 500) {
    await res.body?.cancel();
    throw serverFailure('LinkedIn', res.status);
  }
  const e = serviceErrorOf(await res.text());
  if (res.status === 401 || res.status === 426) throwServiceError(res.status, e, 'the new post');
  const opts = { status: res.status };
  if (res.status === 429) throw new PlatformError('rate_limited', 'LinkedIn has reached its daily limit of posts for this app or member. Try again tomorrow.', opts);
  if (res.status === 403) {
    throw new PlatformError(
      'auth',
      isPage(account)
        ? `LinkedIn refused to post as ${account.display_name}: the connection lacks permission to post for company pages (w_organization_social), or you are no longer an administrator of the page. Reconnect with company pages turned on.`
        : 'LinkedIn refused the post: the connection lacks permission to post (w_member_social, from the "Share on LinkedIn" product). Add that product on the Products tab of your app at LinkedIn Developers, then Reconnect.',
      opts,
    );
  }
  if (/duplicate/i.test(e.message ?? '')) throw new PlatformError('denied', 'LinkedIn refused the post as a duplicate of one already on this account.', opts);
  // Validation messages come as lines of "ERROR :: /field :: reason".
  const reason = (e.message ?? '').split('\n').map((line) => line.replace(/^ERROR :: /, '').replace(/ :: /g, ': ').trim()).filter(Boolean).join('; ');
  throw new PlatformError('denied', `LinkedIn refused the post (${reason || `HTTP ${res.status}${e.code ? `, ${e.code}` : ''}`}).`, opts);
}

export const linkedinPublisher: Publisher = {
  async publish({ http, account, credentials }, post) {
    const res = await http.fetch(POSTS_URL, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${accessTokenOf('LinkedIn', credentials)}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'linkedin-version': LINKEDIN_VERSION,
        'x-restli-protocol-version': '2.0.0',
      },
      body: JSON.stringify({
        author: `urn:li:${account.platform_user_id}`,
        commentary: littleText(textWithLink('linkedin', post.text, post.link)),
        visibility: 'PUBLIC',
        distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
        lifecycleState: 'PUBLISHED',
        isReshareDisabledByAuthor: false,
      }),
    });
    if (!res.ok) return refusal(res, account);
    await res.body?.cancel();
    const urn = res.headers.get('x-restli-id');
    if (!urn) {
      throw new PlatformError('malformed', 'LinkedIn accepted the post but did not say which post it made, so Plugboard cannot link to it. Check the account before posting it again.', {
        status: res.status,
        mayHaveArrived: true,
      });
    }
    return { platformPostId: urn, url: `https://www.linkedin.com/feed/update/${urn}/` };
  },
};
