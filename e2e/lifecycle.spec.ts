// A connection's life through the real renderer in Debian's Chromium, against the
// demo process (its own fake X, whose refresh tokens live 10 days) moved through
// time with its dev-only `+4d` on stdin: green → yellow with a notice → red →
// Reconnect renews the same pill → its history says so → Refresh all.
// Then the settings, and the offline state (F13) as the page shows it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startDemo, type DemoProcess } from './support/demo-process.ts';
import { openNotices, openPlatform, showSection } from './support/window-checks.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');

test.describe.configure({ mode: 'serial' });

let demo: DemoProcess;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  demo = await startDemo();
});

test.afterAll(async () => {
  await demo?.stop();
});

const xCard = (page: Page) => page.getByRole('region', { name: 'X (Twitter)' });
const pills = (page: Page) => xCard(page).getByTestId('pill');
const unread = (page: Page) => page.getByTestId('unread-count');
const details = (page: Page, handle: string) => page.getByRole('region', { name: `Details for ${handle}` });
/** A date in a sentence, as the window writes it in Chromium's en-US: "Dec 15", with the year only when it is not this one. */
const DAY = /[A-Z][a-z]{2} \d{1,2}(, \d{4})?/;
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, name), fullPage: true, animations: 'disabled' });

/**
 * Toasts float over whatever a screenshot is about: dismiss them first. A success toast also goes by
 * itself (4 s): one counted here may be gone by the click, which then waits for a toast that never
 * comes (a clean-clone run timed out so). A click that finds none left is done.
 */
async function dismissToasts(page: Page): Promise<void> {
  const buttons = page.getByRole('button', { name: 'Dismiss notification' });
  while ((await buttons.count()) > 0) {
    await buttons
      .first()
      .click({ timeout: 5_000 })
      .catch(async (error: unknown) => {
        if ((await buttons.count()) > 0) throw error;
      });
  }
}

/** Opens the app on the X card and waits until platforms and accounts are loaded. */
async function open(page: Page): Promise<void> {
  await page.goto(demo.url);
  await openPlatform(page, 'X (Twitter)');
  await expect(xCard(page).getByRole('tab', { name: 'Accounts' })).toHaveAttribute('aria-selected', 'true');
}

/** Clicks `button` (Connect or Reconnect), approves as `username` in the consent tab it opened, and closes that tab. */
async function consentAs(page: Page, button: ReturnType<Page['getByRole']>, username: string): Promise<void> {
  const popup = page.waitForEvent('popup');
  await button.click();
  await expect(xCard(page).getByText('Waiting for authorization in your browser')).toBeVisible();
  const consent = await popup;
  await consent.getByRole('radio', { name: new RegExp(`@${username}`) }).check();
  await consent.getByRole('button', { name: 'Authorize app' }).click();
  await expect(consent.locator('body')).toContainText(new RegExp(`@${username} is (re)?connected`));
  await consent.close();
}

test('green → yellow with a notice → red → Reconnect renews the same pill; its history and Refresh all', async ({ page }) => {
  await open(page);
  const card = xCard(page);
  await consentAs(page, card.getByRole('button', { name: 'Connect X (Twitter)' }), 'alice_creates');
  await expect(pills(page)).toHaveCount(1);
  const pill = pills(page).first();
  await expect(pill).toHaveAttribute('data-status', 'connected');
  const accountId = await pill.getAttribute('data-account-id');
  expect(accountId).toBeTruthy();
  await expect(unread(page)).toHaveCount(0);

  // Four days on: the access token was renewed on the way, and the refresh token has 6 of its 10 days left.
  await demo.travel('+4d');
  await openPlatform(page, 'X (Twitter)');
  await expect(pill).toHaveAttribute('data-status', 'expiring');
  await expect(pill.locator('.status-dot')).toHaveAccessibleName('Expiring soon');
  // One date in words on the pill, its tooltip and the card's header; the badge is yellow, not red.
  await expect(pill).toContainText(new RegExp(`Needs you by ${DAY.source} — Reconnect`));
  await expect(pill.getByRole('button', { name: /^Details for/ })).toHaveAttribute('title', new RegExp(`Needs you by ${DAY.source}`));
  await expect(card.locator('.card-sub')).toHaveText(new RegExp(`^Rotating refresh tokens · 1 account needs you by ${DAY.source}$`));
  await expect(card.getByRole('tab', { name: /Accounts/ }).locator('.count')).toHaveAttribute('data-status', 'expiring');
  await expect(pill.getByRole('button', { name: 'Reconnect @alice_creates' })).toBeEnabled();
  await expect(unread(page)).toHaveText('1 unread');

  const list = await openNotices(page);
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list).toContainText(/@alice_creates expires in 6 days/);
  await expect(list).toContainText('(unread)');
  // Reading is the user's word ("Mark all read"), not a side effect of looking.
  await expect(unread(page)).toHaveText('1 unread');
  await list.getByRole('button', { name: 'Mark all read' }).click();
  await expect(unread(page)).toHaveCount(0);
  await expect(list).not.toContainText('(unread)');
  await shot(page, 'lifecycle-1-expiring-notice.png');

  // A notice leads to its account on the Accounts page: details open, the pill is brought into view, Reconnect has the focus.
  await list.getByRole('button', { name: /expires in 6 days/ }).click();
  await expect(list).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();
  const overviewPill = page.getByTestId('pill').filter({ hasText: '@alice_creates' });
  await expect(details(page, '@alice_creates')).toBeVisible();
  await expect(overviewPill.getByRole('button', { name: 'Reconnect @alice_creates' })).toBeFocused();
  await expect(details(page, '@alice_creates').locator('.details-when')).toHaveText(new RegExp(`^Needs you by ${DAY.source}$`));
  await expect(details(page, '@alice_creates').getByRole('button', { name: 'Reconnect' })).toBeVisible();
  await expect(overviewPill).toHaveClass(/pill--spotlight/);

  // Seven more: the refresh token died on day 10 and the pill is red. Plugboard does not ask X to renew a
  // connection past its deadline, so there is one red notice ("has expired"), not a second "refused" one.
  await demo.travel('+7d');
  await expect(overviewPill).toHaveAttribute('data-status', 'expired');
  await expect(overviewPill).toContainText(new RegExp(`Stopped ${DAY.source} — Reconnect`));
  await expect(page.getByRole('region', { name: 'Stopped working' })).toContainText('@alice_creates');
  // Renewing cannot bring back a connection past its deadline: only Reconnect is offered.
  await expect(overviewPill.getByRole('button', { name: 'Refresh @alice_creates' })).toHaveCount(0);
  const noticesNow = await demo.api('notices.list', {});
  expect(noticesNow.map((n: { title: string }) => n.title)).toEqual(['X (Twitter) @alice_creates has expired', 'X (Twitter) @alice_creates expires in 6 days']);
  // The notice's highlight fades by itself.
  await expect(overviewPill).not.toHaveClass(/pill--spotlight/, { timeout: 5000 });
  await dismissToasts(page);
  await shot(page, 'lifecycle-2-expired.png');
  await expect(unread(page)).toHaveText('1 unread');

  // Reconnect on the card → consent → the same pill, green again.
  await openPlatform(page, 'X (Twitter)');
  await expect(pill).toHaveAttribute('data-status', 'expired');
  // The card's header says the same, and its count is red.
  await expect(card.locator('.card-sub')).toHaveText('Rotating refresh tokens · 1 account stopped — reconnect it');
  await expect(card.getByRole('tab', { name: /Accounts/ }).locator('.count')).toHaveAttribute('data-status', 'expired');
  await consentAs(page, pill.getByRole('button', { name: 'Reconnect @alice_creates' }), 'alice_creates');
  await expect(page.getByText('Renewed @alice_creates')).toBeVisible();
  await expect(pills(page)).toHaveCount(1);
  await expect(pills(page).first()).toHaveAttribute('data-account-id', accountId!);
  await expect(pill).toHaveAttribute('data-status', 'connected');
  await expect(pill).not.toContainText('Reconnect');

  // Its history tells the story, newest first.
  const panel = details(page, '@alice_creates');
  if (!(await panel.isVisible())) await pill.getByRole('button', { name: 'Details for @alice_creates' }).click();
  const activity = panel.getByRole('list', { name: 'Recent activity' });
  await expect(activity.getByRole('listitem').first()).toContainText('Reconnected');
  const entries = await activity.getByRole('listitem').allInnerTexts();
  const kinds = entries.map((e) => e.split('\n')[0]!.trim());
  expect(kinds[0]).toBe('Reconnected');
  expect(kinds.some((k) => k.startsWith('Refresh failed: '))).toBe(false);
  expect(kinds.some((k) => k === 'Refreshed' || k === 'Recovered')).toBe(true);
  expect(kinds.at(-1)).toBe('Connected');
  // Each entry has an exact time on hover.
  await expect(activity.locator('time').first()).toHaveAttribute('title', /\d/);
  await expect(panel).toContainText('Premium');
  await expect(panel.getByRole('button', { name: 'Refresh premium status' })).toBeEnabled();
  // Green again: its one date is the new deadline, as information; no Reconnect, no error, the header's promise back.
  await expect(panel.locator('.details-reason')).toHaveAttribute('data-status', 'connected');
  await expect(panel.locator('.details-when')).toHaveText(new RegExp(`^Needs you by ${DAY.source}$`));
  await expect(panel.getByRole('button', { name: 'Reconnect' })).toHaveCount(0);
  await expect(panel).not.toContainText('Last error');
  await expect(card.locator('.card-sub')).toHaveText('Rotating refresh tokens · renews itself');
  await expect(card.getByRole('tab', { name: /Accounts/ }).locator('.count')).not.toHaveAttribute('data-status');
  await dismissToasts(page);
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: join(SHOTS, 'lifecycle-3-details.png'), animations: 'disabled' });

  // Token management, in Settings: Refresh all now, and the X premium status.
  await showSection(page, 'Settings');
  const tools = page.getByRole('region', { name: 'Token management' });
  await tools.getByRole('button', { name: 'Refresh all now' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^1 renewed$/ })).toBeVisible();
  await openPlatform(page, 'X (Twitter)');
  await expect(activity.getByRole('listitem').first()).toContainText('Refreshed');
  await panel.getByRole('button', { name: 'Refresh premium status' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Premium status updated — @alice_creates: Premium' })).toBeVisible();
  await showSection(page, 'Settings');
  await tools.getByRole('button', { name: 'Refresh X premium status' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Premium status updated — @alice_creates: Premium' })).toHaveCount(2);
  await shot(page, 'lifecycle-4-token-management.png');

  // Dark: the green account on the overview, and the notices (all read now).
  await dismissToasts(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  await showSection(page, 'Accounts');
  await expect(page.getByRole('region', { name: /^Working/ })).toContainText('@alice_creates');
  await shot(page, 'lifecycle-5-dark-overview.png');
  const notices = await openNotices(page);
  await expect(notices.getByRole('listitem')).toHaveCount(2);
  // The red one came after the list was marked read: it is the one marked unread. The Reconnect resolved both.
  await expect(notices.getByRole('listitem').filter({ hasText: '(unread)' })).toHaveCount(1);
  await expect(notices.getByRole('listitem').first()).toContainText('(unread)');
  await expect(notices.getByRole('listitem').filter({ hasText: /Resolved — reconnected at/ })).toHaveCount(2);
  await shot(page, 'lifecycle-5-dark.png');
});

test('settings: the warning window moves the yellow threshold; no launch-at-login in the browser host', async ({ page }) => {
  await open(page);
  const pill = pills(page).first();
  await expect(pill).toHaveAttribute('data-status', 'connected');
  await showSection(page, 'Settings');
  const tools = page.getByRole('main');
  const days = tools.getByRole('spinbutton', { name: /Warn me/ });
  await expect(days).toHaveValue('7');
  await expect(tools.getByRole('checkbox', { name: 'Launch Plugboard at login' })).toHaveCount(0);

  // Out of range: refused in plain words, tied to the field.
  await days.fill('90');
  await tools.getByRole('button', { name: 'Save' }).click();
  await expect(days).toHaveAttribute('aria-invalid', 'true');
  await expect(tools.getByRole('alert')).toContainText('1 to 60');

  // The reconnected connection has 10 days left: a 12-day window makes it yellow at once.
  await days.fill('12');
  await tools.getByRole('button', { name: 'Save' }).click();
  await expect(days).toHaveAttribute('aria-invalid', 'false');
  await openPlatform(page, 'X (Twitter)');
  await expect(pill).toHaveAttribute('data-status', 'expiring');
  await showSection(page, 'Settings');
  await days.fill('7');
  await tools.getByRole('button', { name: 'Save' }).click();
  await expect(days).toHaveAttribute('aria-invalid', 'false');
  await openPlatform(page, 'X (Twitter)');
  await expect(pill).toHaveAttribute('data-status', 'connected');
});

test('the landing URL field names its error (aria-invalid, aria-describedby)', async ({ page }) => {
  await open(page);
  const card = xCard(page);
  const popup = page.waitForEvent('popup');
  await card.getByRole('button', { name: 'Connect X (Twitter)' }).click();
  await (await popup).close();
  await card.getByText("Browser didn't come back?").click();
  const field = card.getByLabel('Landing URL');
  await expect(field).toHaveAttribute('aria-invalid', 'false');
  await field.fill('not a web address');
  await card.getByRole('button', { name: 'Finish' }).click();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(/not a web address/);
  await card.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(card.getByText('Waiting for authorization in your browser')).toHaveCount(0);
});

test('offline: a calm banner, network actions say why, an offline answer is not a red error', async ({ page }) => {
  // The browser host never sees the OS go offline: the page is shown what the desktop app reports then.
  await page.route('**/api/app.status', async (route) => {
    const real = (await (await route.fetch()).json()) as { ok: boolean; result: Record<string, unknown> };
    await route.fulfill({ json: { ...real, result: { ...real.result, online: false } } });
  });
  await page.route('**/api/accounts.refresh', (route) =>
    route.fulfill({ json: { ok: false, error: { code: 'offline', message: 'You are offline. Plugboard will renew this account by itself when the network is back.' } } }),
  );
  await page.setViewportSize({ width: 1280, height: 1000 });
  await open(page);
  const banner = page.getByRole('status').filter({ hasText: 'Offline — Plugboard will renew your accounts when the network is back' });
  await expect(banner).toBeVisible();
  await showSection(page, 'Settings');
  const tools = page.getByRole('region', { name: 'Token management' });
  const refreshAll = tools.getByRole('button', { name: 'Refresh all now' });
  await expect(refreshAll).toBeDisabled();
  await expect(refreshAll).toHaveAccessibleDescription(/offline/i);
  await openPlatform(page, 'X (Twitter)');
  await expect(banner).toBeVisible();
  await expect(xCard(page).getByRole('button', { name: 'Connect X (Twitter)' })).toBeDisabled();
  await expect(xCard(page).getByRole('button', { name: 'Connect X (Twitter)' })).toHaveAttribute('title', /offline/i);
  const refresh = xCard(page).getByRole('button', { name: 'Refresh @alice_creates' });
  await expect(refresh).toHaveAttribute('title', /offline/i);
  await refresh.click();
  await expect(page.getByRole('status').filter({ hasText: 'You are offline. Plugboard will renew this account by itself' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await shot(page, 'lifecycle-6-offline.png');
});
