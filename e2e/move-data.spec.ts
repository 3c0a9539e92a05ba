// Moving machines (F16) through the real UI: export from one demo (its own data folder) under a
// passphrase, import into a second demo, which shows what it added; a wrong passphrase says so.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { spawnPrintingUrl, type UrlProcess } from './support/url-process.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
const PASSPHRASE = 'a long passphrase for moving';
const demos: UrlProcess[] = [];

test.afterEach(async () => {
  await Promise.all(demos.splice(0).map((d) => d.stop('SIGTERM')));
});

async function openDemo(page: Page): Promise<void> {
  const demo = await spawnPrintingUrl('src-main/host/demo.ts', []);
  demos.push(demo);
  await page.goto(demo.url);
}

test('export under a passphrase, import on another machine: the summary says what came', async ({ page, context }, testInfo) => {
  // Two demo processes and two scrypt derivations: more than one default timeout on a loaded machine.
  test.setTimeout(120_000);
  mkdirSync(SHOTS, { recursive: true });
  await openDemo(page);
  const card = page.getByRole('region', { name: 'X (Twitter)' });
  const popup = page.waitForEvent('popup');
  await card.getByRole('button', { name: 'Connect X (Twitter)' }).click();
  const consent = await popup;
  await consent.getByRole('radio', { name: /@alice_creates/ }).check();
  await consent.getByRole('button', { name: 'Authorize app' }).click();
  // Closed only once the callback has landed: closing earlier could cut the redirect off.
  await expect(consent.locator('body')).toContainText(/is connected/);
  await consent.close();
  await expect(card.getByTestId('pill')).toHaveCount(1);

  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export everything' });
  await dialog.getByLabel('Passphrase', { exact: true }).fill('too short');
  await dialog.getByLabel('The same passphrase again').fill('too short');
  await dialog.getByRole('button', { name: 'Export' }).click();
  await expect(dialog.getByRole('alert')).toContainText('at least 10 characters');
  await dialog.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await dialog.getByLabel('The same passphrase again').fill(PASSPHRASE);
  await page.screenshot({ path: join(SHOTS, 'export-dialog.png'), animations: 'disabled' });
  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export' }).click();
  const file = testInfo.outputPath((await download).suggestedFilename());
  await (await download).saveAs(file);
  expect(file).toMatch(/plugboard-\d{4}-\d\d-\d\d\.plugboard$/);

  // The other computer: a second demo with its own data folder.
  const other = await context.newPage();
  await openDemo(other);
  await expect(other.getByRole('region', { name: 'X (Twitter)' }).getByTestId('pill')).toHaveCount(0);
  await other.getByRole('button', { name: 'Import…' }).click();
  const importing = other.getByRole('dialog', { name: 'Import from another computer' });
  await importing.getByLabel('Export file').setInputFiles(file);
  await importing.getByLabel('Passphrase').fill('not the passphrase');
  await importing.getByRole('button', { name: 'Import' }).click();
  await expect(importing.getByRole('alert')).toContainText('That passphrase does not open this export');
  await importing.getByLabel('Passphrase').fill(PASSPHRASE);
  await importing.getByRole('button', { name: 'Import' }).click();
  const done = other.getByRole('dialog', { name: 'Imported' });
  await expect(done).toContainText('1 account added: alice_creates (My workspace)');
  await other.screenshot({ path: join(SHOTS, 'import-summary.png'), animations: 'disabled' });
  await done.getByRole('button', { name: 'Done' }).click();
  const pill = other.getByRole('region', { name: 'X (Twitter)' }).getByTestId('pill');
  await expect(pill).toHaveCount(1);
  await expect(pill).toContainText('@alice_creates');
  await expect(pill).toHaveAttribute('data-status', 'connected');
});
