// The Threads publisher against the fake Threads over real HTTP on loopback: the account connected through the
// connector as the core connects it, then posted for in Threads' two steps with the real HTTP layer.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { threads } from '../../src-main/connectors/threads.ts';
import { silentLogger } from '../../src-main/core/logger.ts';
import { startFakeThreads, type FakeThreads } from '../../src-main/fakes/threads.ts';
import { createHttp, type Http } from '../../src-main/http/http.ts';
import { buildAuthorizeUrl, newState } from '../../src-main/oauth/oauth-client.ts';
import { threadsPublisher } from '../../src-main/publish/threads-publisher.ts';
import type { PublishContext } from '../../src-main/publish/types.ts';
import { publishContext, refusal } from './publish-kit.ts';

const APP = { clientId: '1290000000000001', clientSecret: 'threads-app-secret-4f1c' };
const REDIRECT = 'https://relay.plugboard.test/callback/threads';
const DEMO = '26000000000000001';
const plain = (text: string) => ({ text, link: null, draft: false });

let fake: FakeThreads;
let http: Http;

beforeEach(async () => {
  fake = await startFakeThreads();
  fake.registerApp({ ...APP, redirectUris: [REDIRECT] });
  http = createHttp({ origins: fake.originMap(), logger: silentLogger, timeoutMs: 1_000 });
});

afterEach(async () => {
  await fake.close();
});

async function connect(scopes = threads.decl.oauth!.scopes): Promise<PublishContext> {
  fake.autoApprove(DEMO);
  const res = await http.fetch(buildAuthorizeUrl({ ...threads.decl.oauth!, scopes }, APP, { redirectUri: REDIRECT, state: newState(), codeChallenge: null }));
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  const ctx = { http, credentials: APP };
  const tokens = await threads.exchange!(ctx, { code, redirectUri: REDIRECT, verifier: null }, fake.now());
  return publishContext(http, 'threads', await threads.fetchProfile(ctx, tokens.accessToken), tokens, fake.now());
}

const postEndpoints = () => fake.requests.map((r) => r.endpoint).filter((e) => e === 'threads' || e === 'threads_publish' || e === 'media');

describe('Threads: posting', () => {
  it('makes the container with the link as link_attachment, publishes it, and reads the permalink', async () => {
    const account = await connect();
    const result = await threadsPublisher.publish(account, { text: 'New batch 🍞 ', link: 'https://sunrise.example/bread', draft: false });
    const [post] = fake.posts();
    expect(post).toMatchObject({ userId: DEMO, text: 'New batch 🍞', link: 'https://sunrise.example/bread' });
    expect(result).toEqual({ platformPostId: post!.id, url: post!.permalink });
    expect(postEndpoints()).toEqual(['threads', 'threads_publish', 'media']);
    const listed = (await (await fetch(`${fake.origin}/__control/posts`)).json()) as { result: { id: string }[] };
    expect(listed.result.map((p) => p.id)).toEqual([post!.id]);
  });

  it('500 characters as Threads counts them, an emoji as its UTF-8 bytes: 496 + 🍞 posts, 497 + 🍞 is refused', async () => {
    const account = await connect();
    await threadsPublisher.publish(account, plain(`${'a'.repeat(496)}🍞`));
    const e = await refusal(threadsPublisher.publish(account, plain(`${'a'.repeat(497)}🍞`)));
    expect(e).toMatchObject({ kind: 'denied', mayHaveArrived: false });
    expect(e.message).toMatch(/refused the post: Param text must be at most 500 characters/);
    expect(fake.posts()).toHaveLength(1);
  });

  it('a permalink that cannot be read leaves the post posted, without an address', async () => {
    const account = await connect();
    fake.failNext('media', 'server_error');
    const result = await threadsPublisher.publish(account, plain('posted anyway'));
    expect(result).toEqual({ platformPostId: fake.posts()[0]!.id, url: null });
  });
});

describe('Threads: refusals', () => {
  it('more than 5 links, counting link_attachment: THREADS_API__LINK_LIMIT_EXCEEDED as a sentence, and no container', async () => {
    const account = await connect();
    const text = [1, 2, 3, 4, 5].map((n) => `https://example.com/${n}`).join(' ');
    const e = await refusal(threadsPublisher.publish(account, { text, link: 'https://example.com/6', draft: false }));
    expect(e).toMatchObject({ kind: 'denied', status: 400 });
    expect(e.message).toBe('Threads takes at most 5 links in a post, and this one has more.');
    expect(postEndpoints()).toEqual(['threads']);
  });

  it('a connection without threads_content_publish', async () => {
    const account = await connect(['threads_basic']);
    const e = await refusal(threadsPublisher.publish(account, plain('hello')));
    expect(e).toMatchObject({ kind: 'auth' });
    expect(e.message).toMatch(/threads_content_publish/);
  });

  it('the fake refuses to publish a container twice', async () => {
    const account = await connect();
    const token = account.credentials.accessToken!;
    const call = (path: string, body: Record<string, string>) => fetch(`${fake.origin}/v1.0/${DEMO}/${path}`, { method: 'POST', body: new URLSearchParams({ ...body, access_token: token }) });
    const { id } = (await (await call('threads', { media_type: 'TEXT', text: 'once' })).json()) as { id: string };
    expect((await call('threads_publish', { creation_id: id })).status).toBe(200);
    const again = await call('threads_publish', { creation_id: id });
    expect(again.status).toBe(400);
    expect(JSON.stringify(await again.json())).toMatch(/already been published/);
    expect(fake.posts()).toHaveLength(1);
  });

  it('an expired token and a throttled publish step are refusals; a 500 to the publish step may have posted', async () => {
    const account = await connect();
    fake.failNext('threads_publish', 'rate_limited');
    expect(await refusal(threadsPublisher.publish(account, plain('a')))).toMatchObject({ kind: 'rate_limited', mayHaveArrived: false });
    fake.failNext('threads_publish', 'server_error');
    expect(await refusal(threadsPublisher.publish(account, plain('b')))).toMatchObject({ kind: 'server', mayHaveArrived: true });
    fake.expireAccessTokens();
    expect(await refusal(threadsPublisher.publish(account, plain('c')))).toMatchObject({ kind: 'auth' });
    expect(fake.posts()).toEqual([]);
  });
});

describe('Threads: answers lost', () => {
  it("the container step's answer lost (time-out, gateway 502): nothing was posted, and it says so", async () => {
    const account = await connect();
    fake.answerLate('threads', { afterMs: null });
    const e = await refusal(threadsPublisher.publish(account, plain('a')));
    expect(e).toMatchObject({ kind: 'network', mayHaveArrived: false });
    expect(e.message).toMatch(/nothing was posted/);
    fake.failNext('threads', 'html_502');
    expect(await refusal(threadsPublisher.publish(account, plain('b')))).toMatchObject({ mayHaveArrived: false });
    expect(fake.posts()).toEqual([]);
  });

  it("the publish step's answer lost: may have arrived, and it did", async () => {
    const account = await connect();
    fake.answerLate('threads_publish', { afterMs: null });
    expect(await refusal(threadsPublisher.publish(account, plain('slow')))).toMatchObject({ kind: 'network', mayHaveArrived: true });
    expect(fake.posts().map((p) => p.text)).toEqual(['slow']);
  });
});
