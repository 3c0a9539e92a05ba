// A REAL Bluesky PDS for the tests: @atproto/pds (a devDependency, from npm) with an in-memory
// PLC directory, started by e2e/real/bluesky-pds-server.ts in a child process on 127.0.0.1 and
// driven here only through its public XRPC API, as the user and as the server's admin would:
//   - accounts and app passwords (com.atproto.server.createAccount / createAppPassword),
//   - a profile record with a picture (uploadBlob + putRecord), since there is no AppView,
//   - deactivation and reactivation by the owner (deactivateAccount / activateAccount, main password),
//   - takedown by the admin (com.atproto.admin.updateSubjectStatus, Basic admin:<password>).
// The one thing read behind its back is the count of open app-password sessions: the PDS's own
// account.sqlite (table refresh_token; a row whose nextId is set was rotated away and only lingers
// for the 2-hour grace window; the helpers' own main-password sessions are not counted).
// stop() ends the child and removes its data folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { freePort } from '../../src-main/fakes/free-port.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVER_SCRIPT = fileURLToPath(new URL('./bluesky-pds-server.ts', import.meta.url));
export const PDS_PACKAGES = ['@atproto/pds', '@did-plc/server'] as const;
export const INSTALL_HINT = 'npm ci (both are devDependencies of Plugboard)';

/** What is missing to run a real PDS here (empty when everything is there). */
export function blueskyPdsMissing(): string[] {
  return PDS_PACKAGES.filter((name) => !existsSync(join(ROOT, 'node_modules', name, 'package.json')));
}

export interface PdsAccount {
  did: string;
  handle: string;
  email: string;
  /** The account's main password (for what only it may do: app passwords, deactivation). */
  password: string;
}

export interface PdsSession {
  did: string;
  handle: string;
  accessJwt: string;
  refreshJwt: string;
  active?: boolean;
  status?: string;
}

/** An XRPC reply: its HTTP status and body (JSON, or null). */
export interface XrpcReply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export interface BlueskyPds {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** The @atproto/pds version running. */
  version: string;
  /** Milliseconds spent in startBlueskyPds. */
  startupMs: number;
  get<T = Record<string, unknown>>(nsid: string, query?: Record<string, string>, auth?: string): Promise<XrpcReply<T>>;
  post<T = Record<string, unknown>>(nsid: string, body?: unknown, auth?: string, contentType?: string): Promise<XrpcReply<T>>;
  /** A new account with a unique handle under .test. */
  createAccount(name: string): Promise<PdsAccount>;
  createAppPassword(account: PdsAccount, opts?: { privileged?: boolean }): Promise<string>;
  createSession(identifier: string, password: string): Promise<XrpcReply<PdsSession>>;
  /** Writes app.bsky.actor.profile/self with a display name and a small PNG as the picture. */
  setProfile(account: PdsAccount, displayName: string, png: Buffer): Promise<void>;
  setDeactivated(account: PdsAccount, deactivated: boolean): Promise<void>;
  setTakedown(did: string, takenDown: boolean): Promise<void>;
  /** App-password sessions of this account the PDS still holds open (not rotated away, not deleted). */
  openSessions(did: string): number;
  stop(): Promise<void>;
}


const bearer = (jwt: string) => `Bearer ${jwt}`;

/** Resolves with the child's first line on fd 3 (its ready message), or rejects with what it printed. */
function readyLine(child: ChildProcess, timeoutMs: number, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ready = child.stdio[3] as Readable;
    let seen = '';
    const timer = setTimeout(() => done(new Error(`the PDS was not ready after ${timeoutMs} ms:\n${output()}`)), timeoutMs);
    const onData = (d: Buffer) => {
      seen += d.toString();
      const end = seen.indexOf('\n');
      if (end >= 0) done(null, seen.slice(0, end));
    };
    const onExit = (code: number | null) => done(new Error(`the PDS exited (code ${code}) before it was ready:\n${output()}`));
    function done(err: Error | null, line?: string) {
      clearTimeout(timer);
      ready.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(line!);
    }
    ready.on('data', onData);
    child.once('exit', onExit);
  });
}

export async function startBlueskyPds(opts: { readyTimeoutMs?: number } = {}): Promise<BlueskyPds> {
  const t0 = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-real-pds-'));
  const adminPassword = randomBytes(18).toString('base64url');
  const port = await freePort();
  const child = spawn(process.execPath, [SERVER_SCRIPT], {
    cwd: ROOT,
    env: { ...process.env, PDS_PORT: String(port), PDS_DATA_DIRECTORY: dataDir, PDS_ADMIN_PASSWORD: adminPassword, LOG_ENABLED: 'false' },
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const killNow = () => child.kill('SIGKILL');
  process.once('exit', killNow);
  const cleanUp = () => {
    process.off('exit', killNow);
    rmSync(dataDir, { recursive: true, force: true });
  };
  let ready: { url: string; version: string };
  try {
    ready = JSON.parse(await readyLine(child, opts.readyTimeoutMs ?? 60_000, () => output)) as { url: string; version: string };
  } catch (e) {
    child.kill('SIGKILL');
    cleanUp();
    throw e;
  }
  const { url, version } = ready;
  const admin = `Basic ${Buffer.from(`admin:${adminPassword}`).toString('base64')}`;

  async function reply<T>(res: Response): Promise<XrpcReply<T>> {
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }
  const get = async <T>(nsid: string, query: Record<string, string> = {}, auth?: string) =>
    reply<T>(await fetch(`${url}/xrpc/${nsid}?${new URLSearchParams(query)}`, { headers: auth ? { authorization: auth } : {} }));
  const post = async <T>(nsid: string, body?: unknown, auth?: string, contentType = 'application/json') =>
    reply<T>(
      await fetch(`${url}/xrpc/${nsid}`, {
        method: 'POST',
        headers: { ...(body === undefined ? {} : { 'content-type': contentType }), ...(auth ? { authorization: auth } : {}) },
        body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
      }),
    );
  async function must<T>(what: string, r: Promise<XrpcReply<T>>): Promise<T> {
    const { status, body } = await r;
    if (status !== 200) throw new Error(`real PDS: ${what} answered ${status} ${JSON.stringify(body)}`);
    return body;
  }
  /** A session from the main password: what only the owner may do. */
  const ownerSession = async (a: PdsAccount) => must('createSession (main password)', post<PdsSession>('com.atproto.server.createSession', { identifier: a.handle, password: a.password }));

  let accounts = 0;
  let db: Database.Database | null = null;
  return {
    url,
    version,
    startupMs: Math.round(performance.now() - t0),
    get,
    post,
    async createAccount(name) {
      const handle = `${name}${++accounts}.test`;
      const account = { handle, email: `${name}${accounts}@example.com`, password: randomBytes(12).toString('base64url') };
      const created = await must('createAccount', post<{ did: string }>('com.atproto.server.createAccount', account));
      return { ...account, did: created.did };
    },
    async createAppPassword(a, { privileged = false } = {}) {
      const s = await ownerSession(a);
      const made = await must('createAppPassword', post<{ password: string }>('com.atproto.server.createAppPassword', { name: `plugboard-${randomBytes(3).toString('hex')}`, privileged }, bearer(s.accessJwt)));
      return made.password;
    },
    createSession: (identifier, password) => post<PdsSession>('com.atproto.server.createSession', { identifier, password }),
    async setProfile(a, displayName, png) {
      const s = await ownerSession(a);
      const { blob } = await must('uploadBlob', post<{ blob: unknown }>('com.atproto.repo.uploadBlob', png, bearer(s.accessJwt), 'image/png'));
      await must(
        'putRecord',
        post('com.atproto.repo.putRecord', { repo: a.did, collection: 'app.bsky.actor.profile', rkey: 'self', record: { $type: 'app.bsky.actor.profile', displayName, avatar: blob } }, bearer(s.accessJwt)),
      );
    },
    async setDeactivated(a, deactivated) {
      const s = await ownerSession(a);
      await must(deactivated ? 'deactivateAccount' : 'activateAccount', post(`com.atproto.server.${deactivated ? 'deactivateAccount' : 'activateAccount'}`, deactivated ? {} : undefined, bearer(s.accessJwt)));
    },
    async setTakedown(did, takenDown) {
      await must(
        'updateSubjectStatus',
        post('com.atproto.admin.updateSubjectStatus', { subject: { $type: 'com.atproto.admin.defs#repoRef', did }, takedown: takenDown ? { applied: true, ref: 'plugboard-test' } : { applied: false } }, admin),
      );
    },
    openSessions(did) {
      db ??= new Database(join(dataDir, 'account.sqlite'), { readonly: true, fileMustExist: true });
      return (db.prepare('SELECT count(*) AS n FROM refresh_token WHERE did = ? AND "appPasswordName" IS NOT NULL AND "nextId" IS NULL AND "expiresAt" > ?').get(did, new Date().toISOString()) as { n: number }).n;
    },
    async stop() {
      db?.close();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const late = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(late);
      }
      cleanUp();
    },
  };
}
