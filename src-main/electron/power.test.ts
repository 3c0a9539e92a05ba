import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../core/logger.ts';
import { CONNECTIVITY_POLL_MS, watchPowerAndNetwork, type PowerEvents } from './power.ts';

const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() } as unknown as Logger;

function setup(initiallyOnline = true) {
  const powerMonitor = new EventEmitter();
  const state = { online: initiallyOnline };
  const net = { isOnline: vi.fn(() => state.online) };
  const core = { resume: vi.fn(), setOnline: vi.fn() };
  const onWake = vi.fn();
  const stop = watchPowerAndNetwork(core, { powerMonitor: powerMonitor as PowerEvents, net, logger, onWake });
  return { powerMonitor, state, net, core, onWake, stop };
}

describe('watchPowerAndNetwork', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('polls every 30 s and tells the core only when connectivity changes', () => {
    const { state, core, net } = setup(true);
    expect(CONNECTIVITY_POLL_MS).toBe(30_000);
    vi.advanceTimersByTime(30_000);
    expect(net.isOnline).toHaveBeenCalledTimes(2);
    expect(core.setOnline).not.toHaveBeenCalled();

    state.online = false;
    vi.advanceTimersByTime(29_999);
    expect(core.setOnline).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(core.setOnline).toHaveBeenCalledExactlyOnceWith(false);

    vi.advanceTimersByTime(90_000);
    expect(core.setOnline).toHaveBeenCalledTimes(1);

    state.online = true;
    vi.advanceTimersByTime(30_000);
    expect(core.setOnline).toHaveBeenLastCalledWith(true);
    expect(core.setOnline).toHaveBeenCalledTimes(2);
  });

  it('on resume and on unlock: reads the network first, then runs the catch-up and the idle lock\'s check', () => {
    const { powerMonitor, state, core, onWake } = setup(true);
    const order: string[] = [];
    core.setOnline.mockImplementation((v: boolean) => order.push(`online:${v}`));
    core.resume.mockImplementation(() => order.push('resume'));
    onWake.mockImplementation(() => order.push('idle check'));

    state.online = false;
    powerMonitor.emit('resume');
    expect(order).toEqual(['online:false', 'resume', 'idle check']);

    state.online = true;
    powerMonitor.emit('unlock-screen');
    expect(order).toEqual(['online:false', 'resume', 'idle check', 'online:true', 'resume', 'idle check']);
    powerMonitor.emit('suspend');
    expect(core.resume).toHaveBeenCalledTimes(2);
  });

  it('starting offline is not news (the core asked isOnline itself); coming online is', () => {
    const { state, core } = setup(false);
    vi.advanceTimersByTime(30_000);
    expect(core.setOnline).not.toHaveBeenCalled();
    state.online = true;
    vi.advanceTimersByTime(30_000);
    expect(core.setOnline).toHaveBeenCalledExactlyOnceWith(true);
  });

  it('a throwing isOnline keeps the last known value', () => {
    const { net, core } = setup(true);
    net.isOnline.mockImplementation(() => {
      throw new Error('not ready');
    });
    vi.advanceTimersByTime(60_000);
    expect(core.setOnline).not.toHaveBeenCalled();
  });

  it('the undo stops polling and listening', () => {
    const { powerMonitor, state, core, stop } = setup(true);
    stop();
    state.online = false;
    vi.advanceTimersByTime(120_000);
    powerMonitor.emit('resume');
    powerMonitor.emit('unlock-screen');
    expect(core.setOnline).not.toHaveBeenCalled();
    expect(core.resume).not.toHaveBeenCalled();
    expect(powerMonitor.listenerCount('resume') + powerMonitor.listenerCount('unlock-screen')).toBe(0);
  });
});
