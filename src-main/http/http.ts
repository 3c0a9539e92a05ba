// src-main/http/: every request to a platform goes through here.
//
// The one door for platform traffic: origin rewriting, time-outs, and logs that
// name the request (method, host, path, status, duration) but never its query,
// headers or body, where tokens travel.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../core/logger.ts';
import { PlatformError } from '../errors/platform-error.ts';
import { rewriteUrl, type OriginMap } from './origins.ts';

export interface HttpInit extends RequestInit {
  /** Overrides the default time-out for this request, ms. */
  timeoutMs?: number;
  /**
   * The answer carries new tokens (a code exchange, a refresh, an extension): the request gets the
   * token deadline. Giving up early does not undo what the platform did — a rotated refresh token or
   * a used-up code — it only loses the answer, and the account then needs Reconnect.
   */
  tokenRequest?: boolean;
}

/** API reads: past this a platform is treated as unreachable and the request is retried later. */
export const READ_TIMEOUT_MS = 15_000;
/**
 * Token requests wait this many times longer (60 s by default). A slow answer costs a background
 * renewal nothing, while one given up on may be a rotation lost for good; 60 s is also where
 * common proxies and load balancers give up on an idle request anyway.
 */
export const TOKEN_TIMEOUT_FACTOR = 4;

/** A request whose body streams (the gateway's proxy): nothing here reads it whole. */
export interface StreamInit {
  method: string;
  headers: Headers;
  /** Sent as it arrives, or bytes in hand (a small body kept to be sent again); null for none. */
  body: AsyncIterable<Uint8Array> | Uint8Array | null;
  /** Aborts the request and its bodies, both ways (the tool hung up). */
  signal?: AbortSignal;
  /** How long to wait for the reply's headers once the request body is sent, ms (the reply's body may then take as long as it takes). */
  timeoutMs?: number;
}

export interface Http {
  /** fetch with the origin map applied; network failures and time-outs become PlatformError('network'). */
  fetch(url: string | URL, init?: HttpInit): Promise<Response>;
  /**
   * Like fetch, for bodies up to 100 MiB each way: the time-out runs only from the end of the request body until
   * the reply's headers arrive, the reply's body is handed over unread, uncapped and undecoded (its
   * content-encoding is the platform's), and a redirect is returned as it is, never followed.
   */
  stream(url: string | URL, init: StreamInit): Promise<Response>;
  /** The URL as it will actually be requested (for authorization URLs opened in a browser). */
  rewrite(url: string): string;
  /** True when a request to this URL goes to a replacement origin (a fake on loopback). */
  isRewritten(url: string): boolean;
}

export function createHttp(opts: { origins?: OriginMap; timeoutMs?: number; tokenTimeoutMs?: number; logger: Logger; fetchImpl?: typeof fetch }): Http {
  const origins = opts.origins ?? {};
  const defaultTimeout = opts.timeoutMs ?? READ_TIMEOUT_MS;
  const tokenTimeout = opts.tokenTimeoutMs ?? defaultTimeout * TOKEN_TIMEOUT_FACTOR;
  const doFetch = opts.fetchImpl ?? fetch;
  return {
    rewrite: (url) => rewriteUrl(origins, url),
    isRewritten: (url) => new URL(url).origin in origins,
    async fetch(input, init = {}) {
      const original = new URL(String(input));
      const target = new URL(rewriteUrl(origins, original.href));
      const { tokenRequest = false, timeoutMs = tokenRequest ? tokenTimeout : defaultTimeout, signal, ...rest } = init;
      const timeout = AbortSignal.timeout(timeoutMs);
      const started = performance.now();
      const method = (rest.method ?? 'GET').toUpperCase();
      const where = `${original.host}${original.pathname}`;
      try {
        const res = await doFetch(target, { ...rest, redirect: rest.redirect ?? 'manual', signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
        // The body is read here, under the same time-out, so a platform that stalls after
        // its headers is a network failure like any other, not a stray abort in a parser.
        const body = NULL_BODY.has(res.status) ? null : await readCapped(res, original.host);
        opts.logger.info('http', { method, url: where, status: res.status, ms: Math.round(performance.now() - started) });
        return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
      } catch (e) {
        if (e instanceof PlatformError) throw e;
        throw failed(e, { method, where, host: original.host, timedOut: timeout.aborted, timeoutMs, started });
      }
    },
    async stream(input, init) {
      const original = new URL(String(input));
      const target = new URL(rewriteUrl(origins, original.href));
      const timeoutMs = init.timeoutMs ?? defaultTimeout;
      const started = performance.now();
      const method = init.method.toUpperCase();
      const where = `${original.host}${original.pathname}`;
      try {
        const res = await streamRequest(target, { ...init, method, timeoutMs });
        opts.logger.info('http', { method, url: where, status: res.status, ms: Math.round(performance.now() - started), streamed: true });
        return res;
      } catch (e) {
        if (init.signal?.aborted) throw e;
        throw failed(e, { method, where, host: original.host, timedOut: e instanceof HeadersTimeout, timeoutMs, started });
      }
    },
  };

  function failed(e: unknown, r: { method: string; where: string; host: string; timedOut: boolean; timeoutMs: number; started: number }): PlatformError {
    opts.logger.warn('http failed', { method: r.method, url: r.where, error: r.timedOut ? 'timeout' : (e as Error).name, ms: Math.round(performance.now() - r.started) });
    const message = r.timedOut
      ? `${r.host} did not answer within ${r.timeoutMs >= 1000 ? `${Math.round(r.timeoutMs / 1000)} s` : `${r.timeoutMs} ms`}.`
      : `Could not reach ${r.host}. Check your internet connection.`;
    return new PlatformError('network', message, { cause: e, mayHaveArrived: r.timedOut || !neverSent(e) });
  }
}

class HeadersTimeout extends Error {}

/**
 * node:http rather than fetch for streamed bodies: fetch read an async-iterable request body ahead of the socket
 * (measured: ~100 MiB held during a 100 MiB upload) and decodes gzip replies the tool asked for itself. The clock
 * for the headers starts once the request body is sent, since a platform answers an upload after its last byte.
 */
function streamRequest(target: URL, init: StreamInit & { timeoutMs: number }): Promise<Response> {
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Response>((resolve, reject) => {
    const headers: Record<string, string> = {};
    init.headers.forEach((value, name) => (headers[name] = value));
    const req = send(target, { method: init.method, headers, signal: init.signal });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const startClock = () => {
      timer = setTimeout(() => req.destroy(new HeadersTimeout(`no reply headers within ${init.timeoutMs} ms`)), init.timeoutMs);
    };
    req.once('finish', startClock);
    req.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.once('response', (incoming) => {
      clearTimeout(timer);
      const replyHeaders = new Headers();
      for (let i = 0; i < incoming.rawHeaders.length; i += 2) replyHeaders.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!);
      const status = incoming.statusCode ?? 502;
      const empty = NULL_BODY.has(status) || init.method === 'HEAD';
      if (empty) incoming.resume();
      resolve(new Response(empty ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>), { status, statusText: incoming.statusMessage, headers: replyHeaders }));
    });
    if (init.body === null) req.end();
    else if (init.body instanceof Uint8Array) req.end(init.body);
    // pipeline waits for the socket before asking for more; its failure is the request's.
    else pipeline(Readable.from(init.body, { objectMode: false }), req).catch((e: unknown) => req.destroy(e as Error));
  });
}

/** Failures that happen before a single byte of the request is sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'UND_ERR_CONNECT_TIMEOUT']);

/** True when fetch failed before connecting (its cause chain names such a code); anything else may have arrived. */
function neverSent(e: unknown): boolean {
  for (let cause = e, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_SENT_CODES.has(code)) return true;
    // Happy eyeballs: every address refused.
    if (cause instanceof AggregateError && cause.errors.length > 0 && cause.errors.every((inner) => neverSent(inner))) return true;
  }
  return false;
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);
/** Platform replies are small JSON documents and avatars; anything larger is not what we asked for. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

async function readCapped(res: Response, host: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.byteLength;
    // Leaving the loop by throwing cancels the stream.
    if (size > MAX_BODY_BYTES) {
      throw new PlatformError('malformed', `${host} sent a reply larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB; Plugboard did not read it.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
