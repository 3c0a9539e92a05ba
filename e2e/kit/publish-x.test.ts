// Publishing to X through the real core against the fake X: the post as X receives it and its address, each rule
// checked before anything is sent, X's refusals in a sentence, a lost answer never sent again, a token renewed first.
import { afterEach, describe, expect, it } from 'vitest';
import { harnessPool } from './core-harness.ts';
import { PublishHarness, X_DEMO } from './publish-harness.ts';

const harnesses = harnessPool<PublishHarness>();
afterEach(harnesses.closeAll);
const setup = async (opts: { httpTimeoutMs?: number } = {}) => harnesses.track(await PublishHarness.open(opts));

describe('posts.publish to X', () => {
  it('posts the text with the link added, answers the post’s address, and keeps it in the history', async () => {
    const h = await setup();
    const id = await h.connectX();
    const post = await h.ok('posts.publish', { text: 'Launch day ☀️', link: 'https://example.com/launch', accountIds: [id] });

    expect(h.fake.posts.map((p) => [p.username, p.text])).toEqual([['plugboard_demo', 'Launch day ☀️\n\nhttps://example.com/launch']]);
    const sent = h.fake.posts[0]!;
    expect(post.results).toEqual([
      { accountId: id, platform: 'x', handle: 'plugboard_demo', outcome: 'posted', url: `https://x.com/plugboard_demo/status/${sent.id}`, message: null },
    ]);
    expect(post).toMatchObject({ by: { kind: 'window' }, text: 'Launch day ☀️', link: 'https://example.com/launch', draft: false });
    expect(await h.ok('posts.history', {})).toEqual([post]);
    expect(await h.ok('posts.history', { accountId: id })).toEqual([post]);
    expect(h.events).toEqual(expect.arrayContaining([{ type: 'posts.changed' }, { type: 'accounts.changed' }]));
    const [entry] = await h.ok('accounts.activity', { accountId: id });
    expect(entry).toMatchObject({ kind: 'posted', detail: `posted: https://x.com/plugboard_demo/status/${sent.id}` });
  });

  it('sends nothing that breaks X’s rules: 280 as X weighs it (a link is 23, CJK 2), no drafts', async () => {
    const h = await setup();
    const id = await h.connectX();
    // 130 CJK characters weigh 260; with a link (23) and the blank line (2) that is 285.
    const long = await h.ok('posts.publish', { text: '字'.repeat(130), link: 'https://example.com/a/very/long/path/that/counts/as/23', accountIds: [id] });
    expect(long.results[0]).toMatchObject({ outcome: 'not_tried', message: 'X takes 280 characters as it counts them; this is 285.' });
    const draft = await h.ok('posts.publish', { text: 'later', accountIds: [id], draft: true });
    expect(draft.results[0]).toMatchObject({ outcome: 'not_tried', message: 'X has no drafts: only WordPress keeps a post as a draft.' });
    // 127 of them, the blank line and the link weigh 254 + 2 + 23 = 279.
    const fits = await h.ok('posts.publish', { text: '字'.repeat(127), link: 'https://example.com/x', accountIds: [id] });
    expect(fits.results[0]!.outcome).toBe('posted');
    expect(h.calls(h.fake, '/2/tweets')).toEqual([201]);
  });

  it('the same text twice is refused with X’s own words; the first post stays', async () => {
    const h = await setup();
    const id = await h.connectX();
    await h.ok('posts.publish', { text: 'once', accountIds: [id] });
    const again = await h.ok('posts.publish', { text: 'once', accountIds: [id] });
    expect(again.results[0]).toMatchObject({ outcome: 'refused', url: null, message: 'X refused the post: You are not allowed to create a Tweet with duplicate content.' });
    expect(h.fake.posts).toHaveLength(1);
    expect((await h.ok('posts.history', {})).map((p) => p.results[0]!.outcome)).toEqual(['refused', 'posted']);
  });

  it('a lost answer is "unknown", never sent again, and says where to check', { timeout: 15_000 }, async () => {
    const h = await setup();
    const id = await h.connectX();
    h.fake.answerLate('tweets', { afterMs: 'drop' });
    const post = await h.ok('posts.publish', { text: 'did it arrive?', accountIds: [id] });
    const [result] = post.results;
    expect(result!.outcome).toBe('unknown');
    expect(result!.message).toBe(
      'The post was sent to X but its answer was lost on the way back. It may or may not have been posted; Plugboard did not send it again. Check https://x.com/plugboard_demo before posting it again.',
    );
    expect(h.fake.posts.map((p) => p.text)).toEqual(['did it arrive?']);
    expect(h.calls(h.fake, '/2/tweets')).toEqual([201]);
  });

  it('a server error after sending is "unknown" too; a rate limit is a refusal', async () => {
    const h = await setup();
    const id = await h.connectX();
    h.fake.failNext('tweets', 'server_error');
    expect((await h.ok('posts.publish', { text: 'one', accountIds: [id] })).results[0]).toMatchObject({
      outcome: 'unknown',
      message: expect.stringMatching(/^X answered with a server error \(HTTP 500\) after the post was sent\. It may or may not have been posted;/),
    });
    h.fake.failNext('tweets', 'rate_limited', { retryAfterSec: 600 });
    const limited = (await h.ok('posts.publish', { text: 'two', accountIds: [id] })).results[0]!;
    expect(limited.outcome).toBe('refused');
    expect(limited.message).toMatch(/^X is limiting how often this account can post until \d\d:\d\d UTC; nothing was posted\.$/);
    expect(h.calls(h.fake, '/2/tweets')).toEqual([500, 429]);
  });

  it('renews a token near its expiry before posting', async () => {
    const h = await setup();
    const id = await h.connectX();
    const before = await h.stored(id);
    h.fake.clearRequests();
    // Past the renewal moment (10% of X's two hours before expiry), short of the expiry itself.
    h.fake.advance(6700);
    const post = await h.ok('posts.publish', { text: 'fresh', accountIds: [id] });
    expect(post.results[0]!.outcome).toBe('posted');
    // The renewal re-reads the profile too (me); what matters is the order of renewal and post.
    expect(h.fake.requests.map((r) => r.endpoint).filter((e) => e !== 'me')).toEqual(['refresh', 'tweets']);
    expect((await h.ok('accounts.activity', { accountId: id })).map((a) => a.kind).slice(0, 2)).toEqual(['posted', 'refreshed']);
    expect((await h.stored(id)).accessToken).not.toBe(before.accessToken);
  });

  it('a token X no longer takes is renewed once and the post sent once more; a second refusal is the answer', async () => {
    const h = await setup();
    const id = await h.connectX();
    h.fake.expireAccessTokens(X_DEMO);
    h.fake.clearRequests();
    const post = await h.ok('posts.publish', { text: 'after renewal', accountIds: [id] });
    expect(post.results[0]!.outcome).toBe('posted');
    expect(h.fake.requests.filter((r) => r.endpoint !== 'me').map((r) => [r.endpoint, r.status])).toEqual([['tweets', 401], ['refresh', 200], ['tweets', 201]]);

    h.fake.clearRequests();
    // Past the lifecycle's memory of a renewal just made, which it would not repeat.
    h.fake.advance(10);
    h.fake.failNext('tweets', 'invalid_grant', { times: 2 });
    const refused = (await h.ok('posts.publish', { text: 'refused twice', accountIds: [id] })).results[0]!;
    expect(refused).toMatchObject({ outcome: 'refused', message: 'X did not accept this account’s token (401 Unauthorized); nothing was posted.' });
    expect(h.fake.requests.filter((r) => r.endpoint !== 'me').map((r) => [r.endpoint, r.status])).toEqual([['tweets', 401], ['refresh', 200], ['tweets', 401]]);
  });

  it('an account whose renewal fails is not sent to, and says it needs Reconnect', async () => {
    const h = await setup();
    const id = await h.connectX();
    h.fake.revokeUser(X_DEMO);
    h.fake.advance(6700);
    const result = (await h.ok('posts.publish', { text: 'no way', accountIds: [id] })).results[0]!;
    expect(result.outcome).toBe('not_tried');
    expect(result.message).toMatch(/^@plugboard_demo on X needs Reconnect in Plugboard: X no longer accepts this account's refresh token/);
    expect(h.calls(h.fake, '/2/tweets')).toEqual([]);
  });

  it('refuses accounts never connected in this workspace before anything is sent', async () => {
    const h = await setup();
    const id = await h.connectX();
    const error = await h.error('posts.publish', { text: 'hello', accountIds: [id, '00000000-0000-4000-8000-000000000000'] });
    expect(error.code).toBe('not_found');
    expect(h.fake.posts).toEqual([]);
    expect(await h.ok('posts.history', {})).toEqual([]);
  });

  it('keeps the history of a disconnected account, and says so when it is chosen again', async () => {
    const h = await setup();
    const id = await h.connectX();
    const first = await h.ok('posts.publish', { text: 'before', accountIds: [id] });
    await h.ok('accounts.disconnect', { accountId: id });
    expect(await h.ok('posts.history', {})).toEqual([first]);
    const after = await h.ok('posts.publish', { text: 'after', accountIds: [id] });
    expect(after.results[0]).toMatchObject({ platform: 'x', handle: 'plugboard_demo', outcome: 'not_tried', message: 'This account was disconnected before the post was sent.' });
    expect(h.fake.posts.map((p) => p.text)).toEqual(['before']);
  });
});
