// src-main/publish/: one post to many accounts — each platform's publisher, the rules checked first, a result per account.
//
// Bluesky: an app.bsky.feed.post record created in the user's repo on their PDS, with the session Plugboard keeps
// (connectors/bluesky.ts). Links in the text become link facets, or Bluesky shows them as plain text.
import type { XRPCError } from '@atproto/api';
import { textWithLink, URL_IN_TEXT } from '../api/post-rules.ts';
import { sessionFor } from '../connectors/bluesky.ts';
import { agentFor, DEFAULT_PDS, isXrpc, platformWords } from '../connectors/bluesky-sdk.ts';
import { PlatformError } from '../errors/platform-error.ts';
import type { AccountRow } from '../store/accounts.ts';
import { quoted, unreadableAnswer } from './replies.ts';
import type { Publisher } from './types.ts';

/** @atproto/xrpc's ResponseType.InvalidResponse: an answer that is not JSON or lacks the expected fields. */
const INVALID_RESPONSE = 2;
const utf8 = new TextEncoder();

/** A link facet for every URL in the text, its range in UTF-8 bytes as the lexicon counts. */
export function linkFacets(text: string) {
  return [...text.matchAll(URL_IN_TEXT)].map((m) => {
    const byteStart = utf8.encode(text.slice(0, m.index)).length;
    return {
      index: { byteStart, byteEnd: byteStart + utf8.encode(m[0]).length },
      features: [{ $type: 'app.bsky.richtext.facet#link', uri: m[0] }],
    };
  });
}

function refusal(e: XRPCError): PlatformError {
  const status = e.status;
  if (status === 429) return new PlatformError('rate_limited', 'Bluesky is limiting how often this account can post for now; nothing was posted.', { status });
  if (status >= 500) return new PlatformError('server', `Bluesky answered with a server error (HTTP ${status}) after the post was sent.`, { status, mayHaveArrived: true });
  if (status === INVALID_RESPONSE) return unreadableAnswer('Bluesky', 200);
  // The PDS checks the session before anything is written: the post surely was not made.
  if (status === 401 || e.error === 'ExpiredToken' || e.error === 'InvalidToken') {
    return new PlatformError('auth', `Bluesky did not accept this account’s session (${e.error ?? `HTTP ${status}`}); nothing was posted.`, { status });
  }
  return new PlatformError('denied', `Bluesky refused the post: ${quoted(platformWords(e))}.`, { status });
}

const details = (account: AccountRow) => JSON.parse(account.details) as Record<string, string>;

export const blueskyPublisher: Publisher = {
  async publish(ctx, post) {
    if (!ctx.credentials.accessToken) throw new PlatformError('auth', 'Bluesky has no session stored for this account; nothing was posted.');
    const did = ctx.account.platform_user_id;
    const session = await sessionFor({ http: ctx.http, credentials: { clientId: '', clientSecret: null } }, details(ctx.account).pds || DEFAULT_PDS, did, ctx.credentials.accessToken);
    const text = textWithLink('bluesky', post.text, post.link);
    const facets = linkFacets(text);
    const record = { $type: 'app.bsky.feed.post', text, createdAt: new Date().toISOString(), ...(facets.length > 0 ? { facets } : {}) };
    let uri: string;
    try {
      uri = (await (await agentFor(session)).com.atproto.repo.createRecord({ repo: did, collection: 'app.bsky.feed.post', record })).data.uri;
    } catch (e) {
      if (e instanceof PlatformError) throw e;
      if (isXrpc(e)) throw e.cause instanceof PlatformError ? e.cause : refusal(e);
      throw e;
    }
    const rkey = /^at:\/\/[^/]+\/app\.bsky\.feed\.post\/([^/]+)$/.exec(uri)?.[1];
    if (!rkey) throw unreadableAnswer('Bluesky', 200);
    return { platformPostId: uri, url: `https://bsky.app/profile/${ctx.account.handle}/post/${rkey}` };
  },
  whereToCheck: (account) => `https://bsky.app/profile/${account.handle}`,
};
