// The Facebook Pages publisher against the fake Graph API over real HTTP on loopback: Pages connected through the
// connector as the core connects them (each with its own Page token), then posted on with the real HTTP layer.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { facebook, GRAPH_ROOT } from '../../src-main/connectors/facebook.ts';
import { silentLogger } from '../../src-main/core/logger.ts';
import { startFakeFacebook, type ConsentChoice, type FakeFacebook } from '../../src-main/fakes/facebook.ts';
import { FACEBOOK_USERS } from '../../src-main/fakes/meta-seed.ts';
import { createHttp, type Http } from '../../src-main/http/http.ts';
import { buildAuthorizeUrl, newState } from '../../src-main/oauth/oauth-client.ts';
import { facebookPublisher } from '../../src-main/publish/facebook-publisher.ts';
import type { PublishContext } from '../../src-main/publish/types.ts';
import { publishContext, refusal } from './publish-kit.ts';

const APP = { clientId: '1234567890123456', clientSecret: 'fb-app-secret-7c1d9e0a' };
const REDIRECT = 'https://relay.example.net/callback/facebook';
const DANA = FACEBOOK_USERS[0]!.userId;
const SUNRISE = FACEBOOK_USERS[0]!.pages[0]!.pageId;
const plain = (text: string) => ({ text, link: null, draft: false });

let fake: FakeFacebook;
let http: Http;

beforeEach(async () => {
  fake = await startFakeFacebook();
  fake.registerApp({ ...APP, redirectUris: [REDIRECT], mode: 'live' });
  http = createHttp({ origins: fake.originMap(), logger: silentLogger, timeoutMs: 1_000 });
});

afterEach(async () => {
  await fake.close();
});

/** Dana signs in and Sunrise Bakery is connected; `asUser` hands the publisher the login's user token instead of the Page's. */
async function connectSunrise(choice?: ConsentChoice, asUser = false): Promise<PublishContext> {
  if (choice) fake.nextConsent(choice);
  fake.autoApprove(DANA);
  const res = await http.fetch(buildAuthorizeUrl(facebook.decl.oauth!, APP, { redirectUri: REDIRECT, state: newState(), codeChallenge: null }));
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  const ctx = { http, credentials: APP };
  const login = await facebook.exchange!(ctx, { code, redirectUri: REDIRECT, verifier: null }, fake.now());
  const page = (await facebook.listIdentities!(ctx, login.accessToken)).find((i) => i.platformUserId === SUNRISE)!;
  return publishContext(http, 'facebook', asUser ? { ...page, tokens: undefined } : page, login, fake.now());
}

describe('Facebook Pages: posting', () => {
  it("posts the message with the link beside it, with the Page's token, at the declared Graph version", async () => {
    const sunrise = await connectSunrise();
    const result = await facebookPublisher.publish(sunrise, { text: '  Fresh bread at 7 ', link: 'https://sunrise.example/bread', draft: false });
    const [post] = fake.posts();
    expect(post).toMatchObject({ pageId: SUNRISE, message: 'Fresh bread at 7', link: 'https://sunrise.example/bread' });
    expect(result).toEqual({ platformPostId: post!.id, url: `https://www.facebook.com/${post!.id}` });
    expect(fake.requests.find((r) => r.endpoint === 'feed')!.path).toBe(`${new URL(GRAPH_ROOT).pathname}/${SUNRISE}/feed`);
    const listed = (await (await fetch(`${fake.origin}/__control/posts`)).json()) as { result: { id: string }[] };
    expect(listed.result.map((p) => p.id)).toEqual([post!.id]);
  });
});

describe('Facebook Pages: refusals', () => {
  it('a user token on the Page feed is refused as Meta refuses it, and the sentence says to reconnect the Page', async () => {
    const asUser = await connectSunrise(undefined, true);
    const e = await refusal(facebookPublisher.publish(asUser, plain('hello')));
    expect(e).toMatchObject({ kind: 'auth', status: 403, mayHaveArrived: false });
    expect(e.message).toMatch(/Sunrise Bakery.*Page's own access.*Reconnect the Page/);
    expect(fake.requests.at(-1)!.note).toBe('user token on a Page feed');
    expect(fake.posts()).toEqual([]);
  });

  it('without pages_read_engagement, or with a role that cannot create content: refused the same way', async () => {
    const declined = await connectSunrise({ declineScopes: ['pages_read_engagement'] });
    expect(await refusal(facebookPublisher.publish(declined, plain('a')))).toMatchObject({ kind: 'auth', status: 403 });
    const sunrise = await connectSunrise();
    fake.setPageTasks(DANA, SUNRISE, ['ANALYZE', 'MODERATE']);
    expect(await refusal(facebookPublisher.publish(sunrise, plain('b')))).toMatchObject({ kind: 'auth', status: 403 });
    expect(fake.posts()).toEqual([]);
  });

  it('over 63,206 characters, and the same message twice', async () => {
    const sunrise = await connectSunrise();
    const long = await refusal(facebookPublisher.publish(sunrise, plain('a'.repeat(63_207))));
    expect(long).toMatchObject({ kind: 'denied' });
    expect(long.message).toMatch(/refused the post: Message is too long/);
    await facebookPublisher.publish(sunrise, plain('once'));
    expect((await refusal(facebookPublisher.publish(sunrise, plain('once')))).message).toMatch(/duplicate/);
    expect(fake.posts()).toHaveLength(1);
  });

  it('a Page throttle and a dead Page token are refusals; a 500 after sending may have posted', async () => {
    const sunrise = await connectSunrise();
    fake.throttleNext('feed', 32, { retryAfterSec: 600 });
    expect(await refusal(facebookPublisher.publish(sunrise, plain('a')))).toMatchObject({ kind: 'rate_limited', mayHaveArrived: false });
    fake.failNext('feed', 'server_error');
    expect(await refusal(facebookPublisher.publish(sunrise, plain('b')))).toMatchObject({ kind: 'server', mayHaveArrived: true });
    fake.killTokens(DANA, 'password_changed');
    const dead = await refusal(facebookPublisher.publish(sunrise, plain('c')));
    expect(dead).toMatchObject({ kind: 'auth' });
    expect(dead.message).toMatch(/password was changed/);
    expect(fake.posts()).toEqual([]);
  });
});

describe('Facebook Pages: answers lost after sending', () => {
  it('no answer within the time-out, or a gateway 502: may have arrived', async () => {
    const sunrise = await connectSunrise();
    fake.answerLate('feed', { afterMs: null });
    expect(await refusal(facebookPublisher.publish(sunrise, plain('slow')))).toMatchObject({ kind: 'network', mayHaveArrived: true });
    expect(fake.posts().map((p) => p.message)).toEqual(['slow']);
    fake.failNext('feed', 'html_502');
    expect(await refusal(facebookPublisher.publish(sunrise, plain('gateway')))).toMatchObject({ status: 502, mayHaveArrived: true });
    fake.failNext('feed', 'missing_fields');
    expect(await refusal(facebookPublisher.publish(sunrise, plain('odd')))).toMatchObject({ kind: 'malformed', mayHaveArrived: true });
  });
});
