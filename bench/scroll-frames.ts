// node bench/scroll-frames.ts [--size 10000] [--frames 1200] [--renderer DIR] [--css CSS]: why the page's
// scroll has frames over 16.7 ms. Traces the start of ui.bench.ts's scroll (.main moved 60 px in every
// rAF) at `size` accounts in Debian's Chromium, and sorts each long frame by what the renderer's main
// thread did between its rAF and the one before:
// - new pills: a script task of 8 ms or more — the list rendering the pills that scroll near, with the
//   style and layout its measuring forces;
// - repaint after a list change: no such script, but the page painted for 4 ms or more, and the DOM
//   under the scroller changed in that frame or the one before (a chunk's render under 8 ms, a chunk
//   taken away), so the paint is the list's doing;
// - repaint, DOM unchanged: the same paint with no such change — the scroller's contents recorded
//   again because the scroll moved Chromium's cull rect far enough, or pictures arrived;
// - main thread idle: under 4 ms of work, so the frame was late elsewhere (compositor, raster);
// - other.
// Then, over all frames: how often the page painted and how long a paint took; and where a repaint
// frame's main-thread time went, by lifecycle phase. Under the trace every figure is slower than in
// ui.bench.ts; compare runs of this script with each other, the same hour.
// --css injects a style sheet once the page is whole, to try a variant without a build.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildRenderer, launchChromium, openSeededHost, quantile } from './page-host.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '10000' },
    frames: { type: 'string', default: '1200' },
    renderer: { type: 'string' },
    css: { type: 'string' },
  },
});
const SIZE = Number(values.size);
const FRAMES = Number(values.frames);
const SCROLL_STEP = 60;
const LONG_FRAME_MS = 16.7 + 1;
const SCRIPT_MS = 8;
const PAINT_MS = 4;
const IDLE_MS = 4;
/**
 * A repaint frame's phases, as the trace names them. PrePaint holds the compositing-inputs walk
 * (Chromium counts both as pre-paint), shown on its own as well; Layerize is the paint's handover
 * to the compositor (PaintArtifactCompositor).
 */
const PHASES: [string, string][] = [
  ['paint', 'Paint'],
  ['pre-paint', 'PrePaint'],
  ['of it compositing inputs', 'LocalFrameView::RunCompositingInputsLifecyclePhase'],
  ['layerize', 'Layerize'],
  ['commit', 'Commit'],
];

/** A complete ('X') trace event; times in microseconds. */
interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { data?: { message?: string } };
}

/** The page's globals this file uses, typed here: the Node tsconfig has no DOM library. */
interface PageGlobals {
  document: {
    querySelector(selector: string): { scrollTop: number } | null;
    querySelectorAll(selector: string): { length: number };
  };
  requestAnimationFrame(callback: (time: number) => void): number;
  console: { timeStamp(label: string): void };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: { subtree: boolean; childList: boolean }): void; disconnect(): void };
}

/**
 * Moves .main by `step` in every rAF, marking each frame in the trace; returns the rAF times and, for
 * each time elements under .main were added or removed, the index of the last rAF before it.
 */
function scroll([frames, step]: [number, number]): Promise<{ times: number[]; changed: number[] }> {
  const w = globalThis as unknown as PageGlobals;
  return new Promise((done) => {
    const main = w.document.querySelector('.main')!;
    const times: number[] = [];
    const changed: number[] = [];
    const observer = new w.MutationObserver(() => changed.push(times.length - 1));
    observer.observe(main, { subtree: true, childList: true });
    const frame = (t: number) => {
      w.console.timeStamp('bench-frame');
      times.push(t);
      if (times.length > frames) {
        observer.disconnect();
        return done({ times, changed });
      }
      main.scrollTop += step;
      w.requestAnimationFrame(frame);
    };
    w.requestAnimationFrame(frame);
  });
}

/** Total length of the union of [start, end) intervals, clipped to [from, to). */
function covered(intervals: [number, number][], from: number, to: number): number {
  const clipped = intervals.map(([a, b]): [number, number] => [Math.max(a, from), Math.min(b, to)]).filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let sum = 0;
  let end = -Infinity;
  for (const [a, b] of clipped) {
    if (b <= end) continue;
    sum += b - Math.max(a, end);
    end = b;
  }
  return sum;
}

/** The outermost events of one name (those not inside another of the same name), as [start, end). */
function outermost(events: TraceEvent[], name: string): [number, number][] {
  const spans = events.filter((e) => e.name === name).map((e): [number, number] => [e.ts, e.ts + e.dur!]).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const span of spans) if (!out.length || span[0] >= out[out.length - 1]![1]) out.push(span);
  return out;
}

const median = (xs: number[]) => quantile(xs, 0.5);
const f1 = (x: number) => x.toFixed(1);

const rendererDir = values.renderer ? resolve(values.renderer) : await buildRenderer();
const host = await openSeededHost(SIZE, rendererDir);
const browser = await launchChromium();
const tracePath = join(tmpdir(), `plugboard-scroll-frames-${process.pid}.json`);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(host.url);
  // Whole: pills shown and no section left to render (src-renderer/ui/first-screen.ts).
  await page.waitForFunction(
    () => {
      const d = (globalThis as unknown as PageGlobals).document;
      return d.querySelectorAll('[data-testid="pill"]').length > 0 && d.querySelectorAll('[data-renders-later]').length === 0;
    },
    null,
    { timeout: 120_000, polling: 100 },
  );
  if (values.css) await page.addStyleTag({ content: values.css });
  // The first screen's pictures arrive meanwhile; the scroll starts with them shown.
  await page.waitForTimeout(1_500);
  // 'blink' for the compositing-inputs phase, which the DevTools categories do not trace on their own.
  await browser.startTracing(page, { path: tracePath, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink'] });
  const { times: rafTimes, changed } = await page.evaluate(scroll, [FRAMES, SCROLL_STEP] as [number, number]);
  const listChanged = new Set(changed);
  await browser.stopTracing();

  const events = (JSON.parse(readFileSync(tracePath, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const marks = events.filter((e) => e.name === 'TimeStamp' && e.args?.data?.message === 'bench-frame').sort((a, b) => a.ts - b.ts);
  if (marks.length !== rafTimes.length) throw new Error(`The trace holds ${marks.length} frame marks for ${rafTimes.length} frames.`);
  const { pid, tid } = marks[0]!;
  const main = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.dur);
  const tasks = [...outermost(main, 'ThreadControllerImpl::RunTask'), ...outermost(main, 'RunTask')];
  const scripts = outermost(main, 'FunctionCall');
  const paints = outermost(main, 'Paint');

  const phaseSpans = PHASES.map(([, name]) => outermost(main, name));
  const repaintPhases = new Map<string, number[][]>();
  const kinds = new Map<string, { frames: number[]; busy: number[] }>();
  const kindOrder = ['new pills', 'repaint after a list change', 'repaint, DOM unchanged', 'main thread idle', 'other'];
  for (const k of kindOrder) kinds.set(k, { frames: [], busy: [] });
  for (let i = 1; i < marks.length; i++) {
    const frameMs = rafTimes[i]! - rafTimes[i - 1]!;
    if (frameMs <= LONG_FRAME_MS) continue;
    const from = marks[i - 1]!.ts;
    const to = marks[i]!.ts;
    const busy = covered(tasks, from, to) / 1000;
    const script = Math.max(0, ...scripts.filter(([a, b]) => b > from && a < to).map(([a, b]) => (b - a) / 1000));
    const paint = covered(paints, from, to) / 1000;
    // Frame i runs from rAF i-1 to rAF i; a change in it or in the frame before may be what it paints.
    const repaint = listChanged.has(i - 1) || listChanged.has(i - 2) ? 'repaint after a list change' : 'repaint, DOM unchanged';
    const kind = script >= SCRIPT_MS ? 'new pills' : paint >= PAINT_MS ? repaint : busy < IDLE_MS ? 'main thread idle' : 'other';
    if (kind === repaint) {
      if (!repaintPhases.has(kind)) repaintPhases.set(kind, PHASES.map(() => []));
      phaseSpans.forEach((spans, p) => repaintPhases.get(kind)![p]!.push(covered(spans, from, to) / 1000));
    }
    kinds.get(kind)!.frames.push(frameMs);
    kinds.get(kind)!.busy.push(busy);
  }
  const frames = marks.length - 1;
  const long = [...kinds.values()].reduce((n, k) => n + k.frames.length, 0);
  const paintMs = paints.map(([a, b]) => (b - a) / 1000).filter((ms) => ms >= 1);
  console.log(`${SIZE.toLocaleString('en-US')} accounts, ${frames} frames of the scroll at ${SCROLL_STEP} px a frame${values.css ? `, with injected CSS: ${values.css}` : ''} (traced)`);
  console.log(`frames over 16.7 ms: ${long} (${f1((100 * long) / frames)}%)`);
  for (const k of kindOrder) {
    const { frames: f, busy } = kinds.get(k)!;
    console.log(`  ${k.padEnd(28)} ${String(f.length).padStart(5)}${f.length ? `  median frame ${f1(median(f))} ms, main thread busy ${f1(median(busy))} ms` : ''}`);
  }
  console.log(`frames in which elements under the scroller were added or removed: ${listChanged.size}`);
  console.log(`paints (1 ms or more): ${paintMs.length} in ${frames} frames, one per ${Math.round((frames * SCROLL_STEP) / Math.max(1, paintMs.length))} px scrolled${paintMs.length ? `; median ${f1(median(paintMs))} ms` : ''}`);
  for (const [kind, phases] of repaintPhases) console.log(`${kind}, median ms by phase: ${PHASES.map(([label], p) => `${label} ${f1(median(phases[p]!))}`).join(', ')}`);
} finally {
  await browser.close();
  await host.close();
  rmSync(tracePath, { force: true });
  if (!values.renderer) rmSync(rendererDir, { recursive: true, force: true });
}
