// Desktop polish through the real UI: the appearance follows the system unless Settings pins it,
// and the About panel says which Plugboard this is and how it keeps tokens.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { spawnPrintingUrl, type UrlProcess } from './support/url-process.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
let demo: UrlProcess | null = null;

test.afterEach(async () => {
  await demo?.stop('SIGTERM');
  demo = null;
});

/** The page's own globals, typed here because the node-side tsconfig has no DOM library. */
interface PageGlobals {
  getComputedStyle(el: unknown): { backgroundColor: string };
  document: { body: unknown };
}

const background = (page: import('@playwright/test').Page) =>
  page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    return w.getComputedStyle(w.document.body).backgroundColor;
  });

test('appearance: the system’s by default, pinned light or dark in Settings; About names the version', async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  demo = await spawnPrintingUrl('src-main/host/demo.ts', []);
  await page.goto(demo.url);
  await expect(page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();
  const dark = await background(page);
  const settings = page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' });
  await settings.click();
  const appearance = page.getByLabel('Appearance');
  await expect(appearance).toHaveValue('system');
  await appearance.selectOption('light');
  await expect.poll(() => background(page)).not.toBe(dark);
  const light = await background(page);
  // The choice is kept by the main process: a reload keeps it although the system is still dark.
  await page.reload();
  await expect.poll(() => background(page)).toBe(light);
  await settings.click();
  await page.getByLabel('Appearance').selectOption('dark');
  await expect.poll(() => background(page)).toBe(dark);
  await page.screenshot({ path: join(SHOTS, 'theme-dark.png'), animations: 'disabled' });
  await page.getByLabel('Appearance').selectOption('system');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(() => background(page)).toBe(light);

  // The browser host has no tray, so that setting is not offered.
  await expect(page.getByLabel('Keep running in the tray when the window is closed')).toHaveCount(0);

  await page.getByRole('button', { name: 'About Plugboard' }).click();
  const about = page.getByRole('dialog', { name: 'About Plugboard' });
  await expect(about).toContainText(/Version\s*0\.1\.0/);
  await expect(about).toContainText('a passphrase only you know');
  await page.screenshot({ path: join(SHOTS, 'about.png'), animations: 'disabled' });
});
