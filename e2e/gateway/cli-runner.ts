// Runs the real `plugboard` command (bin/plugboard.mjs under this Node) as a child process against a harness's
// socket, with a throwaway HOME and XDG_CONFIG_HOME so its key file is the test's own. Asynchronous on purpose:
// the gateway answers from this very process. Every run's stdout and stderr are kept for the planted-secret grep.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve(import.meta.dirname, '../../bin/plugboard.mjs');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class CliRunner {
  readonly home: string;
  readonly runs: CliRun[] = [];
  readonly socket: string;

  /** `home` shared with another runner: one user, one key file, two Plugboards. */
  constructor(socket: string, home = mkdtempSync(join(tmpdir(), 'plugboard-cli-home-'))) {
    this.socket = socket;
    this.home = home;
  }

  /** Where the command keeps its keys under this HOME (Linux: $XDG_CONFIG_HOME/plugboard-cli/config.json). */
  get configFile(): string {
    return join(this.home, '.config', 'plugboard-cli', 'config.json');
  }

  get env(): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH, HOME: this.home, XDG_CONFIG_HOME: join(this.home, '.config'), PLUGBOARD_SOCKET: this.socket };
  }

  /** Starts the command; `done` settles when it exits. */
  start(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string | Buffer; stdinOpen?: boolean } = {}): { child: ChildProcess; done: Promise<CliRun> } {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...this.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    // Left open, stdin is a user who has not typed anything yet.
    if (!opts.stdinOpen) child.stdin!.end(opts.input);
    const done = new Promise<CliRun>((settle, fail) => {
      child.once('error', fail);
      child.once('close', (code) => {
        const run = { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
        this.runs.push(run);
        settle(run);
      });
    });
    return { child, done };
  }

  run(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string | Buffer } = {}): Promise<CliRun> {
    return this.start(args, opts).done;
  }

  close(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}
