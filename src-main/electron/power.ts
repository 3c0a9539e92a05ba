// Sleep, wake and the network (F8/F13): after resume or unlock, and when the
// network comes back, overdue work runs. Electron's powerMonitor and net are
// passed in (main.ts), so this runs under Node with stand-ins and is tested there.
import type { Core } from '../core/types.ts';
import type { Logger } from '../core/logger.ts';

/** The part of Electron's powerMonitor this uses. */
export interface PowerEvents {
  on(event: 'resume', listener: () => void): unknown;
  on(event: 'unlock-screen', listener: () => void): unknown;
  removeListener(event: 'resume', listener: () => void): unknown;
  removeListener(event: 'unlock-screen', listener: () => void): unknown;
}

/** The part of Electron's net module this uses (also CoreDeps.isOnline). */
export interface Connectivity {
  isOnline(): boolean;
}

export const CONNECTIVITY_POLL_MS = 30_000;

/**
 * Tells the core about wake-ups and connectivity changes. Electron has no
 * "online changed" event in the main process, so net.isOnline() is polled, and
 * read again on every wake. Returns the undo.
 */
export function watchPowerAndNetwork(
  core: Pick<Core, 'resume' | 'setOnline'>,
  opts: {
    powerMonitor: PowerEvents;
    net: Connectivity;
    logger: Logger;
    pollMs?: number;
    /** Also run on every wake: the idle lock's check, at once rather than at its next tick (it locks where the OS's idle time counted the sleep). */
    onWake?: () => void;
  },
): () => void {
  // The core read net.isOnline() itself at start-up (CoreDeps.isOnline); only changes are news.
  let online = readOnline(opts.net, true);

  function checkNetwork(): void {
    const now = readOnline(opts.net, online);
    if (now === online) return;
    online = now;
    opts.logger.info(now ? 'the network is back' : 'the network went away');
    core.setOnline(now);
  }

  // Unlocking the screen runs the same catch-up as a resume: the machine may have
  // slept behind the lock screen. Both often arrive together; that is harmless,
  // the scheduler runs each overdue account once.
  function woke(): void {
    checkNetwork();
    core.resume();
    opts.onWake?.();
  }

  const timer = setInterval(checkNetwork, opts.pollMs ?? CONNECTIVITY_POLL_MS);
  opts.powerMonitor.on('resume', woke);
  opts.powerMonitor.on('unlock-screen', woke);
  return () => {
    clearInterval(timer);
    opts.powerMonitor.removeListener('resume', woke);
    opts.powerMonitor.removeListener('unlock-screen', woke);
  };
}

function readOnline(net: Connectivity, fallback: boolean): boolean {
  try {
    return net.isOnline();
  } catch {
    return fallback;
  }
}
