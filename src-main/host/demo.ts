// npm run demo [-- --port N] [-- --x-refresh-days N]: the browser host against
// built-in fake platforms (all ten: real HTTP servers on 127.0.0.1), with demo app
// credentials already saved, in a throwaway data folder — click Connect without
// creating a developer app.
//
// Facebook, Instagram and Threads redirect only to HTTPS: the demo registers the address of a relay
// page that does not exist here, so the browser stops there and you paste its address into Plugboard
// (the "manual" way in, F3). LinkedIn's fake takes the loopback redirect like X.
//
// Dev-only time travel, to watch the lifecycle without waiting days: type +30m,
// +2h or +6d (and Enter) in this terminal. The app's clock and the fakes' clocks
// move together; overdue renewals and the idle lock's check run at once, and pills change colour. The demo's
// fake X gives refresh tokens a fixed life (default 10 days; real X documents
// none) so a connection can be seen going yellow (7 days before) and red.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { PlatformId } from '../api/contract.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { printPostsArriving } from './demo-posts.ts';
import { startFakeBluesky } from '../fakes/bluesky.ts';
import { startFakeFacebook } from '../fakes/facebook.ts';
import { startFakeInstagram } from '../fakes/instagram.ts';
import { startFakeLinkedIn } from '../fakes/linkedin.ts';
import { startFakeThreads } from '../fakes/threads.ts';
import type { FakeOAuthPlatform } from '../fakes/fake-server.ts';
import { freePort } from '../fakes/free-port.ts';
import { startFakeGoogle } from '../fakes/google.ts';
import { startFakePinterest } from '../fakes/pinterest.ts';
import { startFakeTikTok } from '../fakes/tiktok.ts';
import { startFakeWordPress } from '../fakes/wordpress.ts';
import { startFakeX } from '../fakes/x.ts';
import { openConfPrefs } from '../prefs/prefs.ts';
import { startHost } from './start.ts';

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

const { values } = parseArgs({ options: { port: { type: 'string' }, 'x-refresh-days': { type: 'string' } } });
const port = values.port === undefined ? 0 : Number(values.port);
const refreshDays = values['x-refresh-days'] === undefined ? 10 : Number(values['x-refresh-days']);

let offsetMs = 0;
const clock: Clock = { now: () => Date.now() + offsetMs, setTimeout: systemClock.setTimeout };

const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-demo-'));

interface DemoPlatform {
  id: PlatformId;
  fake: FakeOAuthPlatform<string> & { registerApp(app: { clientId: string; clientSecret: string | null; redirectUris: string[]; name?: string }): void };
  users: string[];
  /** Google's desktop clients take any loopback port; 'https': the platform redirects only to an HTTPS page. */
  redirect?: 'any-port' | 'https';
}

/** The HTTPS page the demo registers for Meta's platforms; nothing answers there, so its address is pasted. */
const DEMO_HTTPS_PAGE = 'https://relay.plugboard-demo.invalid';

const fakeX = await startFakeX({ refreshTokenLifetimeSec: refreshDays > 0 ? refreshDays * 86_400 : undefined });
const fakeGoogle = await startFakeGoogle();
const fakeLinkedIn = await startFakeLinkedIn();
const fakeFacebook = await startFakeFacebook();
const fakeThreads = await startFakeThreads();
const demoPlatforms: DemoPlatform[] = [
  { id: 'x', fake: fakeX, users: fakeX.users.map((u) => `@${u.username}`) },
  { id: 'tiktok', fake: await startFakeTikTok(), users: ['three TikTok creators'] },
  { id: 'youtube', fake: fakeGoogle, users: fakeGoogle.users.map((u) => `${u.email} (${u.channels.length} channel${u.channels.length === 1 ? '' : 's'})`), redirect: 'any-port' },
  { id: 'pinterest', fake: await startFakePinterest(), users: ['three Pinterest accounts'] },
  // The demo's LinkedIn app has the Community Management API, so "Company pages" can be turned on.
  {
    id: 'linkedin',
    fake: withSecret(fakeLinkedIn, { products: ['sign-in-openid', 'share-on-linkedin', 'community-management'] }),
    users: ['a member with two company pages', 'a member with none'],
  },
  { id: 'facebook', fake: withSecret(fakeFacebook), users: ['Dana (three Pages)', 'Maya (one Page)', 'Pat (no Page)'], redirect: 'https' },
  { id: 'instagram', fake: withSecret(await startFakeInstagram()), users: ['@sunrise.bakery', '@maya.makes', 'a personal account'], redirect: 'https' },
  { id: 'threads', fake: withSecret(fakeThreads, { live: true }), users: ['three Threads profiles'], redirect: 'https' },
];

/** The demo's app registrations always carry a secret; some fakes' registerApp insists on one in its type. */
function withSecret<F extends FakeOAuthPlatform<string> & { registerApp(app: never): void }>(fake: F, extra: Record<string, unknown> = {}): DemoPlatform['fake'] {
  const register = fake.registerApp.bind(fake) as (app: unknown) => void;
  return Object.assign(fake, { registerApp: (app: { clientId: string; clientSecret: string | null; redirectUris: string[]; name?: string }) => register({ ...app, ...extra }) });
}

const redirect: Partial<Record<PlatformId, { kind: 'loopback' | 'https-relay'; port?: number; httpsUrl?: string }>> = {};
for (const p of demoPlatforms) {
  if (p.redirect === 'https') {
    const httpsUrl = `${DEMO_HTTPS_PAGE}/plugboard-${p.id}.html`;
    redirect[p.id] = { kind: 'https-relay', httpsUrl };
    p.fake.registerApp({ ...demoCredentials(p.id), redirectUris: [httpsUrl], name: 'Plugboard Demo' });
    continue;
  }
  const port = p.redirect === 'any-port' ? undefined : await freePort();
  redirect[p.id] = port ? { kind: 'loopback', port } : { kind: 'loopback' };
  p.fake.registerApp({ ...demoCredentials(p.id), redirectUris: [`http://127.0.0.1:${port ?? 0}/callback/${p.id}`], name: 'Plugboard Demo' });
}
openConfPrefs(dataDir).set('redirect', redirect);
// Bluesky signs in with an app password, not OAuth: no app to register, only users to type in.
const fakeBluesky = await startFakeBluesky();
const fakeWordPress = await startFakeWordPress();
// WordPress sends a new application password to a plain-http address (the host's loopback listener)
// only from a local development site, so Connect in browser is tried on this second site.
const fakeLocalWordPress = await startFakeWordPress({ https: false, environmentType: 'local', siteUrl: 'http://mysite.local', siteName: 'My Local Site' });
const passwordFakes = [fakeBluesky, fakeWordPress, fakeLocalWordPress];
const origins = Object.assign({}, ...[...demoPlatforms.map((p) => p.fake), ...passwordFakes].map((f) => f.originMap())) as Record<string, string>;

// Export asks for the passphrase that unlocks Plugboard, so the demo prints it (or takes PLUGBOARD_PASSPHRASE).
const passphrase = process.env.PLUGBOARD_PASSPHRASE || randomBytes(16).toString('hex');
const host = await startHost({ dataDir, passphrase, port, origins, clock });
for (const p of demoPlatforms) {
  const saved = await host.core.call('credentials.save', { platform: p.id, ...demoCredentials(p.id) });
  if (!saved.ok) throw new Error(saved.error.message);
}

const LABELS: Partial<Record<PlatformId, string>> = {
  x: 'X',
  tiktok: 'TikTok',
  youtube: 'YouTube',
  pinterest: 'Pinterest',
  linkedin: 'LinkedIn',
  facebook: 'Facebook',
  instagram: 'Instagram',
  threads: 'Threads',
};

function demoCredentials(id: PlatformId) {
  return { clientId: `plugboard-demo-${id}-client`, clientSecret: `plugboard-demo-${id}-secret` };
}

console.log('Plugboard demo — fake platforms on 127.0.0.1, nothing leaves this machine.');
for (const p of demoPlatforms) console.log(`${`  fake ${LABELS[p.id]}:`.padEnd(18)}${p.fake.origin} — ${p.users.join(', ')}`);
console.log(`${'  fake Bluesky:'.padEnd(18)}${fakeBluesky.origin} — ${fakeBluesky.users.map((u) => `${u.handle} / app password ${u.appPasswords[0]}`).join(', ')}`);
console.log(`${'  fake WordPress:'.padEnd(18)}${fakeWordPress.siteUrl} — ${fakeWordPress.users.map((u) => `${u.login} / ${u.appPasswords[0]}`).join(', ')}`);
console.log(`${''.padEnd(18)}${fakeLocalWordPress.siteUrl} — a local site: try Connect in browser (you are signed in as admin)`);
console.log('  Facebook, Instagram, Threads: after approving, the browser stops at an address that does not exist here; paste it into Plugboard.');
console.log(`  data folder:   ${dataDir} (deleted on exit)`);
console.log(`  passphrase:    ${passphrase} (Export asks for it)`);
console.log(`  tools:         PLUGBOARD_SOCKET=${host.socketPath} plugboard pair --name my-script`);
console.log(`  time travel:   type +30m, +2h or +6d and Enter (X refresh tokens live ${refreshDays} days here)`);
console.log('  posts:         each post a fake platform receives is printed here as it arrives');
console.log(`\nOpen ${host.url}`);
printPostsArriving(host.core, [
  ['X', fakeX],
  ['LinkedIn', fakeLinkedIn],
  ['Facebook', fakeFacebook],
  ['Threads', fakeThreads],
  ['Bluesky', fakeBluesky],
  ['WordPress', fakeWordPress],
  ['WordPress (local)', fakeLocalWordPress],
]);

createInterface({ input: process.stdin }).on('line', async (line) => {
  const m = /^\+(\d+)([mhd])$/.exec(line.trim());
  if (!m) {
    if (line.trim()) console.log('time travel: type +30m, +2h or +6d');
    return;
  }
  const ms = Number(m[1]) * UNITS[m[2]!]!;
  offsetMs += ms;
  for (const f of [...demoPlatforms.map((p) => p.fake), ...passwordFakes]) f.advance(ms / 1000);
  // Timers were set in real milliseconds: catch up on whatever the jump made overdue, the idle lock too.
  await host.resume();
  console.log(`time travel: now ${new Date(clock.now()).toISOString()}`);
});

const stop = async () => {
  await host.close();
  await Promise.all([...demoPlatforms.map((p) => p.fake.close()), ...passwordFakes.map((f) => f.close())]);
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
