// Accessibility of the renderer the demo serves, in Debian's Chromium: axe-core
// (WCAG 2.0/2.1 A and AA) over the states a user passes through — first load (the
// Accounts overview), the Platforms page and a card's Credentials tab, a connected
// account with its details open, the overview with it expiring, the disconnect
// confirmation, the notices panel, WordPress's "Add account" form —
// failing on any serious or critical violation; then the keyboard alone: Tab
// reaches Connect, a pill's actions and the tabs, comes back round (no trap),
// and every stop has an accessible name.
import { expect, test, type CDPSession, type Locator, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo, type DemoProcess } from './support/demo-process.ts';
import { startHostProcess, type HostProcess } from './support/host-process.ts';
import { checkAxe, openConsent, openNotices, openPlatform, shoot, showSection } from './support/window-checks.ts';

/** More Tab presses than the page has stops; running out means focus never came back round. */
const MAX_TAB_STOPS = 400;

// Axe in both schemes over three to five states per test went past 60 s on the shared 2-core machine (through
// @axe-core/playwright, before axe ran in the page; kept for a busy CI machine).
test.describe.configure({ timeout: 150_000 });

let demo: DemoProcess | null = null;

test.afterEach(async () => {
  await demo?.stop('SIGTERM');
  demo = null;
});

const xCard = (page: Page) => page.getByRole('region', { name: 'X (Twitter)' });

/** The demo on its first page, the Accounts overview, once platforms and accounts are loaded. */
async function openApp(page: Page): Promise<void> {
  demo = await startDemo();
  await page.goto(demo.url);
  await expect(page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Connect your first account' })).toBeVisible();
}

/** The demo on the Platforms page, X's card open on its Accounts tab. */
async function openCards(page: Page): Promise<void> {
  await openApp(page);
  await openPlatform(page, 'X (Twitter)');
  await expect(xCard(page).getByRole('tab', { name: 'Accounts' })).toHaveAttribute('aria-selected', 'true');
}

/** Connects @alice_creates to X through the fake consent page; returns her pill. */
async function connectAlice(page: Page): Promise<Locator> {
  const consent = await openConsent(page, xCard(page).getByRole('button', { name: 'Connect X (Twitter)' }));
  await consent.getByRole('radio', { name: /@alice_creates/ }).check();
  await consent.getByRole('button', { name: 'Authorize app' }).click();
  await expect(consent.locator('body')).toContainText(/@alice_creates is connected/);
  await consent.close();
  const pill = xCard(page).getByTestId('pill');
  await expect(pill).toHaveAttribute('data-status', 'connected');
  return pill;
}

test('axe: first load and a card’s Credentials tab', async ({ page }) => {
  // The Accounts page on first load is window-tour.spec's, at two sizes.
  await openApp(page);
  await openPlatform(page, 'X (Twitter)');
  await checkAxe(page, 'the Platforms page');

  await xCard(page).getByRole('tab', { name: 'Credentials' }).click();
  await xCard(page).getByRole('button', { name: /Paste its keys/ }).click();
  await expect(xCard(page).getByLabel('Client ID')).toBeVisible();
  await checkAxe(page, 'X’s Credentials tab open on its keys');
});

test('axe: a connected account — details, disconnect confirmation, notices panel', async ({ page }) => {
  await openCards(page);
  const pill = await connectAlice(page);
  // Four days on the pill is yellow with a Reconnect link, and a notice has arrived: more to check.
  await demo!.travel('+4d');
  await expect(pill).toHaveAttribute('data-status', 'expiring');

  await pill.getByRole('button', { name: 'Details for @alice_creates' }).click();
  await expect(page.getByRole('region', { name: 'Details for @alice_creates' })).toBeVisible();
  await checkAxe(page, 'an expiring account’s details expanded');

  await pill.getByRole('button', { name: 'Disconnect @alice_creates' }).click();
  const dialog = page.getByRole('dialog', { name: 'Disconnect @alice_creates?' });
  await expect(dialog).toBeVisible();
  await checkAxe(page, 'the disconnect confirmation open');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);

  await showSection(page, 'Accounts');
  await expect(page.getByRole('status').filter({ hasText: '1 expiring' })).toBeVisible();
  await checkAxe(page, 'the Accounts page with an expiring account');
  // A pill's icons are masks over a background colour (account-pills.css). A high-contrast theme replaces
  // backgrounds with its canvas colour, which would leave them blank: they take the button's text colour there.
  await page.emulateMedia({ forcedColors: 'active' });
  const iconColours = await page.evaluate<[string, string][]>(
    `[...document.querySelectorAll('[data-testid="pill"] .pill-icon')].map((icon) => [getComputedStyle(icon).backgroundColor, getComputedStyle(icon.closest('button')).color])`,
  );
  expect(iconColours).toHaveLength(2);
  for (const [icon, text] of iconColours) expect(icon, 'an icon’s colour in forced colours, against its button’s text').toBe(text);
  // A status dot is a background colour too: it keeps its own there rather than vanish into the pill's.
  const dotColours = await page.evaluate<[string, string][]>(
    `[...document.querySelectorAll('[data-testid="pill"] .status-dot')].map((dot) => [getComputedStyle(dot).backgroundColor, getComputedStyle(dot.closest('li')).backgroundColor])`,
  );
  expect(dotColours).toHaveLength(1);
  for (const [dot, pill] of dotColours) expect(dot, 'a status dot’s colour in forced colours, against its pill’s').not.toBe(pill);
  await shoot(page, 'a11y-forced-colours-accounts', page.locator('.main'));
  await page.emulateMedia({ forcedColors: 'none' });

  await expect((await openNotices(page)).getByRole('listitem')).toHaveCount(1);
  await checkAxe(page, 'the notices panel open');
});

test('axe: WordPress “Add account” form, empty and with an error', async ({ page }) => {
  await openApp(page);
  const wp = await openPlatform(page, 'WordPress');
  await expect(wp.getByRole('tab', { name: 'Add account' })).toHaveAttribute('aria-selected', 'true');
  await checkAxe(page, 'WordPress’s Add account form');

  await wp.getByLabel('Site address').fill('blog.example.com');
  await wp.getByLabel('Username').fill('sam');
  await wp.getByLabel('Application password').fill('subs crib erpa sswo rd00 0001');
  await wp.getByRole('button', { name: 'Test connection' }).click();
  await expect(wp.getByRole('alert')).toContainText(/cannot publish posts/);
  await checkAxe(page, 'WordPress’s Add account form showing a refusal');
});

test('axe: the lock screen (choosing a first passphrase, then unlocking with a wrong one), workspaces and the move dialogs', async ({ page }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-a11y-'));
  let host: HostProcess | null = await startHostProcess({ dataDir, origins: {} });
  try {
    await page.goto(host.url);
    await page.getByLabel('New passphrase').fill('an accessible passphrase');
    await checkAxe(page, 'the lock screen asking for a first passphrase');
    await page.getByLabel('The same passphrase again').fill('an accessible passphrase');
    await page.getByRole('button', { name: 'Protect and continue' }).click();
    await page.getByRole('button', { name: /^Workspace: / }).click();
    await expect(page.getByRole('menu', { name: 'Workspaces' })).toBeVisible();
    await checkAxe(page, 'the workspace menu open');
    await page.keyboard.press('Escape');
    await showSection(page, 'Move');
    await page.getByRole('button', { name: 'Export…' }).click();
    await checkAxe(page, 'the export dialog');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Import…' }).click();
    await checkAxe(page, 'the import dialog');
    await host.stop();
    host = await startHostProcess({ dataDir, origins: {} });
    await page.goto(host.url);
    await page.getByLabel('Passphrase').fill('not it');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
    await checkAxe(page, 'the unlock screen refusing a passphrase');
  } finally {
    await host?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

interface Stop {
  /** Where the element sits in the document, to tell stops apart. */
  path: string;
  /** Its role and accessible name in Chromium's accessibility tree, e.g. button, "Connect X (Twitter)". */
  role: string;
  name: string;
}

/** The focused element, or null when focus is on the page itself (between the last stop and the first). */
async function focusedStop(page: Page, cdp: CDPSession): Promise<Stop | null> {
  const focused = page.locator('*:focus');
  if ((await focused.count()) === 0) return null;
  const path = await focused.evaluate((el) => {
    const steps: string[] = [];
    for (let node = el; node.parentElement; node = node.parentElement) {
      steps.unshift(`${node.tagName.toLowerCase()}:${[...node.parentElement.children].indexOf(node)}`);
    }
    return steps.join('>');
  });
  // The browser's own accessibility tree, not a guess from attributes: what a screen reader is given.
  const { result } = await cdp.send('Runtime.evaluate', { expression: 'document.activeElement' });
  const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { objectId: result.objectId!, fetchRelatives: false });
  const node = nodes[0];
  return { path, role: String(node?.role?.value ?? ''), name: String(node?.name?.value ?? '') };
}

test('keyboard: Tab reaches Connect, a pill’s actions and the tabs, comes back round, and every stop is named', async ({ page }, testInfo) => {
  await openCards(page);
  await connectAlice(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Accessibility.enable');
  // A click on nothing focusable leaves focus on the page, so the first Tab goes to the first stop.
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  await expect(page.locator('*:focus')).toHaveCount(0);

  const stops: Stop[] = [];
  let shot = false;
  let cameBack = false;
  for (let i = 0; i < MAX_TAB_STOPS; i++) {
    await page.keyboard.press('Tab');
    const stop = await focusedStop(page, cdp);
    if (!stop) continue;
    cameBack = stops.length > 0 && stop.path === stops[0]!.path;
    if (cameBack) break;
    expect(stops.map((s) => s.path), `Tab came back to ${stop.role} "${stop.name}" before going round`).not.toContain(stop.path);
    stops.push(stop);
    if (!shot && stop.name === 'Disconnect @alice_creates') {
      await page.screenshot({ path: testInfo.outputPath('focus-on-pill-action.png'), animations: 'disabled' });
      shot = true;
    }
  }
  const seen = stops.map((s) => `${s.role} "${s.name}"`);
  expect(cameBack, `Tab never came back to the first stop:\n${seen.join('\n')}`).toBe(true);
  expect(seen).toEqual(
    expect.arrayContaining([
      'button "Connect X (Twitter)"',
      'button "Details for @alice_creates"',
      'button "Refresh @alice_creates"',
      'button "Disconnect @alice_creates"',
      'tab "Accounts"',
      'button "Notices"',
    ]),
  );
  expect(stops.filter((s) => !s.name.trim()).map((s) => `${s.role} at ${s.path}`), 'focusable controls without an accessible name').toEqual([]);
  expect(shot).toBe(true);
});
