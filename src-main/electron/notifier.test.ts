import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { NoticeView } from '../api/contract.ts';
import type { Logger } from '../core/logger.ts';
import { createNotifier, type NotificationClass } from './notifier.ts';

const logger: Logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() } as unknown as Logger;

function fakeNotifications(supported = true) {
  const made: FakeNotification[] = [];
  class FakeNotification extends EventEmitter {
    static isSupported = vi.fn(() => supported);
    shown = 0;
    readonly options: Record<string, unknown>;
    constructor(options: Record<string, unknown>) {
      super();
      this.options = options;
      made.push(this);
    }
    show() {
      this.shown++;
    }
  }
  return { Notification: FakeNotification as unknown as NotificationClass & typeof FakeNotification, made };
}

const notice: NoticeView = {
  id: 'acc1|warn_1d|123',
  accountId: 'acc1',
  workspaceId: 'default',
  platform: 'x',
  title: 'X @alice expires within a day',
  body: 'X (Twitter) cannot renew this connection by itself; it ends Jan 2. Reconnect now.',
  sentAt: '2025-01-01T00:00:00.000Z',
  read: false,
  severity: 'soon',
  resolved: null,
};

describe('createNotifier', () => {
  it('shows a notice with its title and body, not silent, and a click opens its account', () => {
    const { Notification, made } = fakeNotifications();
    const onNoticeClick = vi.fn();
    const notifier = createNotifier({ Notification, onNoticeClick, logger, icon: '/icons/icon.png' });
    notifier.notify(notice);
    expect(made).toHaveLength(1);
    expect(made[0]!.options).toEqual({ title: notice.title, body: `${notice.body} Click to open it in Plugboard.`, silent: false, icon: '/icons/icon.png' });
    expect(made[0]!.shown).toBe(1);
    expect(onNoticeClick).not.toHaveBeenCalled();
    made[0]!.emit('click', {});
    expect(onNoticeClick).toHaveBeenCalledWith(notice);
  });

  it('holds each notification until it is clicked, closed or fails (so it is not garbage-collected)', () => {
    const { Notification, made } = fakeNotifications();
    const notifier = createNotifier({ Notification, onNoticeClick: () => {}, logger });
    notifier.notify(notice);
    notifier.notify(notice);
    notifier.notify(notice);
    expect(notifier.held()).toBe(3);
    made[0]!.emit('click', {});
    expect(notifier.held()).toBe(2);
    made[1]!.emit('close', {});
    expect(notifier.held()).toBe(1);
    made[2]!.emit('failed', {}, 'no notification server');
    expect(notifier.held()).toBe(0);
    expect(logger.warn).toHaveBeenCalledWith('a notification could not be shown', { error: 'no notification server' });
  });

  it('lets the oldest go beyond 50 unanswered notifications', () => {
    const { Notification } = fakeNotifications();
    const notifier = createNotifier({ Notification, onNoticeClick: () => {}, logger });
    for (let i = 0; i < 60; i++) notifier.notify(notice);
    expect(notifier.held()).toBe(50);
  });

  it('does nothing where notifications are unsupported (the in-app list still has the notice)', () => {
    const { Notification, made } = fakeNotifications(false);
    const notifier = createNotifier({ Notification, onNoticeClick: () => {}, logger });
    notifier.notify(notice);
    expect(notifier.show({ title: 't', body: 'b' })).toBe(false);
    expect(made).toHaveLength(0);
    expect(notifier.held()).toBe(0);
  });

  it('reads the click handler late: state set after the notification was shown is seen', () => {
    const { Notification, made } = fakeNotifications();
    let core: { openAccount(id: string): void } | null = null;
    const notifier = createNotifier({ Notification, onNoticeClick: (n) => core?.openAccount(n.accountId), logger });
    notifier.notify(notice); // the core notifies while it is still opening
    const openAccount = vi.fn();
    core = { openAccount };
    made[0]!.emit('click', {});
    expect(openAccount).toHaveBeenCalledWith('acc1');
  });

  it('show(): a plain message with its own click, no icon when none is given', () => {
    const { Notification, made } = fakeNotifications();
    const notifier = createNotifier({ Notification, onNoticeClick: () => {}, logger });
    const onClick = vi.fn();
    expect(notifier.show({ title: 'Hello', body: 'There' }, onClick)).toBe(true);
    expect(made[0]!.options).toEqual({ title: 'Hello', body: 'There', silent: false });
    made[0]!.emit('click', {});
    expect(onClick).toHaveBeenCalledOnce();
  });

  it('a throwing constructor or click handler is logged, never thrown at the core', () => {
    const Broken = class {
      static isSupported = () => true;
      constructor() {
        throw new Error('no dbus');
      }
    } as unknown as NotificationClass;
    const notifier = createNotifier({ Notification: Broken, onNoticeClick: () => {}, logger });
    expect(() => notifier.notify(notice)).not.toThrow();

    const { Notification, made } = fakeNotifications();
    const n2 = createNotifier({
      Notification,
      onNoticeClick: () => {
        throw new Error('window gone');
      },
      logger,
    });
    n2.notify(notice);
    expect(() => made[0]!.emit('click', {})).not.toThrow();
    expect(logger.error).toHaveBeenCalledWith('a notification click failed', { error: 'window gone' });
  });
});
