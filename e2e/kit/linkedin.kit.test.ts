// LinkedIn through the connector kit, twice: a creator's own app (no refresh token, the connection
// ends with its 60-day token) and an app LinkedIn approved for programmatic refresh (a refresh token
// with a fixed one-year deadline). Its redirect is the user's HTTPS relay page where LinkedIn's
// loopback acceptance is unconfirmed; the kit uses loopback, which the fake accepts by default.
import { expect } from 'vitest';
import { connectorKit } from './connector-kit.ts';
import { LINKEDIN_MEMBER_BROKEN_PICTURE, LINKEDIN_MEMBER_NO_PAGES, LINKEDIN_MEMBER_TWO_PAGES, startFakeLinkedIn, type FakeLinkedIn } from '../../src-main/fakes/linkedin.ts';

const base = {
  platform: 'linkedin' as const,
  start: () => startFakeLinkedIn(),
  users: [LINKEDIN_MEMBER_TWO_PAGES, LINKEDIN_MEMBER_NO_PAGES] as [string, string],
  userWithoutAvatar: LINKEDIN_MEMBER_BROKEN_PICTURE,
  accountIdOf: (userId: string) => `person:${userId}`,
};

connectorKit({
  ...base,
  registerApp: (fake, app) => (fake as FakeLinkedIn).registerApp({ ...app, clientSecret: app.clientSecret! }),
  endpoints: { token: 'token', profile: 'userinfo', revoke: 'revoke' },
});

connectorKit({
  ...base,
  label: 'programmatic refresh',
  registerApp: (fake, app) => (fake as FakeLinkedIn).registerApp({ ...app, clientSecret: app.clientSecret!, programmaticRefresh: true }),
  endpoints: { token: 'token', refresh: 'refresh', profile: 'userinfo', revoke: 'revoke' },
  async refreshTokenWorks(fake, app, refreshToken) {
    const res = await fetch(`${fake.origin}/oauth/v2/accessToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: app.clientId, client_secret: app.clientSecret! }),
    });
    expect([200, 400, 401]).toContain(res.status);
    return res.ok;
  },
});
