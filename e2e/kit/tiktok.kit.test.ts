import { connectorKit } from './connector-kit.ts';
import { startFakeTikTok, type FakeTikTok } from '../../src-main/fakes/tiktok.ts';

// TikTok's desktop flow wants a hex SHA-256 challenge: a declaration sending base64url fails here, as at TikTok.
const pkce = 'hex';

connectorKit({
  platform: 'tiktok',
  // Real TikTok codes carry '*' and '!': the core must take them.
  start: () => startFakeTikTok({ pkce, tiktokStyleCodes: true }),
  registerApp: (fake, app) => (fake as FakeTikTok).registerApp(app),
  users: ['-000ZpLugB0ardDemoOpenId0000000000001', '-000ZpLugB0ardDemoOpenId0000000000002'],
  userWithoutAvatar: '-000ZpLugB0ardDemoOpenId0000000000003',
  endpoints: { token: 'token', refresh: 'refresh', profile: 'userinfo', revoke: 'revoke' },
  async refreshTokenWorks(fake, app, refreshToken) {
    const res = await fetch(`${fake.origin}/v2/oauth/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_key: app.clientId, client_secret: app.clientSecret ?? '', grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
    // TikTok answers a refused refresh with HTTP 200 and {error}: only an access token means yes.
    const body = (await res.json()) as { access_token?: string };
    return res.ok && typeof body.access_token === 'string';
  },
});
