// Publishing to Bluesky through the real core against the fake PDS: the record as the PDS stores it (link facets in
// UTF-8 bytes), the post's address, the PDS's refusals in a sentence, an expired session renewed once, a lost answer.
import { afterEach, describe, expect, it } from 'vitest';
import { createHttp } from '../../src-main/http/http.ts';
import { blueskyPublisher } from '../../src-main/publish/bluesky-publisher.ts';
import type { AccountRow } from '../../src-main/store/accounts.ts';
import { harnessPool } from './core-harness.ts';
import { PublishHarness } from './publish-harness.ts';

const harnesses = harnessPool<PublishHarness>();
afterEach(harnesses.closeAll);
const setup = async () => harnesses.track(await PublishHarness.open());
const silent = { info() {}, warn() {}, error() {} };

describe('posts.publish to Bluesky', () => {
  it('creates the post with a link facet over the link’s UTF-8 bytes and answers its bsky.app address', async () => {
    const h = await setup();
    const id = await h.connectBluesky();
    const post = await h.ok('posts.publish', { text: 'Café ☕ — read https://example.com/a', link: 'https://example.com/b', accountIds: [id] });

    const [stored] = h.bluesky.posts;
    expect(stored!.text).toBe('Café ☕ — read https://example.com/a\n\nhttps://example.com/b');
    const bytes = Buffer.from(stored!.text, 'utf8');
    expect(stored!.facets.map((f) => bytes.subarray(f.index.byteStart, f.index.byteEnd).toString('utf8'))).toEqual(['https://example.com/a', 'https://example.com/b']);
    expect(stored!.facets.map((f) => f.features)).toEqual([
      [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com/a' }],
      [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com/b' }],
    ]);
    expect(post.results).toEqual([
      { accountId: id, platform: 'bluesky', handle: 'alice.bsky.social', outcome: 'posted', url: `https://bsky.app/profile/alice.bsky.social/post/${stored!.rkey}`, message: null },
    ]);
  });

  it('checks Bluesky’s rules first: 300 graphemes (a family emoji is one) and 3,000 bytes', async () => {
    const h = await setup();
    const id = await h.connectBluesky();
    const family = '👨‍👩‍👧‍👦';
    const fits = await h.ok('posts.publish', { text: `${'a'.repeat(299)}${family}`, accountIds: [id] });
    expect(fits.results[0]!.outcome).toBe('posted');
    const long = await h.ok('posts.publish', { text: 'b'.repeat(301), accountIds: [id] });
    expect(long.results[0]).toMatchObject({ outcome: 'not_tried', message: 'Bluesky takes 300 characters as it counts them; this is 301.' });
    const heavy = await h.ok('posts.publish', { text: family.repeat(150), accountIds: [id] });
    expect(heavy.results[0]).toMatchObject({ outcome: 'not_tried', message: 'Bluesky takes at most 3,000 bytes of text; this is longer.' });
    expect(h.bluesky.posts).toHaveLength(1);
  });

  it('the PDS’s own refusal of a record becomes one sentence (the publisher alone, past the core’s checks)', async () => {
    const h = await setup();
    const id = await h.connectBluesky();
    const user = h.bluesky.users[0]!;
    const account = { id, platform: 'bluesky', platform_user_id: user.did, handle: user.handle, details: JSON.stringify({ pds: 'https://bsky.social' }) } as AccountRow;
    const http = createHttp({ origins: h.bluesky.originMap(), logger: silent });
    const credentials = { accessToken: (await h.stored(id)).accessToken, appPassword: null };
    await expect(blueskyPublisher.publish({ http, account, credentials }, { text: 'c'.repeat(301), link: null, draft: false })).rejects.toMatchObject({
      kind: 'denied',
      message: 'Bluesky refused the post: InvalidRequest: Invalid app.bsky.feed.post record: grapheme too big (maximum 300, got 301) at $.record.text.',
    });
    await expect(blueskyPublisher.publish({ http, account, credentials }, { text: '👨‍👩‍👧‍👦'.repeat(150), link: null, draft: false })).rejects.toMatchObject({
      message: 'Bluesky refused the post: InvalidRequest: Invalid app.bsky.feed.post record: string too big (maximum 3000, got 3750) at $.record.text.',
    });
    expect(h.bluesky.posts).toEqual([]);
  });

  it('an expired session is renewed once and the post sent once more', async () => {
    const h = await setup();
    const id = await h.connectBluesky();
    // Only the PDS's clock moves: the core still believes the access JWT fresh.
    h.bluesky.expireAccessTokens();
    h.bluesky.clearRequests();
    const post = await h.ok('posts.publish', { text: 'after a renewal', accountIds: [id] });
    expect(post.results[0]!.outcome).toBe('posted');
    expect(h.bluesky.requests.filter((r) => r.method === 'POST').map((r) => [r.endpoint, r.status])).toEqual([
      ['createRecord', 400],
      ['refreshSession', 200],
      ['createRecord', 200],
    ]);
  });

  it('a lost answer is "unknown" and the post is not sent again', { timeout: 15_000 }, async () => {
    const h = await setup();
    const id = await h.connectBluesky();
    h.bluesky.answerLate('createRecord', { afterMs: 'drop' });
    const [result] = (await h.ok('posts.publish', { text: 'lost?', accountIds: [id] })).results;
    expect(result!.outcome).toBe('unknown');
    expect(result!.message).toMatch(/Check https:\/\/bsky\.app\/profile\/alice\.bsky\.social before posting it again\.$/);
    expect(h.bluesky.posts.map((p) => p.text)).toEqual(['lost?']);
    expect(h.calls(h.bluesky, 'createRecord')).toEqual([200]);
  });
});
