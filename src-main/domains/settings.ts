// The app's own state and settings: the status bar, the warning window, theme, tray, launch at login and the idle lock.
import type { AppStatus } from '../api/contract.ts';
import { ApiFailure } from '../core/api-failure.ts';
import { activeWorkspace, type CoreContext, type DomainHandlers } from './context.ts';

type SettingsContext = Pick<CoreContext, 'lifecycle' | 'accounts' | 'notices' | 'workspaces' | 'prefs' | 'db' | 'clock' | 'loginItem' | 'about' | 'keyWrapper' | 'emit'>;

function appStatus(ctx: SettingsContext): AppStatus {
  const stats = ctx.lifecycle.scheduler.stats();
  return {
    now: new Date(ctx.clock.now()).toISOString(),
    online: ctx.lifecycle.online,
    warningWindowDays: ctx.prefs.get('warningWindowDays'),
    scheduled: stats.queued,
    refreshing: stats.running + stats.waiting,
    unreadNotices: ctx.notices.unreadCount(),
    launchAtLogin: ctx.loginItem ? ctx.loginItem.get() : null,
    workspace: { id: activeWorkspace(ctx), name: ctx.workspaces.get(activeWorkspace(ctx))?.name ?? '' },
    theme: ctx.prefs.get('theme'),
    keepInTray: ctx.about?.tray ? ctx.prefs.get('keepInTray') : null,
    lockAfterMinutes: ctx.prefs.get('lockAfterMinutes'),
    about: { version: ctx.about?.version ?? 'development', shell: ctx.about?.shell ?? 'Plugboard', runtime: ctx.about?.runtime ?? `Node ${process.versions.node}` },
  };
}

export function settingsHandlers(ctx: SettingsContext): DomainHandlers<'app.status' | 'settings.update'> {
  return {
    'app.status': async () => appStatus(ctx),

    'settings.update': async ({ warningWindowDays, launchAtLogin, theme, keepInTray, lockAfterMinutes }) => {
      if (lockAfterMinutes !== undefined) {
        if (ctx.keyWrapper.kind !== 'passphrase') throw new ApiFailure('bad_request', 'Your tokens are protected by the system keychain, so there is no passphrase for Plugboard to lock them with.');
        ctx.prefs.set('lockAfterMinutes', lockAfterMinutes);
      }
      if (keepInTray !== undefined) {
        if (!ctx.about?.tray) throw new ApiFailure('bad_request', 'Keeping Plugboard in the tray is a setting of the desktop app; the browser version has no tray.');
        ctx.prefs.set('keepInTray', keepInTray);
      }
      if (theme !== undefined) ctx.prefs.set('theme', theme);
      if (launchAtLogin !== undefined) {
        if (!ctx.loginItem) throw new ApiFailure('bad_request', 'Launch at login is a setting of the desktop app; the browser host cannot start itself.');
        ctx.loginItem.set(launchAtLogin);
      }
      if (warningWindowDays !== undefined) {
        ctx.prefs.set('warningWindowDays', warningWindowDays);
        // Thresholds moved: every account's next wake-up may have too, and a notice may be due now.
        for (const row of ctx.accounts.all()) {
          ctx.lifecycle.plan(row);
          ctx.lifecycle.checkNotices(row);
        }
        ctx.emit({ type: 'accounts.changed' });
      }
      ctx.emit({ type: 'app.changed' });
      return appStatus(ctx);
    },
  };
}
