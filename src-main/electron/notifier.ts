// Desktop notifications for the core's notices (CoreDeps.notify) and for the
// shell's own one-time hints, over Electron's Notification. Electron's class is
// passed in (main.ts), so this runs under Node with a stand-in and is tested there.
import type { NotificationConstructorOptions } from 'electron';
import type { NoticeView } from '../api/contract.ts';
import type { Logger } from '../core/logger.ts';

/** The part of an Electron Notification this uses. */
export interface NotificationLike {
  on(event: 'click', listener: () => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'failed', listener: (event: unknown, error: string) => void): unknown;
  show(): void;
}

/** Electron's `Notification` class satisfies this. */
export interface NotificationClass {
  new (options: NotificationConstructorOptions): NotificationLike;
  isSupported(): boolean;
}

export interface Notifier {
  /** CoreDeps.notify: a notice as a desktop notification; a click opens its account. */
  notify(notice: NoticeView): void;
  /** Any other message; false when this desktop cannot show notifications. */
  show(content: { title: string; body: string }, onClick?: () => void): boolean;
  /** Notifications held against garbage collection (for tests and diagnostics). */
  held(): number;
}

/** Beyond this many unanswered notifications the oldest are let go. */
const MAX_HELD = 50;

export function createNotifier(opts: {
  Notification: NotificationClass;
  /** A notice was clicked: show the window on that account. Called late, so it may read state set after start-up. */
  onNoticeClick: (notice: NoticeView) => void;
  logger: Logger;
  /** Windows and Linux show this next to the text; macOS always shows the app's icon. */
  icon?: string;
}): Notifier {
  // Electron quirk: a Notification nobody references may be garbage-collected
  // while still on screen, and then its click never arrives. Hold each one
  // until it is clicked, closed or failed.
  const held = new Set<NotificationLike>();

  function show(content: { title: string; body: string }, onClick?: () => void): boolean {
    let supported: boolean;
    try {
      supported = opts.Notification.isSupported();
    } catch {
      supported = false;
    }
    // Nothing to do: the in-app list still has every notice.
    if (!supported) return false;
    try {
      const n = new opts.Notification({
        title: content.title,
        body: content.body,
        silent: false,
        ...(opts.icon ? { icon: opts.icon } : {}),
      });
      const release = () => {
        held.delete(n);
      };
      n.on('click', () => {
        release();
        try {
          onClick?.();
        } catch (e) {
          opts.logger.error('a notification click failed', { error: (e as Error).message });
        }
      });
      n.on('close', release);
      n.on('failed', (_event, error) => {
        release();
        opts.logger.warn('a notification could not be shown', { error });
      });
      held.add(n);
      while (held.size > MAX_HELD) held.delete(held.values().next().value!);
      n.show();
      return true;
    } catch (e) {
      opts.logger.warn('a notification could not be shown', { error: (e as Error).message });
      return false;
    }
  }

  return {
    notify: (notice) => {
      // The body says what to do; in the window the Reconnect button is beside it, here the click is the way there.
      show({ title: notice.title, body: `${notice.body} Click to open it in Plugboard.` }, () => opts.onNoticeClick(notice));
    },
    show,
    held: () => held.size,
  };
}
