// The waiting panel's other doors, through the real renderer in Debian's Chromium,
// against the host process and an in-process fake X: Cancel, pasting the address the
// browser landed on, and dismissing a flow that ended in an error.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { freePort } from '../src-main/fakes/free-port.ts';
import { startFakeX, type FakeX } from '../src-main/fakes/x.ts';
import { startHostProcess, type HostProcess } from './support/host-process.ts';
import { tokenOf } from './support/url-process.ts';
import { openPlatform } from './support/window-checks.ts';
import { openConfPrefs } from '../src-main/prefs/prefs.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
const PASSPHRASE = 'e2e flow passphrase';
const CLIENT = { id: 'e2e-flow-client-id', secret: 'e2e-flow-client-secret-91c4' };
const WAITING = 'Waiting for authorization in your browser';

test.describe.configure({ mode: 'serial' });

let fake: FakeX;
let host: HostProcess;
let dataDir: string;
let loopbackPort: number;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  fake = await startFakeX();
  dataDir = mkdtempSync(join(tmpdir(), 'plugboard-e2e-flow-'));
  loopbackPort = await freePort();
  openConfPrefs(dataDir).set('redirect', { x: { kind: 'loopback', port: loopbackPort } });
  fake.registerApp({ clientId: CLIENT.id, clientSecret: CLIENT.secret, redirectUris: [`http://127.0.0.1:${loopbackPort}/callback/x`], name: 'Plugboard E2E' });
  host = await startHostProcess({ dataDir, passphrase: PASSPHRASE, origins: fake.originMap() });
  // Credentials through the API (connect-x.spec.ts covers the form), with the token from the printed URL.
  const saved = await fetch(`${host.origin}/api/credentials.save`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokenOf(host.url)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ platform: 'x', clientId: CLIENT.id, clientSecret: CLIENT.secret }),
  });
  expect(saved.status, await saved.clone().text()).toBe(200);
  expect(((await saved.json()) as { ok: boolean }).ok).toBe(true);
});

test.afterAll(async () => {
  await host?.stop();
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const xCard = (page: Page) => page.getByRole('region', { name: 'X (Twitter)' });
const pills = (page: Page) => xCard(page).getByTestId('pill');
const waitingPanel = (page: Page) => xCard(page).getByRole('status').filter({ hasText: WAITING });
const userId = (username: string) => fake.users.find((u) => u.username === username)!.id;
const tokenExchanges = () => fake.requests.filter((r) => r.endpoint === 'token').length;

/** Opens the app and waits until platforms and accounts are loaded (they arrive together). */
async function open(page: Page): Promise<void> {
  await page.goto(host.url);
  await openPlatform(page, 'X (Twitter)');
  await expect(xCard(page).getByRole('tab', { name: 'Accounts' })).toHaveAttribute('aria-selected', 'true');
}

/**
 * Clicks Connect and returns the tab the app opened (the fake's authorize page). Waits for the
 * waiting panel unless the fake decides at once (auto-approve/deny), when it may already be gone.
 */
async function startConnect(page: Page, { waits = true } = {}) {
  const popup = page.waitForEvent('popup');
  await xCard(page).getByRole('button', { name: 'Connect X (Twitter)' }).click();
  if (waits) await expect(waitingPanel(page)).toBeVisible();
  return popup;
}

test('Cancel closes the panel, says so, and a consent given afterwards is not used', async ({ page }) => {
  await open(page);
  await expect(pills(page)).toHaveCount(0);
  fake.clearRequests();
  const consent = await startConnect(page);
  await expect(consent.getByRole('button', { name: 'Authorize app' })).toBeVisible();

  const panel = waitingPanel(page);
  await expect(panel.getByRole('button', { name: 'Copy link' })).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Open again' })).toBeVisible();
  await page.screenshot({ path: join(SHOTS, 'waiting.png'), fullPage: true, animations: 'disabled' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(SHOTS, 'waiting-dark.png'), fullPage: true, animations: 'disabled' });
  await page.emulateMedia({ colorScheme: 'light' });

  await panel.getByRole('button', { name: 'Cancel' }).click();
  await expect(waitingPanel(page)).toHaveCount(0);
  const notice = xCard(page).locator('.flow-notice');
  await expect(notice).toHaveText('You cancelled — nothing changed.');
  // Neutral: a status, not an alert, and not painted as an error.
  await expect(notice).toHaveAttribute('role', 'status');
  await expect(notice).toHaveClass(/flow-notice--neutral/);
  await expect(xCard(page).getByRole('button', { name: 'Connect X (Twitter)' })).toBeEnabled();

  // The consent tab is still open: approving there now reaches a listener that is gone (or that refuses).
  await consent.getByRole('radio', { name: /@alice_creates/ }).check();
  await consent.getByRole('button', { name: 'Authorize app' }).click();
  await expect.poll(async () => consent.locator('body').innerText().catch(() => ''), { timeout: 10_000 }).toMatch(/not used|refused/i);
  await consent.close();

  await expect(notice).toHaveText(/cancelled/i);
  await expect(pills(page)).toHaveCount(0);
  expect(tokenExchanges()).toBe(0);
  // Nor after a reload, which asks the host afresh.
  await open(page);
  await expect(pills(page)).toHaveCount(0);
});

test('when the browser does not come back, pasting the landing URL finishes the connection', async ({ page }) => {
  await open(page);
  const before = await pills(page).count();
  // The redirect to the loopback listener never arrives. Playwright cannot route a redirect's
  // target, so the fake's approving 302 is taken apart here: its Location is the address the
  // user would copy from the address bar, and the tab gets a page instead of the redirect.
  // Only the first answer counts: a page that failed to load may be reloaded by Chromium.
  let landingUrl = '';
  await page.context().route(
    (url) => url.origin === fake.origin && url.pathname === '/i/oauth2/authorize',
    async (route) => {
      if (!landingUrl) {
        const answer = await route.fetch({ maxRedirects: 0 });
        landingUrl = answer.headers()['location'] ?? `no Location (${answer.status()})`;
      }
      await route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>No answer</title><p>The redirect to Plugboard was held back.</p>' });
    },
  );
  fake.autoApprove(userId('alice_creates'));
  await startConnect(page);
  await expect.poll(() => landingUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${loopbackPort}/callback/x\\?.*code=`));
  expect(tokenExchanges()).toBe(0);

  const panel = waitingPanel(page);
  await expect(panel).toBeVisible();
  await panel.getByText("Browser didn't come back?").click();
  const field = panel.getByLabel('Landing URL');
  await expect(field).toBeVisible();
  const finish = panel.getByRole('button', { name: 'Finish' });
  await expect(finish).toBeDisabled();

  // Garbage is refused in a plain sentence, and nothing is added.
  await field.fill('hello, this is not an address');
  await finish.click();
  await expect(panel.getByRole('alert')).toHaveText('That is not a web address. Paste the whole address from the browser, starting with http or plugboard.');
  await page.screenshot({ path: join(SHOTS, 'manual-paste.png'), fullPage: true, animations: 'disabled' });
  // An address of another sign-in (its state does not match) is refused too.
  const foreign = new URL(landingUrl);
  foreign.searchParams.set('state', 'S'.repeat(43));
  await field.fill(foreign.href);
  await finish.click();
  await expect(panel.getByRole('alert')).toHaveText(/does not belong to the Connect in progress/);
  await expect(panel).toBeVisible();
  await expect(pills(page)).toHaveCount(before);
  expect(tokenExchanges()).toBe(0);

  await field.fill(landingUrl);
  await finish.click();
  await expect(waitingPanel(page)).toHaveCount(0);
  const alice = pills(page).filter({ hasText: '@alice_creates' });
  await expect(alice).toHaveAttribute('data-status', 'connected');
  await expect(alice.getByRole('img', { name: 'Connected' })).toBeVisible();
  await expect(pills(page)).toHaveCount(before + 1);
  await expect(page.getByText('Connected @alice_creates')).toBeVisible();
  await expect(xCard(page).locator('.flow-notice')).toHaveCount(0);
  expect(tokenExchanges()).toBe(1);
});

test('a declined connection is said calmly, a failed one as an error, each until Dismiss', async ({ page }) => {
  await open(page);
  const before = await pills(page).count();
  const card = xCard(page);
  const alert = card.locator('.flow-notice');

  // Declined at X: the user's own choice, so a status, not an alert.
  fake.autoDeny();
  let popup = await startConnect(page, { waits: false });
  await expect(alert).toContainText('You cancelled — nothing changed.');
  await expect(alert).toHaveText(/declined/i);
  await expect(alert).toHaveAttribute('role', 'status');
  await expect(alert).toHaveClass(/flow-notice--neutral/);
  await popup.close();
  await alert.getByRole('button', { name: 'Dismiss', exact: true }).click();
  await expect(alert).toHaveCount(0);
  await expect(waitingPanel(page)).toHaveCount(0);
  await expect(card.getByRole('button', { name: 'Connect X (Twitter)' })).toBeEnabled();

  // Approved, but the token exchange fails at X.
  fake.autoApprove(userId('bob_builds'));
  fake.failNext('token', 'server_error');
  popup = await startConnect(page, { waits: false });
  await expect(alert).toHaveAttribute('role', 'alert');
  await expect(alert).toContainText('X (Twitter)');
  // The tab the browser came back to says the same sentence as the app.
  const why = (await alert.innerText()).trim();
  expect(why).not.toMatch(/declined/i);
  await expect(popup.locator('body')).toContainText('Not connected');
  await expect(popup.locator('body')).toContainText(why);
  await popup.close();
  await alert.getByRole('button', { name: 'Dismiss', exact: true }).click();
  await expect(alert).toHaveCount(0);
  await expect(pills(page)).toHaveCount(before);
  await expect(card.getByRole('button', { name: 'Connect X (Twitter)' })).toBeEnabled();
});
