// README's Python example (e2e/gateway/example.py, quoted verbatim there) run with python3 against a real
// gateway: it lists the accounts its key was given, and prints Plugboard's refusal with its code.
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { harnessPool } from '../kit/core-harness.ts';
import { ALICE, BOB, GatewayHarness } from './gateway-harness.ts';

const EXAMPLE = join(import.meta.dirname, 'example.py');
const hasPython = spawnSync('python3', ['--version']).status === 0;
if (!hasPython) console.warn('python-example.test.ts: the run is skipped, python3 is not installed');

const harnesses = harnessPool<GatewayHarness>();
afterEach(harnesses.closeAll);

function python(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('python3', [EXAMPLE, ...args], { env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

describe("README's Python example", () => {
  it('is quoted in README.md exactly as it is in e2e/gateway/example.py', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    expect(readme).toContain(`\`\`\`python\n${readFileSync(EXAMPLE, 'utf8')}\`\`\``);
  });

  it.skipIf(!hasPython)('lists the granted accounts over the socket, and says a refusal with its code', async () => {
    const h = harnesses.track(await GatewayHarness.open());
    const alice = await h.connect(ALICE);
    await h.connect(BOB);
    const { key, toolId } = await h.pair('python', { accounts: [alice], capabilities: ['request'] });
    const [account] = (await h.send('GET', '/v1/accounts', { key })).json;

    const listed = await python([], { PLUGBOARD_SOCKET: h.socketPath, PLUGBOARD_KEY: key });
    expect(listed.stderr).toBe('');
    expect(listed.stdout).toBe(`x:@alice_creates connected ${account.tokenExpiresAt}\n`);

    await h.ok('tools.revoke', { toolId });
    const revoked = await python([], { PLUGBOARD_SOCKET: h.socketPath, PLUGBOARD_KEY: key });
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toBe('bad_key: Plugboard does not know that key: it was revoked, or never issued. Run `plugboard pair` again.\n');
  });
});
