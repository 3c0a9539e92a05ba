// Publishing to WordPress through the real core against the fake site: the first line as the title, the rest and
// the link as paragraphs, a draft kept as a draft, the post's own link answered, WordPress's refusals in a sentence.
import { afterEach, describe, expect, it } from 'vitest';
import { harnessPool } from './core-harness.ts';
import { PublishHarness } from './publish-harness.ts';

const harnesses = harnessPool<PublishHarness>();
afterEach(harnesses.closeAll);
const setup = async () => harnesses.track(await PublishHarness.open());

describe('posts.publish to WordPress', () => {
  it('publishes the first line as the title and the rest as paragraphs, the link last; answers the post’s link', async () => {
    const h = await setup();
    const id = await h.connectWordPress();
    const post = await h.ok('posts.publish', { text: 'Launch day\nWe <finally> shipped.\n\nThanks & see you', link: 'https://example.com/?a=1&b=2', accountIds: [id] });
    expect(h.wordpress.posts).toEqual([
      {
        id: 100,
        author: 1,
        status: 'publish',
        title: 'Launch day',
        content: '<p>We &lt;finally&gt; shipped.</p>\n<p>Thanks &amp; see you</p>\n<p><a href="https://example.com/?a=1&amp;b=2">https://example.com/?a=1&amp;b=2</a></p>',
        link: 'https://blog.example.com/launch-day/',
      },
    ]);
    expect(post.results).toEqual([{ accountId: id, platform: 'wordpress', handle: 'ada', outcome: 'posted', url: 'https://blog.example.com/launch-day/', message: null }]);
  });

  it('keeps a draft as a draft', async () => {
    const h = await setup();
    const id = await h.connectWordPress();
    const post = await h.ok('posts.publish', { text: 'Not yet', accountIds: [id], draft: true });
    expect(h.wordpress.posts.map((p) => [p.status, p.title])).toEqual([['draft', 'Not yet']]);
    expect(post).toMatchObject({ draft: true, results: [{ outcome: 'posted', url: 'https://blog.example.com/?p=100' }] });
    expect((await h.ok('accounts.activity', { accountId: id }))[0]).toMatchObject({ kind: 'posted', detail: 'saved a draft: https://blog.example.com/?p=100' });
  });

  it('a user who may no longer write posts is refused in WordPress’s words', async () => {
    const h = await setup();
    const id = await h.connectWordPress();
    h.wordpress.demote('admin');
    const [result] = (await h.ok('posts.publish', { text: 'Hello', accountIds: [id] })).results;
    expect(result).toMatchObject({ outcome: 'refused', message: 'WordPress refused the post: Sorry, you are not allowed to create posts as this user.' });
    expect(h.wordpress.posts).toEqual([]);
  });

  it('a deleted application password is refused once (nothing renews it) and asks to Reconnect', async () => {
    const h = await setup();
    const id = await h.connectWordPress();
    h.wordpress.deleteAppPasswords('admin');
    const [result] = (await h.ok('posts.publish', { text: 'Hello', accountIds: [id] })).results;
    expect(result).toMatchObject({
      outcome: 'refused',
      message: 'WordPress did not accept the application password (incorrect_password); nothing was posted. Reconnect the account in Plugboard.',
    });
    expect(h.calls(h.wordpress, '/wp/v2/posts')).toEqual([401]);
  });
});
