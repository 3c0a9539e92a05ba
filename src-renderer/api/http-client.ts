// src-renderer/api/: how the page reaches the main process — IPC in Electron, HTTP and server-sent events from the browser host.
//
// The transport used when the page is opened by the browser host
// (http://127.0.0.1:PORT/#token=…) instead of inside Electron.
import type {
  ApiError,
  ApiEvent,
  Envelope,
  MethodName,
  Params,
  PlugboardApi,
  Results,
} from '../../src-main/api/contract.ts';
import { createSseParser } from './sse.ts';

const TOKEN_KEY = 'plugboard.token';
const UNREACHABLE = 'Plugboard is not reachable. Check that it is still running, then try again.';
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10_000;

/**
 * The token arrives once in the URL fragment (never sent to the server in a
 * request line or Referer). It is kept for this tab only so a reload still
 * works, and taken out of the address bar so it is not bookmarked or shared.
 */
function takeToken(): string | null {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(history.state, '', location.pathname + location.search);
    return fromHash;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function failure(message: string): { ok: false; error: ApiError } {
  return { ok: false, error: { code: 'internal', message } };
}

function isEnvelope(value: unknown): value is Envelope<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

function isApiEvent(value: unknown): value is ApiEvent {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

export function createHttpClient(): PlugboardApi {
  const token = takeToken();
  const authHeaders: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};

  return {
    async invoke<M extends MethodName>(method: M, params: Params<M>): Promise<Envelope<Results[M]>> {
      let response: Response;
      try {
        response = await fetch(`/api/${method}`, {
          method: 'POST',
          headers: { ...authHeaders, 'Content-Type': 'application/json' },
          body: JSON.stringify(params),
          cache: 'no-store',
        });
      } catch {
        return failure(UNREACHABLE);
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        return failure(`Plugboard sent an answer it could not read (HTTP ${response.status}).`);
      }
      if (!isEnvelope(body)) return failure(`Plugboard sent an unexpected answer (HTTP ${response.status}).`);
      // The server validates and shapes results; the contract is what it promises.
      return body as Envelope<Results[M]>;
    },

    subscribe(listener) {
      const controller = new AbortController();
      const { signal } = controller;

      void (async () => {
        let delay = RETRY_MIN_MS;
        let connectedBefore = false;
        while (!signal.aborted) {
          try {
            const response = await fetch('/api/events', {
              headers: { ...authHeaders, Accept: 'text/event-stream' },
              cache: 'no-store',
              signal,
            });
            if (response.ok && response.body) {
              // Events sent while the stream was down are lost: have the listener reload everything.
              if (connectedBefore) {
                listener({ type: 'platforms.changed' });
                listener({ type: 'accounts.changed' });
                listener({ type: 'notices.changed' });
                listener({ type: 'app.changed' });
              }
              connectedBefore = true;
              delay = RETRY_MIN_MS;
              const parse = createSseParser((data) => {
                let event: unknown;
                try {
                  event = JSON.parse(data);
                } catch {
                  return;
                }
                if (isApiEvent(event)) listener(event);
              });
              const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
              for (;;) {
                const { done, value } = await reader.read();
                if (done) break;
                parse(value);
              }
            }
          } catch {
            // Dropped or refused: fall through to the backoff and try again.
          }
          if (signal.aborted) break;
          await sleep(delay, signal);
          delay = Math.min(delay * 2, RETRY_MAX_MS);
        }
      })();

      return () => controller.abort();
    },
  };
}
