// npm run demo [-- --port N]: the browser host against built-in fake platforms
// (real HTTP servers on 127.0.0.1), with demo app credentials already saved, in a
// throwaway data folder — click Connect without creating a developer app.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../../e2e/fakes/fake-server.ts';
import { startFakeX } from '../../e2e/fakes/x.ts';
import { openConfPrefs } from '../prefs/prefs.ts';
import { startHost } from './start.ts';

const DEMO_X = { clientId: 'plugboard-demo-x-client', clientSecret: 'plugboard-demo-x-secret' };

const { values } = parseArgs({ options: { port: { type: 'string' } } });
const port = values.port === undefined ? 0 : Number(values.port);

const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-demo-'));
const fakeX = await startFakeX();
const xPort = await freePort();
openConfPrefs(dataDir).set('redirect', { x: { kind: 'loopback', port: xPort } });
fakeX.registerApp({ ...DEMO_X, redirectUris: [`http://127.0.0.1:${xPort}/callback/x`], name: 'Plugboard Demo' });

const host = await startHost({ dataDir, passphrase: randomBytes(16).toString('hex'), port, origins: fakeX.originMap() });
const saved = await host.core.call('credentials.save', { platform: 'x', ...DEMO_X });
if (!saved.ok) throw new Error(saved.error.message);

console.log('Plugboard demo — fake platforms on 127.0.0.1, nothing leaves this machine.');
console.log(`  fake X:        ${fakeX.origin} (client ID ${DEMO_X.clientId}, secret ${DEMO_X.clientSecret})`);
console.log(`  test users:    ${fakeX.users.map((u) => `@${u.username}`).join(', ')}`);
console.log(`  data folder:   ${dataDir} (deleted on exit)`);
console.log(`\nOpen ${host.url}`);

const stop = async () => {
  await host.close();
  await fakeX.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
