// A one-shot receiver for an OAuth redirect to http://127.0.0.1:PORT<path>.
// Any web page can also send the browser to this URL, so the query's shape is checked
// before the flow sees it, the first well-formed callback wins, and the listener goes
// away as soon as the flow is settled. The query carries the authorization code: it is
// never logged, and the answer page loads nothing and sends no Referer.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { checkCallbackShape } from './callback-shape.ts';
import { LANDING_CSP, renderLandingPage, type BackToApp, type LandingPage } from './landing-page.ts';

export interface CallbackPage extends LandingPage {
  /** true: the flow is settled and the listener closes; false: keep waiting (e.g. a stale tab's state). */
  done: boolean;
}

export type LoopbackCloseReason = 'done' | 'timeout' | 'closed';

export interface LoopbackListenerOptions {
  /** 0 = an ephemeral port. */
  port: number;
  /** e.g. '/callback/x' */
  path: string;
  timeoutMs: number;
  onCallback: (params: URLSearchParams) => Promise<CallbackPage>;
  /** What the landing page's "Back to Plugboard" does. */
  back: BackToApp;
  onClosed?: (reason: LoopbackCloseReason) => void;
  logger: Logger;
  clock?: Clock;
}

export interface LoopbackListener {
  port: number;
  redirectUri: string;
  /** Cancels: stops listening at once; onClosed('closed'). */
  close(): void;
}


const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': LANDING_CSP,
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

const NOT_FOUND: CallbackPage = { done: false, ok: false, title: 'Not found', message: 'Plugboard is only waiting for a sign-in here.' };
const MALFORMED: CallbackPage = {
  done: false,
  ok: false,
  title: 'This sign-in link is incomplete',
  message: 'The address is missing parts Plugboard needs. Return to Plugboard and start connecting again.',
};
const FOREIGN_HOST: CallbackPage = {
  done: false,
  ok: false,
  title: 'Wrong address',
  message: 'Plugboard only answers sign-ins sent to 127.0.0.1 or localhost on this computer.',
};
const ALREADY_USED: CallbackPage = {
  done: false,
  ok: false,
  title: 'This sign-in link was already used',
  message: 'You can close this tab and return to Plugboard.',
};
const FAILED: CallbackPage = {
  done: false,
  ok: false,
  title: 'Sign-in failed',
  message: 'Plugboard could not finish the sign-in. Return to Plugboard and try connecting again.',
};

export async function startLoopbackListener(opts: LoopbackListenerOptions): Promise<LoopbackListener> {
  if (!opts.path.startsWith('/')) throw new Error(`The callback path must start with '/': ${opts.path}`);
  const clock = opts.clock ?? systemClock;
  const { logger } = opts;
  let phase: 'waiting' | 'processing' | 'done' = 'waiting';
  let closed = false;
  let timedOutWhileProcessing = false;
  let cancelTimer = () => {};

  let allowedHosts = new Set<string>();
  const server = createServer((req, res) => {
    // A page on another site can make the browser resolve its own name to 127.0.0.1 (DNS
    // rebinding) and reach this port; the Host header still names that site, so it is refused.
    if (!allowedHosts.has(req.headers.host?.toLowerCase() ?? '')) {
      logger.warn('oauth callback refused: foreign Host header', { path: opts.path, status: 421 });
      return sendPage(res, 421, FOREIGN_HOST);
    }
    const url = parseTarget(req.url);
    if (req.method !== 'GET' || url?.pathname !== opts.path) return sendPage(res, 404, NOT_FOUND);
    if (checkCallbackShape(url.searchParams).kind === 'invalid') {
      logger.warn('oauth callback malformed', { path: opts.path, status: 400 });
      return sendPage(res, 400, MALFORMED);
    }
    if (phase !== 'waiting') return sendPage(res, 409, ALREADY_USED);
    answer(res, url.searchParams).catch((e: unknown) => {
      logger.error('oauth callback answer failed', { path: opts.path, error: e instanceof Error ? e.name : 'unknown' });
    });
  });

  async function answer(res: ServerResponse, params: URLSearchParams): Promise<void> {
    phase = 'processing';
    const started = performance.now();
    let page: CallbackPage;
    try {
      page = await opts.onCallback(params);
    } catch (e) {
      logger.error('oauth callback handler failed', { path: opts.path, error: e instanceof Error ? e.name : 'unknown' });
      page = FAILED;
    }
    phase = page.done ? 'done' : 'waiting';
    const last = page.done || timedOutWhileProcessing;
    sendPage(res, 200, page, last);
    logger.info('oauth callback', { path: opts.path, status: 200, done: page.done, ms: Math.round(performance.now() - started) });
    // Once the response is closed its page has reached the OS, so shutting down cannot cut it off.
    if (last) res.once('close', () => shutDown(page.done ? 'done' : 'timeout'));
  }

  // Only idle sockets are destroyed: a callback still being answered gets its page,
  // sent with Connection: close, and then its socket ends too.
  function shutDown(reason: LoopbackCloseReason): void {
    if (closed) return;
    closed = true;
    cancelTimer();
    server.close();
    server.closeIdleConnections();
    logger.info('oauth listener closed', { path: opts.path, reason });
    opts.onClosed?.(reason);
  }

  function sendPage(res: ServerResponse, status: number, page: CallbackPage, last = false): void {
    const html = renderLandingPage(page, opts.back);
    res.writeHead(status, {
      ...PAGE_HEADERS,
      'Content-Length': Buffer.byteLength(html),
      ...(last || closed || phase === 'done' ? { Connection: 'close' } : {}),
    });
    res.end(html);
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen({ host: '127.0.0.1', port: opts.port }, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE') {
      throw new Error(
        `Port ${opts.port} on this computer is already in use by another program, so Plugboard cannot receive the sign-in. Close that program or choose another port for this platform.`,
        { cause: e },
      );
    }
    throw e;
  });
  server.on('error', (e) => logger.error('oauth listener error', { path: opts.path, error: e.name }));

  // A callback that is already being exchanged outlives the deadline: the user made it in time.
  cancelTimer = clock.setTimeout(() => {
    if (phase === 'processing') timedOutWhileProcessing = true;
    else shutDown('timeout');
  }, opts.timeoutMs);

  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  logger.info('oauth listener waiting', { port, path: opts.path });
  return { port, redirectUri: `http://127.0.0.1:${port}${opts.path}`, close: () => shutDown('closed') };
}

// A request target like '//[' would make new URL throw inside the request handler.
function parseTarget(target: string | undefined): URL | null {
  if (!target?.startsWith('/')) return null;
  try {
    return new URL(target, 'http://127.0.0.1');
  } catch {
    return null;
  }
}
