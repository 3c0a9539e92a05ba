// WordPress through the same app-password form (F10), against the demo's fake site: a user who
// cannot publish is refused in plain words, Test connection names the site's user, Connect adds the pill.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { spawnPrintingUrl, type UrlProcess } from './support/url-process.ts';
import { openPlatform } from './support/window-checks.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
const ADMIN_PASSWORD = 'abcd EFGH ijkl MNOP qrst UVWX';
let demo: UrlProcess | null = null;

test.afterEach(async () => {
  await demo?.stop('SIGTERM');
  demo = null;
});

const card = (page: Page) => page.getByRole('region', { name: 'WordPress' });

async function fill(page: Page, username: string, password: string) {
  const wp = card(page);
  await wp.getByLabel('Site address').fill('blog.example.com');
  await wp.getByLabel('Username').fill(username);
  await wp.getByLabel('Application password').fill(password);
}

test('WordPress: a subscriber is refused, the admin tests and connects; the password never reaches the page', async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  demo = await spawnPrintingUrl('src-main/host/demo.ts', []);
  await page.goto(demo.url);
  const wp = await openPlatform(page, 'WordPress');
  await expect(wp.getByRole('tab', { name: 'Add account' })).toHaveAttribute('aria-selected', 'true');
  await expect(wp).toContainText('App password · does not expire');

  await fill(page, 'sam', 'subs crib erpa sswo rd00 0001');
  await wp.getByRole('button', { name: 'Test connection' }).click();
  await expect(wp.getByRole('alert')).toContainText(/cannot publish posts/);

  await fill(page, 'admin', ADMIN_PASSWORD);
  await wp.getByRole('button', { name: 'Test connection' }).click();
  await expect(wp.getByRole('status').filter({ hasText: 'Works: @ada' })).toBeVisible();
  await wp.screenshot({ path: join(SHOTS, 'wordpress-form-tested.png'), animations: 'disabled' });
  await wp.getByRole('button', { name: 'Connect', exact: true }).click();
  const pill = wp.getByTestId('pill');
  await expect(pill).toHaveCount(1);
  await expect(pill).toContainText('@ada');
  await expect(pill).toHaveAttribute('data-status', 'connected');
  expect(await page.content()).not.toContain(ADMIN_PASSWORD);
});

test('WordPress: Connect in browser — approve on the site, the password comes back by itself and never reaches the page', async ({ page, context }) => {
  mkdirSync(SHOTS, { recursive: true });
  demo = await spawnPrintingUrl('src-main/host/demo.ts', []);
  await page.goto(demo.url);
  const wp = await openPlatform(page, 'WordPress');
  await expect(wp.getByRole('button', { name: 'Connect in browser' })).toBeDisabled();
  await wp.getByLabel('Site address').fill('http://mysite.local');
  await expect(wp).toContainText('works for local development sites only');
  await wp.screenshot({ path: join(SHOTS, 'wordpress-connect-in-browser.png'), animations: 'disabled' });

  const popup = context.waitForEvent('page');
  await wp.getByRole('button', { name: 'Connect in browser' }).click();
  const site = await popup;
  await expect(site.getByRole('heading', { name: 'Authorize Application' })).toBeVisible();
  await expect(site.locator('body')).toContainText(/Plugboard \d{4}-\d\d-\d\d/);
  await expect(wp).toContainText(/Waiting/i);
  await site.getByRole('button', { name: 'Yes, I approve of this connection' }).click();
  await expect(site.locator('body')).toContainText('is connected to Plugboard');
  // The password rode in the listener's address; the tab shows it no more than WordPress's own redirect did.
  const password = new URL(site.url()).searchParams.get('password')!;
  expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
  await site.close();

  const pill = wp.getByTestId('pill');
  await expect(pill).toHaveCount(1);
  await expect(pill).toContainText('@ada');
  await expect(pill).toHaveAttribute('data-status', 'connected');
  await wp.screenshot({ path: join(SHOTS, 'wordpress-connected-in-browser.png'), animations: 'disabled' });
  expect(await page.content()).not.toContain(password);
});
