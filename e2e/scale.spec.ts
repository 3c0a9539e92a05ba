// 1,000 accounts over the ten platforms (seeded through the real store by bench/seed.ts) in the real
// page: the overview's chips count them all, each card shows its pills, the windowed lists render what scrolls
// into view, and a pill far down the page still opens its details. Speed is measured in bench/, not here.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { seed } from '../bench/seed.ts';
import { startHostProcess, type HostProcess } from './support/host-process.ts';
import { openPlatform } from './support/window-checks.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
let host: HostProcess | null = null;
let dataDir = '';

test.afterEach(async () => {
  await host?.stop();
  host = null;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('1,000 accounts: counted, shown per platform, and the last card’s pills render when scrolled to', async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  const seeded = await seed({ count: 1000 });
  dataDir = seeded.dir;
  host = await startHostProcess({ dataDir, passphrase: seeded.passphrase, origins: {} });
  await page.goto(host.url);
  const chips = page.getByRole('group', { name: 'Show' });
  await expect(chips.getByRole('button', { name: 'All 1000' })).toBeVisible({ timeout: 20_000 });
  await expect(chips.getByRole('button', { name: `Need attention ${seeded.expiring + seeded.expired}` })).toBeVisible();
  await page.screenshot({ path: join(SHOTS, 'scale-1000-overview.png'), animations: 'disabled' });
  const x = await openPlatform(page, 'X (Twitter)');
  await expect(x.getByRole('tab', { name: /Accounts/ })).toContainText(String(seeded.perPlatform.x));
  await page.screenshot({ path: join(SHOTS, 'scale-1000.png'), animations: 'disabled' });

  const last = page.getByRole('region', { name: 'WordPress' });
  await last.scrollIntoViewIfNeeded();
  const pills = last.getByTestId('pill');
  await expect(pills.first()).toBeVisible();
  // Windowed: far fewer pills are in the page than accounts exist.
  expect(await page.getByTestId('pill').count()).toBeLessThan(1000);
  const details = pills.first().getByRole('button', { name: /^Details for / });
  await details.click();
  await expect(details).toHaveAttribute('aria-expanded', 'true');
  await expect(page.locator(`[id="${await details.getAttribute('aria-controls')}"]`)).toBeVisible();
});
