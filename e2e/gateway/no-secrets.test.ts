// No refresh token, app password or client secret ever crosses the socket. Planted values — X's client secret
// and refresh tokens (before and after a renewal), a WordPress application password, a Bluesky app password
// and its session's refresh JWT — are grepped in everything the tests captured: every reply over the socket
// and every run of the `plugboard` command (stdout, stderr) and its key file. Access tokens may appear only
// where a tool asked for one: /v1/token and `plugboard token`.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src-main/fakes/free-port.ts';
import { startFakeBluesky, type FakeBluesky } from '../../src-main/fakes/bluesky.ts';
import { startFakeWordPress, type FakeWordPress } from '../../src-main/fakes/wordpress.ts';
import { startFakeX } from '../../src-main/fakes/x.ts';
import { socketPath } from '../../src-main/gateway/socket-path.ts';
import { listenGateway } from '../../src-main/gateway/socket-server.ts';
import { CoreHarness } from '../kit/core-harness.ts';
import { CliRunner, type CliRun } from './cli-runner.ts';
import { ALICE, GatewayHarness, X_APP, type SocketReply } from './gateway-harness.ts';

const silent = { info() {}, warn() {}, error() {} };
const opened: { h: GatewayHarness; wp: FakeWordPress; bsky: FakeBluesky; cli: CliRunner }[] = [];
afterEach(async () => {
  for (const { h, wp, bsky, cli } of opened.splice(0)) {
    await h.close();
    await wp.close();
    await bsky.close();
    cli.close();
  }
});

/** The gateway harness with WordPress and Bluesky fakes beside the fake X, in one core. */
async function open() {
  const fake = await startFakeX();
  const wp = await startFakeWordPress();
  const bsky = await startFakeBluesky();
  const port = await freePort();
  fake.registerApp({ ...X_APP, redirectUris: [`http://127.0.0.1:${port}/callback/x`] });
  const { core, dataDir } = await CoreHarness.openParts(fake, 'gateway-secrets', { ...wp.originMap(), ...bsky.originMap() });
  const h = new GatewayHarness(fake, core, dataDir);
  await h.ok('platforms.setRedirect', { platform: 'x', kind: 'loopback', port });
  await h.ok('credentials.save', { platform: 'x', ...X_APP });
  h.gateway = await listenGateway({ path: socketPath(dataDir, {}), handle: core.gateway, logger: silent });
  const cli = new CliRunner(h.socketPath);
  opened.push({ h, wp, bsky, cli });
  return { h, wp, bsky, cli };
}

describe('planted secrets', () => {
  it('never cross the socket or reach the command’s output or key file; access tokens only where asked for', async () => {
    const { h, wp, bsky, cli } = await open();
    const x = await h.connect(ALICE);
    const wpUser = wp.users[0]!;
    const wordpress = (await h.ok('appPassword.save', { platform: 'wordpress', values: { siteUrl: wp.siteUrl, username: wpUser.login, applicationPassword: wpUser.appPasswords[0]! } })).id;
    const bskyUser = bsky.users[0]!;
    const bluesky = (await h.ok('appPassword.save', { platform: 'bluesky', values: { identifier: bskyUser.handle, appPassword: bskyUser.appPasswords[0]! } })).id;

    const asked = new Set<SocketReply | CliRun>();
    const planted = new Set<string>([X_APP.clientSecret, wpUser.appPasswords[0]!, bskyUser.appPasswords[0]!, bskyUser.mainPassword]);
    const accessTokens = new Set<string>();
    const note = async () => {
      for (const id of [x, wordpress, bluesky]) {
        const s = await h.stored(id);
        if (s.refreshToken) planted.add(s.refreshToken);
        if (s.appPassword) planted.add(s.appPassword);
        if (s.accessToken) accessTokens.add(s.accessToken);
      }
    };
    await note();

    // The command: pair with everything, list, read tokens, run a child with them, and fail in a few ways.
    const { done } = cli.start(['pair', '--name', 'everything', '--json']);
    await h.ok('tools.approve', { requestId: (await h.waitForRequest('everything')).id, accounts: 'all', capabilities: ['request', 'token'] });
    const paired = await done;
    expect(paired.code, paired.stderr).toBe(0);
    const key: string = JSON.parse(paired.stdout).key;
    const table = (await cli.run(['accounts'])).stdout;
    for (const ref of ['x:@alice_creates', 'wordpress:@ada', `bluesky:@${bskyUser.handle}`]) expect(table).toContain(ref);
    await cli.run(['accounts', '--json']);
    for (const ref of [x, bluesky]) {
      const run = await cli.run(['token', ref]);
      expect(run.code, run.stderr).toBe(0);
      asked.add(run);
      asked.add(await cli.run(['token', ref, '--json']));
    }
    // WordPress has no access token: its application password is not handed out instead.
    const wpToken = await cli.run(['token', wordpress]);
    expect(wpToken.code).toBe(5);
    const hashes = await cli.run(['exec', '--account', x, '--account', bluesky, '--', process.execPath, '-e', `console.log(process.env.PLUGBOARD_X_TOKEN.length, process.env.PLUGBOARD_BLUESKY_TOKEN.length)`]);
    expect(hashes.code, hashes.stderr).toBe(0);
    await cli.run(['token', 'x:@nobody']);
    await cli.run(['exec', '--account', wordpress, '--', 'true']);

    // The socket itself, including after X renews (a new refresh token is planted too).
    h.fake.advance(2 * 3600 - 60);
    for (const id of [x, wordpress, bluesky]) {
      const reply = await h.send('GET', `/v1/token?account=${id}`, { key });
      if (reply.status === 200) asked.add(reply);
    }
    await h.send('GET', '/v1/accounts', { key });
    const again = h.send('POST', '/v1/pair', { body: { name: 'again' } });
    await h.ok('tools.deny', { requestId: (await h.waitForRequest('again')).id });
    expect((await again).status).toBe(403);
    await note();

    const everything: { what: string; text: string; mayHoldTokens: boolean }[] = [
      ...h.replies.map((r, i) => ({ what: `socket reply ${i}`, text: JSON.stringify(r), mayHoldTokens: asked.has(r) })),
      ...cli.runs.map((r, i) => ({ what: `command run ${i}`, text: r.stdout + r.stderr, mayHoldTokens: asked.has(r) })),
      { what: 'key file', text: readFileSync(cli.configFile, 'utf8'), mayHoldTokens: false },
    ];
    // Guards against a grep that proves nothing: the values are real, and the captures hold the tokens asked for.
    expect(planted.size).toBeGreaterThanOrEqual(7);
    for (const v of [...planted, ...accessTokens]) expect(v.length).toBeGreaterThanOrEqual(16);
    expect(everything.filter((e) => e.mayHoldTokens).length).toBeGreaterThanOrEqual(6);
    for (const t of accessTokens) expect(everything.some((e) => e.mayHoldTokens && e.text.includes(t))).toBe(true);

    const leaks = everything.flatMap(({ what, text, mayHoldTokens }) => [
      ...[...planted].filter((v) => text.includes(v)).map(() => `${what}: a planted secret`),
      ...(mayHoldTokens ? [] : [...accessTokens].filter((t) => text.includes(t)).map(() => `${what}: an access token`)),
    ]);
    expect(leaks).toEqual([]);
    // 8 s in a loaded CI run, 20 s beside four busy processes (it starts the command a dozen times).
  }, 60_000);
});
