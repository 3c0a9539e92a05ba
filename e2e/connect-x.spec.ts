// The real renderer (Vite build) in Debian's Chromium, against the real core in
// the browser host process, against the fake X over HTTP on loopback.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, test, type Page } from '@playwright/test';
import { freePort } from '../src-main/fakes/free-port.ts';
import { startFakeX, type FakeX } from '../src-main/fakes/x.ts';
import { startHostProcess, type HostProcess } from './support/host-process.ts';
import { backToPlugboard, checkAxe, openConsent, openPlatform, shoot } from './support/window-checks.ts';
import { openConfPrefs } from '../src-main/prefs/prefs.ts';
import { DB_FILE } from '../src-main/store/db.ts';
import { PassphraseKeyWrapper } from '../src-main/vault/passphrase-wrapper.ts';
import { Secrets } from '../src-main/vault/secrets.ts';
import { Vault } from '../src-main/vault/vault.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
const PASSPHRASE = 'e2e passphrase';
const CLIENT = { id: 'e2e-x-client-id', secret: 'e2e-x-client-secret-5b7c' };

test.describe.configure({ mode: 'serial' });

let fake: FakeX;
let host: HostProcess;
let dataDir: string;
let redirectUri: string;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  fake = await startFakeX();
  dataDir = mkdtempSync(join(tmpdir(), 'plugboard-e2e-'));
  const port = await freePort();
  redirectUri = `http://127.0.0.1:${port}/callback/x`;
  openConfPrefs(dataDir).set('redirect', { x: { kind: 'loopback', port } });
  fake.registerApp({ clientId: CLIENT.id, clientSecret: CLIENT.secret, redirectUris: [redirectUri], name: 'Plugboard E2E' });
  host = await startHostProcess({ dataDir, passphrase: PASSPHRASE, origins: fake.originMap() });
});

test.afterAll(async () => {
  await host?.stop();
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Opens the window and waits for it to show the X card or the sidebar section that leads to it. */
async function openWindow(page: Page): Promise<void> {
  await page.goto(host.url);
  await expect(page.getByRole('region', { name: 'X (Twitter)' }).or(page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Platforms' })).first()).toBeVisible();
}

/** Axe on the card only: the rest of the Platforms page is a11y.spec's. */
const X_CARD = '[data-platform-card="x"]';
const xCard = (page: Page) => page.getByRole('region', { name: 'X (Twitter)' });
const pills = (page: Page) => xCard(page).getByTestId('pill');

/** Clicks Connect, approves as `username` in the fake's page (the tab the app opened), and returns that tab's final text. */
async function connectAs(page: Page, username: string): Promise<string> {
  const popup = page.waitForEvent('popup');
  await xCard(page).getByRole('button', { name: 'Connect X (Twitter)' }).click();
  await expect(xCard(page).getByText('Waiting for authorization in your browser')).toBeVisible();
  const consent = await popup;
  await consent.getByRole('radio', { name: new RegExp(`@${username}`) }).check();
  await consent.getByRole('button', { name: 'Authorize app' }).click();
  await consent.waitForLoadState();
  const text = (await consent.locator('body').innerText()).trim();
  await consent.close();
  return text;
}

test('connect X through the UI: credentials, redirect URI, consent, pill', async ({ page }) => {
  // Axe over the whole window, in two schemes and two sizes, takes its time on a busy machine.
  test.setTimeout(240_000);
  await page.goto(host.url);
  await expect(page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();
  await openPlatform(page, 'X (Twitter)');
  // Every platform of F1 has a section, each with its own Connect.
  for (const name of ['X (Twitter)', 'LinkedIn', 'Facebook Pages', 'Instagram', 'Threads', 'TikTok', 'YouTube', 'Pinterest', 'Bluesky', 'WordPress']) {
    await expect(page.getByRole('region', { name, exact: true }).getByRole('button', { name: `Connect ${name}` })).toBeVisible();
  }
  await expect(page.getByRole('region', { name: /coming soon/i })).toHaveCount(0);
  const card = await openPlatform(page, 'X (Twitter)');
  await expect(card.getByRole('button', { name: 'Connect X (Twitter)' })).toBeDisabled();
  await card.getByRole('tab', { name: 'Credentials' }).click();
  // One step at a time: the first is open, the others wait, and the address is not shown before its step.
  const steps = card.getByRole('list', { name: 'Set up X (Twitter)' }).locator(':scope > li');
  await expect(steps).toHaveCount(4);
  await expect(steps.nth(0)).toHaveAttribute('aria-current', 'step');
  await expect(steps.nth(0)).toContainText('1.3');
  await expect(card.getByText(redirectUri)).toHaveCount(0);
  await page.screenshot({ path: join(SHOTS, '01-credentials-empty.png'), fullPage: true, animations: 'disabled' });

  await card.getByRole('button', { name: 'Next: Register this exact address' }).click();
  await expect(steps.nth(0)).toContainText('Done');
  await expect(steps.nth(1)).toHaveAttribute('aria-current', 'step');
  await expect(card.getByRole('button', { name: /Register this exact address/ })).toBeFocused();
  // Whole and wrapped, never cut: the address is the group's full text.
  await expect(card.getByRole('group', { name: 'Redirect URI' })).toHaveText(redirectUri);
  await expect(steps.nth(1)).toContainText(`2.1Enter ${redirectUri} as the Callback URI`);
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 800, height: 600 },
  ]) {
    await page.setViewportSize(viewport);
    await checkAxe(page, `X setup at ${viewport.width}×${viewport.height}`, X_CARD);
    await shoot(page, `setup-x-address-${viewport.width}`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });

  await card.getByRole('button', { name: 'Next: Paste its keys' }).click();
  // An empty client ID is refused in plain words, and nothing is saved.
  await card.getByLabel('Client secret').fill('something');
  await card.getByRole('button', { name: 'Save credentials' }).click();
  await expect(page.getByText(/Client ID/).first()).toBeVisible();
  await expect(card.getByRole('button', { name: 'Connect X (Twitter)' })).toBeDisabled();

  await card.getByLabel('Client ID').fill(CLIENT.id);
  await card.getByLabel('Client secret').fill(CLIENT.secret);
  await card.getByRole('button', { name: 'Save credentials' }).click();
  await expect(card.getByRole('button', { name: 'Connect X (Twitter)' })).toBeEnabled();
  // Saved: the last step, checking the keys with a Connect, opens, and the first three are done.
  await expect(steps.nth(3)).toHaveAttribute('aria-current', 'step');
  for (const i of [0, 1, 2]) await expect(steps.nth(i)).toContainText('Done');
  await expect(card.getByRole('button', { name: 'Connect to check' })).toBeEnabled();
  await checkAxe(page, 'X setup, keys saved', X_CARD);
  await shoot(page, 'setup-x-check');
  await card.getByRole('button', { name: /Paste its keys/ }).click();
  // The secret never comes back to the page.
  await expect(card.getByLabel('Client secret')).toHaveValue('');
  expect(await page.content()).not.toContain(CLIENT.secret);

  const landing = await connectAs(page, 'plugboard_demo');
  expect(landing).toMatch(/close this tab/i);
  await expect(pills(page)).toHaveCount(1);
  const pill = pills(page).first();
  await expect(pill).toContainText('@plugboard_demo');
  await expect(pill).toHaveAttribute('data-status', 'connected');
  // The picture comes by address from the host, and loads.
  await expect(pill.locator('img')).toHaveAttribute('src', /^\/avatars\/[\w-]+\?v=[\w-]{16}$/);
  await expect(pill.locator('img')).toHaveJSProperty('naturalWidth', 48);
  await page.screenshot({ path: join(SHOTS, '02-connected.png'), fullPage: true, animations: 'disabled' });
});

test('a second account adds a pill; the same account again renews in place', async ({ page }) => {
  await page.goto(host.url);
  await openPlatform(page, 'X (Twitter)');
  await connectAs(page, 'bob_builds');
  await expect(pills(page)).toHaveCount(2);
  // bob's picture answers 404: the pill shows his initial instead.
  const bob = pills(page).filter({ hasText: '@bob_builds' });
  await expect(bob.locator('img')).toHaveCount(0);
  await expect(bob.locator('.avatar--initial')).toHaveAttribute('data-initial', 'B');

  const before = await pills(page).filter({ hasText: '@plugboard_demo' }).getAttribute('data-account-id');
  await connectAs(page, 'plugboard_demo');
  await expect(page.getByText(/Renewed @plugboard_demo|Reconnected @plugboard_demo/).first()).toBeVisible();
  await expect(pills(page)).toHaveCount(2);
  expect(await pills(page).filter({ hasText: '@plugboard_demo' }).getAttribute('data-account-id')).toBe(before);
});

test('Cancel at X is the user’s own choice: said calmly, nothing added, and Back to Plugboard closes the tab', async ({ page }) => {
  await openWindow(page);
  const card = await openPlatform(page, 'X (Twitter)');
  const consent = await openConsent(page, card.getByRole('button', { name: 'Connect X (Twitter)' }));
  await consent.getByRole('radio', { name: /@alice_creates/ }).check();
  await consent.getByRole('button', { name: 'Cancel' }).click();
  await expect(consent.getByRole('heading', { name: 'You cancelled — nothing changed' })).toBeVisible();
  await consent.screenshot({ path: join(SHOTS, 'landing-cancelled.png'), animations: 'disabled' });
  await backToPlugboard(consent);

  const notice = card.locator('.flow-notice');
  await expect(notice).toContainText('You cancelled — nothing changed.');
  await expect(notice).toContainText(/You declined the authorization on X/);
  // Not an error: no alert, not red, no error toast.
  await expect(notice).toHaveAttribute('role', 'status');
  await expect(notice).toHaveClass(/flow-notice--neutral/);
  await expect(page.locator('.toast--error')).toHaveCount(0);
  await expect(pills(page)).toHaveCount(2);
  await page.screenshot({ path: join(SHOTS, '03-declined.png'), fullPage: true, animations: 'disabled' });
});

test('Esc cancels a waiting Connect and gives focus back to Connect, but not while a dialog is open', async ({ page }) => {
  await openWindow(page);
  const card = await openPlatform(page, 'X (Twitter)');
  const popup = page.waitForEvent('popup');
  await card.getByRole('button', { name: 'Connect X (Twitter)' }).click();
  await (await popup).close();
  await expect(card.getByText('Waiting for authorization in your browser')).toBeVisible();

  // A dialog on top takes Esc for itself: the Connect keeps waiting.
  await card.getByRole('button', { name: 'Disconnect @bob_builds' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(card.getByText('Waiting for authorization in your browser')).toBeVisible();

  await page.keyboard.press('Escape');
  await expect(card.getByText('Waiting for authorization in your browser')).toHaveCount(0);
  await expect(card.locator('.flow-notice')).toHaveText('You cancelled — nothing changed.');
  await expect(card.getByRole('button', { name: 'Connect X (Twitter)' })).toBeFocused();
});

test('the refresh icon renews the token at X', async ({ page }) => {
  await page.goto(host.url);
  await openPlatform(page, 'X (Twitter)');
  fake.clearRequests();
  await xCard(page).getByRole('button', { name: 'Refresh @plugboard_demo' }).click();
  await expect.poll(() => fake.requests.filter((r) => r.endpoint === 'refresh' && r.status === 200).length).toBe(1);
  await expect(pills(page).filter({ hasText: '@plugboard_demo' })).toHaveAttribute('data-status', 'connected');
});

test('the X icon asks first, then disconnects and revokes at X', async ({ page }) => {
  await page.goto(host.url);
  await openPlatform(page, 'X (Twitter)');
  const bobId = fake.users.find((u) => u.username === 'bob_builds')!.id;
  expect(fake.liveGrants(bobId)).toBeGreaterThan(0);
  await xCard(page).getByRole('button', { name: 'Disconnect @bob_builds' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('@bob_builds');
  await page.screenshot({ path: join(SHOTS, '04-confirm-disconnect.png'), fullPage: true, animations: 'disabled' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(pills(page)).toHaveCount(2);

  await xCard(page).getByRole('button', { name: 'Disconnect @bob_builds' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
  await expect(pills(page)).toHaveCount(1);
  // The account leaves the list before X is told (its secrets go first); the toast comes once X has answered.
  await expect(page.locator('.toast--success', { hasText: 'Disconnected @bob_builds' })).toHaveCount(1);
  expect(fake.liveGrants(bobId)).toBe(0);
});

test('after a restart the same accounts are there, and no token is readable in the data folder', async ({ page }) => {
  await host.stop();
  host = await startHostProcess({ dataDir, passphrase: PASSPHRASE, origins: fake.originMap() });
  await page.goto(host.url);
  await openPlatform(page, 'X (Twitter)');
  await expect(pills(page)).toHaveCount(1);
  await expect(pills(page).first()).toContainText('@plugboard_demo');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(SHOTS, '05-after-restart-dark.png'), fullPage: true, animations: 'disabled' });

  // Read the live tokens through the vault, then look for them in every file of the data folder and in the host's output.
  const db = new Database(join(dataDir, DB_FILE), { readonly: true });
  const secrets = new Secrets(db, await Vault.open(db, new PassphraseKeyWrapper(PASSPHRASE), 0));
  const id = await pills(page).first().getAttribute('data-account-id');
  const planted = [secrets.get(`account:${id}`, 'access_token')!, secrets.get(`account:${id}`, 'refresh_token')!, CLIENT.secret];
  db.close();
  // Regular files only: the tools' socket lives in the data folder too and cannot be read.
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const s = statSync(join(dir, n));
      return s.isDirectory() ? files(join(dir, n)) : s.isFile() ? [join(dir, n)] : [];
    });
  const everything = Buffer.concat(files(dataDir).map((f) => readFileSync(f)));
  for (const secret of planted) {
    expect(secret.length).toBeGreaterThan(10);
    expect(everything.includes(secret)).toBe(false);
    expect(host.output()).not.toContain(secret);
  }
});

test('the fixed loopback port can be changed when another program holds it', async ({ page }) => {
  await openWindow(page);
  const card = await openPlatform(page, 'X (Twitter)');
  await card.getByRole('tab', { name: 'Credentials' }).click();
  await card.getByRole('button', { name: /Register this exact address/ }).click();
  const port = card.getByLabel('Port');
  await port.fill('80');
  await card.getByRole('button', { name: 'Change port' }).click();
  await expect(card.getByRole('alert').filter({ hasText: '1024 to 65535' })).toBeVisible();

  const newPort = await freePort();
  await port.fill(String(newPort));
  await card.getByRole('button', { name: 'Change port' }).click();
  await expect(card.getByRole('group', { name: 'Redirect URI' })).toHaveText(`http://127.0.0.1:${newPort}/callback/x`);
  await page.screenshot({ path: join(SHOTS, '06-port-changed.png'), fullPage: true, animations: 'disabled' });

  // The next Connect listens there: register it at the fake and connect through it.
  fake.registerApp({ clientId: CLIENT.id, clientSecret: CLIENT.secret, redirectUris: [redirectUri, `http://127.0.0.1:${newPort}/callback/x`], name: 'Plugboard E2E' });
  await card.getByRole('tab', { name: 'Accounts' }).click();
  expect(await connectAs(page, 'alice_creates')).toMatch(/close this tab/i);
  await expect(pills(page).filter({ hasText: '@alice_creates' })).toHaveAttribute('data-status', 'connected');
});
