// Starts the browser host (`node src-main/host/cli.ts`) as its own process, the
// way a user runs it, and reads the URL it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface HostProcess {
  url: string;
  origin: string;
  output: () => string;
  stop(): Promise<void>;
}

export async function startHostProcess(env: { dataDir: string; passphrase: string; origins: Record<string, string> }): Promise<HostProcess> {
  const child: ChildProcess = spawn(process.execPath, ['src-main/host/cli.ts', '--port', '0'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PLUGBOARD_DATA_DIR: env.dataDir,
      PLUGBOARD_PASSPHRASE: env.passphrase,
      PLUGBOARD_ORIGINS: JSON.stringify(env.origins),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start:\n${out}`)), 15_000);
    child.stdout!.on('data', () => {
      const m = /Open (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    origin: new URL(url).origin,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
