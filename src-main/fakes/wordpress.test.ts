// The fake WordPress answers as WordPress does: Link header, REST index, users/me with
// application-password Basic auth, and each mode's own error shape.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeWordPress, type FakeWordPress, type FakeWordPressOptions } from './wordpress.ts';

const fakes: FakeWordPress[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});
async function start(opts: FakeWordPressOptions = {}) {
  const f = await startFakeWordPress(opts);
  fakes.push(f);
  return f;
}
const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
async function get(f: FakeWordPress, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${f.origin}${path}`, { headers });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, link: res.headers.get('link'), body: body as Record<string, unknown> };
}

describe('fake WordPress', () => {
  it('names its REST root in the front page Link header (pretty and plain, subfolder)', async () => {
    expect((await get(await start(), '/')).link).toBe('<https://blog.example.com/wp-json/>; rel="https://api.w.org/"');
    const plain = await start({ permalinks: 'plain', siteUrl: 'https://example.org/blog' });
    expect((await get(plain, '/blog/')).link).toBe('<https://example.org/blog/?rest_route=/>; rel="https://api.w.org/"');
    expect((await get(plain, '/blog/wp-json/')).status).toBe(404);
    expect((await get(plain, '/blog/?rest_route=/')).body.name).toBe('Example Blog');
  });

  it('users/me: the user with the right password, spaces or not; capabilities as WordPress gives them', async () => {
    const f = await start();
    const [admin, , sub] = f.users;
    const me = await get(f, '/wp-json/wp/v2/users/me?context=edit', basic(admin!.login, admin!.appPasswords[0]!.replace(/ /g, '')));
    expect(me.body).toMatchObject({ id: 1, slug: 'ada', capabilities: { publish_posts: true } });
    const subscriber = await get(f, '/wp-json/wp/v2/users/me?context=edit', basic(sub!.login, sub!.appPasswords[0]!));
    expect('publish_posts' in (subscriber.body.capabilities as object)).toBe(false);
    expect(f.sawPassword(admin!.appPasswords[0]!)).toBe(true);
  });

  it('answers each failure with WordPress’s own code', async () => {
    const code = async (opts: FakeWordPressOptions, user: string, pw: string) => (await get(await start(opts), '/wp-json/wp/v2/users/me?context=edit', basic(user, pw))).body.code;
    const good = 'abcd EFGH ijkl MNOP qrst UVWX';
    expect(await code({}, 'nobody', good)).toBe('invalid_username');
    expect(await code({}, 'admin', 'wrong')).toBe('incorrect_password');
    expect(await code({ version: '6.1' }, 'admin', 'wrong')).toBe('rest_not_logged_in');
    expect(await code({ stripAuthorization: true }, 'admin', good)).toBe('rest_not_logged_in');
    expect(await code({ https: false }, 'admin', good)).toBe('application_passwords_disabled');
    expect(await code({ restDisabled: true }, 'admin', good)).toBe('rest_no_route');
    expect(await code({ https: false, environmentType: 'local' }, 'admin', good)).toBeUndefined();
  });

  it('injects failures and serves Gravatar avatars', async () => {
    const f = await start();
    f.failNext('index', 'html_502');
    expect((await get(f, '/wp-json/')).status).toBe(502);
    expect((await get(f, '/wp-json/')).status).toBe(200);
    const res = await fetch(`${f.origin}/avatar/${'a'.repeat(32)}?s=96`);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(f.originMap()['https://secure.gravatar.com']).toBe(f.origin);
  });
});
