// `plugboard post` end to end: the real command against the real core's socket and the fake X. It waits while the
// test confirms the exact post through the typed API, prints a line per account (exit 0), exits 6 when an account
// was not posted, 3 when the user declines or the grant is missing, 2 on a usage mistake.
import { afterEach, describe, expect, it } from 'vitest';
import { harnessPool } from '../kit/core-harness.ts';
import { CliRunner } from './cli-runner.ts';
import { ALICE, BOB, GatewayHarness } from './gateway-harness.ts';

const harnesses = harnessPool<GatewayHarness>();
const runners: CliRunner[] = [];
afterEach(async () => {
  await harnesses.closeAll();
  for (const r of runners.splice(0)) r.close();
});

async function setup(capabilities: ('publish' | 'publish_unattended' | 'request')[]) {
  const h = harnesses.track(await GatewayHarness.open());
  const cli = new CliRunner(h.socketPath);
  runners.push(cli);
  const alice = await h.connect(ALICE);
  const bob = await h.connect(BOB);
  const { done } = cli.start(['pair', '--name', 'poster']);
  await h.ok('tools.approve', { requestId: (await h.waitForRequest('poster')).id, accounts: 'all', capabilities });
  expect((await done).code).toBe(0);
  return { h, cli, alice, bob };
}

// Measured: 3.3–7.3 s each alone, up to 10.5 s beside the other gateway files (three to six spawned commands).
describe('plugboard post', { timeout: 25_000 }, () => {
  it('waits for the confirmation, then prints a line per account and exits 0', async () => {
    const { h, cli, alice, bob } = await setup(['publish']);
    const { done } = cli.start(['post', '--to', 'x:@alice_creates', '--to', 'x:bob_builds', 'Out now: issue 7', '--link', 'https://example.com/7']);
    const pending = await h.waitForPost('poster');
    expect(pending).toMatchObject({ text: 'Out now: issue 7', link: 'https://example.com/7', draft: false, accounts: [{ id: alice }, { id: bob }] });
    await h.ok('posts.confirm', { requestId: pending.id });
    const run = await done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("Waiting for you to confirm the post in Plugboard's window (Ctrl-C takes it back)…\n");
    expect(run.stdout).toMatch(/^posted {5}x:@alice_creates {2}https?:\/\/\S+\nposted {5}x:@bob_builds {2}https?:\/\/\S+\n$/);
  });

  it('exits 6 when an account was not posted (a platform rule), with --json the post itself', async () => {
    const { cli, alice } = await setup(['publish', 'publish_unattended']);
    const run = await cli.run(['post', '--to', alice, 'x'.repeat(281)]);
    expect(run.code, run.stderr).toBe(6);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('not tried  x:@alice_creates: X takes 280 characters as it counts them; this is 281.\n');
    const json = await cli.run(['post', '--to', alice, 'x'.repeat(281), '--json']);
    expect(json.code).toBe(6);
    expect(JSON.parse(json.stdout)).toMatchObject({ by: { kind: 'tool', name: 'poster' }, results: [{ accountId: alice, outcome: 'not_tried' }] });
  });

  it('exits 3 when the user declines or the grant is missing, and 2 on a usage mistake', async () => {
    const { h, cli } = await setup(['publish']);
    const { done } = cli.start(['post', '--to', 'x:@alice_creates', 'maybe not']);
    await h.ok('posts.reject', { requestId: (await h.waitForPost('poster')).id });
    const declined = await done;
    expect([declined.code, declined.stdout]).toEqual([3, '']);
    expect(declined.stderr).toMatch(/plugboard: The user declined this post in Plugboard, so nothing was posted; do not send it again unless they ask\.\n$/);

    const noTo = await cli.run(['post', 'hello']);
    expect([noTo.code, noTo.stderr]).toEqual([2, 'plugboard: Name at least one account with --to, like --to x:@alice (see `plugboard post --help`).\n']);

    const other = new CliRunner(h.socketPath);
    runners.push(other);
    const paired = other.start(['pair', '--name', 'reader']);
    await h.ok('tools.approve', { requestId: (await h.waitForRequest('reader')).id, accounts: 'all', capabilities: ['request'] });
    await paired.done;
    const refused = await other.run(['post', '--to', 'x:@alice_creates', 'hello']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toBe('plugboard: "reader" may not publish posts through Plugboard; pair it again and allow publishing if it needs to.\n');
  });
});
