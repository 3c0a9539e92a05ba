// A recording pass-through between the app and the fake X, living in the test
// process (so it survives the kills). It plays the network: every request it has
// received whole is forwarded to the fake, even when the sender has died since —
// the bytes were out. It remembers which refresh token each token request
// presented and which pair the fake issued, which access token each profile read
// used, and whether each reply reached the sender's socket. The fake's own log
// keeps no bodies (and x.ts is not ours to change), so this is how the test knows
// the chain of refresh tokens exactly.
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type TokenEventKind = 'refresh' | 'code' | 'me' | 'other';

export interface TokenEvent {
  seq: number;
  kind: TokenEventKind;
  method: string;
  path: string;
  /** refresh: the refresh token sent; me: the bearer access token; otherwise null. */
  presented: string | null;
  /** The request reached the fake (false: the sender died while sending it). */
  forwarded: boolean;
  /** The fake's status, null when not forwarded or no answer. */
  status: number | null;
  /** For a 200 token reply: the pair the fake issued. */
  issuedAccess: string | null;
  issuedRefresh: string | null;
  /** The whole reply was handed to the sender's socket. */
  delivered: boolean;
}

export interface TokenProxy {
  readonly origin: string;
  /** Every request so far, oldest first (live array: do not mutate). */
  readonly events: readonly TokenEvent[];
  /** A mark for drained(): connections accepted from now on are waited for. */
  mark(): number;
  /**
   * Resolves once every connection accepted since the mark has closed and no request
   * is being handled (forwarded, answered, delivered or dropped). After the sender is
   * dead, this is the moment the fake has seen everything it ever will from it.
   */
  drained(mark: number): Promise<void>;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'te', 'trailer']);

function endToEnd(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

function readWhole(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // The sender died mid-request: the fake never sees it.
    req.on('aborted', () => resolve(null));
    req.on('error', () => resolve(null));
  });
}

function classify(method: string, path: string, body: Buffer, headers: IncomingHttpHeaders): { kind: TokenEventKind; presented: string | null } {
  if (method === 'POST' && path === '/2/oauth2/token') {
    const form = new URLSearchParams(body.toString('utf8'));
    const grant = form.get('grant_type');
    if (grant === 'refresh_token') return { kind: 'refresh', presented: form.get('refresh_token') };
    if (grant === 'authorization_code') return { kind: 'code', presented: null };
  }
  if (method === 'GET' && path === '/2/users/me') {
    return { kind: 'me', presented: /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1] ?? null };
  }
  return { kind: 'other', presented: null };
}

export async function startTokenProxy(target: string): Promise<TokenProxy> {
  const upstream = new URL(target);
  const events: TokenEvent[] = [];
  const pending = new Set<Promise<void>>();
  /** Open connections by the order they were accepted in. */
  const open = new Map<number, Promise<void>>();
  let accepted = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const method = (req.method ?? 'GET').toUpperCase();
    const event: TokenEvent = {
      seq: events.length,
      kind: 'other',
      method,
      path: url.pathname,
      presented: null,
      forwarded: false,
      status: null,
      issuedAccess: null,
      issuedRefresh: null,
      delivered: false,
    };
    events.push(event);
    const body = await readWhole(req);
    if (body === null) return;
    Object.assign(event, classify(method, url.pathname, body, req.headers));
    event.forwarded = true;
    const answer = await new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer } | null>((resolve) => {
      const out = request(
        { host: upstream.hostname, port: upstream.port, method, path: req.url, headers: { ...endToEnd(req.headers), host: upstream.host, 'content-length': String(body.length) }, agent: false },
        (up) => {
          const chunks: Buffer[] = [];
          up.on('data', (c: Buffer) => chunks.push(c));
          up.on('end', () => resolve({ status: up.statusCode ?? 502, headers: up.headers, body: Buffer.concat(chunks) }));
          up.on('error', () => resolve(null));
        },
      );
      out.on('error', () => resolve(null));
      out.end(body);
    });
    if (!answer) {
      if (!res.destroyed) res.destroy();
      return;
    }
    event.status = answer.status;
    if ((event.kind === 'refresh' || event.kind === 'code') && answer.status === 200) {
      try {
        const reply = JSON.parse(answer.body.toString('utf8')) as { access_token?: unknown; refresh_token?: unknown };
        event.issuedAccess = typeof reply.access_token === 'string' ? reply.access_token : null;
        event.issuedRefresh = typeof reply.refresh_token === 'string' ? reply.refresh_token : null;
      } catch {
        // Not JSON: the pair stays unknown, and the test says so.
      }
    }
    if (res.destroyed) return;
    await new Promise<void>((resolve) => {
      res.once('finish', () => {
        event.delivered = true;
        resolve();
      });
      res.once('close', () => resolve());
      res.writeHead(answer.status, { ...endToEnd(answer.headers), 'content-length': String(answer.body.length) });
      res.end(answer.body);
    });
  }

  const server = createServer((req, res) => {
    const job = handle(req, res)
      .catch(() => {
        if (!res.destroyed) res.destroy();
      })
      .finally(() => pending.delete(job));
    pending.add(job);
  });
  server.on('connection', (socket) => {
    const id = accepted++;
    open.set(
      id,
      new Promise<void>((resolve) =>
        socket.once('close', () => {
          open.delete(id);
          resolve();
        }),
      ),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    events,
    mark: () => accepted,
    async drained(mark) {
      for (;;) {
        // A connection the sender opened just before dying may still wait in the accept queue.
        await new Promise((resolve) => setTimeout(resolve, 25));
        const waiting = [...pending, ...[...open].filter(([id]) => id >= mark).map(([, closed]) => closed)];
        if (waiting.length === 0) return;
        await Promise.allSettled(waiting);
      }
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
