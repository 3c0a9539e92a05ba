// POST /v1/posts through the real core and socket: the publish capability and the accounts' grants, the post
// waiting in the window exactly as sent (posts.pending), confirmed → a result per account from the real publisher
// against the fake X, rejected, expired, withdrawn by a tool that hangs up, answered `locked` when Plugboard closes,
// and publish_unattended not waiting.
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../src-main/api/contract.ts';
import { harnessPool } from '../kit/core-harness.ts';
import { ALICE, BOB, GatewayHarness } from './gateway-harness.ts';

const harnesses = harnessPool<GatewayHarness>();
afterEach(harnesses.closeAll);

async function setup(opts: { postConfirmationTtlMs?: number } = {}) {
  const h = harnesses.track(await GatewayHarness.open(opts));
  const alice = await h.connect(ALICE);
  const bob = await h.connect(BOB);
  const events: ApiEvent[] = [];
  h.core.subscribe((e) => events.push(e));
  return { h, alice, bob, postsChanged: () => events.filter((e) => e.type === 'posts.changed').length };
}

// Each test measured at 0.6–1.3 s alone, up to 2 s beside the other gateway files.
describe('POST /v1/posts', { timeout: 6_000 }, () => {
  it('refuses a tool without the publish capability or without the account, and nothing waits in the window', async () => {
    const { h, alice, bob } = await setup();
    const { key } = await h.pair('proxy-only', { accounts: [alice], capabilities: ['request', 'token'] });
    const noPublish = await h.send('POST', '/v1/posts', { key, body: { text: 'hello', to: ['x:@alice_creates'] } });
    expect([noPublish.status, noPublish.json.error.code]).toEqual([403, 'capability_not_granted']);
    expect(noPublish.json.error.message).toBe('"proxy-only" may not publish posts through Plugboard; pair it again and allow publishing if it needs to.');

    const { key: poster } = await h.pair('poster', { accounts: [alice], capabilities: ['publish'] });
    const notGranted = await h.send('POST', '/v1/posts', { key: poster, body: { text: 'hello', to: ['x:@alice_creates', bob] } });
    expect([notGranted.status, notGranted.json.error.code]).toEqual([403, 'account_not_granted']);
    const empty = await h.send('POST', '/v1/posts', { key: poster, body: { text: '   ', to: [alice] } });
    expect([empty.status, empty.json.error.code]).toEqual([400, 'bad_request']);
    expect(empty.json.error.message).toMatch(/^text: Write something to post/);
    expect(await h.ok('posts.pending', {})).toEqual([]);
  });

  it('waits for the user: the window lists the exact post, and confirming publishes it as the tool with a result per account', async () => {
    const { h, alice, bob, postsChanged } = await setup();
    const { key, toolId } = await h.pair('newsletter', { accounts: 'all', capabilities: ['publish'] });
    const text = 'New issue is out — “Plugboard” ✨';
    const asked = h.send('POST', '/v1/posts', { key, body: { text, link: 'https://example.com/issue-7', to: ['x:@alice_creates', bob, alice] } });

    const pending = await h.waitForPost('newsletter');
    expect(pending).toMatchObject({ toolId, toolName: 'newsletter', text, link: 'https://example.com/issue-7', draft: false });
    expect(pending.accounts).toEqual([
      { id: alice, platform: 'x', handle: 'alice_creates' },
      { id: bob, platform: 'x', handle: 'bob_builds' },
    ]);
    expect(Date.parse(pending.expiresAt) - Date.parse(pending.requestedAt)).toBe(10 * 60_000);
    expect(postsChanged()).toBeGreaterThanOrEqual(1);
    expect((await h.ok('notices.list', {})).map((n) => n.title)).toContain('"newsletter" wants to post to 2 accounts');

    await h.ok('posts.confirm', { requestId: pending.id });
    const reply = await asked;
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json).toMatchObject({ by: { kind: 'tool', toolId, name: 'newsletter' }, text, link: 'https://example.com/issue-7', draft: false });
    expect(reply.json.results.map((r: { accountId: string; outcome: string }) => [r.accountId, r.outcome])).toEqual([
      [alice, 'posted'],
      [bob, 'posted'],
    ]);
    expect(await h.ok('posts.pending', {})).toEqual([]);
    // Confirming an answered post is the window's stale click: not found, and nothing posts twice.
    expect((await h.error('posts.confirm', { requestId: pending.id })).code).toBe('not_found');
    await new Promise((r) => setImmediate(r));
    const [tool] = await h.ok('tools.list', {});
    expect(tool!.lastUsed?.what).toBe('post → posted');
    // Once on the account's history, as publishPost writes it: not again as a tool_request.
    const history = await h.ok('accounts.activity', { accountId: alice });
    expect(history.filter((e) => e.kind === 'posted').map((e) => e.detail)).toEqual([expect.stringMatching(/^posted for newsletter: https?:\/\//)]);
    expect(history.filter((e) => e.kind === 'tool_request')).toEqual([]);
  });

  it('a rejected post answers `rejected`, and an unanswered one `expired`; neither is published', async () => {
    const { h, alice } = await setup({ postConfirmationTtlMs: 400 });
    const { key } = await h.pair('eager', { accounts: [alice], capabilities: ['publish'] });
    const asked = h.send('POST', '/v1/posts', { key, body: { text: 'first', to: [alice] } });
    await h.ok('posts.reject', { requestId: (await h.waitForPost('eager')).id });
    const rejected = await asked;
    expect([rejected.status, rejected.json.error.code]).toEqual([403, 'rejected']);
    expect(rejected.json.error.message).toBe('The user declined this post in Plugboard, so nothing was posted; do not send it again unless they ask.');

    const started = Date.now();
    const expired = await h.send('POST', '/v1/posts', { key, body: { text: 'second', to: [alice] } });
    expect([expired.status, expired.json.error.code]).toEqual([408, 'expired']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(await h.ok('posts.pending', {})).toEqual([]);
  });

  it('a tool that hangs up takes its post out of the window', async () => {
    const { h, alice, postsChanged } = await setup();
    const { key } = await h.pair('impatient', { accounts: [alice], capabilities: ['publish'] });
    const abort = new AbortController();
    const asked = h.send('POST', '/v1/posts', { key, body: { text: 'never mind', to: [alice] }, signal: abort.signal });
    const pending = await h.waitForPost('impatient');
    const before = postsChanged();
    abort.abort();
    await expect(asked).rejects.toThrow();
    for (let i = 0; i < 100 && (await h.ok('posts.pending', {})).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await h.ok('posts.pending', {})).toEqual([]);
    expect(postsChanged()).toBe(before + 1);
    expect((await h.error('posts.confirm', { requestId: pending.id })).code).toBe('not_found');
  });

  it('a post still waiting when Plugboard closes (quits or locks) is answered `locked`, not left hanging', async () => {
    const { h, alice } = await setup();
    const { key } = await h.pair('late', { accounts: [alice], capabilities: ['publish'] });
    const asked = h.send('POST', '/v1/posts', { key, body: { text: 'too late', to: [alice] } });
    await h.waitForPost('late');
    await h.core.close();
    const reply = await asked;
    expect([reply.status, reply.json.error.code]).toEqual([503, 'locked']);
    expect(reply.json.error.message).toBe('Plugboard was locked or closed before the user answered, so nothing was posted.');
  });

  // Nobody confirms here: a post that waited would hang until the test's time-out.
  it('publish_unattended publishes at once; a rule the platform has comes back as not_tried, not as an error', async () => {
    const { h, alice } = await setup();
    const { key } = await h.pair('scheduler', { accounts: [alice], capabilities: ['publish', 'publish_unattended'] });
    const reply = await h.send('POST', '/v1/posts', { key, body: { text: 'x'.repeat(281), to: [alice] } });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json.results).toEqual([expect.objectContaining({ accountId: alice, outcome: 'not_tried', message: expect.stringMatching(/280/) })]);
  });
});
