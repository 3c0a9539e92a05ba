// What the window specs of the gateway and publishing share: the demo's socket, a request over it, connecting X
// through its consent page, the landing page's way back, axe in both schemes, and screenshots in both.
import axe from 'axe-core';
import { request } from 'node:http';
import { join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import type { DemoProcess } from './demo-process.ts';

export const SHOTS = join(import.meta.dirname, '..', 'screenshots');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface Reply {
  status: number;
  json: any;
}

/** One request over the gateway's socket, as `curl --unix-socket` sends it. */
export function send(socketPath: string, method: string, path: string, opts: { key?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<Reply> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        method,
        path,
        headers: {
          host: 'plugboard',
          ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        signal: opts.signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The demo prints its throwaway data folder; the host serves the gateway at `<data folder>/plugboard.sock`. */
export function socketOf(d: DemoProcess): string {
  const dir = /data folder:\s+(\S+)/.exec(d.output())?.[1];
  if (!dir) throw new Error(`the demo printed no data folder:\n${d.output()}`);
  return join(dir, 'plugboard.sock');
}

/** One of the sidebar's sections (Accounts, Platforms, Post, Tools, Notices, Settings, Move). */
export async function showSection(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
}

/**
 * A platform's card, where its setup and its accounts live: on the Platforms page, which the sidebar opens.
 * Every spec reaches a card through here, so the window's layout is named in one place.
 */
export async function openPlatform(page: Page, name: string): Promise<Locator> {
  const card = page.getByRole('region', { name, exact: true });
  if (!(await card.isVisible())) await showSection(page, 'Platforms');
  await expect(card).toBeVisible();
  return card;
}

/**
 * Click a Connect button and return the consent page it opens. Where the window answers with an error toast
 * instead (a port in use, say), the test fails at once with that sentence, not at its time-out.
 */
export async function openConsent(page: Page, connect: Locator): Promise<Page> {
  const popup = page.waitForEvent('popup', { timeout: 0 });
  const errors = page.locator('.toast--error');
  const error = errors.nth(await errors.count());
  const refused = error.waitFor({ timeout: 0 }).then(async () => `Connect showed an error instead of a consent page: ${await error.innerText()}`);
  // Whichever loses is still waiting when the page closes; its rejection then means nothing.
  popup.catch(() => {});
  refused.catch(() => {});
  await connect.click();
  const first = await Promise.race([popup, refused]);
  if (typeof first === 'string') throw new Error(first);
  return first;
}

/** Connect X through the fake's consent page as the user matching `who`. */
export async function connectX(page: Page, who: RegExp): Promise<void> {
  const card = await openPlatform(page, 'X (Twitter)');
  const consent = await openConsent(page, card.getByRole('button', { name: 'Connect X (Twitter)' }));
  await consent.getByRole('radio', { name: who }).check();
  await consent.getByRole('button', { name: 'Authorize app' }).click();
  await expect(consent.locator('body')).toContainText(/is connected/);
  await consent.close();
}

/**
 * Serious and critical axe findings, every rule in light mode and contrast in dark (dark mode swaps every colour
 * variable and nothing else, so the other rules would only see the same structure twice); `include` limits it to
 * one part of the page (a selector), where the rest was checked already. Soft, so every state of a test is
 * reported, not only the first that fails.
 */
export async function checkAxe(page: Page, state: string, include?: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const runOnly = colorScheme === 'dark' ? { type: 'rule', values: ['color-contrast'] } : { type: 'tag', values: WCAG_TAGS };
    let found = await axeFindings(page, colorScheme, runOnly, include);
    // Asked once more a moment later: a colour read mid-change (a clean-clone run once found two chips of the
    // post dialog too faint in dark mode, which no other run did) is gone by then; a real failure is not.
    if (found.length) {
      await page.waitForTimeout(500);
      found = await axeFindings(page, colorScheme, runOnly, include);
    }
    expect.soft(found, `axe violations with ${state}, ${colorScheme} mode`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * axe-core's own run in the page, one line per serious or critical offending element. The window has no frames,
 * so this is the whole analysis @axe-core/playwright makes, without the blank page it opens and loads axe into
 * to merge frames' results: 3–5 s a run on a busy 2-core machine, against about 1 s here. axe is loaded afresh
 * each run, as that wrapper does: one reused across a scheme switch keeps colours it cached under the old scheme
 * and reports contrast failures that are not there.
 */
async function axeFindings(page: Page, colorScheme: 'light' | 'dark', runOnly: { type: string; values: string[] }, include?: string): Promise<string[]> {
  // Evaluated as Playwright evaluates, outside the page's script policy.
  await page.evaluate(axe.source);
  return page.evaluate(
    async ({ context, runOnly, colorScheme }) => {
      const { axe, document, matchMedia, requestAnimationFrame, CSSTransition } = globalThis as any;
      // The scheme may reach the page after emulateMedia returns, and it starts colour transitions (0.01 ms with
      // reduced motion, yet each ends on a later frame): axe must read the new scheme's colours only.
      // Bounded: on a busy CI machine this wait once never ended (with a dialog or details open) and the test ran
      // into its time-out; after 2 s axe reads the colours as they are, and a real contrast failure still shows.
      const settled = (async () => {
        while (!matchMedia(`(prefers-color-scheme: ${colorScheme})`).matches) await new Promise((done) => requestAnimationFrame(done));
        await Promise.all(document.getAnimations().filter((a: unknown) => a instanceof CSSTransition).map((a: { finished: Promise<unknown> }) => a.finished.catch(() => {})));
      })();
      await Promise.race([settled, new Promise((done) => setTimeout(done, 2000))]);
      const { violations } = await axe.run(context, { runOnly });
      return (violations as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[])
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id} (${v.help}): ${n.target.join(' ')}`));
    },
    { context: { include: include ? [include] : [], exclude: [] }, runOnly, colorScheme },
  );
}

/** `<name>-light.png` and `<name>-dark.png` of the page, or of one part of it. */
export async function shoot(page: Page, name: string, target?: Locator): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await (target ?? page).screenshot({ path: join(SHOTS, `${name}-${colorScheme}.png`), animations: 'disabled' });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * The notices list, on the sidebar's Notices page.
 * Every spec reaches the list through here, so the window's layout is named in one place.
 */
export async function openNotices(page: Page): Promise<Locator> {
  const list = page.getByRole('region', { name: 'Notices', exact: true });
  if (!(await list.isVisible())) {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Notices/ }).click();
  }
  await expect(list).toBeVisible();
  return list;
}

/**
 * Clicks the landing page's "Back to Plugboard", which closes its tab, and waits for the close. The
 * tab can close before Playwright has finished its click (a clean-clone run once failed there with
 * "Target page … has been closed"): that error counts only if the tab is still open.
 */
export async function backToPlugboard(landing: Page): Promise<void> {
  const closed = landing.waitForEvent('close');
  await landing
    .getByRole('button', { name: 'Back to Plugboard' })
    .click()
    .catch((e: unknown) => {
      if (!landing.isClosed()) throw e;
    });
  await closed;
}
