// What every command works with: the environment, the standard streams, the socket and the key file.
import type { Readable, Writable } from 'node:stream';
import { defaultDataDir } from '../host/data-dir.ts';
import { EXIT } from '../gateway/protocol.ts';
import { socketPath } from '../gateway/socket-path.ts';
import { keyFor } from './config.ts';
import { CliFailure } from './failure.ts';

export interface Cli {
  env: NodeJS.ProcessEnv;
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  configFile: string;
}

/** PLUGBOARD_SOCKET, else the socket of PLUGBOARD_DATA_DIR, else of the default data folder: as the app works it out. */
export function socketOf(cli: Cli): string {
  try {
    return socketPath(cli.env.PLUGBOARD_DATA_DIR || defaultDataDir(), cli.env);
  } catch (e) {
    throw new CliFailure(EXIT.usage, (e as Error).message);
  }
}

/** The socket and the key a paired command presents on it. */
export function connection(cli: Cli): { socket: string; key: string } {
  const socket = socketOf(cli);
  return { socket, key: keyFor(cli.env, cli.configFile, socket) };
}

export function printJson(cli: Cli, value: unknown): void {
  cli.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
