// Facebook Pages, Instagram (through a Facebook Page) and LinkedIn company pages through the real
// UI against the demo's fakes. Meta redirects only to HTTPS: the demo registers a relay page that
// Playwright serves here with the very HTML Plugboard hands out; the browser host has no plugboard://
// handler, so the page shows the address and the test pastes it, as a person would. Then the
// "choose what to connect" dialog, and a pill per chosen Page or account.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import type { PlatformId } from '../src-main/api/contract.ts';
import { relayPage } from '../src-main/oauth/relay-page.ts';
import { startDemo } from './support/demo-process.ts';
import { spawnPrintingUrl, type UrlProcess } from './support/url-process.ts';
import { checkAxe, openConsent, openPlatform, shoot } from './support/window-checks.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
const RELAY_ORIGIN = 'https://relay.plugboard-demo.invalid';
let demo: UrlProcess | null = null;

test.afterEach(async () => {
  await demo?.stop('SIGTERM');
  demo = null;
});

async function serveRelay(context: BrowserContext) {
  mkdirSync(SHOTS, { recursive: true });
  await context.route(`${RELAY_ORIGIN}/**`, (route) => {
    const platform = /plugboard-([a-z]+)\.html/.exec(route.request().url())?.[1] as PlatformId;
    return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: relayPage(platform, platform) });
  });
}

async function open(page: Page, context: BrowserContext) {
  await serveRelay(context);
  demo = await spawnPrintingUrl('src-main/host/demo.ts', []);
  await page.goto(demo.url);
}

/** Approves as `who` on the fake's consent page; returns the address the relay page offers to paste. */
async function approveAndCopy(popup: Page, who: RegExp): Promise<string> {
  await popup.getByRole('radio', { name: who }).check();
  await popup.getByRole('button', { name: 'Authorize app' }).click();
  const address = popup.getByRole('textbox', { name: 'The address to paste into Plugboard' });
  await expect(address).toHaveValue(/[?&]code=.*[?&]?state=|[?&]state=.*code=/);
  const value = await address.inputValue();
  await popup.close();
  return value;
}

/** Axe on the card only: the rest of the Platforms page is a11y.spec's. */
const FACEBOOK_CARD = '[data-platform-card="facebook"]';

test('Facebook Pages: setup step by step, the warning before the browser opens, paste the relay page’s address, choose two Pages', async ({ page, context }) => {
  // Axe over the whole window, in two schemes and two sizes, takes its time on a busy machine.
  test.setTimeout(240_000);
  await open(page, context);
  const card = await openPlatform(page, 'Facebook Pages');
  await card.getByRole('tab', { name: 'Credentials' }).click();
  // The demo saved the keys and the HTTPS page: the guide opens on its last step, which warns before the browser opens.
  const steps = card.getByRole('list', { name: 'Set up Facebook Pages' }).locator(':scope > li');
  await expect(steps.nth(3)).toHaveAttribute('aria-current', 'step');
  await expect(steps.nth(3)).toContainText('shows an error or does not load: that is expected');
  await card.getByRole('button', { name: /Choose your HTTPS page and register it/ }).click();
  await expect(card.getByLabel('Your HTTPS page')).toHaveValue(`${RELAY_ORIGIN}/plugboard-facebook.html`);
  await expect(card.getByRole('group', { name: 'Redirect URI' })).toHaveText(`${RELAY_ORIGIN}/plugboard-facebook.html`);
  await expect(steps.nth(1)).toContainText(`2.1In the Facebook Login settings, add ${RELAY_ORIGIN}/plugboard-facebook.html to Valid OAuth Redirect URIs`);
  await expect(card.getByRole('button', { name: 'Download relay page' })).toBeVisible();
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 800, height: 600 },
  ]) {
    await page.setViewportSize(viewport);
    await checkAxe(page, `Facebook setup at ${viewport.width}×${viewport.height}`, FACEBOOK_CARD);
    await card.scrollIntoViewIfNeeded();
    await shoot(page, `setup-facebook-https-page-${viewport.width}`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await card.getByRole('button', { name: /Check them with a Connect/ }).click();
  await shoot(page, 'setup-facebook-check', card);

  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const popup = page.waitForEvent('popup');
  await card.getByRole('button', { name: 'Connect to check' }).click();
  const address = await approveAndCopy(await popup, /Dana/);
  // The waiting panel says it again, and takes the address from the clipboard.
  await expect(card.locator('.flow-https-note')).toContainText('Copy the whole address');
  const paste = card.getByLabel('Landing URL');
  await expect(paste).toBeVisible();
  await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(address)})`);
  await card.getByRole('button', { name: 'Paste from clipboard' }).click();
  await expect(paste).toHaveValue(address);
  await shoot(page, 'setup-facebook-paste', card);
  await page.setViewportSize({ width: 800, height: 600 });
  await checkAxe(page, 'Facebook waiting for the pasted address at 800×600', FACEBOOK_CARD);
  await card.locator('.flow-panel').scrollIntoViewIfNeeded();
  await shoot(page, 'setup-facebook-paste-800');
  await page.setViewportSize({ width: 1280, height: 800 });
  await card.getByRole('button', { name: 'Finish' }).click();

  const choices = card.getByRole('list', { name: 'Facebook Pages choices' });
  await expect(choices.getByRole('checkbox')).toHaveCount(3);
  await choices.getByRole('checkbox', { name: /Bakery Wholesale/ }).uncheck();
  await card.screenshot({ path: join(SHOTS, 'facebook-choose-pages.png'), animations: 'disabled' });
  await card.getByRole('button', { name: 'Connect 2 accounts' }).click();
  const pills = card.getByTestId('pill');
  await expect(pills).toHaveCount(2);
  await expect(pills.first()).toHaveAttribute('data-status', 'connected');
  await card.screenshot({ path: join(SHOTS, 'facebook-two-pages.png'), animations: 'disabled' });
  expect(await page.content()).not.toMatch(/[?&]code=/);

  // The two Pages share Dana's login: the first Disconnect keeps it granted, the last revokes it.
  await pills.first().getByRole('button', { name: /^Disconnect / }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
  await expect(page.getByText(/Access stays granted at Facebook Pages/)).toBeVisible();
  await pills.first().getByRole('button', { name: /^Disconnect / }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
  await expect(pills).toHaveCount(0);
  await expect(page.getByText(/revoking its access .* failed/)).toHaveCount(0);
});

test('Instagram through a Facebook Page: a Page without a linked account is shown and explained', async ({ page, context }) => {
  await open(page, context);
  const card = await openPlatform(page, 'Instagram');
  const popup = page.waitForEvent('popup');
  await card.getByRole('button', { name: 'Through Facebook Pages' }).click();
  const address = await approveAndCopy(await popup, /Dana/);
  await card.getByLabel('Landing URL').fill(address);
  await card.getByRole('button', { name: 'Finish' }).click();

  const choices = card.getByRole('list', { name: 'Instagram choices' });
  await expect(choices).toContainText('has no Instagram professional account linked');
  await expect(choices.getByRole('checkbox', { name: /sunrise\.bakery/ })).toBeChecked();
  await card.screenshot({ path: join(SHOTS, 'instagram-via-facebook-choose.png'), animations: 'disabled' });
  await card.getByRole('button', { name: 'Connect 1 account' }).click();
  const pill = card.getByTestId('pill');
  await expect(pill).toHaveCount(1);
  await expect(pill).toContainText('@sunrise.bakery');
  await expect(pill).toContainText('via Sunrise Bakery');
  await card.screenshot({ path: join(SHOTS, 'instagram-via-facebook-pill.png'), animations: 'disabled' });
});

test('LinkedIn: turn on company pages, then the member and a page from one sign-in', async ({ page, context }) => {
  await open(page, context);
  const card = await openPlatform(page, 'LinkedIn');
  await card.getByRole('tab', { name: 'Credentials' }).click();
  await card.getByRole('button', { name: /Create your LinkedIn app/ }).click();
  await card.getByRole('checkbox', { name: 'Company pages' }).check();
  await expect(card).toContainText('rw_organization_admin');
  await card.screenshot({ path: join(SHOTS, 'linkedin-company-pages-option.png'), animations: 'disabled' });

  const consent = await openConsent(page, card.getByRole('button', { name: 'Connect LinkedIn' }));
  await consent.getByRole('radio').first().check();
  await consent.getByRole('button', { name: 'Authorize app' }).click();
  // The listener's page (the choice is made in Plugboard), not the consent page, before closing.
  await expect(consent.locator('body')).toContainText(/Choose what to connect in Plugboard/);
  await consent.close();

  const choices = card.getByRole('list', { name: 'LinkedIn choices' });
  await expect(choices.getByRole('checkbox', { checked: true })).toHaveCount(3);
  await card.screenshot({ path: join(SHOTS, 'linkedin-choose.png'), animations: 'disabled' });
  await card.getByRole('button', { name: 'Connect 3 accounts' }).click();
  await expect(card.getByTestId('pill')).toHaveCount(3);
  await expect(card.getByTestId('pill').filter({ hasText: 'Company page' })).toHaveCount(2);
  await card.screenshot({ path: join(SHOTS, 'linkedin-pills.png'), animations: 'disabled' });

  const member = card.getByTestId('pill').filter({ hasNotText: 'Company page' });
  await member.getByRole('button', { name: /^Disconnect / }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
  await expect(member).toHaveCount(0);
  await expect(page.getByText(/Access stays granted at LinkedIn/)).toBeVisible();
  await expect(card.getByTestId('pill')).toHaveCount(2);
});

for (const name of ['Threads', 'Instagram']) {
  test(`${name}: connect through the relay page, extend the token a day later, disconnect`, async ({ page, context }) => {
    await serveRelay(context);
    const timeMachine = await startDemo();
    demo = timeMachine;
    await page.goto(timeMachine.url);
    const card = await openPlatform(page, name);
    const consent = await openConsent(page, card.getByRole('button', { name: `Connect ${name}` }));
    await consent.getByRole('radio').first().check();
    await consent.getByRole('button', { name: 'Authorize app' }).click();
    const address = consent.getByRole('textbox', { name: 'The address to paste into Plugboard' });
    await expect(address).toHaveValue(/code=/);
    await card.getByLabel('Landing URL').fill(await address.inputValue());
    await consent.close();
    await card.getByRole('button', { name: 'Finish' }).click();

    const pill = card.getByTestId('pill');
    await expect(pill).toHaveCount(1);
    await expect(pill).toHaveAttribute('data-status', 'connected');
    const handle = (await pill.getByRole('button', { name: /^Refresh / }).getAttribute('aria-label'))!.replace('Refresh ', '');

    // Meta extends a long-lived token only once it is a day old.
    await timeMachine.travel('+2d');
    await pill.getByRole('button', { name: `Refresh ${handle}` }).click();
    await expect(page.getByText(`Refreshed ${handle}`)).toBeVisible();
    await expect(pill).toHaveAttribute('data-status', 'connected');

    await pill.getByRole('button', { name: `Disconnect ${handle}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
    await expect(pill).toHaveCount(0);
    await expect(page.getByText(new RegExp(`Disconnected ${handle.replace('.', '\\.')}\\. Plugboard cannot revoke access at ${name}`))).toBeVisible();
  });
}
