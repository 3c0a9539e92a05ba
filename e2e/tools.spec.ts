// Connected tools (issue 13) through the real window against the demo: a tool asks to pair over the
// real Unix socket, the approval dialog shows who asks, the user picks one account and leaves token
// reading off, the tool gets its key and sees only that account; the Connected tools page lists it
// with its grant; Revoke in the window ends the key. Deny, several requests at once, a token read in red
// on the account's activity; axe on the dialog and the page in light and dark; screenshots of both.
import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startDemo, type DemoProcess } from './support/demo-process.ts';
import { checkAxe, connectX, openPlatform, send, shoot, showSection, SHOTS, socketOf } from './support/window-checks.ts';

let demo: DemoProcess | null = null;

test.afterEach(async () => {
  await demo?.stop('SIGTERM');
  demo = null;
});

const pairingDialog = (page: Page, name: string) => page.getByRole('dialog', { name: `“${name}” asks to use your accounts` });

test('pair one account without token reading, use the key, see it listed, Revoke it', async ({ page }) => {
  // 20 s alone here, 40 s with four busy processes beside it.
  test.setTimeout(120_000);
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize({ width: 1200, height: 860 });
  demo = await startDemo();
  const socket = socketOf(demo);
  await page.goto(demo.url);
  await connectX(page, /@alice_creates/);
  await connectX(page, /@bob_builds/);
  await expect(page.getByRole('region', { name: 'X (Twitter)' }).getByTestId('pill')).toHaveCount(2);

  // Before any tool: the page says what a tool is and how to pair the first one.
  await showSection(page, 'Tools');
  await expect(page.getByRole('heading', { name: 'No tools connected yet' })).toBeVisible();
  await expect(page.getByText('plugboard pair --name "my-script"')).toBeVisible();
  await checkAxe(page, 'the Connected tools page, empty');
  await shoot(page, 'tools-empty');

  const asked = send(socket, 'POST', '/v1/pair', { body: { name: 'weekly-report', description: 'python ~/scripts/weekly_report.py' } });
  const dialog = pairingDialog(page, 'weekly-report');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Unverified');
  await expect(dialog).toContainText('python ~/scripts/weekly_report.py');
  await expect(dialog).toContainText(/Asked .* · expires in \d+ minutes/);
  await expect(dialog).not.toContainText('replaces');
  // The safe defaults: every account of the workspace, calls through Plugboard, no token reading.
  await expect(dialog.getByRole('radio', { name: /All accounts of “My workspace”/ })).toBeChecked();
  await expect(dialog.getByRole('checkbox', { name: /Call platform APIs through Plugboard/ })).toBeChecked();
  const readTokens = dialog.getByRole('checkbox', { name: /Read access tokens/ });
  await expect(readTokens).not.toBeChecked();
  await expect(dialog.getByRole('group', { name: 'What it may do' })).toContainText('outside Plugboard, until it expires');
  // The app behind is inert while the dialog is open, and focus starts inside it.
  await expect(page.locator('#root')).toHaveAttribute('inert', '');
  await expect(dialog).toBeFocused();

  await dialog.getByRole('radio', { name: 'Only the accounts I choose' }).check();
  await dialog.getByRole('button', { name: 'Allow' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Choose at least one account, or allow all of them.');
  await dialog.getByRole('checkbox', { name: /@alice_creates/ }).check();
  await checkAxe(page, 'the pairing dialog');
  await shoot(page, 'pairing-dialog');
  await dialog.getByRole('button', { name: 'Allow' }).click();
  await expect(dialog).toHaveCount(0);

  const paired = await asked;
  expect(paired.status).toBe(200);
  const key: string = paired.json.key;
  expect(key).toMatch(/^pbk_/);
  expect(paired.json).toMatchObject({ name: 'weekly-report', capabilities: ['request'] });
  const accounts = await send(socket, 'GET', '/v1/accounts', { key });
  expect(accounts.status).toBe(200);
  expect(accounts.json.map((a: { ref: string }) => a.ref)).toEqual(['x:@alice_creates']);
  const token = await send(socket, 'GET', '/v1/token?account=x:@alice_creates', { key });
  expect([token.status, token.json.error.code]).toEqual([403, 'capability_not_granted']);

  // The page lists it with its grant; the empty state is gone.
  const card = page.getByRole('article', { name: 'weekly-report' });
  await expect(card).toBeVisible();
  await expect(card.getByRole('definition').first()).toHaveText(/@alice_creates/);
  await expect(card).not.toContainText('@bob_builds');
  await expect(card).toContainText('Call platform APIs through Plugboard');
  await expect(card).not.toContainText('Read access tokens');
  await expect(card).toContainText('Not used yet');
  await expect(page.getByRole('heading', { name: 'No tools connected yet' })).toHaveCount(0);

  // A second tool, given every account and token reading: its read is on the account's record, in red.
  const asked2 = send(socket, 'POST', '/v1/pair', { body: { name: 'uploader' } });
  const dialog2 = pairingDialog(page, 'uploader');
  await expect(dialog2).toContainText('It did not say what it is.');
  await dialog2.getByRole('checkbox', { name: /Read access tokens/ }).check();
  await dialog2.getByRole('button', { name: 'Allow' }).click();
  const uploader = await asked2;
  expect(uploader.json.capabilities).toEqual(['request', 'token']);
  const read = await send(socket, 'GET', '/v1/token?account=x:@alice_creates', { key: uploader.json.key });
  expect(read.status).toBe(200);
  const uploaderCard = page.getByRole('article', { name: 'uploader' });
  await expect(uploaderCard).toContainText('All accounts of this workspace, including ones connected later');
  await expect(uploaderCard.getByRole('listitem').filter({ hasText: 'Read access tokens' })).toHaveCSS('color', /rgb\((180, 35, 24|252, 165, 165)\)/);
  await expect(uploaderCard).toContainText(/read the access token\s*on @alice_creates/);
  await checkAxe(page, 'the Connected tools page with two tools');
  await shoot(page, 'connected-tools');

  // Asking again under a paired name says it replaces that tool; denied, the paired one stays.
  const again = send(socket, 'POST', '/v1/pair', { body: { name: 'uploader' } });
  await expect(pairingDialog(page, 'uploader')).toContainText('This replaces the paired tool named “uploader”: its old key stops working.');
  await pairingDialog(page, 'uploader').getByRole('button', { name: 'Deny' }).click();
  expect((await again).json.error.code).toBe('pairing_denied');
  await expect(uploaderCard).toBeVisible();

  // Revoke, confirmed: the key stops working.
  await card.getByRole('button', { name: 'Revoke weekly-report' }).click();
  const confirm = page.getByRole('dialog', { name: 'Revoke “weekly-report”?' });
  await expect(confirm).toContainText('Its key stops working at once');
  await confirm.getByRole('button', { name: 'Revoke' }).click();
  await expect(card).toHaveCount(0);
  const refused = await send(socket, 'GET', '/v1/accounts', { key });
  expect([refused.status, refused.json.error.code]).toEqual([401, 'bad_key']);

  // The token read is on @alice_creates's history, in red.
  const pill = (await openPlatform(page, 'X (Twitter)')).getByTestId('pill').filter({ hasText: '@alice_creates' });
  await pill.getByRole('button', { name: 'Details for @alice_creates' }).click();
  const entry = page.getByRole('list', { name: 'Recent activity' }).getByRole('listitem').filter({ hasText: 'Used by uploader: read the access token' });
  await expect(entry).toContainText('it now lives outside Plugboard until it expires');
  await expect(entry.locator('.activity-what')).toHaveCSS('color', 'rgb(180, 35, 24)');
  await entry.scrollIntoViewIfNeeded();
  await shoot(page, 'activity-token-read');
});

test('deny; several requests one at a time; Escape puts one aside for the Connected tools page', async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  demo = await startDemo();
  const socket = socketOf(demo);
  await page.goto(demo.url);
  await expect(page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();

  const first = send(socket, 'POST', '/v1/pair', { body: { name: 'nosy-script' } });
  await expect(pairingDialog(page, 'nosy-script')).toBeVisible();
  const second = send(socket, 'POST', '/v1/pair', { body: { name: 'poster', description: 'node post.js' } });
  const nosy = pairingDialog(page, 'nosy-script');
  await expect(nosy).toContainText('Request 1 of 2');
  await shoot(page, 'pairing-dialog-no-accounts');
  // The keyboard stays inside: focus starts on the dialog, Tab reaches the first choice, Shift+Tab wraps to Allow.
  await expect(nosy).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(nosy.getByRole('radio', { name: /All accounts/ })).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(nosy.getByRole('button', { name: 'Allow' })).toBeFocused();
  // No account yet: only "all" (the ones connected later) can be chosen.
  await expect(nosy.getByRole('radio', { name: /Only the accounts I choose/ })).toBeDisabled();
  await nosy.getByRole('button', { name: 'Deny' }).click();
  const denied = await first;
  expect([denied.status, denied.json.error.code]).toEqual([403, 'pairing_denied']);

  const poster = pairingDialog(page, 'poster');
  await expect(poster).toBeVisible();
  await expect(poster).not.toContainText('Request');
  await page.keyboard.press('Escape');
  await expect(poster).toHaveCount(0);
  const waiting = page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Tools/ });
  await expect(waiting).toContainText('1');
  await waiting.click();
  const aside = page.getByRole('region', { name: 'Waiting for your answer' });
  await expect(aside).toContainText('poster');
  await shoot(page, 'tools-put-aside', aside);
  await aside.getByRole('button', { name: 'Review poster' }).click();
  await expect(poster).toBeVisible();
  await poster.getByRole('button', { name: 'Deny' }).click();
  const denied2 = await second;
  expect([denied2.status, denied2.json.error.code]).toEqual([403, 'pairing_denied']);
  await expect(aside).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'No tools connected yet' })).toBeVisible();

  // A tool that gives up (Ctrl-C) takes its dialog with it, and the window says why it went.
  const quitting = new AbortController();
  const gaveUp = send(socket, 'POST', '/v1/pair', { body: { name: 'quitter' }, signal: quitting.signal }).catch((e: Error) => e);
  await expect(pairingDialog(page, 'quitter')).toBeVisible();
  quitting.abort();
  expect(await gaveUp).toBeInstanceOf(Error);
  await expect(pairingDialog(page, 'quitter')).toHaveCount(0);
  await expect(page.getByText('“quitter” stopped waiting: the tool gave up, or its request expired.')).toBeVisible();
  // Answered here, the others left without such a word (counted now: a retrying check would outwait the toasts).
  expect(await page.getByText(/“(poster|nosy-script)” stopped waiting/).count()).toBe(0);
});
