// Threads through the connector kit: HTTPS relay → plugboard://, the short-lived token exchanged at
// once for a 60-day one, extended once it is a day old. Threads has no revoke endpoint for apps.
import { connectorKit } from './connector-kit.ts';
import { startFakeThreads, type FakeThreads } from '../../src-main/fakes/threads.ts';

connectorKit({
  platform: 'threads',
  start: () => startFakeThreads(),
  registerApp: (fake, app) => (fake as FakeThreads).registerApp({ ...app, clientSecret: app.clientSecret!, live: true }),
  users: ['26000000000000001', '26000000000000002'],
  userWithoutAvatar: '26000000000000003',
  endpoints: { token: 'token', refresh: 'refresh', profile: 'me' },
  renewAfterSec: 25 * 3600,
});
