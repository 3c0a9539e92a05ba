// Runs one of Plugboard's Node entry points (the host, the demo) as its own
// process, the way a user runs it, and waits for the `Open http://127.0.0.1:PORT/#token=…`
// line it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const OPEN_LINE = /Open (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/;

/** The address a host or the demo printed, or null while it has not printed one yet. */
export function printedUrl(output: string): string | null {
  return OPEN_LINE.exec(output)?.[1] ?? null;
}

/** The bearer token the API wants: the printed URL carries it in its fragment. */
export function tokenOf(url: string): string {
  const token = new URLSearchParams(new URL(url).hash.slice(1)).get('token');
  if (!token) throw new Error(`no #token= in ${url}`);
  return token;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface UrlProcess {
  url: string;
  origin: string;
  /** stdout and stderr so far, interleaved. */
  output: () => string;
  /** Settles when the process has exited, however that happened. */
  exited: Promise<Exit>;
  /** The process's stdin, with `{ stdin: 'pipe' }` (e.g. the demo's time travel); null otherwise. */
  stdin: Writable | null;
  /** Sends the signal (SIGTERM by default) unless the process has already exited, and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

export interface SpawnOptions {
  /** 'pipe' keeps stdin open for the test to write to; default 'ignore'. */
  stdin?: 'pipe' | 'ignore';
}

export async function spawnPrintingUrl(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 15_000,
  options: SpawnOptions = {},
): Promise<UrlProcess> {
  const child: ChildProcess = spawn(process.execPath, [script, ...args], {
    cwd: ROOT,
    // V8's code cache across the suite's many spawns of the same host: about 0.2 s off each start.
    env: { NODE_COMPILE_CACHE: join(tmpdir(), 'plugboard-e2e-compile-cache'), ...process.env, ...env },
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  // A write after the process exited must not crash the test runner with EPIPE.
  child.stdin?.on('error', () => {});
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} printed no URL within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    child.stdout!.on('data', () => {
      const found = printedUrl(out);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${signal ?? code}) before printing its URL:\n${out}`));
    });
  });
  return {
    url,
    origin: new URL(url).origin,
    output: () => out,
    exited,
    stdin: child.stdin,
    stop(signal = 'SIGTERM') {
      child.stdin?.end();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
