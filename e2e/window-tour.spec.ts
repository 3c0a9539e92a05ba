// The window as a new user meets it (issue 15), at 1280×800 and at 800×600, in both schemes: a first run, the
// setup of X and of Facebook, an account that expired, the Post and Tools pages. At every stop: nothing runs off
// the page or hides under the sidebar, axe finds nothing serious, and a screenshot is saved to be looked at.
import { expect, test, type Page } from '@playwright/test';
import { startDemo, type DemoProcess } from './support/demo-process.ts';
import { checkAxe, connectX, openPlatform, shoot } from './support/window-checks.ts';

// Each test looks at its pages at two sizes, with axe in two schemes: 25–70 s each on a busy 2-core machine.
test.describe.configure({ mode: 'serial', timeout: 150_000 });

const SIZES = [
  { width: 1280, height: 800 },
  { width: 800, height: 600 },
] as const;

let demo: DemoProcess;

test.beforeAll(async () => {
  demo = await startDemo();
});

test.afterAll(async () => {
  await demo?.stop();
});

const nav = (page: Page, section: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: new RegExp(`^${section}`) });

/**
 * What "fits" means here: no page scrolls sideways, the sidebar and the page do not overlap, every visible
 * control lies within the window's width (a control cut at the right edge is one the user cannot read), and cards
 * stacked one under another keep a gap (Settings' Token management once touched the Lock card).
 */
async function expectFits(page: Page, where: string): Promise<void> {
  // A string: the Node tsconfig that typechecks the specs has no DOM library.
  const problems = (await page.evaluate(`(() => {
    const found = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width) found.push('the document is ' + document.documentElement.scrollWidth + ' px wide in ' + width);
    const main = document.querySelector('.main');
    const sidebar = document.querySelector('.sidebar');
    if (main && main.scrollWidth > main.clientWidth + 1) found.push('the page scrolls sideways (' + main.scrollWidth + ' in ' + main.clientWidth + ')');
    if (main && sidebar && sidebar.getBoundingClientRect().right > main.getBoundingClientRect().left + 1) found.push('the sidebar overlaps the page');
    for (const el of document.querySelectorAll('button, a, input, select, textarea, h1, h2, [role="status"], [role="dialog"]')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const name = (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40);
      if (r.left < -1 || r.right > width + 1) found.push(el.tagName.toLowerCase() + ' "' + name + '" runs past the window (' + Math.round(r.left) + '–' + Math.round(r.right) + ')');
    }
    const cards = [...document.querySelectorAll('.page .card')].map((el) => ({ el, r: el.getBoundingClientRect() })).filter((c) => c.r.height > 0);
    for (const { el: a, r: ra } of cards) {
      for (const { el: b, r: rb } of cards) {
        const sideBySide = ra.right <= rb.left || rb.right <= ra.left;
        if (a === b || a.contains(b) || b.contains(a) || sideBySide || rb.top < ra.top) continue;
        if (rb.top - ra.bottom < 8) found.push('cards "' + (a.querySelector('h2, h3')?.textContent ?? '?') + '" and "' + (b.querySelector('h2, h3')?.textContent ?? '?') + '" are ' + Math.round(rb.top - ra.bottom) + ' px apart');
      }
    }
    return found;
  })()`)) as string[];
  expect.soft(problems, `${where}: fits the window`).toEqual([]);
}

/** Each size: fits, axe in both schemes (on `include` only, where given), and `tour-<name>-<width>-{light,dark}.png`. */
async function look(page: Page, name: string, include?: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
    await expectFits(page, `${name} at ${size.width}×${size.height}`);
    await checkAxe(page, `${name} at ${size.width}×${size.height}`, include);
    await shoot(page, `tour-${name}-${size.width}`);
  }
  await page.setViewportSize(SIZES[0]);
}

test('first run: the Accounts page offers every platform; the sidebar folds to icons below 960 px', async ({ page }) => {
  await page.goto(demo.url);
  await expect(page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Connect your first account' })).toBeVisible();
  const tiles = page.getByRole('list').filter({ has: page.getByRole('button', { name: /X \(Twitter\)/ }) }).getByRole('button');
  await expect(tiles).toHaveCount(10);
  // Nothing needs the user yet: no attention line, no chips, no count on the sidebar.
  await expect(page.getByRole('group', { name: 'Show' })).toHaveCount(0);
  await look(page, 'first-run');

  // Folded, each section keeps its name for assistive technology and the mouse.
  await page.setViewportSize(SIZES[1]);
  await expect(page.locator('.sidebar .nav-label').first()).toHaveCSS('position', 'absolute');
  await expect(nav(page, 'Platforms')).toHaveAttribute('title', 'Platforms');
  await page.setViewportSize(SIZES[0]);
  await expect(page.locator('.sidebar .nav-label').first()).not.toHaveCSS('position', 'absolute');
});

test('setup of X and of Facebook: a tile opens the platform in its own place', async ({ page }) => {
  await page.goto(demo.url);
  await page.getByRole('button', { name: /^X \(Twitter\)/ }).click();
  await expect(page.getByRole('heading', { name: 'Platforms', level: 1 })).toBeVisible();
  const x = page.getByRole('region', { name: 'X (Twitter)', exact: true });
  await expect(x.getByRole('heading', { name: 'X (Twitter)' })).toBeFocused();
  await x.getByRole('tab', { name: 'Credentials' }).click();
  await look(page, 'x-setup', '[data-platform-card="x"]');

  await nav(page, 'Accounts').click();
  await page.getByRole('button', { name: /^Facebook Pages/ }).click();
  const facebook = page.getByRole('region', { name: 'Facebook Pages', exact: true });
  await expect(facebook.getByRole('heading', { name: 'Facebook Pages' })).toBeFocused();
  await facebook.getByRole('tab', { name: 'Credentials' }).click();
  await look(page, 'facebook-setup', '[data-platform-card="facebook"]');
});

test('an expired account: the attention line, its Reconnect, the chip that filters, a red count', async ({ page }) => {
  await page.goto(demo.url);
  await openPlatform(page, 'X (Twitter)');
  await connectX(page, /@alice_creates/);
  await nav(page, 'Accounts').click();
  await expect(page.getByText('Your account is working. Plugboard renews it before it expires.')).toBeVisible();
  await connectXAgain(page, /@bob_builds/);

  // The demo's X refresh tokens live 10 days: eleven days on, both have stopped; a reconnect of one leaves one red.
  await demo.travel('+11d');
  const attention = page.locator('.attention');
  await expect(attention).toContainText('2 expired');
  await expect(nav(page, 'Accounts')).toContainText('2');
  await expect(page.locator('.nav-count--red')).toHaveText(/^2/);
  await look(page, 'expired');

  // The chip leaves only what needs the user.
  await page.getByRole('button', { name: /^Need attention/ }).click();
  await expect(page.getByRole('button', { name: /^Need attention/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('heading', { name: /^Working/ })).toHaveCount(0);
  await expect(page.getByTestId('pill')).toHaveCount(2);
  await page.getByRole('button', { name: /^All/ }).click();

  // The attention line's Reconnect starts the browser sign-in from here, and the wait shows here.
  const popup = page.waitForEvent('popup');
  await attention.getByRole('button', { name: /^Reconnect @alice_creates/ }).click();
  await expect(page.getByText('Waiting for authorization in your browser')).toBeVisible();
  const consent = await popup;
  await consent.getByRole('radio', { name: /@alice_creates/ }).check();
  await consent.getByRole('button', { name: 'Authorize app' }).click();
  await expect(consent.locator('body')).toContainText(/@alice_creates is (re)?connected/);
  await consent.close();
  await expect(attention).toContainText('1 expired');
  await expect(attention).toContainText('@bob_builds on X (Twitter) has stopped working.');
  await expect(page.getByRole('heading', { name: /^Working/ })).toBeVisible();
});

/** X's Connect again from the Platforms page (the overview's tile goes once an account exists). */
async function connectXAgain(page: Page, who: RegExp): Promise<void> {
  await openPlatform(page, 'X (Twitter)');
  await connectX(page, who);
  await nav(page, 'Accounts').click();
}

test('the Post, Tools and Settings pages', async ({ page }) => {
  await page.goto(demo.url);
  await nav(page, 'Post').click();
  await expect(page.getByRole('heading', { name: 'Post', level: 1 })).toBeVisible();
  await look(page, 'post');
  await nav(page, 'Tools').click();
  await expect(page.getByRole('heading', { name: 'Connected tools', level: 1 })).toBeVisible();
  await look(page, 'tools');
  await nav(page, 'Settings').click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await look(page, 'settings');
});
