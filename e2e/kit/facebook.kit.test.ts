// Facebook Pages through the connector kit: the user's HTTPS relay page hands the code to
// plugboard://, the login lists its Pages and the chosen one is stored with its own Page token.
// Page tokens do not expire, so nothing renews; Disconnect revokes the app for the login.
import { connectorKit } from './connector-kit.ts';
import { startFakeFacebook, type FakeFacebook } from '../../src-main/fakes/facebook.ts';
import { FACEBOOK_USERS } from '../../src-main/fakes/meta-seed.ts';

const [dana, maya] = FACEBOOK_USERS as [(typeof FACEBOOK_USERS)[number], (typeof FACEBOOK_USERS)[number]];

connectorKit({
  platform: 'facebook',
  start: () => startFakeFacebook(),
  registerApp: (fake, app) => (fake as FakeFacebook).registerApp({ ...app, mode: 'live' }),
  // Maya first: her login has one Page, so the kit's hand-completed flow connects without a choice.
  users: [maya.userId, dana.userId],
  endpoints: { token: 'token', profile: 'accounts', revoke: 'permissions' },
  // The first Page of each login: Maya has one, Dana three (a choice).
  accountIdOf: (userId) => FACEBOOK_USERS.find((u) => u.userId === userId)!.pages[0]!.pageId,
  choose: (choices, userId) => [FACEBOOK_USERS.find((u) => u.userId === userId)!.pages[0]!.pageId].filter((id) => choices.some((c) => c.platformUserId === id)),
  tokensChangeOnReconnect: false,
});
