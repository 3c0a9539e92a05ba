// Listening on the gateway's socket: owner-only (0600, in the 0700 data folder), one Plugboard per socket,
// and a stale socket left by a killed Plugboard is replaced rather than refused.
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createConnection } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../core/logger.ts';

export interface GatewaySocket {
  readonly path: string;
  close(): Promise<void>;
}

/** Something answers on this socket (another Plugboard on the same data folder). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

export async function listenGateway(opts: { path: string; handle(req: IncomingMessage, res: ServerResponse): void; logger: Logger }): Promise<GatewaySocket> {
  const { path } = opts;
  const pipe = path.startsWith('\\\\.\\pipe\\');
  if (!pipe) {
    let exists = false;
    try {
      exists = lstatSync(path).isSocket();
    } catch {
      // Nothing there.
    }
    if (exists) {
      if (await answers(path)) throw new Error(`Another Plugboard is already serving tools on ${path}.`);
      unlinkSync(path);
    }
  }
  const server: Server = createServer(opts.handle);
  // A tool waiting on a pairing request holds its connection for minutes; nothing else should.
  server.requestTimeout = 0;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new Error(`Plugboard could not listen for tools on ${path}: ${e.code ?? e.message}`, { cause: e })));
    server.listen(path, () => resolve());
  });
  // The folder (0700) already keeps other users out between listen() and this chmod; the mode says so on its own too.
  if (!pipe) chmodSync(path, 0o600);
  opts.logger.info('gateway listening', { socket: pipe ? 'named pipe' : 'unix socket' });
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
