// Issue 15, status words and severity, against the demo moved through time: each account says one date in
// words ("Renews itself", "Needs you by Dec 15", "Stopped Dec 3"), a red one always says why, the token's own
// facts wait under Advanced, Renew now is offered only where it can help, and one colour scale runs through
// the card's header line, its Accounts badge and the workspace dot. A healthy, an expiring and an expired
// account, light and dark, axe-clean, at 1280×800 and 800×600.
import { mkdirSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { startDemo, type DemoProcess } from './support/demo-process.ts';
import { SHOTS, checkAxe, connectX, openPlatform, shoot } from './support/window-checks.ts';

let demo: DemoProcess;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  demo = await startDemo();
});

test.afterAll(async () => {
  await demo?.stop();
});

/** A date in a sentence, as the window writes it in Chromium's en-US: "Dec 15", the year only when it is not this one. */
const DAY = /[A-Z][a-z]{2} \d{1,2}(, \d{4})?/;
const ISO_DAY = /\d{4}-\d{2}-\d{2}/;

const details = (page: Page, handle: string) => page.getByRole('region', { name: `Details for ${handle}` });
const accountsBadge = (card: Locator) => card.getByRole('tab', { name: /Accounts/ }).locator('.count');

/** The switcher's menu item for the workspace, read with the menu open and closed again. */
async function expectWorkspaceDot(page: Page, status: 'expired' | 'expiring', name: string): Promise<void> {
  await page.getByRole('button', { name: /^Workspace: My workspace/ }).click();
  const dot = page.getByRole('menuitemradio', { name: /My workspace/ }).getByRole('img');
  await expect(dot).toHaveAttribute('data-status', status);
  await expect(dot).toHaveAccessibleName(name);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu', { name: 'Workspaces' })).toHaveCount(0);
}

test('a healthy, an expiring and an expired account: one date, a reason on red, one colour scale', async ({ page }) => {
  // Axe runs eight times, in both schemes, on a 2-core machine shared with other work.
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(demo.url);
  // Loaded (the switcher comes with the first data) before asking whether a card is on screen.
  await expect(page.getByRole('button', { name: /^Workspace: My workspace/ })).toBeVisible();
  const x = await openPlatform(page, 'X (Twitter)');
  await connectX(page, /@alice_creates/);
  const bsky = await openPlatform(page, 'Bluesky');
  await bsky.getByRole('button', { name: 'Connect Bluesky' }).click();
  await bsky.getByLabel('Handle or email').fill('alice.bsky.social');
  await bsky.getByLabel('App password').fill('abcd-efgh-ijkl-mnop');
  await bsky.getByRole('button', { name: 'Connect', exact: true }).click();
  const bskyPill = bsky.getByTestId('pill');
  await expect(bskyPill).toHaveAttribute('data-status', 'connected');

  // Healthy, renewing with no end: it says so, offers Renew now, and keeps the token's dates under Advanced.
  await bskyPill.getByRole('button', { name: 'Details for @alice.bsky.social' }).click();
  const healthy = details(page, '@alice.bsky.social');
  await expect(healthy.locator('.details-when')).toHaveText('Renews itself');
  await expect(healthy.locator('.details-reason')).toContainText('Plugboard renews it before it runs out: nothing for you to do.');
  await expect(bskyPill.getByRole('button', { name: 'Refresh @alice.bsky.social' })).toBeVisible();
  await expect(healthy.getByText('Access token expires')).toBeHidden();
  await healthy.getByText('Advanced', { exact: true }).click();
  await expect(healthy.getByText('Access token expires')).toBeVisible();
  await expect(healthy.getByText('Granted scopes')).toBeVisible();
  await expect(healthy).not.toContainText('Last error');
  await expect(healthy).not.toContainText(ISO_DAY);
  await checkAxe(page, 'a healthy account’s details, Advanced open');
  await healthy.scrollIntoViewIfNeeded();
  await shoot(page, 'status-healthy', healthy);
  await healthy.getByRole('button', { name: 'Close details' }).click();

  // Four days on, X's fixed 10-day connection has 6 left: yellow everywhere, never red.
  await demo.travel('+4d');
  const xPill = x.getByTestId('pill');
  await expect(xPill).toHaveAttribute('data-status', 'expiring');
  await xPill.getByRole('button', { name: 'Details for @alice_creates' }).click();
  const panel = details(page, '@alice_creates');
  const reason = panel.locator('.details-reason');
  await expect(reason).toHaveAttribute('data-status', 'expiring');
  await expect(panel.locator('.details-when')).toHaveText(new RegExp(`^Needs you by ${DAY.source}$`));
  await expect(reason).toContainText('X (Twitter) cannot renew this connection by itself. Reconnect before it ends.');
  await expect(panel).not.toContainText(ISO_DAY);
  await expect(accountsBadge(x)).toHaveAttribute('data-status', 'expiring');
  await expect(x.locator('.card-sub')).toHaveAttribute('data-status', 'expiring');
  await expect(accountsBadge(bsky)).not.toHaveAttribute('data-status');
  await expectWorkspaceDot(page, 'expiring', '1 account needs you soon');
  await checkAxe(page, 'an expiring account’s details');
  await panel.scrollIntoViewIfNeeded();
  await shoot(page, 'status-expiring', panel);

  // Seven more: the connection ended. Red says since when and why, and offers Reconnect, not Renew now.
  await demo.travel('+7d');
  await expect(xPill).toHaveAttribute('data-status', 'expired');
  await expect(reason).toHaveAttribute('data-status', 'expired');
  await expect(panel.locator('.details-when')).toHaveText(new RegExp(`^Stopped ${DAY.source}$`));
  await expect(reason).toContainText('X (Twitter) ends a connection after a fixed time, and this one has ended. Reconnect to sign in again.');
  await expect(reason.getByRole('button', { name: 'Reconnect' })).toBeVisible();
  await expect(xPill).toContainText(new RegExp(`Stopped ${DAY.source} — Reconnect`));
  await expect(xPill.getByRole('button', { name: 'Refresh @alice_creates' })).toHaveCount(0);
  await panel.getByText('Advanced', { exact: true }).click();
  await expect(panel.getByText('Connection ends')).toBeVisible();
  await expect(panel).not.toContainText(/Last error\s*None/);
  await expect(panel).not.toContainText(ISO_DAY);
  // The header no longer promises what this account shows is not true; the other platform's still does.
  await expect(x.locator('.card-sub')).toHaveText('Rotating refresh tokens · 1 account stopped — reconnect it');
  await expect(x.locator('.card-sub')).toHaveAttribute('data-status', 'expired');
  await expect(accountsBadge(x)).toHaveAttribute('data-status', 'expired');
  await expect(bsky.locator('.card-sub')).toHaveText('App password · the session renews itself');
  await expectWorkspaceDot(page, 'expired', '1 account needs you now');
  await checkAxe(page, 'an expired account’s details, Advanced open');
  await panel.scrollIntoViewIfNeeded();
  await shoot(page, 'status-expired', panel);
  await x.scrollIntoViewIfNeeded();
  await shoot(page, 'status-expired-window');

  // A small window: the date and the reason wrap beside Reconnect rather than clip.
  await page.setViewportSize({ width: 800, height: 600 });
  await reason.scrollIntoViewIfNeeded();
  const box = (await reason.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(800);
  await checkAxe(page, 'an expired account’s details at 800×600');
  await shoot(page, 'status-expired-800x600');
});
