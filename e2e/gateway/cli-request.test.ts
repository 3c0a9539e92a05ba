// `plugboard request` end to end through the real proxy (POST /v1/request) to the fake X: the reply on stdout,
// -i's head, a full URL on X's API origin, and the refusals with their exit codes — an origin outside X's list
// and an account not granted (3), the platform's own 404 (5) — and the use on the account's record.
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

describe('plugboard request through the proxy', () => {
  it('calls X as the account with a token the tool never sees, and exits 3 or 5 on the refusals', async () => {
    const h = harnesses.track(await GatewayHarness.open());
    const cli = new CliRunner(h.socketPath);
    runners.push(cli);
    const alice = await h.connect(ALICE);
    const bob = await h.connect(BOB);
    const { done } = cli.start(['pair', '--name', 'reporter']);
    await h.ok('tools.approve', { requestId: (await h.waitForRequest('reporter')).id, accounts: [alice], capabilities: ['request'] });
    expect((await done).code).toBe(0);

    const me = await cli.run(['request', 'x:@alice_creates', 'GET', '/2/users/me']);
    expect(me.code, me.stderr).toBe(0);
    expect(JSON.parse(me.stdout)).toMatchObject({ data: { id: ALICE, username: 'alice_creates' } });
    const token = (await h.stored(alice)).accessToken!;
    expect(me.stdout + me.stderr).not.toContain(token);

    const head = await cli.run(['request', alice, 'GET', 'https://api.x.com/2/users/me', '-i']);
    expect(head.code, head.stderr).toBe(0);
    expect(head.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head.stdout.toLowerCase()).toContain('plugboard-answered-by: platform\r\n');

    const missing = await cli.run(['request', 'x:@alice_creates', 'GET', '/2/nothing-here']);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toBe('plugboard: the platform answered 404 Not Found.\n');

    const outside = await cli.run(['request', 'x:@alice_creates', 'GET', 'https://evil.example/2/users/me']);
    expect([outside.code, outside.stdout]).toEqual([3, '']);
    expect(outside.stderr).toMatch(/^plugboard: .+\n$/);
    const notGranted = await cli.run(['request', bob, 'GET', '/2/users/me']);
    expect(notGranted.code).toBe(3);
    expect(notGranted.stderr).toMatch(/"reporter" was not given x:@bob_builds/);

    const history = await h.ok('accounts.activity', { accountId: alice });
    expect(history.filter((e) => e.kind === 'tool_request').map((e) => e.detail)).toEqual(expect.arrayContaining(['used by reporter: GET /2/users/me → 200']));
  });
});
