// The real Electron shell, driven by Playwright: window, preload bridge, IPC to
// the core, and the navigation lock. Electron's binary downloads from GitHub on
// first use; on machines without it this spec skips and says so.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import type { ApiEvent, PlugboardApi } from '../src-main/api/contract.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Finds the binary as node_modules/electron/index.js would, minus its download when it is missing. */
function electronBinaryInstalled(): boolean {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) return existsSync(join(override, executable ?? 'electron'));
  return executable !== null && existsSync(join(pkg, 'dist', executable));
}

/** The page's view of the preload bridge, plus what these tests leave on it. */
type PageGlobals = {
  plugboard?: PlugboardApi;
  e2eEvents?: ApiEvent[];
  location: { href: string };
  open(url: string): unknown;
};

test.describe.configure({ mode: 'serial' });

test.describe('Electron shell', () => {
  test.skip(!electronBinaryInstalled(), 'Electron binary not installed on this machine (it downloads from GitHub on first run); ran: nothing');

  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;
  const log = () => {
    const file = join(dataDir, 'logs', 'plugboard.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  };

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    // `npm test` builds the renderer but not the main process; compile it here.
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(existsSync(join(root, 'build', 'src-main', 'electron', 'main.js')), `tsc -p tsconfig.build.json failed:\n${tsc.stdout}${tsc.stderr}`).toBe(true);
    expect(existsSync(join(root, 'dist', 'renderer', 'index.html')), 'run `npm run build:renderer` first').toBe(true);

    dataDir = mkdtempSync(join(tmpdir(), 'plugboard-electron-'));
    const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
    app = await electron.launch({
      args: [root],
      cwd: root,
      env: { ...env, PLUGBOARD_DATA_DIR: dataDir, PLUGBOARD_PASSPHRASE: 'e2e passphrase, not a real one' },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  test.afterAll(async () => {
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('opens one window, titled Plugboard, on the app origin', async () => {
    const titles = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.getTitle()));
    expect(titles).toEqual(['Plugboard']);
    expect(page.url()).toMatch(/^app:\/\/plugboard\//);
    // The window opens on the Accounts overview, with the sidebar's sections beside it.
    await expect(page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Platforms' })).toBeVisible();
  });

  test('gives the page window.plugboard and no Node', async () => {
    const seen = await page.evaluate(() => {
      const g = globalThis as Record<string, unknown> & { plugboard?: Record<string, unknown> };
      return {
        plugboard: g.plugboard ? Object.keys(g.plugboard).sort() : null,
        invoke: typeof g.plugboard?.invoke,
        subscribe: typeof g.plugboard?.subscribe,
        require: typeof g.require,
        process: typeof g.process,
        module: typeof g.module,
      };
    });
    expect(seen).toEqual({
      plugboard: ['invoke', 'subscribe'],
      invoke: 'function',
      subscribe: 'function',
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
    });
  });

  test('answers platforms.list through IPC, with X available', async () => {
    const reply = await page.evaluate(() => (globalThis as unknown as PageGlobals).plugboard!.invoke('platforms.list', {}));
    expect(reply.ok).toBe(true);
    const x = reply.ok ? reply.result.find((p) => p.id === 'x') : undefined;
    expect(x?.available).toBe(true);
  });

  test('forwards core events to subscribers and never returns the secret', async () => {
    const secret = 'e2e-client-secret-9f3b';
    const reply = await page.evaluate(async (clientSecret) => {
      const g = globalThis as unknown as PageGlobals;
      g.e2eEvents = [];
      g.plugboard!.subscribe((event) => g.e2eEvents!.push(event));
      return g.plugboard!.invoke('credentials.save', { platform: 'x', clientId: 'e2e-client-id', clientSecret });
    }, secret);
    expect(reply.ok && reply.result.credentials).toMatchObject({ saved: true, clientId: 'e2e-client-id', hasSecret: true });
    expect(JSON.stringify(reply)).not.toContain(secret);
    await expect
      .poll(() => page.evaluate(() => ((globalThis as unknown as PageGlobals).e2eEvents ?? []).map((e) => e.type)))
      .toContain('platforms.changed');
  });

  test('refuses to navigate away or open windows', async () => {
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).location.href = 'https://example.com/';
    });
    await expect.poll(log).toContain('refused to open a link from the window');
    expect(page.url()).toMatch(/^app:\/\/plugboard\//);

    const opened = await page.evaluate(() => (globalThis as unknown as PageGlobals).open('https://example.com/'));
    expect(opened).toBeNull();
    expect(app.windows()).toHaveLength(1);
  });

  test('closing the window keeps the app running in the tray', async () => {
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
    await expect
      .poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => ({ visible: w.isVisible(), destroyed: w.isDestroyed() }))))
      .toEqual([{ visible: false, destroyed: false }]);
    // The core still answers, and this shell offers launch at login (null only in the browser host).
    const reply = await page.evaluate(() => (globalThis as unknown as PageGlobals).plugboard!.invoke('app.status', {}));
    expect(reply.ok && typeof reply.result.launchAtLogin).toBe('boolean');
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.show());
    await expect.poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.isVisible())).toBe(true);
  });
});
