// The LinkedIn publisher against the fake LinkedIn over real HTTP on loopback: the member and a company page
// connected through the connector as the core connects them, then posted for with the real HTTP layer.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { textWithLink } from '../../src-main/api/post-rules.ts';
import { linkedin, LINKEDIN_VERSION } from '../../src-main/connectors/linkedin.ts';
import { silentLogger } from '../../src-main/core/logger.ts';
import { startFakeLinkedIn, LINKEDIN_MEMBER_TWO_PAGES, LINKEDIN_ORG_ANALYST_ONLY, LINKEDIN_ORG_WITH_LOGO, type FakeLinkedIn, type LinkedInProduct } from '../../src-main/fakes/linkedin.ts';
import { createHttp, type Http } from '../../src-main/http/http.ts';
import { buildAuthorizeUrl, newState } from '../../src-main/oauth/oauth-client.ts';
import { linkedinPublisher } from '../../src-main/publish/linkedin-publisher.ts';
import type { PublishContext } from '../../src-main/publish/types.ts';
import { publishContext, refusal } from './publish-kit.ts';

const RELAY = 'https://relay.example/plugboard.html';
const APP = { clientId: '78publishapp01', clientSecret: 'WPL_AP1.publish-secret' };
const ORG_SCOPES = ['r_organization_social', 'w_organization_social', 'rw_organization_admin'];
const ALL_PRODUCTS: LinkedInProduct[] = ['sign-in-openid', 'share-on-linkedin', 'community-management'];
const plain = (text: string) => ({ text, link: null, draft: false });

let fake: FakeLinkedIn;
let http: Http;

beforeEach(async () => {
  fake = await startFakeLinkedIn();
  http = createHttp({ origins: fake.originMap(), logger: silentLogger, timeoutMs: 1_000 });
});

afterEach(async () => {
  await fake.close();
});

/** Signs the member in through the fake's consent and returns a publish context per identity (member first, then pages). */
async function connect(products: LinkedInProduct[] = ALL_PRODUCTS): Promise<PublishContext[]> {
  fake.registerApp({ ...APP, redirectUris: [RELAY], products });
  const decl = linkedin.decl.oauth!;
  const scopes = products.includes('community-management') ? [...decl.scopes, ...ORG_SCOPES] : decl.scopes.filter((s) => s !== 'w_member_social' || products.includes('share-on-linkedin'));
  fake.autoApprove(LINKEDIN_MEMBER_TWO_PAGES);
  const res = await http.fetch(buildAuthorizeUrl({ ...decl, scopes }, APP, { redirectUri: RELAY, state: newState(), codeChallenge: null }));
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  const ctx = { http, credentials: APP };
  const tokens = await linkedin.exchange!(ctx, { code, redirectUri: RELAY, verifier: null }, fake.now());
  const identities = await linkedin.listIdentities!(ctx, tokens.accessToken);
  return identities.map((identity) => publishContext(http, 'linkedin', identity, tokens, fake.now()));
}

describe('LinkedIn: posting', () => {
  it('posts as the member with the version headers, and the text reads as typed though it holds little-text markup', async () => {
    const [member] = await connect();
    const text = 'Launch (beta) [v2] {soon} <3 @team | a*b_c ~ back\\slash — C# #launch 🚀';
    const link = 'https://example.com/a_b?(x)';
    const result = await linkedinPublisher.publish(member!, { text, link, draft: false });

    const [post] = fake.posts();
    expect(post).toMatchObject({ author: `urn:li:person:${LINKEDIN_MEMBER_TWO_PAGES}`, text: textWithLink('linkedin', text, link), cut: false, visibility: 'PUBLIC', lifecycleState: 'PUBLISHED' });
    // Escaped where markup, left alone where LinkedIn should act: the hashtag and the link.
    expect(post!.commentary).toMatch(/^Launch \\\(beta\\\) .* C\\# #launch 🚀\n\nhttps:\/\/example\.com\/a_b\?\(x\\\)$/su);
    expect(result).toEqual({ platformPostId: post!.urn, url: `https://www.linkedin.com/feed/update/${post!.urn}/` });
    const sent = fake.requests.find((r) => r.endpoint === 'posts')!;
    expect(sent.headerNames).toEqual(expect.arrayContaining(['linkedin-version', 'x-restli-protocol-version']));
  });

  it('the fake cuts a text sent unescaped, as LinkedIn does, so a publisher that forgot to escape would fail above', async () => {
    const [member] = await connect();
    const res = await fetch(`${fake.origin}/rest/posts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${member!.credentials.accessToken}`, 'linkedin-version': LINKEDIN_VERSION, 'content-type': 'application/json' },
      body: JSON.stringify({ author: `urn:li:person:${LINKEDIN_MEMBER_TWO_PAGES}`, commentary: 'Launch (beta) today', visibility: 'PUBLIC', distribution: { feedDistribution: 'MAIN_FEED' }, lifecycleState: 'PUBLISHED' }),
    });
    expect(res.status).toBe(201);
    expect(fake.posts()[0]).toMatchObject({ text: 'Launch ', cut: true });
  });

  it('posts as a company page the member administers, and lists what arrived over GET /__control/posts', async () => {
    const contexts = await connect();
    const page = contexts.find((c) => c.account.platform_user_id === `organization:${LINKEDIN_ORG_WITH_LOGO}`)!;
    await linkedinPublisher.publish(page, plain('From the bakery'));
    const listed = (await (await fetch(`${fake.origin}/__control/posts`)).json()) as { ok: boolean; result: { author: string; text: string }[] };
    expect(listed.result).toEqual([expect.objectContaining({ author: `urn:li:organization:${LINKEDIN_ORG_WITH_LOGO}`, text: 'From the bakery' })]);
    // GET reaches read-only views alone, never a control that changes the fake.
    expect((await fetch(`${fake.origin}/__control/clear-requests`)).status).toBe(404);
  });
});

describe('LinkedIn: refusals', () => {
  it('a member connection without w_member_social: 403, and the sentence names the product', async () => {
    const [member] = await connect(['sign-in-openid']);
    const e = await refusal(linkedinPublisher.publish(member!, plain('hello')));
    expect(e).toMatchObject({ kind: 'auth', status: 403, mayHaveArrived: false });
    expect(e.message).toMatch(/w_member_social.*Share on LinkedIn/);
    expect(fake.posts()).toEqual([]);
  });

  it('a page the member does not administer: 403, naming the page', async () => {
    const [member] = await connect();
    const analystOnly = { ...member!, account: { ...member!.account, platform_user_id: `organization:${LINKEDIN_ORG_ANALYST_ONLY}`, display_name: 'Somebody Else Ltd' } };
    const e = await refusal(linkedinPublisher.publish(analystOnly, plain('hello')));
    expect(e).toMatchObject({ kind: 'auth', status: 403 });
    expect(e.message).toMatch(/as Somebody Else Ltd.*w_organization_social/);
  });

  it('over 3,000 characters, and the same text twice', async () => {
    const [member] = await connect();
    const long = await refusal(linkedinPublisher.publish(member!, plain('a'.repeat(3001))));
    expect(long).toMatchObject({ kind: 'denied', status: 422 });
    expect(long.message).toMatch(/commentary.*3000/);
    await linkedinPublisher.publish(member!, plain('once'));
    const twice = await refusal(linkedinPublisher.publish(member!, plain('once')));
    expect(twice.message).toMatch(/duplicate/);
    expect(fake.posts()).toHaveLength(1);
  });

  it('the fake refuses a post without LinkedIn-Version; a retired version reads as an update to make', async () => {
    const [member] = await connect();
    const res = await fetch(`${fake.origin}/rest/posts`, { method: 'POST', headers: { authorization: `Bearer ${member!.credentials.accessToken}`, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'VERSION_MISSING' });
    fake.setOldestActiveVersion('209912');
    const e = await refusal(linkedinPublisher.publish(member!, plain('hello')));
    expect(e).toMatchObject({ kind: 'setup', status: 426 });
  });

  it('an expired token and a throttle are refusals; a 500 after sending may have posted', async () => {
    const [member] = await connect();
    fake.failNext('posts', 'rate_limited');
    expect(await refusal(linkedinPublisher.publish(member!, plain('a')))).toMatchObject({ kind: 'rate_limited', mayHaveArrived: false });
    fake.failNext('posts', 'server_error');
    expect(await refusal(linkedinPublisher.publish(member!, plain('b')))).toMatchObject({ kind: 'server', status: 500, mayHaveArrived: true });
    fake.expireAccessTokens();
    expect(await refusal(linkedinPublisher.publish(member!, plain('c')))).toMatchObject({ kind: 'auth', status: 401 });
    expect(fake.posts()).toEqual([]);
  });
});

describe('LinkedIn: answers lost after sending', () => {
  it('no answer within the time-out: may have arrived, and it did', async () => {
    const [member] = await connect();
    fake.answerLate('posts', { afterMs: null });
    const e = await refusal(linkedinPublisher.publish(member!, plain('slow')));
    expect(e).toMatchObject({ kind: 'network', mayHaveArrived: true });
    expect(fake.posts().map((p) => p.text)).toEqual(['slow']);
  });

  it('a gateway 502, or a 201 without the URN: may have arrived', async () => {
    const [member] = await connect();
    fake.failNext('posts', 'html_502');
    expect(await refusal(linkedinPublisher.publish(member!, plain('a')))).toMatchObject({ status: 502, mayHaveArrived: true });
    fake.failNext('posts', 'missing_fields');
    expect(await refusal(linkedinPublisher.publish(member!, plain('b')))).toMatchObject({ kind: 'malformed', mayHaveArrived: true });
  });
});
