import { connectorKit } from './connector-kit.ts';
import { startFakeX, type FakeX } from '../../src-main/fakes/x.ts';

connectorKit({
  platform: 'x',
  start: () => startFakeX(),
  registerApp: (fake, app) => (fake as FakeX).registerApp(app),
  users: ['1500000000000000001', '1500000000000000002'],
  userWithoutAvatar: '1500000000000000003',
  endpoints: { token: 'token', refresh: 'refresh', profile: 'me', revoke: 'revoke' },
  async refreshTokenWorks(fake, app, refreshToken) {
    const res = await fetch(`${fake.origin}/2/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.clientSecret!)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
    return res.ok;
  },
});
