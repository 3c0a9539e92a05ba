// 1,000 accounts over the ten platforms (seeded through the real store by bench/seed.ts) in the real
// page: the overview's chips count them all, each card shows its pills, the windowed lists render what scrolls
// into view, and a pill far down the page still opens its details. Speed is measured in bench/, not here.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { seed } from '../bench/seed.ts';
import { startHostProcess, type HostProcess } from './support/host-process.ts';
import { openPlatform, shoot } from './support/window-checks.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
let host: HostProcess | null = null;
let dataDir = '';

test.afterEach(async () => {
  await host?.stop();
  host = null;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/**
 * The heights of the layers Chromium composites. A scroller scrolled on the compositor thread has a
 * layer of its own as tall as all it scrolls; one scrolled on the main thread has none.
 */
async function layerHeights(page: Page): Promise<number[]> {
  const cdp = await page.context().newCDPSession(page);
  const heights = new Promise<number[]>((resolve) => cdp.on('LayerTree.layerTreeDidChange', (e) => e.layers && resolve(e.layers.map((l) => l.height))));
  await cdp.send('LayerTree.enable');
  // A scroll makes a new layer tree, which the session then reports.
  await page.locator('.main').evaluate((main) => main.scrollBy(0, 1));
  try {
    return await heights;
  } finally {
    await cdp.detach();
  }
}

test('1,000 accounts: counted, shown per platform, and the last card’s pills render when scrolled to', async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  const seeded = await seed({ count: 1000 });
  dataDir = seeded.dir;
  host = await startHostProcess({ dataDir, passphrase: seeded.passphrase, origins: {} });
  // The first frame with pills (src-renderer/ui/first-screen.ts): what the window shows is there, and the
  // sections below it are still stand-ins. Looked at in every frame from the page's start.
  await page.addInitScript(`(() => {
    const look = () => {
      const pills = [...document.querySelectorAll('[data-testid="pill"]')];
      if (pills.length === 0) return requestAnimationFrame(look);
      const inView = (el) => { const box = el.getBoundingClientRect(); return box.height > 0 && box.bottom > 0 && box.top < innerHeight; };
      const later = [...document.querySelectorAll('[data-renders-later]')];
      const sections = document.querySelectorAll('.status-group-platform:not([data-renders-later])').length;
      window.__firstFrame = { pills: pills.length, pillsInView: pills.filter(inView).length, sections, later: later.length, laterInView: later.filter(inView).length };
      // Then the stand-ins left in each frame, until none is.
      window.__laterByFrame = [later.length];
      const follow = () => {
        const left = document.querySelectorAll('[data-renders-later]').length;
        window.__laterByFrame.push(left);
        if (left > 0) requestAnimationFrame(follow);
      };
      requestAnimationFrame(follow);
    };
    requestAnimationFrame(look);
  })()`);
  await page.goto(host.url);
  const chips = page.getByRole('group', { name: 'Show' });
  await expect(chips.getByRole('button', { name: 'All 1000' })).toBeVisible({ timeout: 20_000 });
  const firstFrame = await page.evaluate<{ pills: number; pillsInView: number; sections: number; later: number; laterInView: number }>('window.__firstFrame');
  expect(firstFrame.pillsInView, 'pills in view in the first frame with pills').toBeGreaterThan(4);
  expect(firstFrame.laterInView, 'sections still to render, in view in that frame').toBe(0);
  expect(firstFrame.later, 'sections still to render in that frame').toBeGreaterThan(10);
  expect(firstFrame.pills, 'pills in that frame').toBeLessThan(seeded.expired + seeded.expiring);
  // Then the whole page, a screenful per frame: each stand-in has become its section.
  await expect(page.locator('[data-renders-later]')).toHaveCount(0);
  await expect(page.locator('.status-group-platform')).toHaveCount(firstFrame.sections + firstFrame.later);
  const laterByFrame = await page.evaluate<number[]>('window.__laterByFrame');
  expect(new Set(laterByFrame).size, `stand-ins left frame by frame: ${laterByFrame.join(' ')}`).toBeGreaterThan(3);
  await expect(chips.getByRole('button', { name: `Need attention ${seeded.expiring + seeded.expired}` })).toBeVisible();
  await page.screenshot({ path: join(SHOTS, 'scale-1000-overview.png'), animations: 'disabled' });
  // The long page scrolls on the compositor thread: a wheel scroll does not wait for the page's work.
  const scrollHeight = await page.locator('.main').evaluate((main) => main.scrollHeight);
  expect(scrollHeight).toBeGreaterThan(2 * 800);
  expect(await layerHeights(page), 'a layer as tall as the page that scrolls').toContain(scrollHeight);

  // Pills met in a fast scroll show their initial; their pictures load once it slows (scroll-pace.ts).
  // Strings: the Node tsconfig that typechecks the specs has no DOM library.
  const countInView = `() => {
    const avatars = [...document.querySelectorAll('ul.pills--windowed .pill .avatar')].filter((a) => {
      const box = a.getBoundingClientRect();
      return box.bottom > 0 && box.top < innerHeight;
    });
    const pictures = avatars.filter((a) => a.tagName === 'IMG').length;
    return { pictures, initials: avatars.length - pictures };
  }`;
  const inView = () => page.evaluate<{ pictures: number; initials: number }>(`(${countInView})()`);
  // 480 px a frame down for 20 frames, then back and forth in place until the pills there have rendered (later on a
  // busy machine), looking in each frame before it moves: fast for the app even at 300 ms frames.
  const midScroll = await page.evaluate<{ pictures: number; initials: number }>(`new Promise((done) => {
    const main = document.querySelector('.main');
    const count = ${countInView};
    let frames = 0;
    const step = () => {
      frames++;
      const seen = count();
      if ((frames > 20 && seen.pictures + seen.initials >= 5) || frames > 600) return done(seen);
      main.scrollTop += frames > 20 && frames % 2 ? -480 : 480;
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  })`);
  expect(midScroll.initials, 'pills in view while scrolling fast').toBeGreaterThan(4);
  expect(midScroll.pictures, 'pictures loaded while scrolling fast').toBe(0);
  // The seed gives nine accounts in ten a picture.
  await expect.poll(async () => (await inView()).pictures, { message: 'pictures once the scroll has stopped' }).toBeGreaterThan(midScroll.initials / 2);
  await page.locator('.main').evaluate((main) => main.scrollTo(0, 0));
  const x = await openPlatform(page, 'X (Twitter)');
  await expect(x.getByRole('tab', { name: /Accounts/ })).toContainText(String(seeded.perPlatform.x));
  await page.screenshot({ path: join(SHOTS, 'scale-1000.png'), animations: 'disabled' });
  await expect((await openPlatform(page, 'X (Twitter)')).getByRole('tab', { name: /Accounts/ })).toContainText(String(seeded.perPlatform.x));

  const last = await openPlatform(page, 'WordPress');
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

test('the bundle asks V8 to compile it while it loads, and the browser may keep it', async ({ page }) => {
  const seeded = await seed({ count: 10 });
  dataDir = seeded.dir;
  host = await startHostProcess({ dataDir, passphrase: seeded.passphrase, origins: {} });
  await page.goto(host.url);
  await expect(page.getByTestId('pill').first()).toBeVisible();
  const src = await page.locator('script[type="module"]').getAttribute('src');
  const reply = await page.request.get(new URL(src!, page.url()).href);
  const served = { cacheControl: reply.headers()['cache-control'], firstLine: (await reply.text()).split('\n', 1)[0] };
  // vite.config.mts's postBanner: a minifier or bundler upgrade that drops it fails here.
  expect(served).toEqual({ cacheControl: 'public, max-age=31536000, immutable', firstLine: '//# allFunctionsCalledOnLoad' });
});

test('arrow keys move between pills, into chunks not yet rendered; one pill is in the Tab order', async ({ page }) => {
  // Seeding 1,000 accounts and starting the host take half a minute on a busy 2-core machine.
  test.setTimeout(180_000);
  const seeded = await seed({ count: 1000 });
  dataDir = seeded.dir;
  host = await startHostProcess({ dataDir, passphrase: seeded.passphrase, origins: {} });
  await page.goto(host.url);
  await expect(page.getByRole('group', { name: 'Show' }).getByRole('button', { name: 'All 1000' })).toBeVisible({ timeout: 20_000 });
  const card = await openPlatform(page, 'X (Twitter)');
  const list = card.getByRole('list', { name: 'X (Twitter) accounts' });
  const total = seeded.perPlatform.x;
  const bodies = list.locator('.pill-body');
  await expect(bodies.first()).toBeVisible({ timeout: 20_000 });
  const focused = page.locator('[data-account-id]:has(:focus)');
  const focusedPill = () => focused.getAttribute('aria-posinset');
  const focusedBox = async () => (await focused.boundingBox())!;

  await expect(list.locator('.pill-body:not([tabindex="-1"])')).toHaveCount(1);
  await bodies.first().focus();
  await page.keyboard.press('ArrowRight');
  expect(await focusedPill()).toBe('2');
  await page.keyboard.press('ArrowLeft');
  expect(await focusedPill()).toBe('1');

  const first = await focusedBox();
  await page.keyboard.press('ArrowDown');
  const below = await focusedBox();
  expect(below.y).toBeGreaterThan(first.y);
  expect(Math.abs(below.x - first.x)).toBeLessThan(first.width);
  await page.keyboard.press('ArrowUp');
  expect(await focusedPill()).toBe('1');

  // The last pill is far past what the windowed list has rendered.
  await expect(list.locator(`[aria-posinset="${total}"]`)).toHaveCount(0);
  await page.keyboard.press('End');
  expect(await focusedPill()).toBe(String(total));
  await expect(list.locator(`[aria-posinset="${total}"]`)).toBeInViewport();
  // The pictures come by address from the host: the pills in view show them, not the initials.
  await expect(list.locator('img.avatar').last()).toHaveJSProperty('naturalWidth', 48);
  await shoot(page, 'pill-keys-end-1280');
  await page.keyboard.press('ArrowRight');
  expect(await focusedPill()).toBe(String(total));
  await page.keyboard.press('Home');
  expect(await focusedPill()).toBe('1');
  await expect(list.locator('[aria-posinset="1"]')).toBeInViewport();

  // The focused pill is the one in the Tab order, and Tab leaves the list after its own buttons.
  await page.keyboard.press('ArrowRight');
  await expect(list.locator('.pill-body:not([tabindex="-1"])')).toHaveCount(1);
  await expect(list.locator('[aria-posinset="2"] .pill-body')).toHaveAttribute('tabindex', '0');
  const buttons = await list.locator('[aria-posinset="2"] button').count();
  for (let i = 0; i < buttons; i++) await page.keyboard.press('Tab');
  await expect(page.locator('ul.pills :focus')).toHaveCount(0);
  await page.keyboard.press('Shift+Tab');
  expect(await focusedPill()).toBe('2');

  // In a small window rows hold fewer pills: Down still lands on the pill below.
  await page.setViewportSize({ width: 800, height: 600 });
  await list.locator('[aria-posinset="2"] .pill-body').focus();
  const second = await focusedBox();
  await page.keyboard.press('ArrowDown');
  const under = await focusedBox();
  expect(under.y).toBeGreaterThan(second.y);
  expect(Math.abs(under.x - second.x)).toBeLessThan(second.width);
  await page.keyboard.press('End');
  expect(await focusedPill()).toBe(String(total));
  await shoot(page, 'pill-keys-end-800');
});
