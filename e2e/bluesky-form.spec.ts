// The app-password form (the shared "form → test → save" shape) through the real UI, against the
// demo's fake Bluesky PDS: a main password is refused with a sentence, Test connection says who
// it is and stores nothing, Connect adds the pill, and the password never comes back to the page.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { spawnPrintingUrl, type UrlProcess } from './support/url-process.ts';
import { openPlatform } from './support/window-checks.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
const APP_PASSWORD = 'abcd-efgh-ijkl-mnop';
let demo: UrlProcess | null = null;

test.afterEach(async () => {
  await demo?.stop('SIGTERM');
  demo = null;
});

test('Bluesky: main password refused, Test connection stores nothing, Connect adds the pill', async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  demo = await spawnPrintingUrl('src-main/host/demo.ts', []);
  await page.goto(demo.url);
  const bsky = await openPlatform(page, 'Bluesky');
  // No accounts yet: the card opens on the form, and Connect leads there too.
  await bsky.getByRole('button', { name: 'Connect Bluesky' }).click();
  await expect(bsky.getByRole('tab', { name: 'Add account' })).toHaveAttribute('aria-selected', 'true');
  await expect(bsky).toContainText('App password · the session renews itself');

  await bsky.getByLabel('Handle or email').fill('alice.bsky.social');
  await bsky.getByLabel('App password').fill('my-main-password');
  await bsky.getByRole('button', { name: 'Test connection' }).click();
  await expect(bsky.getByRole('alert')).toContainText(/app password/i);

  await bsky.getByLabel('App password').fill(APP_PASSWORD);
  await bsky.getByRole('button', { name: 'Test connection' }).click();
  await expect(bsky.getByRole('status').filter({ hasText: 'Works: @alice.bsky.social' })).toBeVisible();
  await bsky.screenshot({ path: join(SHOTS, 'bluesky-form-tested.png'), animations: 'disabled' });
  // A test stores nothing.
  await bsky.getByRole('tab', { name: 'Accounts' }).click();
  await expect(bsky.getByTestId('pill')).toHaveCount(0);

  await bsky.getByRole('tab', { name: 'Add account' }).click();
  await bsky.getByLabel('Handle or email').fill('alice.bsky.social');
  await bsky.getByLabel('App password').fill(APP_PASSWORD);
  await bsky.getByRole('button', { name: 'Connect', exact: true }).click();
  const pill = bsky.getByTestId('pill');
  await expect(pill).toHaveCount(1);
  await expect(pill).toContainText('@alice.bsky.social');
  await expect(pill).toHaveAttribute('data-status', 'connected');
  expect(await page.content()).not.toContain(APP_PASSWORD);

  // Its session renews through the refresh icon (a rotating refresh JWT).
  await bsky.getByRole('button', { name: 'Refresh @alice.bsky.social' }).click();
  await expect(page.getByText('Refreshed @alice.bsky.social')).toBeVisible();
});
