// The `plugboard` command as a user runs it: the real bin/plugboard.mjs in a child process against a real core
// and gateway on a real socket (the fake X behind it). Pairing answered through the window's typed API while
// the command waits, accounts, token, exec, and each refusal with its exit code and sentence; `request` against
// a stand-in that speaks the protocol's /v1/request (the proxy itself lands separately).
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openGate } from '../../src-main/core/gate.ts';
import { socketPath } from '../../src-main/gateway/socket-path.ts';
import { listenGateway } from '../../src-main/gateway/socket-server.ts';
import { harnessPool } from '../kit/core-harness.ts';
import { CliRunner } from './cli-runner.ts';
import { ALICE, BOB, GatewayHarness } from './gateway-harness.ts';

const harnesses = harnessPool<GatewayHarness>();
const runners: CliRunner[] = [];
afterEach(async () => {
  await harnesses.closeAll();
  for (const r of runners.splice(0)) r.close();
});
const silent = { info() {}, warn() {}, error() {} };
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function setup() {
  const h = harnesses.track(await GatewayHarness.open());
  const cli = new CliRunner(h.socketPath);
  runners.push(cli);
  return { h, cli };
}

/** `plugboard pair`, answered in the window with this grant while the command waits. */
async function pairCli(h: GatewayHarness, cli: CliRunner, name: string, grant: Parameters<GatewayHarness['pair']>[1], extra: string[] = []) {
  const { done } = cli.start(['pair', '--name', name, ...extra]);
  const request = await h.waitForRequest(name);
  await h.ok('tools.approve', { requestId: request.id, ...grant });
  return { run: await done, request };
}

describe('plugboard pair, accounts, token', () => {
  it('pairs while the user answers in the window, keeps the key owner-only per socket, lists the granted accounts; no token without that permission', async () => {
    const { h, cli } = await setup();
    const alice = await h.connect(ALICE);
    await h.connect(BOB);
    const { run, request } = await pairCli(h, cli, 'weekly-report', { accounts: [alice], capabilities: ['request'] }, ['--description', 'python report.py']);
    expect(request.description).toBe('python report.py');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Waiting for you to allow "weekly-report"');
    expect(run.stdout).toMatch(/Plugboard allowed "weekly-report"\.\n {2}may: {6}call platform APIs through Plugboard\n {2}accounts: x:@alice_creates\n/);
    expect(run.stdout).toContain(cli.configFile);

    expect(statSync(cli.configFile).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(cli.configFile)).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(readFileSync(cli.configFile, 'utf8'));
    const [tool] = await h.ok('tools.list', {});
    expect(saved.keys[h.socketPath]).toMatchObject({ key: expect.stringMatching(/^pbk_/), tool: 'weekly-report', toolId: tool!.id });
    // The saved key is the one Plugboard knows (it answers with it).
    expect((await h.send('GET', '/v1/accounts', { key: saved.keys[h.socketPath].key })).status).toBe(200);

    const table = await cli.run(['accounts']);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ACCOUNT +PLATFORM +STATUS +EXPIRES$/);
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^x:@alice_creates +x +connected +\d{4}-\d\d-\d\d \d\d:\d\d UTC$/)]);
    const json = await cli.run(['accounts', '--json']);
    expect(JSON.parse(json.stdout)).toEqual((await h.send('GET', '/v1/accounts', { key: saved.keys[h.socketPath].key })).json);

    const refused = await cli.run(['token', 'x:@alice_creates']);
    expect([refused.code, refused.stdout]).toEqual([3, '']);
    expect(refused.stderr).toBe('plugboard: "weekly-report" may not read access tokens; pair it again and allow that in Plugboard if it needs them.\n');
    const refusedJson = await cli.run(['token', 'x:@alice_creates', '--json']);
    expect(refusedJson.code).toBe(3);
    expect(JSON.parse(refusedJson.stdout)).toEqual({ error: { code: 'capability_not_granted', message: expect.any(String) } });
  });

  it('token prints only the fresh token; unknown, ambiguous and ungranted accounts are refused with their codes', async () => {
    const { h, cli } = await setup();
    const alice = await h.connect(ALICE);
    // A second X account under the same handle (an id can be reused after a rename): `x:@handle` names two.
    h.fake.users.find((u) => u.id === BOB)!.username = 'alice_creates';
    const twin = await h.connect(BOB);
    const { run } = await pairCli(h, cli, 'reader', { accounts: [alice], capabilities: ['token'] });
    expect(run.stdout).toContain('may:      read access tokens');

    const token = await cli.run(['token', alice]);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toBe(`${(await h.stored(alice)).accessToken}\n`);
    const json = JSON.parse((await cli.run(['token', alice, '--json'])).stdout);
    expect(json).toMatchObject({ accessToken: (await h.stored(alice)).accessToken, account: { id: alice, ref: 'x:@alice_creates' } });

    const unknown = await cli.run(['token', 'x:@nobody']);
    expect([unknown.code, unknown.stderr]).toEqual([2, 'plugboard: No x account @nobody is connected in Plugboard.\n']);
    const ambiguous = await cli.run(['token', 'x:alice_creates']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain(`"x:alice_creates" names 2 accounts; use one of their ids instead`);
    const notGranted = await cli.run(['token', twin]);
    expect(notGranted.code).toBe(3);
    expect(notGranted.stderr).toMatch(/^plugboard: "reader" was not given x:@alice_creates; pair it again to choose that account\.\n$/);
  });

  it('after Revoke, and without a key, the command says so and exits 3; PLUGBOARD_KEY overrides the saved key', async () => {
    const { h, cli } = await setup();
    await h.connect(ALICE);
    const bob = await h.connect(BOB);
    const notPaired = await cli.run(['accounts']);
    expect(notPaired.code).toBe(3);
    expect(notPaired.stderr).toBe(`plugboard: This command is not paired with the Plugboard on ${h.socketPath}: run \`plugboard pair --name <name>\` first, or set PLUGBOARD_KEY.\n`);

    await pairCli(h, cli, 'script', { accounts: 'all', capabilities: ['request'] });
    const other = await h.pair('other', { accounts: [bob], capabilities: ['request'] });
    const viaEnv = await cli.run(['accounts', '--json'], { env: { PLUGBOARD_KEY: other.key } });
    expect(JSON.parse(viaEnv.stdout).map((a: { id: string }) => a.id)).toEqual([bob]);

    const [script] = (await h.ok('tools.list', {})).filter((t) => t.name === 'script');
    await h.ok('tools.revoke', { toolId: script!.id });
    const revoked = await cli.run(['accounts']);
    expect([revoked.code, revoked.stdout]).toEqual([3, '']);
    expect(revoked.stderr).toBe('plugboard: Plugboard does not know that key: it was revoked, or never issued. Run `plugboard pair` again.\n');
  });

  it('pairing denied exits 3; a second data folder (another socket) keeps its own key', async () => {
    const { h, cli } = await setup();
    const { done } = cli.start(['pair', '--name', 'nosy']);
    await h.ok('tools.deny', { requestId: (await h.waitForRequest('nosy')).id });
    const denied = await done;
    expect([denied.code, denied.stderr.split('\n')[1]]).toEqual([3, 'plugboard: You denied "nosy" in Plugboard.']);

    await pairCli(h, cli, 'first', { accounts: 'all', capabilities: ['request'] });
    const second = harnesses.track(await GatewayHarness.open());
    const elsewhere = new CliRunner(second.socketPath, cli.home);
    await pairCli(second, elsewhere, 'second', { accounts: 'all', capabilities: ['request'] });
    const saved = JSON.parse(readFileSync(cli.configFile, 'utf8')).keys;
    expect(Object.keys(saved).sort()).toEqual([h.socketPath, second.socketPath].sort());
    expect((await cli.run(['accounts'])).code).toBe(0);
    expect((await elsewhere.run(['accounts'])).code).toBe(0);
  });
});

describe('plugboard exec', () => {
  it("runs the command with the token in its environment only and exits with the command's code", async () => {
    const { h, cli } = await setup();
    const alice = await h.connect(ALICE);
    await pairCli(h, cli, 'poster', { accounts: 'all', capabilities: ['token'] });
    const script = `const c=require('node:crypto');console.log(c.createHash('sha256').update(process.env.PLUGBOARD_X_TOKEN??'').digest('hex'));console.log('key:'+('PLUGBOARD_KEY' in process.env));process.exit(7)`;
    const run = await cli.run(['exec', '--account', 'x:@alice_creates', '--', process.execPath, '-e', script], { env: { PLUGBOARD_KEY: JSON.parse(readFileSync(cli.configFile, 'utf8')).keys[h.socketPath].key } });
    const token = (await h.stored(alice)).accessToken!;
    expect(run.code, run.stderr).toBe(7);
    expect(run.stdout).toBe(`${sha256(token)}\nkey:false\n`);
    expect(run.stderr).toBe('');
    const history = await h.ok('accounts.activity', { accountId: alice });
    expect(history.filter((e) => e.kind === 'tool_token').map((e) => e.detail)).toEqual(['used by poster: read the access token']);

    const missing = await cli.run(['exec', '--account', alice, '--', 'no-such-command-plugboard']);
    expect([missing.code, missing.stderr]).toEqual([127, 'plugboard: No command "no-such-command-plugboard" was found on PATH.\n']);
  });

  it('refuses two accounts of one platform, a missing --, and an account without the token permission', async () => {
    const { h, cli } = await setup();
    const alice = await h.connect(ALICE);
    const bob = await h.connect(BOB);
    await pairCli(h, cli, 'caller', { accounts: 'all', capabilities: ['request'] });
    const two = await cli.run(['exec', '--account', 'x:@alice_creates', '--account', 'x:@bob_builds', '--', 'true']);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/would both be PLUGBOARD_X_TOKEN: run one command per account/);
    // By id the platform is known only from the answers: still refused, and nothing is run.
    const byId = await cli.run(['exec', '--account', alice, '--account', bob, '--', 'true']);
    expect(byId.code).toBe(3);
    expect(byId.stderr).toMatch(/may not read access tokens/);
    const noDash = await cli.run(['exec', '--account', alice, 'true']);
    expect(noDash.code).toBe(2);
    expect(noDash.stderr).toMatch(/Put the command to run after --/);
  });

  it('refuses two accounts of one platform named by id, before running anything', async () => {
    const { h, cli } = await setup();
    const alice = await h.connect(ALICE);
    const bob = await h.connect(BOB);
    await pairCli(h, cli, 'both', { accounts: 'all', capabilities: ['token'] });
    const marker = join(cli.home, 'ran');
    const run = await cli.run(['exec', '--account', alice, '--account', bob, '--', process.execPath, '-e', `require('node:fs').writeFileSync(${JSON.stringify(marker)}, '')`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('plugboard: x:@alice_creates and x:@bob_builds would both be PLUGBOARD_X_TOKEN: run one command per account, or read each with `plugboard token` (see `plugboard exec --help`).\n');
    expect(() => statSync(marker)).toThrow();
  });
});

describe('not running, locked, usage', () => {
  it('exit 4 when nothing answers on the socket (no file, or a stale socket) and when Plugboard is locked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plugboard-cli-down-'));
    const cli = new CliRunner(join(dir, 'plugboard.sock'));
    runners.push(cli);
    const env = { PLUGBOARD_KEY: 'pbk_whatever' };
    const none = await cli.run(['accounts'], { env });
    expect([none.code, none.stderr]).toEqual([4, `plugboard: Plugboard is not running: nothing answers on ${cli.socket} (start Plugboard, or set PLUGBOARD_SOCKET or PLUGBOARD_DATA_DIR to the one that runs).\n`]);
    spawnSync(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(cli.socket)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    expect(statSync(cli.socket).isSocket()).toBe(true);
    expect((await cli.run(['token', 'x:@a'], { env })).code).toBe(4);
    rmSync(cli.socket);

    // PLUGBOARD_DATA_DIR finds the socket in that folder; a locked Plugboard answers `locked` to everything.
    const gate = await openGate({ dataDir: dir, keychain: null, weakKeychain: false, logger: silent, open: async () => { throw new Error('not opened in this test'); } });
    const gateway = await listenGateway({ path: socketPath(dir, {}), handle: gate.gateway, logger: silent });
    try {
      const byFolder = { ...env, PLUGBOARD_SOCKET: '', PLUGBOARD_DATA_DIR: dir };
      const locked = await cli.run(['accounts'], { env: byFolder });
      expect([locked.code, locked.stderr]).toEqual([4, 'plugboard: Plugboard is locked: unlock it in its window first.\n']);
      const pair = await cli.run(['pair', '--name', 'x'], { env: byFolder });
      expect(pair.code).toBe(4);
    } finally {
      await gateway.close();
      await gate.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('usage errors exit 2 with a sentence; help and --version exit 0', async () => {
    const cli = new CliRunner(join(tmpdir(), 'plugboard-nowhere.sock'));
    runners.push(cli);
    const cases: [string[], RegExp][] = [
      [[], /^plugboard: use the accounts/],
      [['frobnicate'], /^plugboard: There is no command "frobnicate": the commands are pair, accounts, request, token, exec/],
      [['pair'], /^plugboard: Say who asks with --name \(see `plugboard pair --help`\)\.\n$/],
      [['accounts', '--bogus'], /^plugboard: Unknown option '--bogus' \(see `plugboard accounts --help`\)\.\n$/],
      [['token'], /Name one account, like x:@alice/],
      [['request', 'x:@a', 'GET'], /Give the account, the method and the path or URL/],
      [['request', 'x:@a', 'GET', '/x', '-H', 'no colon'], /-H takes "Name: value", not "no colon"/],
      [['request', 'x:@a', 'G E T', '/x'], /"G E T" is not an HTTP method/],
      [['exec', '--', 'true'], /Name at least one --account/],
      [['help', 'nothing'], /There is no command "nothing"/],
    ];
    // Each run is a Node start (~0.4 s); none needs another's result.
    const runs = await Promise.all(cases.map(([args]) => cli.run(args)));
    cases.forEach(([args, sentence], i) => {
      expect(runs[i]!.code, args.join(' ')).toBe(2);
      expect(runs[i]!.stderr, args.join(' ')).toMatch(sentence);
    });
    const missingFile = await cli.run(['request', 'x:@a', 'POST', '/x', '--data', '@/no/such/file'], { env: { PLUGBOARD_KEY: 'pbk_k' } });
    expect([missingFile.code, missingFile.stderr]).toEqual([2, 'plugboard: Cannot read /no/such/file for --data: ENOENT.\n']);

    const help = await cli.run(['exec', '--help']);
    expect([help.code, help.stdout]).toEqual([0, expect.stringContaining('PLUGBOARD_X_TOKEN')]);
    const pairHelp = await cli.run(['help', 'pair']);
    expect(pairHelp.stdout).toContain(cli.configFile);
    const version = await cli.run(['--version']);
    expect(version.stdout).toBe(`plugboard ${JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')).version}\n`);
  });
});

/** Speaks /v1/request as protocol.ts defines it: echoes what it got as the platform's answer, or refuses as Plugboard. */
async function standIn(dir: string): Promise<{ server: Server; path: string; seen: { url: string; headers: Record<string, unknown>; body: Buffer }[] }> {
  const seen: { url: string; headers: Record<string, unknown>; body: Buffer }[] = [];
  const server = createServer(async (req, res) => {
    const target = new URL(req.url!, 'http://plugboard').searchParams.get('url')!;
    // Refused on the headers alone, as Plugboard refuses a bad key, without waiting for the body.
    if (target.startsWith('https://elsewhere')) {
      res.writeHead(403, { 'content-type': 'application/json', 'plugboard-answered-by': 'plugboard' });
      return res.end(JSON.stringify({ error: { code: 'origin_not_allowed', message: 'https://elsewhere.example is not one of x\'s API origins.' } }));
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    seen.push({ url: req.url!, headers: req.headers, body });
    const status = target === '/limited' ? 429 : 200;
    res.writeHead(status, { 'content-type': 'application/json', 'x-rate-limit-reset': '1700000000', 'plugboard-answered-by': 'platform' });
    res.end(JSON.stringify({ got: sha256(body.toString('latin1')), length: body.length }));
  });
  const path = join(dir, 'stand-in.sock');
  await new Promise<void>((r) => server.listen(path, r));
  return { server, path, seen };
}

describe('plugboard request (against a stand-in of /v1/request)', () => {
  it('streams --data from a file or stdin, forwards -H, prints the reply (with -i, the head), exit 5 when the platform refuses, 3 when Plugboard does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plugboard-cli-req-'));
    const { server, path, seen } = await standIn(dir);
    const cli = new CliRunner(path);
    runners.push(cli);
    const env = { PLUGBOARD_KEY: 'pbk_stand-in' };
    try {
      const file = join(dir, 'post.bin');
      const payload = Buffer.alloc(3 * 1024 * 1024 + 17, 'ab');
      writeFileSync(file, payload);
      const fromFile = await cli.run(['request', 'x:@alice', 'post', '/2/tweets', '--data', `@${file}`, '-H', 'Content-Type: application/octet-stream', '-H', 'X-Trace: 1'], { env });
      expect(fromFile.code, fromFile.stderr).toBe(0);
      expect(JSON.parse(fromFile.stdout)).toEqual({ got: sha256(payload.toString('latin1')), length: payload.length });
      const first = seen.at(-1)!;
      expect(Object.fromEntries(new URL(first.url, 'http://plugboard').searchParams)).toEqual({ account: 'x:@alice', method: 'POST', url: '/2/tweets' });
      expect(first.headers).toMatchObject({ authorization: 'Bearer pbk_stand-in', 'content-type': 'application/octet-stream', 'x-trace': '1', 'content-length': String(payload.length) });

      const fromStdin = await cli.run(['request', 'x:@alice', 'POST', '/2/tweets', '--data', '@-'], { env, input: 'from stdin' });
      expect(JSON.parse(fromStdin.stdout)).toEqual({ got: sha256('from stdin'), length: 10 });
      expect(seen.at(-1)!.headers['transfer-encoding']).toBe('chunked');
      const text = await cli.run(['request', 'x:@alice', 'POST', '/2/tweets', '-d', '{"text":"hi"}'], { env });
      expect(seen.at(-1)!.body.toString()).toBe('{"text":"hi"}');
      expect(text.code).toBe(0);

      const limited = await cli.run(['request', 'x:@alice', 'GET', '/limited', '-i'], { env });
      expect(limited.code).toBe(5);
      expect(limited.stdout).toMatch(/^HTTP\/1\.1 429 Too Many Requests\r\n(.+\r\n)*x-rate-limit-reset: 1700000000\r\n(.+\r\n)*\r\n\{"got"/);
      expect(limited.stderr).toBe('plugboard: the platform answered 429 Too Many Requests.\n');
      const limitedJson = JSON.parse((await cli.run(['request', 'x:@alice', 'GET', '/limited', '--json'], { env })).stdout);
      expect(limitedJson).toMatchObject({ status: 429, headers: { 'x-rate-limit-reset': '1700000000' }, body: { length: 0 } });

      const outside = await cli.run(['request', 'x:@alice', 'GET', 'https://elsewhere.example/x'], { env });
      expect([outside.code, outside.stdout, outside.stderr]).toEqual([3, '', "plugboard: https://elsewhere.example is not one of x's API origins.\n"]);
      // Refused while stdin is still open (nothing typed yet): the command says so and ends, it does not wait for EOF.
      const waiting = cli.start(['request', 'x:@alice', 'POST', 'https://elsewhere.example/x', '--data', '@-'], { env, stdinOpen: true });
      const early = await Promise.race([waiting.done, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
      waiting.child.stdin!.end();
      expect(early?.code).toBe(3);
    } finally {
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
