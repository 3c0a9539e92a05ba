// A real core with its gateway on a real Unix socket in a temp data folder, against the fake X: what the
// gateway tests (and the `plugboard` command's) start from. Requests go over the socket with node:http,
// as curl --unix-socket does; every reply is kept so a test can grep all of them for planted secrets.
import { request } from 'node:http';
import { expect } from 'vitest';
import type { ToolCapability } from '../../src-main/api/contract.ts';
import { freePort } from '../../src-main/fakes/free-port.ts';
import { startFakeX, type FakeX } from '../../src-main/fakes/x.ts';
import { socketPath } from '../../src-main/gateway/socket-path.ts';
import { listenGateway, type GatewaySocket } from '../../src-main/gateway/socket-server.ts';
import { CoreHarness } from '../kit/core-harness.ts';

export const X_APP = { clientId: 'gateway-client', clientSecret: 'gateway-client-secret-7d1e' };
export const ALICE = '1500000000000000002';
export const BOB = '1500000000000000003';

export interface SocketReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

const silent = { info() {}, warn() {}, error() {} };

export class GatewayHarness extends CoreHarness<FakeX> {
  /** Every reply the socket gave, for the planted-secret grep. */
  readonly replies: SocketReply[] = [];
  gateway!: GatewaySocket;

  /**
   * `extraOrigins`: other fakes the core reaches too (their originMap()); 'protocol' lets an HTTPS relay answer.
   * `postConfirmationTtlMs`: how long a tool's post waits for the user.
   */
  static async open(opts: { extraOrigins?: Record<string, string>; postConfirmationTtlMs?: number } = {}): Promise<GatewayHarness> {
    const fake = await startFakeX();
    const port = await freePort();
    fake.registerApp({ ...X_APP, redirectUris: [`http://127.0.0.1:${port}/callback/x`] });
    const { core, dataDir } = await CoreHarness.openParts(fake, 'gateway', opts.extraOrigins, ['loopback', 'protocol', 'manual'], opts.postConfirmationTtlMs);
    const h = new GatewayHarness(fake, core, dataDir);
    await h.ok('platforms.setRedirect', { platform: 'x', kind: 'loopback', port });
    await h.ok('credentials.save', { platform: 'x', ...X_APP });
    h.gateway = await listenGateway({ path: socketPath(dataDir, {}), handle: core.gateway, logger: silent });
    return h;
  }

  get socketPath(): string {
    return this.gateway.path;
  }

  async connect(userId: string): Promise<string> {
    this.fake.autoApprove(userId);
    const start = await this.ok('connect.start', { platform: 'x' });
    await fetch((await fetch(start.authorizeUrl, { redirect: 'manual' })).headers.get('location')!);
    const flow = await this.ok('connect.status', { flowId: start.flowId });
    expect(flow.state).toBe('connected');
    return flow.accountId!;
  }

  /** One request over the socket. */
  send(method: string, path: string, opts: { key?: string; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<SocketReply> {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          socketPath: this.socketPath,
          method,
          path,
          headers: {
            host: 'plugboard',
            ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}),
            ...(body ? { 'content-type': 'application/json' } : {}),
            ...opts.headers,
          },
          signal: opts.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown = undefined;
            try {
              json = JSON.parse(text);
            } catch {
              // Not JSON: the test reads text.
            }
            const reply = { status: res.statusCode ?? 0, headers: res.headers, text, json };
            this.replies.push(reply);
            resolve(reply);
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /**
   * One request over the socket whose body streams from `body` and whose reply is counted, not kept: for bodies
   * of 100 MiB. Its status and headers join `replies` (with an empty text).
   */
  stream(path: string, opts: { key: string; body?: AsyncIterable<Uint8Array>; headers?: Record<string, string> }): Promise<{ status: number; headers: SocketReply['headers']; bytes: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, method: 'POST', path, headers: { host: 'plugboard', authorization: `Bearer ${opts.key}`, ...opts.headers } }, (res) => {
        let bytes = 0;
        let head = '';
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (head.length < 4096) head += c.toString('utf8', 0, Math.min(c.length, 4096));
        });
        res.on('end', () => {
          this.replies.push({ status: res.statusCode ?? 0, headers: res.headers, text: '', json: undefined });
          resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, text: head });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      if (!opts.body) return req.end();
      (async () => {
        for await (const chunk of opts.body!) if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        req.end();
      })().catch(reject);
    });
  }

  /** Asks to pair and answers in the "window" (the typed API) with the given grant. */
  async pair(name: string, grant: { accounts: 'all' | string[]; capabilities: ToolCapability[] }): Promise<{ key: string; toolId: string }> {
    const asked = this.send('POST', '/v1/pair', { body: { name } });
    const request = await this.waitForRequest(name);
    await this.ok('tools.approve', { requestId: request.id, ...grant });
    const reply = await asked;
    expect(reply.status, reply.text).toBe(200);
    return { key: reply.json.key, toolId: reply.json.toolId };
  }

  async waitForRequest(name: string) {
    for (let i = 0; i < 200; i++) {
      const found = (await this.ok('tools.pending', {})).find((r) => r.name === name);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no pairing request named ${name} arrived`);
  }

  /** The first post of `toolName` waiting for the user, as the window lists it. */
  async waitForPost(toolName: string) {
    for (let i = 0; i < 200; i++) {
      const found = (await this.ok('posts.pending', {})).find((p) => p.toolName === toolName);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no post of ${toolName} is waiting`);
  }

  override async close(): Promise<void> {
    await this.gateway?.close();
    await super.close();
  }
}
