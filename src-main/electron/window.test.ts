// createMainWindow's memory of its size and place, under Node against a
// stand-in for the electron module (the pattern of main.wiring.test.ts): the
// saved place reaches the BrowserWindow, a maximized window comes back
// maximized, and moves are written to the preferences once they settle.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../core/logger.ts';
import type { ShellPrefs, ShellPrefsShape } from './prefs.ts';
import { SAVE_DELAY_MS, type Rect, type WindowState } from './window-state.ts';

const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() } as unknown as Logger;
const laptop: Rect = { x: 0, y: 0, width: 1920, height: 1040 };

class FakeWindow extends EventEmitter {
  static made: FakeWindow[] = [];
  log: string[] = [];
  bounds: Rect;
  maximizedNow = false;
  readonly options: Rect & Record<string, unknown>;
  constructor(options: Rect & Record<string, unknown>) {
    super();
    this.options = options;
    this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width, height: options.height };
    FakeWindow.made.push(this);
  }
  loadURL(): Promise<void> {
    return Promise.resolve();
  }
  show(): void {
    this.log.push('show');
    this.emit('show');
  }
  maximize(): void {
    this.log.push('maximize');
    this.maximizedNow = true;
  }
  isMaximized(): boolean {
    return this.maximizedNow;
  }
  getNormalBounds(): Rect {
    return this.bounds;
  }
  isDestroyed(): boolean {
    return false;
  }
}

function memoryPrefs(windowState: unknown): ShellPrefs & { values: ShellPrefsShape } {
  const values = { trayHintShown: false, windowState } as ShellPrefsShape;
  return { values, get: (key) => values[key], set: (key, value) => void (values[key] = value) };
}

async function open(windowState: unknown, showWhenReady = true) {
  vi.doMock('electron', () => {
    const module = {
      BrowserWindow: FakeWindow,
      screen: { getAllDisplays: () => [{ workArea: laptop }], getPrimaryDisplay: () => ({ workArea: laptop }) },
      shell: {},
    };
    return { ...module, default: module };
  });
  const { createMainWindow } = await import('./window.ts');
  const prefs = memoryPrefs(windowState);
  createMainWindow({ preload: '/p.cjs', icon: '/i.png', devTools: false, logger, showWhenReady, prefs });
  return { win: FakeWindow.made.at(-1)!, prefs };
}

describe('createMainWindow remembers its size and place', () => {
  beforeEach(() => {
    vi.resetModules();
    vi.useFakeTimers();
    FakeWindow.made = [];
  });
  afterEach(() => {
    vi.doUnmock('electron');
    vi.useRealTimers();
  });

  it('opens where it was left, if that is still on a display', async () => {
    const saved: WindowState = { bounds: { x: 40, y: 60, width: 1200, height: 800 }, maximized: false };
    const { win } = await open(saved);
    expect(win.options).toMatchObject({ ...saved.bounds, minWidth: 800, minHeight: 560 });
    win.emit('ready-to-show');
    expect(win.log).toEqual(['show']);
  });

  it('first run: the default size, centred', async () => {
    const { win } = await open(null);
    expect(win.options).toMatchObject({ x: 410, y: 140, width: 1100, height: 760 });
  });

  it('maximized last time: maximized again, before it shows; started hidden at login, only once it is shown', async () => {
    const saved: WindowState = { bounds: { x: 40, y: 60, width: 1200, height: 800 }, maximized: true };
    const shown = await open(saved);
    shown.win.emit('ready-to-show');
    expect(shown.win.log).toEqual(['maximize', 'show']);

    const hidden = await open(saved, false);
    hidden.win.emit('ready-to-show');
    expect(hidden.win.log).toEqual([]);
    hidden.win.show();
    expect(hidden.win.log).toEqual(['show', 'maximize']);
  });

  it('moves and resizes are saved once they settle; closing (or hiding to the tray) saves a waiting change at once', async () => {
    const { win, prefs } = await open(null);
    win.bounds = { x: 100, y: 100, width: 1000, height: 700 };
    win.emit('move');
    win.emit('resize');
    expect(prefs.values.windowState).toBeNull();
    vi.advanceTimersByTime(SAVE_DELAY_MS);
    expect(prefs.values.windowState).toEqual({ bounds: { x: 100, y: 100, width: 1000, height: 700 }, maximized: false });

    win.maximizedNow = true;
    win.emit('maximize');
    win.emit('close');
    expect(prefs.values.windowState).toEqual({ bounds: { x: 100, y: 100, width: 1000, height: 700 }, maximized: true });
  });
});
