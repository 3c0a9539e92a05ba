// Where the gateway listens, worked out the same way by the app and by the `plugboard` command.
import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';

/** sun_path is 104 bytes on macOS and 108 on Linux; past that, listen() fails. */
const MAX_SOCKET_PATH = 100;

export function socketPath(dataDir: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.PLUGBOARD_SOCKET) return env.PLUGBOARD_SOCKET;
  const tag = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  // A named pipe for this user and this data folder, as Docker Desktop does for its engine.
  if (platform === 'win32') return `\\\\.\\pipe\\plugboard-${userInfo().username}-${tag}`;
  const inFolder = join(dataDir, 'plugboard.sock');
  if (Buffer.byteLength(inFolder) <= MAX_SOCKET_PATH) return inFolder;
  // A data folder too deep for a socket path: the user's private runtime folder, named for the data folder.
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime) return join(runtime, `plugboard-${tag}.sock`);
  throw new Error(`The data folder's path is too long for a socket (${inFolder}); set PLUGBOARD_SOCKET to a shorter path.`);
}
