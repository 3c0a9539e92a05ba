// The one door for platform traffic: origin rewriting, time-outs, and logs that
// name the request (method, host, path, status, duration) but never its query,
// headers or body, where tokens travel.
import type { Logger } from '../core/logger.ts';
import { PlatformError } from '../connectors/types.ts';
import { rewriteUrl, type OriginMap } from './origins.ts';

export interface HttpInit extends RequestInit {
  /** Overrides the default time-out for this request, ms. */
  timeoutMs?: number;
}

export interface Http {
  /** fetch with the origin map applied; network failures and time-outs become PlatformError('network'). */
  fetch(url: string | URL, init?: HttpInit): Promise<Response>;
  /** The URL as it will actually be requested (for authorization URLs opened in a browser). */
  rewrite(url: string): string;
  /** True when a request to this URL goes to a replacement origin (a fake on loopback). */
  isRewritten(url: string): boolean;
}

export function createHttp(opts: { origins?: OriginMap; timeoutMs?: number; logger: Logger; fetchImpl?: typeof fetch }): Http {
  const origins = opts.origins ?? {};
  const defaultTimeout = opts.timeoutMs ?? 15_000;
  const doFetch = opts.fetchImpl ?? fetch;
  return {
    rewrite: (url) => rewriteUrl(origins, url),
    isRewritten: (url) => new URL(url).origin in origins,
    async fetch(input, init = {}) {
      const original = new URL(String(input));
      const target = new URL(rewriteUrl(origins, original.href));
      const { timeoutMs = defaultTimeout, signal, ...rest } = init;
      const timeout = AbortSignal.timeout(timeoutMs);
      const started = performance.now();
      const method = (rest.method ?? 'GET').toUpperCase();
      const where = `${original.host}${original.pathname}`;
      try {
        const res = await doFetch(target, { ...rest, redirect: rest.redirect ?? 'manual', signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
        opts.logger.info('http', { method, url: where, status: res.status, ms: Math.round(performance.now() - started) });
        return res;
      } catch (e) {
        const timedOut = timeout.aborted;
        opts.logger.warn('http failed', { method, url: where, error: timedOut ? 'timeout' : (e as Error).name, ms: Math.round(performance.now() - started) });
        const message = timedOut
          ? `${original.host} did not answer within ${Math.round(timeoutMs / 1000)} s.`
          : `Could not reach ${original.host}. Check your internet connection.`;
        throw new PlatformError('network', message, { cause: e });
      }
    },
  };
}
