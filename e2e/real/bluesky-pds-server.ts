// The REAL Bluesky PDS (@atproto/pds from npm) with an in-memory PLC directory
// (@did-plc/server's mock database, as @atproto/dev-env's TestPlc does), run as a child
// process by e2e/real/bluesky-pds.ts: its own process, so the PDS's global patches (express,
// undici, its loggers) stay out of the test worker, and a crash there is a failed test, not a
// dead worker.
//
// Offline and on loopback only: both servers' `app.listen(port)` would bind every interface,
// so listen is wrapped to 127.0.0.1; no AppView, no crawlers, no email, no moderation service,
// handles under .test (resolved from the PDS's own database, no DNS). Everything it keeps is
// in PDS_DATA_DIRECTORY, which the parent removes.
//
// Input (environment): PDS_PORT, PDS_DATA_DIRECTORY, PDS_ADMIN_PASSWORD.
// Output: one JSON line {"url","plcUrl","version"} on file descriptor 3 once both listen (stdout
// and stderr are the servers' own); SIGTERM (or the parent's stdin closing) stops both.
import { randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/** The little of the two packages' APIs used here (imported by name at run time: they may be absent). */
interface Listening {
  app: { listen: (port: number, ...rest: unknown[]) => Server };
  start(): Promise<Server>;
  destroy(): Promise<void>;
}
interface PlcModule {
  PlcServer: { create(opts: { db: unknown; port: number }): Listening };
  Database: { mock(): unknown };
}
interface PdsModule {
  PDS: { create(cfg: unknown, secrets: unknown): Promise<Listening> };
  envToCfg(env: Record<string, unknown>): unknown;
  envToSecrets(env: Record<string, unknown>): unknown;
}

function loopbackOnly(server: Listening): void {
  const listen = server.app.listen.bind(server.app);
  server.app.listen = (port: number, ...rest: unknown[]) => listen(port, '127.0.0.1', ...rest);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`bluesky-pds-server: ${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const port = Number(required('PDS_PORT'));
  const dataDirectory = required('PDS_DATA_DIRECTORY');
  const adminPassword = required('PDS_ADMIN_PASSWORD');
  const plcName = '@did-plc/server';
  const pdsName = '@atproto/pds';
  const plc = (await import(plcName)) as PlcModule;
  const pds = (await import(pdsName)) as PdsModule;
  const { version } = ((await import(`${pdsName}/package.json`, { with: { type: 'json' } })) as { default: { version: string } }).default;

  const plcServer = plc.PlcServer.create({ db: plc.Database.mock(), port: 0 });
  loopbackOnly(plcServer);
  const plcPort = ((await plcServer.start()).address() as AddressInfo).port;
  const plcUrl = `http://127.0.0.1:${plcPort}`;

  const hex = () => randomBytes(32).toString('hex');
  const env = {
    port,
    hostname: 'localhost',
    dataDirectory,
    blobstoreDiskLocation: join(dataDirectory, 'blobs'),
    repoSigningKeyK256PrivateKeyHex: hex(),
    plcRotationKeyK256PrivateKeyHex: hex(),
    jwtSecret: hex(),
    dpopSecret: hex(),
    adminPassword,
    didPlcUrl: plcUrl,
    inviteRequired: false,
    crawlers: [],
    // Dev mode is what lets its OAuth routes live on plain http://localhost (they refuse to start
    // otherwise); it also validates the PDS's own replies against the lexicons.
    devMode: true,
  };
  const server = await pds.PDS.create(pds.envToCfg(env), pds.envToSecrets(env));
  loopbackOnly(server);
  await server.start();

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.destroy().catch(() => {});
    await plcServer.destroy().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.stdin.on('close', () => void stop());
  process.stdin.resume();
  writeSync(3, `${JSON.stringify({ url: `http://127.0.0.1:${port}`, plcUrl, version })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bluesky-pds-server: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
