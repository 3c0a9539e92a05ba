// Publishing (issue 14) through the real window against the demo: the composer's counters as each platform
// counts, a post too long for X skipping X alone, results inline and in Recent posts and in the account's
// details; a tool paired with 'publish' over the real socket, its post shown word for word in the window, Post
// answering the tool with its results, Don't post answering it with a refusal; axe in light and dark, screenshots.
import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startDemo, type DemoProcess } from './support/demo-process.ts';
import { checkAxe, connectX, openConsent, openPlatform, send, shoot, showSection, SHOTS, socketOf } from './support/window-checks.ts';

const BLUESKY_APP_PASSWORD = 'abcd-efgh-ijkl-mnop';
const WORDPRESS_APP_PASSWORD = 'abcd EFGH ijkl MNOP qrst UVWX';

let demo: DemoProcess | null = null;

test.afterEach(async () => {
  await demo?.stop('SIGTERM');
  demo = null;
});

async function connectPinterest(page: Page): Promise<void> {
  const card = await openPlatform(page, 'Pinterest');
  const consent = await openConsent(page, card.getByRole('button', { name: 'Connect Pinterest' }));
  await consent.getByRole('button', { name: 'Authorize app' }).click();
  await expect(consent.locator('body')).toContainText(/close this tab/i);
  await consent.close();
  await expect(card.getByTestId('pill')).toHaveCount(1);
}

/** The app-password form (Bluesky, WordPress): its fields by label, then Connect. */
async function connectWithForm(page: Page, platform: string, fields: Record<string, string>): Promise<void> {
  const card = await openPlatform(page, platform);
  await card.getByRole('button', { name: `Connect ${platform}` }).click();
  for (const [label, value] of Object.entries(fields)) await card.getByLabel(label, { exact: true }).fill(value);
  await card.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(card.getByTestId('pill')).toHaveCount(1);
}

const chip = (page: Page, handle: string) => page.getByRole('group', { name: 'Post to' }).getByRole('button', { name: new RegExp(`^${handle} on `) });
const counter = (page: Page, platform: string) => page.getByRole('list', { name: 'Length per platform' }).locator(`li[data-platform="${platform}"]`);

test('compose to X, Bluesky and WordPress: counters per platform, X skipped when too long, results inline, in Recent posts and in the details', async ({ page }) => {
  // Measured 38–72 s on the shared 2-core machine (four connects, axe four times in two schemes).
  test.setTimeout(180_000);
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize({ width: 1200, height: 900 });
  demo = await startDemo();
  await page.goto(demo.url);
  await connectX(page, /@alice_creates/);
  await expect(page.getByRole('region', { name: 'X (Twitter)' }).getByTestId('pill')).toHaveCount(1);
  await connectWithForm(page, 'Bluesky', { 'Handle or email': 'alice.bsky.social', 'App password': BLUESKY_APP_PASSWORD });
  await connectWithForm(page, 'WordPress', { 'Site address': 'blog.example.com', Username: 'admin', 'Application password': WORDPRESS_APP_PASSWORD });
  await connectPinterest(page);

  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Post', level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Recent posts' })).toContainText('Nothing has been posted through Plugboard in this workspace yet.');
  // Pinterest takes no text post: its chip cannot be chosen and says why, rather than fail on Publish.
  const pinterest = page.getByRole('group', { name: 'Post to' }).getByRole('button', { name: / on Pinterest$/ });
  await expect(pinterest).toBeDisabled();
  await expect(page.getByText('Pinterest posts need an image; Plugboard publishes text and links for now.')).toBeVisible();
  const publishButton = page.getByRole('button', { name: /^Publish/ });
  await expect(publishButton).toBeDisabled();

  await chip(page, '@alice_creates').click();
  await chip(page, '@alice.bsky.social').click();
  await expect(chip(page, '@alice_creates')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByLabel('Keep as draft')).toHaveCount(0);
  const text = page.getByLabel('Text', { exact: true });
  await text.fill('Hello from Plugboard: one post, three accounts.');
  // A link that is not an address is said once the field is left, and holds Publish back.
  const linkField = page.getByLabel(/^Link/);
  await linkField.fill('example.com/launch');
  await text.focus();
  await expect(linkField).toHaveAccessibleDescription('Enter a link that starts with https://');
  await expect(publishButton).toBeDisabled();
  await linkField.fill('https://example.com/launch');
  await expect(page.getByText('Enter a link that starts with https://')).toHaveCount(0);
  // X adds the link to the text and counts it as 23; Bluesky counts every character of it.
  await expect(counter(page, 'x')).toContainText('X 72/280');
  await expect(counter(page, 'bluesky')).toContainText('Bluesky 75/300');
  await chip(page, '@ada').click();
  await expect(page.getByLabel('Keep as draft')).toBeVisible();
  await expect(counter(page, 'wordpress')).toContainText('WordPress 75/100,000');
  await expect(publishButton).toHaveText('Publish');
  await expect(publishButton).toBeEnabled();
  await checkAxe(page, 'the composer');
  await shoot(page, 'composer');

  await publishButton.click();
  const results = page.getByRole('region', { name: 'Results' });
  await expect(results).toContainText('Published to 3 accounts.');
  const rows = results.getByRole('listitem');
  await expect(rows).toHaveCount(3);
  for (const handle of ['@alice_creates', '@alice.bsky.social', '@ada']) await expect(rows.filter({ hasText: handle })).toContainText('Posted');
  await expect(results.getByRole('link', { name: /^Open the post of @alice_creates on X/ })).toHaveAttribute('href', /^https?:\/\//);
  // Published: the form keeps what was sent until Clear; Publish is gone so it cannot go twice by accident.
  await expect(text).toHaveJSProperty('readOnly', true);
  await expect(page.getByRole('button', { name: /^Publish/ })).toHaveCount(0);

  const recent = page.getByRole('region', { name: 'Recent posts' });
  const first = recent.getByRole('article').first();
  await expect(first).toContainText('From this window');
  await expect(first).toContainText('Hello from Plugboard: one post, three accounts.');
  await expect(first.getByRole('listitem')).toHaveCount(3);
  await checkAxe(page, 'the results and Recent posts');
  await shoot(page, 'composer-published');

  // Clear keeps the accounts; a text too long for X skips X alone, and says so before anything is sent.
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(text).toHaveValue('');
  await expect(chip(page, '@alice_creates')).toHaveAttribute('aria-pressed', 'true');
  await text.fill(`${'Long thought. '.repeat(21)}End.`);
  await expect(counter(page, 'x')).toContainText('X 298/280');
  await expect(counter(page, 'x')).toHaveCSS('color', 'rgb(180, 35, 24)');
  await expect(counter(page, 'bluesky')).toContainText('Bluesky 298/300');
  await expect(page.getByText('X takes 280 characters as it counts them; this is 298. @alice_creates will be skipped.')).toBeVisible();
  await expect(page.getByRole('button', { name: /^Publish/ })).toHaveText('Publish to 2 of 3 accounts');
  await checkAxe(page, 'the composer with X over its limit');
  await shoot(page, 'composer-over-limit');
  // Ctrl+Enter publishes from the keyboard.
  await text.press('Control+Enter');
  await expect(results).toContainText('Published to 2 accounts.');
  await expect(results.getByRole('listitem')).toHaveCount(2);
  await expect(results).not.toContainText('@alice_creates');
  await expect(recent.getByRole('article')).toHaveCount(2);

  // A draft is WordPress's alone: the option shows only with a WordPress account chosen, and the result says where it went.
  await page.getByRole('button', { name: 'Clear' }).click();
  await chip(page, '@alice_creates').click();
  await chip(page, '@alice.bsky.social').click();
  await text.fill('Notes for a longer piece.');
  await page.getByLabel('Keep as draft').check();
  await page.getByRole('button', { name: /^Publish/ }).click();
  await expect(results.getByRole('listitem')).toHaveText([/@ada.*Saved as draft/]);
  await expect(recent.getByRole('article').first()).toContainText('Draft');

  // The account's details list its posts, its own outcome only.
  const pill = (await openPlatform(page, 'X (Twitter)')).getByTestId('pill');
  await pill.getByRole('button', { name: 'Details for @alice_creates' }).click();
  const posts = page.getByRole('list', { name: 'Posts' });
  await expect(posts.getByRole('article')).toHaveCount(1);
  await expect(posts).toContainText('Hello from Plugboard: one post, three accounts.');
  await expect(posts.getByRole('list', { name: 'Results' }).getByRole('listitem')).toHaveCount(1);
  await posts.scrollIntoViewIfNeeded();
  await checkAxe(page, 'the account details with its posts');
  await shoot(page, 'account-posts', page.getByRole('region', { name: 'Details for @alice_creates' }));
});

test('a tool with publish: its post waits word for word, Post answers the tool with its results, Don\'t post with a refusal', async ({ page }) => {
  // Measured 20–45 s on the shared 2-core machine.
  test.setTimeout(120_000);
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize({ width: 1200, height: 900 });
  demo = await startDemo();
  const socket = socketOf(demo);
  await page.goto(demo.url);
  await connectX(page, /@alice_creates/);
  await expect(page.getByRole('region', { name: 'X (Twitter)' }).getByTestId('pill')).toHaveCount(1);
  await connectWithForm(page, 'Bluesky', { 'Handle or email': 'alice.bsky.social', 'App password': BLUESKY_APP_PASSWORD });

  const asked = send(socket, 'POST', '/v1/pair', { body: { name: 'newsletter', description: 'node newsletter.js' } });
  const pairing = page.getByRole('dialog', { name: '“newsletter” asks to use your accounts' });
  const unattended = pairing.getByRole('checkbox', { name: /Publish without asking/ });
  // Publishing without asking means nothing without publishing, and is never on by itself.
  await expect(unattended).toBeDisabled();
  await pairing.getByRole('checkbox', { name: /Publish posts \(you confirm each one\)/ }).check();
  await expect(unattended).toBeEnabled();
  await expect(unattended).not.toBeChecked();
  await pairing.getByRole('button', { name: 'Allow' }).click();
  const paired = await asked;
  expect(paired.json.capabilities).toEqual(['request', 'publish']);
  const key: string = paired.json.key;
  await showSection(page, 'Tools');
  await expect(page.getByRole('article', { name: 'newsletter' })).toContainText('Publish posts (you confirm each one)');

  // Spaces, blank lines and quotes as the tool sent them: the dialog shows exactly what would go out.
  const exact = 'Issue 7 is out.\n\n  — “Plugboard”, line two  \n\nThanks for reading!';
  const posting = send(socket, 'POST', '/v1/posts', { key, body: { text: exact, link: 'https://example.com/issue-7', to: ['x:@alice_creates', 'bluesky:@alice.bsky.social'] } });
  const confirm = page.getByRole('dialog', { name: '“newsletter” wants to post' });
  await expect(confirm).toBeVisible();
  await expect(page.locator('#root')).toHaveAttribute('inert', '');
  const shown = confirm.getByRole('region', { name: "The post's text" });
  expect(await shown.evaluate((el) => el.textContent)).toBe(exact);
  await expect(shown).toHaveCSS('white-space', 'pre-wrap');
  await expect(confirm).toContainText('https://example.com/issue-7');
  await expect(confirm).toContainText('@alice_creates');
  await expect(confirm).toContainText('@alice.bsky.social');
  await checkAxe(page, 'the post confirmation');
  await shoot(page, 'post-confirmation');
  await confirm.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(confirm).toHaveCount(0);
  const reply = await posting;
  expect(reply.status).toBe(200);
  expect(reply.json).toMatchObject({ by: { kind: 'tool', name: 'newsletter' }, text: exact });
  const outcomes = reply.json.results.map((r: { handle: string; outcome: string }) => [r.handle, r.outcome]).sort();
  expect(outcomes).toEqual([
    ['alice.bsky.social', 'posted'],
    ['alice_creates', 'posted'],
  ]);

  // Two at once: one at a time, "1 of 2"; Don't post tells the tool no, and nothing is posted.
  const second = send(socket, 'POST', '/v1/posts', { key, body: { text: 'Second thought', to: ['x:@alice_creates'] } });
  await expect(confirm).toBeVisible();
  const third = send(socket, 'POST', '/v1/posts', { key, body: { text: 'Third thought', to: ['x:@alice_creates'] } });
  await expect(confirm).toContainText('Request 1 of 2');
  await expect(confirm.getByRole('region', { name: "The post's text" })).toHaveText('Second thought');
  await confirm.getByRole('button', { name: "Don't post" }).click();
  expect((await second).json.error.code).toBe('rejected');
  await expect(confirm.getByRole('region', { name: "The post's text" })).toHaveText('Third thought');
  await expect(confirm).not.toContainText('Request');
  // Escape puts it aside on the Post page, where Review brings it back.
  await page.keyboard.press('Escape');
  await expect(confirm).toHaveCount(0);
  await page.getByRole('button', { name: /^Post/ }).click();
  const aside = page.getByRole('region', { name: 'Waiting for your answer' });
  await aside.getByRole('button', { name: 'Review the post of newsletter' }).click();
  await confirm.getByRole('button', { name: "Don't post" }).click();
  expect((await third).json.error.code).toBe('rejected');

  const recent = page.getByRole('region', { name: 'Recent posts' });
  await expect(recent.getByRole('article')).toHaveCount(1);
  await expect(recent.getByRole('article')).toContainText('newsletter');
  await expect(recent.getByRole('article')).toContainText('Thanks for reading!');
  await checkAxe(page, 'Recent posts with a tool\'s post');
  await shoot(page, 'recent-posts');
});
