import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SIZE, EDGE_TOLERANCE, SAVE_DELAY_MS, createStateSaver, placeWindow, type Displays, type WindowState } from './window-state.ts';

/** A 1920×1080 laptop screen with a 40 px taskbar, and a 2560×1440 monitor to its right. */
const laptop = { x: 0, y: 0, width: 1920, height: 1040 };
const monitor = { x: 1920, y: 0, width: 2560, height: 1400 };
const both: Displays = { workAreas: [laptop, monitor], primary: laptop };
const laptopOnly: Displays = { workAreas: [laptop], primary: laptop };

/** Where the default size lands in the middle of the laptop's work area. */
const centredOnLaptop = {
  x: (laptop.width - DEFAULT_SIZE.width) / 2,
  y: (laptop.height - DEFAULT_SIZE.height) / 2,
  width: DEFAULT_SIZE.width,
  height: DEFAULT_SIZE.height,
};

const onMonitor: WindowState = { bounds: { x: 2200, y: 100, width: 1400, height: 900 }, maximized: false };

describe('placeWindow', () => {
  it('first run (nothing saved): the default size in the middle of the primary display', () => {
    expect(placeWindow(null, both)).toEqual({ bounds: centredOnLaptop, maximized: false });
    expect(placeWindow(undefined, both)).toEqual({ bounds: centredOnLaptop, maximized: false });
  });

  it('a saved place on a connected display comes back as it was', () => {
    expect(placeWindow(onMonitor, both)).toEqual(onMonitor);
  });

  it('the display it was on has been unplugged: centred on the primary display instead', () => {
    expect(placeWindow(onMonitor, laptopOnly)).toEqual({ bounds: centredOnLaptop, maximized: false });
  });

  it('partly off-screen (dragged past an edge, or the resolution went down): centred instead', () => {
    const pastTheBottom = { bounds: { x: 100, y: 600, width: 1000, height: 700 }, maximized: false };
    expect(placeWindow(pastTheBottom, both)).toEqual({ bounds: centredOnLaptop, maximized: false });
    // Straddling two displays is on neither: it would open cut in two if one of them changed.
    const straddling = { bounds: { x: 1500, y: 100, width: 1000, height: 700 }, maximized: false };
    expect(placeWindow(straddling, both)).toEqual({ bounds: centredOnLaptop, maximized: false });
  });

  it('snapped to an edge on Windows (its invisible borders a few pixels outside) still counts as on the display', () => {
    const snappedLeft = { bounds: { x: -7, y: 0, width: 974, height: 1047 }, maximized: false };
    expect(placeWindow(snappedLeft, laptopOnly)).toEqual(snappedLeft);
    const tooFar = { bounds: { x: -EDGE_TOLERANCE - 1, y: 0, width: 974, height: 1040 }, maximized: false };
    expect(placeWindow(tooFar, laptopOnly).bounds).toEqual(centredOnLaptop);
  });

  it('maximized: its normal rectangle comes back, maximized; the flag survives even when the rectangle does not', () => {
    const maximized = { ...onMonitor, maximized: true };
    expect(placeWindow(maximized, both)).toEqual(maximized);
    expect(placeWindow(maximized, laptopOnly)).toEqual({ bounds: centredOnLaptop, maximized: true });
  });

  it('a primary display smaller than the default size: the window fills its work area', () => {
    const small = { x: 0, y: 25, width: 1024, height: 643 };
    expect(placeWindow(null, { workAreas: [small], primary: small })).toEqual({ bounds: small, maximized: false });
  });

  it('a secondary display left of or above the primary (negative coordinates) is a display like any other', () => {
    const left = { x: -1280, y: -200, width: 1280, height: 1024 };
    const there = { bounds: { x: -1200, y: -150, width: 900, height: 700 }, maximized: false };
    expect(placeWindow(there, { workAreas: [laptop, left], primary: laptop })).toEqual(there);
  });

  it('anything else in the preferences (an older or hand-edited file) counts as nothing saved', () => {
    for (const junk of [
      'big',
      { bounds: { x: 10, y: 10, width: 1000 }, maximized: false },
      { bounds: { x: 10, y: 10, width: 200, height: 100 }, maximized: false }, // below the minimum size
      { bounds: { x: 10.5, y: 10, width: 1000, height: 700 }, maximized: false },
      { bounds: { x: 10, y: 10, width: 1000, height: 700 }, maximized: 'yes' },
    ]) {
      expect(placeWindow(junk, both), JSON.stringify(junk)).toEqual({ bounds: centredOnLaptop, maximized: false });
    }
  });
});

describe('createStateSaver', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    let state: WindowState | null = onMonitor;
    const write = vi.fn<(s: WindowState) => void>();
    const saver = createStateSaver(() => state, write);
    return { saver, write, set: (s: WindowState | null) => (state = s) };
  }

  it('a drag (many moves) is written once, when it has been still for the delay, with where it ended', () => {
    const { saver, write, set } = setup();
    for (let x = 2200; x < 2300; x += 10) {
      set({ ...onMonitor, bounds: { ...onMonitor.bounds, x } });
      saver.changed();
      vi.advanceTimersByTime(SAVE_DELAY_MS / 10);
    }
    expect(write).not.toHaveBeenCalled();
    vi.advanceTimersByTime(SAVE_DELAY_MS - 1);
    expect(write).toHaveBeenCalledExactlyOnceWith({ ...onMonitor, bounds: { ...onMonitor.bounds, x: 2290 } });
  });

  it('closing (or hiding to the tray) writes a waiting change at once, and only once', () => {
    const { saver, write } = setup();
    saver.changed();
    saver.flush();
    expect(write).toHaveBeenCalledExactlyOnceWith(onMonitor);
    vi.advanceTimersByTime(SAVE_DELAY_MS * 2);
    expect(write).toHaveBeenCalledOnce();
  });

  it('closing with nothing changed writes nothing', () => {
    const { saver, write } = setup();
    saver.flush();
    vi.advanceTimersByTime(SAVE_DELAY_MS * 2);
    expect(write).not.toHaveBeenCalled();
  });

  it('a window gone by the time the delay ends is not written', () => {
    const { saver, write, set } = setup();
    saver.changed();
    set(null);
    vi.advanceTimersByTime(SAVE_DELAY_MS);
    expect(write).not.toHaveBeenCalled();
  });
});
