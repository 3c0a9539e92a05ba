// npm run demo [-- --port N] [-- --x-refresh-days N]: the browser host against
// built-in fake platforms (real HTTP servers on 127.0.0.1), with demo app
// credentials already saved, in a throwaway data folder — click Connect without
// creating a developer app.
//
// Dev-only time travel, to watch the lifecycle without waiting days: type +30m,
// +2h or +6d (and Enter) in this terminal. The app's clock and the fakes' clocks
// move together; overdue renewals run at once and pills change colour. The demo's
// fake X gives refresh tokens a fixed life (default 10 days; real X documents
// none) so a connection can be seen going yellow (7 days before) and red.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { freePort } from '../../e2e/fakes/fake-server.ts';
import { startFakeX } from '../../e2e/fakes/x.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { openConfPrefs } from '../prefs/prefs.ts';
import { startHost } from './start.ts';

const DEMO_X = { clientId: 'plugboard-demo-x-client', clientSecret: 'plugboard-demo-x-secret' };
const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

const { values } = parseArgs({ options: { port: { type: 'string' }, 'x-refresh-days': { type: 'string' } } });
const port = values.port === undefined ? 0 : Number(values.port);
const refreshDays = values['x-refresh-days'] === undefined ? 10 : Number(values['x-refresh-days']);

let offsetMs = 0;
const clock: Clock = { now: () => Date.now() + offsetMs, setTimeout: systemClock.setTimeout };

const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-demo-'));
const fakeX = await startFakeX({ refreshTokenLifetimeSec: refreshDays > 0 ? refreshDays * 86_400 : undefined });
const xPort = await freePort();
openConfPrefs(dataDir).set('redirect', { x: { kind: 'loopback', port: xPort } });
fakeX.registerApp({ ...DEMO_X, redirectUris: [`http://127.0.0.1:${xPort}/callback/x`], name: 'Plugboard Demo' });

const host = await startHost({ dataDir, passphrase: randomBytes(16).toString('hex'), port, origins: fakeX.originMap(), clock });
const saved = await host.core.call('credentials.save', { platform: 'x', ...DEMO_X });
if (!saved.ok) throw new Error(saved.error.message);

console.log('Plugboard demo — fake platforms on 127.0.0.1, nothing leaves this machine.');
console.log(`  fake X:        ${fakeX.origin} (client ID ${DEMO_X.clientId}, secret ${DEMO_X.clientSecret})`);
console.log(`  test users:    ${fakeX.users.map((u) => `@${u.username}`).join(', ')}`);
console.log(`  data folder:   ${dataDir} (deleted on exit)`);
console.log(`  time travel:   type +30m, +2h or +6d and Enter (X refresh tokens live ${refreshDays} days here)`);
console.log(`\nOpen ${host.url}`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const m = /^\+(\d+)([mhd])$/.exec(line.trim());
  if (!m) {
    if (line.trim()) console.log('time travel: type +30m, +2h or +6d');
    return;
  }
  const ms = Number(m[1]) * UNITS[m[2]!]!;
  offsetMs += ms;
  fakeX.advance(ms / 1000);
  // Timers were set in real milliseconds: catch up on whatever the jump made overdue.
  host.core.resume();
  console.log(`time travel: now ${new Date(clock.now()).toISOString()}`);
});

const stop = async () => {
  await host.close();
  await fakeX.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
