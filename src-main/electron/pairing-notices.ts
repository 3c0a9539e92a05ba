// A desktop notification when a tool asks to pair (issue 13): the window may be hidden behind the
// terminal the tool runs in. Only types from the core, so it runs and is tested under Node.
import type { PairingRequestView } from '../api/contract.ts';
import { clean } from '../core/tray-model.ts';
import type { Core } from '../core/types.ts';

/**
 * On each tools.changed, reads the waiting requests through the typed API (the Core interface needs
 * nothing new) and notifies once per request not seen before; a click opens the window, where the
 * pairing dialog waits. Returns the unsubscribe.
 */
export function notifyPairingRequests(opts: {
  core: Pick<Core, 'subscribe' | 'call'>;
  /** Notifier.show (notifier.ts). */
  show: (content: { title: string; body: string }, onClick: () => void) => unknown;
  open: () => void;
  onError?: (error: unknown) => void;
}): () => void {
  let seen = new Set<string>();
  // One read at a time, in event order: two quick events must not notify the same request twice.
  let queue = Promise.resolve();
  const check = async () => {
    const reply = await opts.core.call('tools.pending', {});
    // Locked: nothing waits (the gateway answers `locked` to every tool).
    const requests = reply.ok ? (reply.result as PairingRequestView[]) : [];
    for (const r of requests) {
      if (seen.has(r.id)) continue;
      // The name is the tool's own words: one line, no direction overrides (as in the tray).
      opts.show({ title: `“${clean(r.name) || 'A tool'}” asks to use your accounts`, body: 'Open Plugboard to allow or deny it.' }, opts.open);
    }
    seen = new Set(requests.map((r) => r.id));
  };
  return opts.core.subscribe((event) => {
    if (event.type !== 'tools.changed') return;
    queue = queue.then(check).catch((e: unknown) => opts.onError?.(e));
  });
}
