// Issue 15 point 11, a desktop app's habits, in the demo: Ctrl+K jumps to an account and to a
// platform; Ctrl+, opens Settings; Lock now and the idle lock (the demo's time travel stands in for
// the minutes away); an export file dropped onto Import; the new passphrase typed twice.
import { expect, test, type Page } from '@playwright/test';
import { startDemo, type DemoProcess } from './support/demo-process.ts';
import { checkAxe, connectX, openPlatform, shoot, showSection } from './support/window-checks.ts';

let demo: DemoProcess | null = null;

// Two cores shared with other work, a demo per test and axe in two schemes.
test.describe.configure({ timeout: 180_000 });

test.afterEach(async () => {
  await demo?.stop();
  demo = null;
});

async function open(page: Page, size = { width: 1280, height: 800 }): Promise<string> {
  await page.setViewportSize(size);
  demo = await startDemo();
  await page.goto(demo.url);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  return demo.output().match(/passphrase:\s+(\S+)/)![1]!;
}

const palette = (page: Page) => page.getByRole('dialog', { name: 'Go to' });

test('Ctrl+K jumps to an account and to a platform; Ctrl+, opens Settings', async ({ page }) => {
  await open(page);
  await openPlatform(page, 'X (Twitter)');
  await connectX(page, /@alice_creates/);
  await expect(page.getByText('@alice_creates').first()).toBeVisible();

  await page.keyboard.press('Control+k');
  const search = palette(page).getByRole('combobox', { name: 'Account, platform or page' });
  await expect(search).toBeFocused();
  await search.fill('alice');
  await expect(palette(page).getByRole('option')).toHaveCount(1);
  await expect(palette(page).getByRole('option', { selected: true })).toContainText('Account on X (Twitter)');
  await checkAxe(page, 'the jump palette');
  await shoot(page, 'habits-palette');
  await search.press('Enter');
  await expect(palette(page)).toBeHidden();
  // showAccount opens the Accounts page, brings the account's pill into view and gives it focus.
  await expect(page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();
  await expect(page.locator('[data-testid="pill"]:focus-within')).toContainText('alice_creates');

  // From another page, and from inside a text field, as in VS Code or Slack.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Post' }).click();
  await page.getByRole('textbox').first().focus();
  await page.keyboard.press('Control+k');
  await search.fill('blue');
  await search.press('ArrowDown');
  await search.press('ArrowUp');
  await expect(palette(page).getByRole('option', { selected: true })).toContainText('Bluesky');
  await search.press('Enter');
  // The Platforms page scrolls to the platform it was opened for and gives its name the focus.
  await expect(page.getByRole('region', { name: 'Bluesky', exact: true }).getByRole('heading', { name: 'Bluesky' })).toBeFocused();

  await page.keyboard.press('Control+k');
  await search.fill('nothing like this');
  await expect(palette(page).getByRole('status')).toHaveText('Nothing is called “nothing like this”.');
  await search.press('Escape');
  await expect(palette(page)).toBeHidden();

  await page.keyboard.press('Control+,');
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(page.getByLabel('Lock when I have been away for')).toHaveValue('0');
  await checkAxe(page, 'the Settings page');
  await shoot(page, 'habits-settings');
  await page.setViewportSize({ width: 800, height: 600 });
  await shoot(page, 'habits-settings-800');
  await page.keyboard.press('Control+k');
  await search.fill('x');
  await shoot(page, 'habits-palette-800');
});

test('Lock now, then the idle lock after the chosen minutes away', async ({ page }) => {
  const passphrase = await open(page);
  await page.keyboard.press('Control+,');
  await page.getByRole('button', { name: 'Lock now' }).click();
  await expect(page.getByRole('heading', { name: 'Plugboard is locked' })).toBeVisible();
  // Locked, the shortcuts do nothing.
  await page.keyboard.press('Control+k');
  await expect(palette(page)).toHaveCount(0);
  await page.getByLabel('Passphrase').fill(passphrase);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();

  await page.getByLabel('Lock when I have been away for').selectOption({ label: '5 minutes' });
  await expect(page.getByLabel('Lock when I have been away for')).toHaveValue('5');
  // The demo confirms a jump once the idle lock has checked it (as on a wake from sleep): 4 minutes away is not 5.
  await demo!.travel('+4m');
  expect((await demo!.api('app.lockState', {})).state).toBe('open');
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await demo!.travel('+2m');
  expect((await demo!.api('app.lockState', {})).state).toBe('locked');
  await expect(page.getByRole('heading', { name: 'Plugboard is locked' })).toBeVisible();
});

/** Drops a file made in the page onto the target, as the OS's drag and drop would. */
async function drop(page: Page, testId: string, name: string, content: string): Promise<void> {
  // A string, since the specs compile without the DOM's types.
  const data = await page.evaluateHandle(
    `(() => { const dt = new DataTransfer(); dt.items.add(new File([${JSON.stringify(content)}], ${JSON.stringify(name)})); return dt; })()`,
  );
  const zone = page.getByTestId(testId);
  await zone.dispatchEvent('dragenter', { dataTransfer: data });
  await zone.dispatchEvent('dragover', { dataTransfer: data });
  await expect(zone).toHaveClass(/drop-zone--over/);
  await zone.dispatchEvent('drop', { dataTransfer: data });
}

test('an export file dropped onto Import opens the import with it; another file is named as not one', async ({ page }) => {
  await open(page);
  await showSection(page, 'Move');
  await drop(page, 'import-drop-zone', 'holiday.jpg', 'not an export');
  await expect(page.getByRole('alert')).toHaveText('“holiday.jpg” is not a Plugboard export: those are the files Export makes, ending in .plugboard.');
  await shoot(page, 'habits-drop-refused', page.getByTestId('import-drop-zone'));

  await drop(page, 'import-drop-zone', 'plugboard-2026-12-06.plugboard', 'PLUGBOARD-EXPORT not really');
  const dialog = page.getByRole('dialog', { name: 'Import from another computer' });
  await expect(dialog.getByText('plugboard-2026-12-06.plugboard')).toBeVisible();
  await expect(dialog.getByLabel('Passphrase')).toBeFocused();
  await checkAxe(page, 'the import of a dropped file');
  await dialog.getByLabel('Passphrase').fill('a wrong passphrase');
  await dialog.getByRole('button', { name: 'Import' }).click();
  // The same flow as a chosen file: the main process reads it and says what is wrong.
  await expect(dialog.getByRole('alert')).toBeVisible();
});

test('a new passphrase is typed twice; two that differ are said to differ', async ({ page }) => {
  const passphrase = await open(page);
  await page.keyboard.press('Control+,');
  await page.getByRole('button', { name: 'Change passphrase…' }).click();
  const form = page.getByRole('form', { name: 'Change passphrase' });
  await form.getByLabel('Current passphrase').fill(passphrase);
  await form.getByLabel('New passphrase').fill('my brand new passphrase');
  await form.getByLabel('The same passphrase again').fill('my brand new passphrasf');
  await expect(form.getByRole('alert')).toHaveText('The two new passphrases differ. Type the same one twice.');
  await expect(form.getByRole('button', { name: 'Change passphrase' })).toBeDisabled();
  await checkAxe(page, 'two new passphrases that differ');
  await shoot(page, 'habits-passphrase-differ', form);
  await form.getByLabel('The same passphrase again').fill('my brand new passphrase');
  await form.getByRole('button', { name: 'Change passphrase' }).click();
  await expect(page.getByText('Passphrase changed')).toBeVisible();

  await page.getByRole('button', { name: 'Lock now' }).click();
  await page.getByLabel('Passphrase').fill('my brand new passphrase');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
});
