// `npm run demo` really works: the demo process (its own fake X, demo credentials
// saved, a throwaway data folder) opened in Debian's Chromium, connected through
// the fake consent page, then stopped with SIGTERM, which deletes its data folder.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { spawnPrintingUrl, type UrlProcess } from './support/url-process.ts';
import { openPlatform } from './support/window-checks.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');

let demo: UrlProcess | undefined;

test.afterEach(async () => {
  await demo?.stop();
});

/** The value printed after `label:` on one of the demo's lines. */
function printed(output: string, label: string): string {
  const m = new RegExp(`^\\s*${label}:\\s+(\\S+)`, 'm').exec(output);
  if (!m) throw new Error(`the demo printed no '${label}:' line:\n${output}`);
  return m[1]!;
}

test('npm run demo: saved demo credentials, connect @alice_creates, SIGTERM deletes the data folder', async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  demo = await spawnPrintingUrl('src-main/host/demo.ts', []);
  const fakeOrigin = printed(demo.output(), 'fake X');
  const dataDir = printed(demo.output(), 'data folder');
  expect(fakeOrigin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(existsSync(dataDir)).toBe(true);

  // The fake X the demo started is live, with its test users.
  const users = await fetch(`${fakeOrigin}/__control/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const alice = ((await users.json()) as { result: { id: string; username: string }[] }).result.find((u) => u.username === 'alice_creates');
  expect(alice).toBeDefined();

  await page.goto(demo.url);
  const card = await openPlatform(page, 'X (Twitter)');
  // Nothing typed: the demo saved its credentials, so Connect is ready and the card opens on Accounts.
  const connect = card.getByRole('button', { name: 'Connect X (Twitter)' });
  await expect(connect).toBeEnabled();
  await expect(card.getByRole('tab', { name: 'Accounts' })).toHaveAttribute('aria-selected', 'true');
  await card.getByRole('tab', { name: 'Credentials' }).click();
  await card.getByRole('button', { name: /Paste its keys/ }).click();
  await expect(card.getByLabel('Client ID')).toHaveValue('plugboard-demo-x-client');
  await card.getByRole('tab', { name: 'Accounts' }).click();

  const popup = page.waitForEvent('popup');
  await connect.click();
  await expect(card.getByText('Waiting for authorization in your browser')).toBeVisible();
  const consent = await popup;
  // The consent page is the demo's fake X, not the real one.
  expect(new URL(consent.url()).origin).toBe(fakeOrigin);
  await consent.getByRole('radio', { name: /@alice_creates/ }).check();
  await consent.getByRole('button', { name: 'Authorize app' }).click();
  await expect(consent.locator('body')).toContainText(/@alice_creates is connected/);
  await consent.close();

  const pill = card.getByTestId('pill');
  await expect(pill).toHaveCount(1);
  await expect(pill).toContainText('@alice_creates');
  await expect(pill).toHaveAttribute('data-status', 'connected');
  // "Green": the status dot is painted with the connected colour.
  const dot = pill.locator('.status-dot');
  await expect(dot).toHaveAccessibleName(/connected/i);
  const [r, g, b] = (await dot.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor)).match(/\d+/g)!.map(Number);
  expect(g).toBeGreaterThan(r! + 60);
  expect(g).toBeGreaterThan(b! + 60);
  await expect(card.getByText('Waiting for authorization in your browser')).toHaveCount(0);
  await page.screenshot({ path: join(SHOTS, 'demo-connected.png'), fullPage: true, animations: 'disabled' });

  // SIGTERM: the demo closes its servers, deletes its throwaway folder and exits cleanly.
  const exit = await demo.stop('SIGTERM');
  expect(exit, demo.output()).toEqual({ code: 0, signal: null });
  expect(existsSync(dataDir)).toBe(false);
  const gone = await fetch(`${fakeOrigin}/__control/users`, { method: 'POST', body: '{}' }).then(
    () => 'still answering',
    () => 'closed',
  );
  expect(gone).toBe('closed');
});
