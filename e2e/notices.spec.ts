// Notices that resolve (issue 15, point 9), through the real renderer against the demo moved through
// time: two X connections turn yellow with a notice each, one is refused by X and turns red, Refresh all
// says what it renewed and what needs Reconnect and why, "Mark all read" clears the count, and the
// inline Reconnect on a notice mends the account and marks its notice resolved. A success toast goes by
// itself; Refresh all's warning stays until dismissed. Light and dark, 1280×800 and 800×600, axe.
import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startDemo, type DemoProcess } from './support/demo-process.ts';
import { checkAxe, connectX, openConsent, openNotices, openPlatform, SHOTS, shoot, showSection } from './support/window-checks.ts';

test.describe.configure({ mode: 'serial' });

let demo: DemoProcess;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  demo = await startDemo();
});

test.afterAll(async () => {
  await demo?.stop();
});

/** The demo's fake X, driven through its test controls. */
async function fakeX(control: string, body: object): Promise<any> {
  const origin = /fake X:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(demo.output())?.[1];
  if (!origin) throw new Error(`the demo did not name its fake X:\n${demo.output()}`);
  const res = await fetch(`${origin}/__control/${control}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return ((await res.json()) as { result: unknown }).result;
}

/** The unread count on the sidebar's Notices entry. */
const unreadCount = (page: Page) => page.getByTestId('unread-count');
/** Refresh all, on the Settings page. */
async function refreshAll(page: Page): Promise<void> {
  await showSection(page, 'Settings');
  await page.getByRole('button', { name: 'Refresh all now' }).click();
}

const rows = (list: ReturnType<Page['getByRole']>) => list.getByRole('listitem');

test('notices: severity colours, Refresh all says what it did not do, Mark all read, an inline Reconnect resolves', async ({ page }) => {
  // Four axe runs and eight screenshots on a shared machine: more than the default minute.
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(demo.url);
  const card = await openPlatform(page, 'X (Twitter)');
  await connectX(page, /@alice_creates/);
  await expect(card.getByTestId('pill')).toHaveCount(1);
  await connectX(page, /@bob_builds/);
  await expect(card.getByTestId('pill')).toHaveCount(2);
  await expect(unreadCount(page)).toHaveCount(0);

  // Four days on, both refresh tokens have 6 of their 10 days left: one yellow notice each, yellow count.
  await demo.travel('+4d');
  await expect(unreadCount(page)).toHaveText(/^2( unread)?$/);
  await expect(unreadCount(page)).toHaveAttribute('data-severity', 'soon');
  let list = await openNotices(page);
  await expect(rows(list)).toHaveCount(2);
  for (const row of await rows(list).all()) {
    await expect(row).toHaveAttribute('data-severity', 'soon');
    await expect(row).toContainText('Needs you soon');
  }
  await expect(list.getByRole('button', { name: 'Reconnect @alice_creates' })).toBeVisible();
  await expect(list.getByRole('heading', { name: '2 unread' })).toBeVisible();
  await shoot(page, 'notices-1-expiring-1280');
  await checkAxe(page, 'two yellow notices');
  await page.keyboard.press('Escape');

  // X refuses bob's token: Refresh all renews nothing that still ends, and says why each needs Reconnect.
  const bob = ((await fakeX('users', {})) as { id: string; username: string }[]).find((u) => u.username === 'bob_builds')!;
  await fakeX('revoke-user', { userId: bob.id });
  // The travel renewed both access tokens, and a renewal under 5 s old answers a click by itself (a burst of
  // clicks asks X once): a minute on, Refresh all asks X again. The steps above can take less on a quick machine.
  await demo.travel('+1m');
  await refreshAll(page);
  const summary = page.getByRole('alert').filter({ hasText: '2 need Reconnect' });
  await expect(summary).toContainText(/^2 need Reconnect\. @alice_creates: .+\. @bob_builds: .+/);
  // A warning waits for the user: still there after a success toast would have gone.
  await page.waitForTimeout(5000);
  await expect(summary).toBeVisible();
  await summary.getByRole('button', { name: 'Dismiss notification' }).click();

  // bob's red notice makes the count red.
  await expect(unreadCount(page)).toHaveText(/^3( unread)?$/);
  await expect(unreadCount(page)).toHaveAttribute('data-severity', 'urgent');
  await page.setViewportSize({ width: 800, height: 600 });
  list = await openNotices(page);
  await expect(rows(list).first()).toHaveAttribute('data-severity', 'urgent');
  await expect(rows(list).first()).toContainText('@bob_builds needs you');
  await shoot(page, 'notices-2-refused-800');
  await checkAxe(page, 'a red notice at 800×600');

  await list.getByRole('button', { name: 'Mark all read' }).click();
  await expect(list.getByRole('heading', { name: 'All read' })).toBeVisible();
  await expect(list.getByRole('button', { name: 'Mark all read' })).toBeDisabled();
  await expect(unreadCount(page)).toHaveCount(0);
  expect((await demo.api('notices.list', {})).every((n: { read: boolean }) => n.read)).toBe(true);

  // The inline Reconnect on alice's notice: consent in the browser, and her notice is resolved.
  const consent = await openConsent(page, list.getByRole('button', { name: 'Reconnect @alice_creates' }));
  await consent.getByRole('radio', { name: /@alice_creates/ }).check();
  await consent.getByRole('button', { name: 'Authorize app' }).click();
  await expect(consent.locator('body')).toContainText(/@alice_creates is (re)?connected/);
  await consent.close();
  const alice = rows(list).filter({ hasText: '@alice_creates expires in' });
  await expect(alice).toHaveAttribute('data-severity', 'resolved');
  await expect(alice).toContainText(/Resolved — reconnected at \d{1,2}:\d\d/);
  await expect(alice.getByRole('button', { name: /^Reconnect/ })).toHaveCount(0);
  // bob still needs the user: his notices stay open, with their Reconnect.
  await expect(rows(list).filter({ hasText: '@bob_builds needs you' })).toHaveAttribute('data-severity', 'urgent');
  // One Reconnect for him, on his newest notice, not one per notice.
  await expect(list.getByRole('button', { name: 'Reconnect @bob_builds' })).toHaveCount(1);
  await expect(rows(list).first().getByRole('button', { name: 'Reconnect @bob_builds' })).toBeVisible();

  // The success toast goes by itself.
  const renewed = page.getByRole('status').filter({ hasText: 'Renewed @alice_creates' });
  await expect(renewed).toBeVisible();
  await expect(renewed).toHaveCount(0, { timeout: 8000 });
  await shoot(page, 'notices-3-resolved-800');
  await checkAxe(page, 'a resolved notice at 800×600');
  await page.setViewportSize({ width: 1280, height: 800 });
  await shoot(page, 'notices-3-resolved-1280');
});
