// How every slice talks to the main process, and how it keeps bursts of events cheap.
import type { Envelope, MethodName, Params, Results } from '../../src-main/api/contract.ts';
import { api } from '../api/transport.ts';

/** The preload's IPC can reject where HTTP resolves with an envelope: make both look the same. */
export async function call<M extends MethodName>(method: M, params: Params<M>): Promise<Envelope<Results[M]>> {
  try {
    return await api.invoke(method, params);
  } catch (e) {
    return { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
  }
}

/** Runs `fn`, and once more after it if asked again meanwhile, so bursts of events cost two loads at most. */
export function coalesce(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await fn();
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  };
}
