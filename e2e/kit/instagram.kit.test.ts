// Instagram Login through the connector kit: HTTPS relay → plugboard://, the short-lived token
// exchanged at once for a 60-day one, extended (not refreshed) once it is a day old. Instagram
// Login has no revoke endpoint.
import { connectorKit } from './connector-kit.ts';
import { startFakeInstagram, type FakeInstagram } from '../../src-main/fakes/instagram.ts';
import { INSTAGRAM_ACCOUNTS } from '../../src-main/fakes/meta-seed.ts';

const [bakery, maya, noPicture] = INSTAGRAM_ACCOUNTS.map((a) => a.igUserId) as [string, string, string];

connectorKit({
  platform: 'instagram',
  start: () => startFakeInstagram(),
  registerApp: (fake, app) => (fake as FakeInstagram).registerApp({ ...app, clientSecret: app.clientSecret! }),
  users: [bakery, maya],
  userWithoutAvatar: noPicture,
  endpoints: { token: 'token', refresh: 'refresh', profile: 'me' },
  renewAfterSec: 25 * 3600,
});
