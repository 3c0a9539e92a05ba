// A rate limit as the page shows it, against the demo's fake X: the refresh is answered 429 with
// a reset, and the account stays green (not grey "Offline — will retry"), naming its next try in
// the pill's tooltip, on its refresh button and in its details; a click during the wait is answered
// with the wait and does not reach X.
import { expect, test } from '@playwright/test';
import { startDemo, type DemoProcess } from './support/demo-process.ts';
import { openConsent, openPlatform } from './support/window-checks.ts';

test.describe.configure({ mode: 'serial' });

let demo: DemoProcess;

test.beforeAll(async () => {
  demo = await startDemo();
});

test.afterAll(async () => {
  await demo?.stop();
});

/** The demo's fake X, driven through its test controls. */
async function fakeX(control: string, body: object): Promise<any> {
  const origin = /fake X:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(demo.output())?.[1];
  if (!origin) throw new Error(`the demo did not name its fake X:\n${demo.output()}`);
  const res = await fetch(`${origin}/__control/${control}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return ((await res.json()) as { result: unknown }).result;
}

const refreshRequests = async () => ((await fakeX('requests', {})) as { endpoint: string | null; status: number | null }[]).filter((r) => r.endpoint === 'refresh');

test('a rate-limited account stays green, says when it tries next, and a click waits instead of asking X', async ({ page }) => {
  await page.goto(demo.url);
  const card = await openPlatform(page, 'X (Twitter)');
  await expect(card.getByRole('tab', { name: 'Accounts' })).toHaveAttribute('aria-selected', 'true');
  const consent = await openConsent(page, card.getByRole('button', { name: 'Connect X (Twitter)' }));
  await consent.getByRole('radio', { name: /@alice_creates/ }).check();
  await consent.getByRole('button', { name: 'Authorize app' }).click();
  await expect(consent.locator('body')).toContainText(/@alice_creates is connected/);
  await consent.close();
  const pill = card.getByTestId('pill').first();
  await expect(pill).toHaveAttribute('data-status', 'connected');

  await fakeX('fail-next', { endpoint: 'refresh', kind: 'rate_limited', retryAfterSec: 900 });
  const refresh = pill.getByRole('button', { name: 'Refresh @alice_creates' });
  await refresh.click();
  await expect(page.getByText(/rate-limiting requests.*Next try .*at \d/).first()).toBeVisible();
  expect((await refreshRequests()).map((r) => r.status)).toEqual([429]);

  // Green, with the wait where the account is shown.
  await expect(pill).toHaveAttribute('data-status', 'connected');
  await expect(pill.getByRole('button', { name: 'Details for @alice_creates' })).toHaveAttribute('title', /Connected · .*Next try .*at \d/);
  await expect(refresh).toHaveAttribute('title', /Next try .*at \d/);
  await pill.getByRole('button', { name: 'Details for @alice_creates' }).click();
  const details = page.getByRole('region', { name: 'Details for @alice_creates' });
  await expect(details.locator('.details-reason')).toContainText(/Next try .*at \d/);
  await expect(details).toContainText(/Rate limited: .*Next try/);

  // A click during the wait: answered with the wait (a toast of its own), and X is not asked.
  const waits = page.locator('.toast').filter({ hasText: /Next try .*at \d/ });
  const before = await waits.count();
  await refresh.click();
  await expect(waits).toHaveCount(before + 1);
  expect((await refreshRequests()).map((r) => r.status)).toEqual([429]);
  await expect(pill).toHaveAttribute('data-status', 'connected');
});
