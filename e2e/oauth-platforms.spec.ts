// TikTok and Pinterest through the real UI, against the demo's fakes: Connect → the platform's
// consent page → Back to Plugboard → a green pill; the refresh icon renews it; the X icon asks, then disconnects.
import { expect, test } from '@playwright/test';
import { spawnPrintingUrl, type UrlProcess } from './support/url-process.ts';
import { backToPlugboard, openConsent, openPlatform } from './support/window-checks.ts';

let demo: UrlProcess | null = null;

test.afterEach(async () => {
  await demo?.stop('SIGTERM');
  demo = null;
});

for (const name of ['TikTok', 'Pinterest']) {
  test(`${name}: connect, refresh and disconnect through the UI`, async ({ page }) => {
    demo = await spawnPrintingUrl('src-main/host/demo.ts', []);
    await page.goto(demo.url);
    const card = await openPlatform(page, name);

    const consent = await openConsent(page, card.getByRole('button', { name: `Connect ${name}` }));
    await consent.getByRole('button', { name: 'Authorize app' }).click();
    await expect(consent.locator('body')).toContainText(/close this tab/i);
    // The landing page leads back: in the browser host its button closes the tab Plugboard opened.
    await backToPlugboard(consent);

    const pill = card.getByTestId('pill');
    await expect(pill).toHaveCount(1);
    await expect(pill).toHaveAttribute('data-status', 'connected');
    // The picture comes by address from the host; one that failed to load would give way to the initial.
    await expect(pill.locator('img')).toHaveAttribute('src', /^\/avatars\//);
    await expect(pill.locator('img')).toHaveJSProperty('complete', true);
    await expect(pill.locator('img')).toHaveCount(1);
    const handle = (await pill.getByRole('button', { name: /^Refresh @/ }).getAttribute('aria-label'))!.replace('Refresh ', '');

    await pill.getByRole('button', { name: `Refresh ${handle}` }).click();
    await expect(page.getByText(`Refreshed ${handle}`)).toBeVisible();

    await pill.getByRole('button', { name: `Disconnect ${handle}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
    await expect(pill).toHaveCount(0);
    // TikTok revokes at the platform; Pinterest has no revoke endpoint, which is said plainly (not as a failure).
    if (name === 'TikTok') await expect(page.getByText(`Disconnected ${handle}`, { exact: true })).toBeVisible();
    else await expect(page.getByText(`Disconnected ${handle}. Plugboard cannot revoke access at Pinterest`)).toBeVisible();
    await expect(page.getByText(/revoking its access .* failed/)).toHaveCount(0);
  });
}
