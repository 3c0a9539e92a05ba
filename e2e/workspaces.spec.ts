// Workspaces (F11) through the real UI against the demo: the switcher at the top left, a new
// workspace starts empty, accounts stay in their own workspace, and deleting one says how many
// accounts will be disconnected and revoked before doing it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { spawnPrintingUrl, type UrlProcess } from './support/url-process.ts';
import { connectX, openPlatform } from './support/window-checks.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
let demo: UrlProcess | null = null;

test.afterEach(async () => {
  await demo?.stop('SIGTERM');
  demo = null;
});


test('workspaces: create, switch, accounts stay in their own, delete after saying what it will do', async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  demo = await spawnPrintingUrl('src-main/host/demo.ts', []);
  await page.goto(demo.url);
  const switcher = page.getByRole('button', { name: /^Workspace: My workspace/ });
  await expect(switcher).toBeVisible();

  await connectX(page, /@alice_creates/);
  const card = await openPlatform(page, 'X (Twitter)');
  await expect(card.getByTestId('pill')).toHaveCount(1);

  // Create a second workspace: it becomes the active one, and it starts empty.
  await switcher.click();
  await page.getByRole('menuitem', { name: 'New workspace…' }).click();
  const dialog = page.getByRole('dialog', { name: 'New workspace' });
  await dialog.getByLabel('Name').fill('My workspace');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog.getByRole('alert')).toContainText('already a workspace called');
  await dialog.getByLabel('Name').fill('Sunrise Bakery');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('button', { name: /^Workspace: Sunrise Bakery/ })).toBeVisible();
  await openPlatform(page, 'X (Twitter)');
  await expect(card.getByTestId('pill')).toHaveCount(0);
  await connectX(page, /@bob_builds/);
  await expect(card.getByTestId('pill')).toHaveCount(1);
  await expect(card.getByTestId('pill')).toContainText('@bob_builds');

  // The menu lists both with their counts; keyboard: arrows move, Enter switches.
  await page.getByRole('button', { name: /^Workspace: Sunrise Bakery/ }).click();
  const menu = page.getByRole('menu', { name: 'Workspaces' });
  await expect(menu.getByRole('menuitemradio')).toHaveCount(2);
  await expect(menu.getByRole('menuitemradio', { name: /Sunrise Bakery/ })).toHaveAttribute('aria-checked', 'true');
  await page.screenshot({ path: join(SHOTS, 'workspace-switcher.png'), animations: 'disabled' });
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: /^Workspace: My workspace/ })).toBeVisible();
  await openPlatform(page, 'X (Twitter)');
  await expect(card.getByTestId('pill')).toHaveCount(1);
  await expect(card.getByTestId('pill')).toContainText('@alice_creates');

  // Delete the bakery: the dialog says how many accounts go, and what happens to them.
  await page.getByRole('button', { name: /^Workspace: My workspace/ }).click();
  await page.getByRole('menuitemradio', { name: /Sunrise Bakery/ }).click();
  await expect(page.getByRole('button', { name: /^Workspace: Sunrise Bakery/ })).toBeVisible();
  await page.getByRole('button', { name: /^Workspace: Sunrise Bakery/ }).click();
  await page.getByRole('menuitem', { name: /Delete “Sunrise Bakery”/ }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete “Sunrise Bakery”?' });
  await expect(confirm).toContainText('Its 1 account will be disconnected');
  await page.screenshot({ path: join(SHOTS, 'workspace-delete.png'), animations: 'disabled' });
  await confirm.getByRole('button', { name: 'Delete workspace' }).click();
  await expect(page.getByText('Deleted “Sunrise Bakery”: 1 account disconnected')).toBeVisible();
  await expect(page.getByRole('button', { name: /^Workspace: My workspace/ })).toBeVisible();
  await openPlatform(page, 'X (Twitter)');
  await expect(card.getByTestId('pill')).toContainText('@alice_creates');
  await page.getByRole('button', { name: /^Workspace: My workspace/ }).click();
  await expect(page.getByRole('menuitem', { name: /Delete “My workspace”/ })).toBeDisabled();
});
