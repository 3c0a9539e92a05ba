// The idle lock: after the minutes the user chose without them, the vault locks itself. It runs in
// the main process, since the window may be closed to the tray or its tab gone. How long the user
// has been away is the shell's to say: the OS's idle time in Electron (powerMonitor), the window's
// last sign of life in the browser host (windowPresence).
import type { Clock } from './clock.ts';
import type { Gate } from './gate.ts';

/** Often enough that a lock comes at most this late; cheap enough to run all day. */
export const IDLE_CHECK_MS = 10_000;

export interface IdleLockOptions {
  /** Locks if it can (only a passphrase-protected, open vault); its lock.changed restarts the count. */
  gate: Pick<Gate, 'lock' | 'subscribe'>;
  clock: Clock;
  /** The chosen minutes (prefs' lockAfterMinutes); 0: never. */
  minutes(): number;
  /** How long the user has been away, ms. */
  idleMs(): number;
  onError(e: unknown): void;
}

export interface IdleWatch {
  /**
   * Checks at once rather than at the next tick: when the machine wakes from sleep the vault should
   * not stand open for up to IDLE_CHECK_MS, and the demo's time travel wants its answer now.
   */
  checkNow(): Promise<void>;
  stop(): void;
}

/** Watches until stop() runs. */
export function watchIdle(opts: IdleLockOptions): IdleWatch {
  let stopped = false;
  let cancel = () => {};
  // Typing the passphrase is the user being there, whatever the idle source last heard.
  let openedAt = opts.clock.now();
  const unsubscribe = opts.gate.subscribe((event) => {
    if (event.type === 'lock.changed') openedAt = opts.clock.now();
  });
  const schedule = () => {
    cancel = opts.clock.setTimeout(() => void tick(), IDLE_CHECK_MS);
  };
  async function check(): Promise<void> {
    const minutes = opts.minutes();
    try {
      if (minutes > 0 && Math.min(opts.idleMs(), opts.clock.now() - openedAt) >= minutes * 60_000) await opts.gate.lock();
    } catch (e) {
      opts.onError(e);
    }
  }
  async function tick(): Promise<void> {
    await check();
    if (!stopped) schedule();
  }
  schedule();
  return {
    checkNow: () => (stopped ? Promise.resolve() : check()),
    stop() {
      stopped = true;
      cancel();
      unsubscribe();
    },
  };
}

/** The browser host's idle clock: the window reports the user's keys and clicks (app.active); a closed tab reports nothing. */
export function windowPresence(clock: Pick<Clock, 'now'>): { active(): void; idleMs(): number } {
  let last = clock.now();
  return {
    active: () => {
      last = clock.now();
    },
    idleMs: () => clock.now() - last,
  };
}
