// Where the main window opens: where the user left it, if that place is still on
// a connected display; otherwise a default size in the middle of the primary
// display. Plain logic under Node; window.ts reads Electron's screen, the
// window and the preferences.
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_SIZE = { width: 1100, height: 760 } as const;
export const MIN_SIZE = { width: 800, height: 560 } as const;
/** Moves and resizes arrive many times a second while dragging; one write when they settle. */
export const SAVE_DELAY_MS = 500;
/**
 * How far a saved window may reach past a work area's edge and still count as
 * on it: Windows puts invisible resize borders (about 7 px) outside a window
 * snapped to an edge, and a window snapped there should come back there.
 */
export const EDGE_TOLERANCE = 16;

/** What the preferences keep: the window's normal (not maximized) rectangle, and whether it was maximized. */
export const windowStateSchema = z.object({
  bounds: z.object({
    x: z.number().int(),
    y: z.number().int(),
    width: z.number().int().min(MIN_SIZE.width),
    height: z.number().int().min(MIN_SIZE.height),
  }),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof windowStateSchema>;

export interface Displays {
  /** Every connected display's work area (the screen minus taskbar, dock and menu bar). */
  workAreas: Rect[];
  primary: Rect;
}

/**
 * The saved state if its rectangle lies on one display's work area (give or
 * take EDGE_TOLERANCE); else the default size, centred on the primary display
 * (shrunk to it if smaller), keeping a saved maximized flag. Anything in the
 * preferences that is not a valid state (first run, an older or hand-edited
 * file) counts as nothing saved.
 */
export function placeWindow(saved: unknown, displays: Displays): WindowState {
  const parsed = windowStateSchema.safeParse(saved);
  if (parsed.success && displays.workAreas.some((area) => fitsIn(parsed.data.bounds, area))) return parsed.data;
  return { bounds: centred(displays.primary), maximized: parsed.success && parsed.data.maximized };
}

function fitsIn(r: Rect, area: Rect): boolean {
  return (
    r.x >= area.x - EDGE_TOLERANCE &&
    r.y >= area.y - EDGE_TOLERANCE &&
    r.x + r.width <= area.x + area.width + EDGE_TOLERANCE &&
    r.y + r.height <= area.y + area.height + EDGE_TOLERANCE
  );
}

function centred(area: Rect): Rect {
  const width = Math.min(DEFAULT_SIZE.width, area.width);
  const height = Math.min(DEFAULT_SIZE.height, area.height);
  return { x: area.x + Math.round((area.width - width) / 2), y: area.y + Math.round((area.height - height) / 2), width, height };
}

export interface StateSaver {
  /** The window moved, resized, maximized or restored: save once it has been still for SAVE_DELAY_MS. */
  changed(): void;
  /** The window is closing (or hiding to the tray): save now if a change is waiting. */
  flush(): void;
}

/** Debounces saves: read() is the window's state at the moment of writing, null once there is no window. */
export function createStateSaver(read: () => WindowState | null, write: (state: WindowState) => void, delayMs = SAVE_DELAY_MS): StateSaver {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const save = () => {
    timer = null;
    const state = read();
    if (state) write(state);
  };
  return {
    changed() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, delayMs);
    },
    flush() {
      if (!timer) return;
      clearTimeout(timer);
      save();
    },
  };
}
