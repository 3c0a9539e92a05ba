// src-main/host/: the browser host — the same core and renderer on 127.0.0.1, for `npm run host`, the demo and Playwright.
//
// npm run host [-- --port N]: Plugboard in your browser, no Electron needed.
// A passphrase protects the data key (there is no OS keychain here): the page asks for it, or
// PLUGBOARD_PASSPHRASE gives it up front. PLUGBOARD_DATA_DIR and PLUGBOARD_ORIGINS work as in the desktop app.
import { parseArgs } from 'node:util';
import { parseOriginMap } from '../http/origins.ts';
import { defaultDataDir } from './data-dir.ts';
import { startHost } from './start.ts';

const { values } = parseArgs({ options: { port: { type: 'string' }, 'data-dir': { type: 'string' } } });

function fail(message: string): never {
  console.error(`plugboard host: ${message}`);
  process.exit(1);
}

const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a number from 0 to 65535, not "${values.port}".`);
const passphrase = process.env.PLUGBOARD_PASSPHRASE || undefined;
const dataDir = values['data-dir'] ?? process.env.PLUGBOARD_DATA_DIR ?? defaultDataDir();

try {
  const host = await startHost({ dataDir, passphrase, port, origins: parseOriginMap(process.env.PLUGBOARD_ORIGINS) });
  console.log(`Plugboard is running. Data folder: ${dataDir}`);
  console.log(`Tools reach it on ${host.socketPath} (plugboard pair --name my-script).`);
  console.log(`Open ${host.url}`);
  const stop = async () => {
    await host.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (e) {
  fail((e as Error).message);
}
