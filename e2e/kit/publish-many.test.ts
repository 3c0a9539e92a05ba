// One post to X, Bluesky and WordPress at once through the real core: each account gets its own result, one
// account's refusal does not stop the others, and the history keeps the post with every result.
import { afterEach, describe, expect, it } from 'vitest';
import { harnessPool } from './core-harness.ts';
import { PublishHarness } from './publish-harness.ts';

const harnesses = harnessPool<PublishHarness>();
afterEach(harnesses.closeAll);

describe('posts.publish to several accounts', () => {
  it('X refuses a duplicate while Bluesky and WordPress post; the history and each account’s activity record it', async () => {
    const h = harnesses.track(await PublishHarness.open());
    const [x, bluesky, wordpress] = [await h.connectX(), await h.connectBluesky(), await h.connectWordPress()];
    await h.ok('posts.publish', { text: 'Hello everyone', link: 'https://example.com', accountIds: [x] });
    h.events.length = 0;

    const post = await h.ok('posts.publish', { text: 'Hello everyone', link: 'https://example.com', accountIds: [x, bluesky, wordpress, x] });
    const byPlatform = Object.fromEntries(post.results.map((r) => [r.platform, r]));
    expect(post.results).toHaveLength(3);
    expect(byPlatform.x).toMatchObject({ accountId: x, outcome: 'refused', message: 'X refused the post: You are not allowed to create a Tweet with duplicate content.' });
    expect(byPlatform.bluesky).toMatchObject({ accountId: bluesky, outcome: 'posted', url: `https://bsky.app/profile/alice.bsky.social/post/${h.bluesky.posts[0]!.rkey}` });
    expect(byPlatform.wordpress).toMatchObject({ accountId: wordpress, outcome: 'posted', url: 'https://blog.example.com/hello-everyone/' });
    expect(h.fake.posts.map((p) => p.text)).toEqual(['Hello everyone\n\nhttps://example.com']);

    expect((await h.ok('posts.history', {})).map((p) => p.results.map((r) => `${r.platform}:${r.outcome}`))).toEqual([
      ['bluesky:posted', 'wordpress:posted', 'x:refused'],
      ['x:posted'],
    ]);
    expect(await h.ok('posts.history', { accountId: bluesky })).toEqual([post]);
    for (const id of [x, bluesky, wordpress]) expect((await h.ok('accounts.activity', { accountId: id }))[0]!.kind).toBe('posted');
    expect(h.events.filter((e) => e.type === 'posts.changed')).toHaveLength(1);
  });

  it('a workspace’s posts go with it', async () => {
    const h = harnesses.track(await PublishHarness.open());
    const other = await h.ok('workspaces.create', { name: 'Brand B' });
    await h.ok('workspaces.switch', { workspaceId: other.id });
    const id = await h.connectBluesky();
    await h.ok('posts.publish', { text: 'in brand B', accountIds: [id] });
    await h.ok('workspaces.switch', { workspaceId: 'default' });
    expect(await h.ok('posts.history', {})).toEqual([]);
    expect(h.postRows()).toEqual({ posts: 1, results: 1 });
    await h.ok('workspaces.delete', { workspaceId: other.id });
    expect(h.postRows()).toEqual({ posts: 0, results: 0 });
  });
});
