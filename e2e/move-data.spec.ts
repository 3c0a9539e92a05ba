// Moving machines (F16) through the real UI: export from one demo (its own data folder) under a
// passphrase, once Plugboard's own passphrase shows it is the user; an account whose sealed token was
// damaged in the SQLite file is left out and named; the export is in the notices list; import into a
// second demo, which shows what it added; a wrong passphrase says so.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, test, type Page } from '@playwright/test';
import { spawnPrintingUrl, type UrlProcess } from './support/url-process.ts';
import { connectX, openNotices, openPlatform, showSection } from './support/window-checks.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
const PASSPHRASE = 'a long passphrase for moving';
/** What unlocks each demo's data key (the browser host has no keychain): Export asks for it. */
const VAULT = 'the demo vault passphrase';
const demos: UrlProcess[] = [];

test.afterEach(async () => {
  await Promise.all(demos.splice(0).map((d) => d.stop('SIGTERM')));
});

async function openDemo(page: Page): Promise<UrlProcess> {
  const demo = await spawnPrintingUrl('src-main/host/demo.ts', [], { PLUGBOARD_PASSPHRASE: VAULT });
  demos.push(demo);
  await page.goto(demo.url);
  return demo;
}

/** Flips a byte of an account's sealed refresh token in the demo's SQLite file, as a bad sector would. */
function damageToken(demo: UrlProcess, handle: string): void {
  const dataDir = /^\s*data folder:\s+(\S+)/m.exec(demo.output())![1]!;
  const db = new Database(join(dataDir, 'plugboard.db'));
  try {
    const { id } = db.prepare('SELECT id FROM accounts WHERE handle = ?').get(handle) as { id: string };
    const where = "owner = ? AND field = 'refresh_token'";
    const { sealed } = db.prepare(`SELECT sealed FROM secrets WHERE ${where}`).get(`account:${id}`) as { sealed: Buffer };
    sealed[sealed.length - 1]! ^= 0x01;
    db.prepare(`UPDATE secrets SET sealed = ? WHERE ${where}`).run(sealed, `account:${id}`);
  } finally {
    db.close();
  }
}

test('export under a passphrase, import on another machine: the summary says what came', async ({ page, context }, testInfo) => {
  // Two demo processes and several scrypt derivations: more than one default timeout on a loaded machine.
  test.setTimeout(150_000);
  mkdirSync(SHOTS, { recursive: true });
  const demo = await openDemo(page);
  const card = await openPlatform(page, 'X (Twitter)');
  await connectX(page, /@alice_creates/);
  await expect(card.getByTestId('pill')).toHaveCount(1);
  await connectX(page, /@bob_builds/);
  await expect(card.getByTestId('pill')).toHaveCount(2);
  damageToken(demo, 'bob_builds');

  await showSection(page, 'Move');
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export everything' });
  // The browser host: a passphrase protects the data key, so the dialog asks for it first.
  await expect(dialog.getByLabel('Plugboard passphrase')).toBeFocused();
  await dialog.getByLabel('Plugboard passphrase').fill('not the vault passphrase');
  await dialog.getByLabel('Passphrase for the file').fill('too short');
  await dialog.getByLabel('The same passphrase again').fill('too short');
  await dialog.getByRole('button', { name: 'Export' }).click();
  await expect(dialog.getByRole('alert')).toContainText('at least 10 characters');
  await dialog.getByLabel('Passphrase for the file').fill(PASSPHRASE);
  await dialog.getByLabel('The same passphrase again').fill(PASSPHRASE);
  await dialog.getByRole('button', { name: 'Export' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('That is not the passphrase that unlocks Plugboard, so nothing was exported. Enter the one you type on the lock screen.');
  await dialog.getByLabel('Plugboard passphrase').fill(VAULT);
  await page.screenshot({ path: join(SHOTS, 'export-dialog.png'), animations: 'disabled' });
  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export' }).click();
  const file = testInfo.outputPath((await download).suggestedFilename());
  await (await download).saveAs(file);
  expect(file).toMatch(/plugboard-\d{4}-\d\d-\d\d\.plugboard$/);
  const partial = page.getByRole('dialog', { name: 'Exported, with some left out' });
  await expect(partial).toContainText('X (Twitter) @bob_builds (My workspace): its stored tokens are damaged. Reconnect it, then export again.');
  await page.screenshot({ path: join(SHOTS, 'export-left-out.png'), animations: 'disabled' });
  await partial.getByRole('button', { name: 'Done' }).click();

  // The export is in the notices list: an export nobody asked for would not go unseen.
  const notices = await openNotices(page);
  await expect(notices).toContainText(/All accounts but X \(Twitter\) @bob_builds were exported at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  await expect(notices).toContainText(/1 account went into plugboard-\d{4}-\d\d-\d\d\.plugboard\./);
  await page.screenshot({ path: join(SHOTS, 'export-notice.png'), animations: 'disabled' });
  await page.keyboard.press('Escape');
  // The account the export could not read is red with its fix now, not green until its next renewal.
  const bob = (await openPlatform(page, 'X (Twitter)')).getByTestId('pill').filter({ hasText: '@bob_builds' });
  await expect(bob).toHaveAttribute('data-status', 'expired');

  // The other computer: a second demo with its own data folder.
  const other = await context.newPage();
  await openDemo(other);
  await expect((await openPlatform(other, 'X (Twitter)')).getByTestId('pill')).toHaveCount(0);
  await showSection(other, 'Move');
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
  const pill = (await openPlatform(other, 'X (Twitter)')).getByTestId('pill');
  await expect(pill).toHaveCount(1);
  await expect(pill).toContainText('@alice_creates');
  await expect(pill).toHaveAttribute('data-status', 'connected');

  // The same file again changes nothing, and says so.
  await showSection(other, 'Move');
  await other.getByRole('button', { name: 'Import…' }).click();
  const again = other.getByRole('dialog', { name: 'Import from another computer' });
  await again.getByLabel('Export file').setInputFiles(file);
  await again.getByLabel('Passphrase').fill(PASSPHRASE);
  await again.getByRole('button', { name: 'Import' }).click();
  const same = other.getByRole('dialog', { name: 'Already up to date' });
  await expect(same).toContainText('1 account already here with the same tokens as the file');
  await expect(same).not.toContainText(/added|renewed/);
  await other.screenshot({ path: join(SHOTS, 'import-again.png'), animations: 'disabled' });
  await same.getByRole('button', { name: 'Done' }).click();
  await openPlatform(other, 'X (Twitter)');
  await expect(pill).toHaveCount(1);
});
