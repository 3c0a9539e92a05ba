// Choosing what to connect (F4) through the real UI: the demo's fake Google has a login with two
// YouTube channels; the card offers both, and each one picked becomes its own pill.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { spawnPrintingUrl, type UrlProcess } from './support/url-process.ts';
import { backToPlugboard, openConsent, openPlatform, shoot } from './support/window-checks.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
let demo: UrlProcess | null = null;

test.afterEach(async () => {
  await demo?.stop('SIGTERM');
  demo = null;
});

test('a Google login with two channels: pick both, two pills; connecting again offers them as already connected', async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  demo = await spawnPrintingUrl('src-main/host/demo.ts', []);
  await page.goto(demo.url);
  const yt = await openPlatform(page, 'YouTube');

  const signIn = async () => {
    const consent = await openConsent(page, yt.getByRole('button', { name: 'Connect YouTube' }));
    await consent.getByRole('radio', { name: /ana\.example@gmail\.com/ }).check();
    await consent.getByRole('button', { name: 'Authorize app' }).click();
    await expect(consent.locator('body')).toContainText(/Choose what to connect in Plugboard/);
    await consent.setViewportSize({ width: 800, height: 600 });
    await shoot(consent, 'landing-almost-done-800');
    await backToPlugboard(consent);
  };

  // A Desktop app client has no redirect field: the setup says there is nothing to register, and shows no address to copy.
  await yt.getByRole('tab', { name: 'Credentials' }).click();
  await yt.getByRole('button', { name: /Where the browser comes back/ }).click();
  await expect(yt).toContainText('2.1Nothing to register here');
  await expect(yt.getByRole('group', { name: 'Redirect URI' })).toHaveCount(0);
  await expect(yt).not.toContainText('Register exactly');
  await yt.getByRole('tab', { name: 'Accounts' }).click();

  await signIn();
  const choices = yt.getByRole('list', { name: 'YouTube choices' });
  await expect(yt.getByText('Choose what to connect from YouTube')).toBeVisible();
  await expect(choices.getByRole('checkbox')).toHaveCount(2);
  await expect(choices.getByRole('checkbox', { checked: true })).toHaveCount(2);
  await yt.screenshot({ path: join(SHOTS, 'youtube-picker.png'), animations: 'disabled' });
  await yt.getByRole('button', { name: 'Connect 2 accounts' }).click();

  const pills = yt.getByTestId('pill');
  await expect(pills).toHaveCount(2);
  await expect(pills.filter({ hasText: '@anacooks' })).toHaveAttribute('data-status', 'connected');
  await expect(pills.filter({ hasText: '@anatravels' })).toHaveAttribute('data-status', 'connected');

  // Again: both are marked as already connected and nothing is pre-picked; picking one renews it in place.
  const before = await pills.filter({ hasText: '@anacooks' }).getAttribute('data-account-id');
  await signIn();
  await expect(choices.getByText(/already connected/)).toHaveCount(2);
  await expect(choices.getByRole('checkbox', { checked: true })).toHaveCount(0);
  await expect(yt.getByRole('button', { name: 'Connect 0 accounts' })).toBeDisabled();
  await choices.getByRole('checkbox').first().check();
  await yt.getByRole('button', { name: 'Connect 1 account' }).click();
  await expect(page.getByText(/Renewed @anacooks/)).toBeVisible();
  await expect(pills).toHaveCount(2);
  expect(await pills.filter({ hasText: '@anacooks' }).getAttribute('data-account-id')).toBe(before);
});
