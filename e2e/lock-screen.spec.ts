// F12 in the browser host, which has no keychain: the first start asks for a passphrase before
// anything is stored; the next start is locked until it is typed (a wrong one is refused in plain
// words); Settings can change it, and the new one opens the following start.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startHostProcess, type HostProcess } from './support/host-process.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
let host: HostProcess | null = null;
let dataDir = '';

test.beforeEach(() => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'plugboard-lock-'));
});

test.afterEach(async () => {
  await host?.stop();
  host = null;
  rmSync(dataDir, { recursive: true, force: true });
});

async function restart(page: Page) {
  await host?.stop();
  host = await startHostProcess({ dataDir, origins: {} });
  await page.goto(host.url);
}

test('choose a passphrase first, unlock with it later, change it in Settings', async ({ page }) => {
  await restart(page);
  await expect(page.getByRole('heading', { name: 'Protect your tokens with a passphrase' })).toBeVisible();
  await expect(page.getByText('Nothing is stored until you choose it')).toBeVisible();
  await page.getByLabel('New passphrase').fill('short');
  await page.getByLabel('The same passphrase again').fill('short');
  await page.getByRole('button', { name: 'Protect and continue' }).click();
  await expect(page.getByRole('alert')).toContainText('at least 10 characters');
  await page.getByLabel('New passphrase').fill('my first passphrase');
  await page.getByLabel('The same passphrase again').fill('my first passphrase');
  await page.screenshot({ path: join(SHOTS, 'lock-choose-passphrase.png'), animations: 'disabled' });
  await page.getByRole('button', { name: 'Protect and continue' }).click();
  await expect(page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();

  await restart(page);
  await expect(page.getByRole('heading', { name: 'Plugboard is locked' })).toBeVisible();
  await page.getByLabel('Passphrase').fill('not my passphrase');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('alert')).toContainText('does not open Plugboard’s data');
  await page.screenshot({ path: join(SHOTS, 'lock-unlock.png'), animations: 'disabled' });
  await page.getByLabel('Passphrase').fill('my first passphrase');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();

  await page.keyboard.press('Control+,');
  await page.getByRole('button', { name: 'Change passphrase…' }).click();
  const form = page.getByRole('form', { name: 'Change passphrase' });
  await form.getByLabel('Current passphrase').fill('my first passphrase');
  await form.getByLabel('New passphrase').fill('my second passphrase');
  await form.getByLabel('The same passphrase again').fill('my second passphrase');
  await form.getByRole('button', { name: 'Change passphrase' }).click();
  await expect(page.getByText('Passphrase changed')).toBeVisible();

  await restart(page);
  await page.getByLabel('Passphrase').fill('my second passphrase');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();
});
