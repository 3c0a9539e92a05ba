import { describe, expect, it, vi } from 'vitest';
import { createCloseToTray, trayHint } from './close-to-tray.ts';

function setup(opts: { shown?: boolean; canShow?: boolean; enabled?: boolean } = {}) {
  const state = { shown: opts.shown ?? false };
  const showHint = vi.fn(() => opts.canShow ?? true);
  const policy = createCloseToTray({
    enabled: () => opts.enabled ?? true,
    hintShown: () => state.shown,
    markHintShown: () => {
      state.shown = true;
    },
    showHint,
  });
  return { policy, state, showHint };
}

describe('close to tray', () => {
  it('with "keep running in the tray" off, closing the window closes it (and no hint is shown)', () => {
    const { policy, showHint } = setup({ enabled: false });
    expect(policy.shouldHide()).toBe(false);
    expect(showHint).not.toHaveBeenCalled();
  });

  it('closing the window hides it, and the first time says so once', () => {
    const { policy, state, showHint } = setup();
    expect(policy.shouldHide()).toBe(true);
    expect(showHint).toHaveBeenCalledOnce();
    expect(state.shown).toBe(true);
    expect(policy.shouldHide()).toBe(true);
    expect(showHint).toHaveBeenCalledOnce();
  });

  it('remembers the hint across restarts (the preference is read, not kept in memory)', () => {
    const { policy, showHint } = setup({ shown: true });
    expect(policy.shouldHide()).toBe(true);
    expect(showHint).not.toHaveBeenCalled();
  });

  it('a hint that could not be shown is not marked, so the next close tries again', () => {
    const { policy, state, showHint } = setup({ canShow: false });
    policy.shouldHide();
    policy.shouldHide();
    expect(showHint).toHaveBeenCalledTimes(2);
    expect(state.shown).toBe(false);
  });

  it('after Quit (before-quit, session end) windows close for real and no hint shows', () => {
    const { policy, showHint } = setup();
    expect(policy.isQuitting).toBe(false);
    policy.quitting();
    expect(policy.isQuitting).toBe(true);
    expect(policy.shouldHide()).toBe(false);
    expect(showHint).not.toHaveBeenCalled();
  });

  it('names the place the icon lives on each desktop', () => {
    expect(trayHint('linux').title).toBe('Plugboard is still running in the tray');
    expect(trayHint('win32').title).toBe('Plugboard is still running in the tray');
    expect(trayHint('darwin').title).toBe('Plugboard is still running in the menu bar');
  });
});
