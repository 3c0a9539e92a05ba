// curl as the client, as the issue's last command line shows: `curl --unix-socket <sock> -H "Authorization:
// Bearer $KEY" http://plugboard/v1/accounts`. Pairing, the accounts, and Plugboard's refusals in their JSON shape.
import { execFile, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { harnessPool } from '../kit/core-harness.ts';
import { ALICE, GatewayHarness } from './gateway-harness.ts';

const hasCurl = spawnSync('curl', ['--version']).status === 0;
if (!hasCurl) console.warn('curl.test.ts: skipped, curl is not installed');

const harnesses = harnessPool<GatewayHarness>();
afterEach(harnesses.closeAll);

/** Runs curl (asynchronously: the gateway answers from this process) and splits the status from the body. */
function curl(socket: string, args: string[]): Promise<{ status: number; body: string; json: any }> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-sS', '--unix-socket', socket, '-w', '\n%{http_code}', ...args], (error, stdout, stderr) => {
      if (error) return reject(new Error(`curl failed: ${stderr}`));
      const cut = stdout.lastIndexOf('\n');
      const body = stdout.slice(0, cut);
      resolve({ status: Number(stdout.slice(cut + 1)), body, json: body ? JSON.parse(body) : undefined });
    });
  });
}

describe.skipIf(!hasCurl)('curl --unix-socket', () => {
  it('pairs, lists the accounts with its key, and gets Plugboard’s refusals as JSON with their status', async () => {
    const h = harnesses.track(await GatewayHarness.open());
    const alice = await h.connect(ALICE);

    const asked = curl(h.socketPath, ['-X', 'POST', '-H', 'Content-Type: application/json', '-d', '{"name":"curl","description":"a shell script"}', 'http://plugboard/v1/pair']);
    const request = await h.waitForRequest('curl');
    expect(request.description).toBe('a shell script');
    await h.ok('tools.approve', { requestId: request.id, accounts: 'all', capabilities: ['request'] });
    const paired = await asked;
    expect(paired.status).toBe(200);
    const key: string = paired.json.key;
    expect(key).toMatch(/^pbk_/);

    const listed = await curl(h.socketPath, ['-H', `Authorization: Bearer ${key}`, 'http://plugboard/v1/accounts']);
    expect(listed.status).toBe(200);
    expect(listed.json).toEqual([expect.objectContaining({ id: alice, ref: 'x:@alice_creates', platform: 'x', status: 'connected' })]);
    expect(listed.body).not.toContain((await h.stored(alice)).accessToken!);

    const noKey = await curl(h.socketPath, ['http://plugboard/v1/accounts']);
    expect([noKey.status, noKey.json.error.code]).toEqual([401, 'no_key']);
    const noToken = await curl(h.socketPath, ['-H', `Authorization: Bearer ${key}`, 'http://plugboard/v1/token?account=x:@alice_creates']);
    expect([noToken.status, noToken.json]).toEqual([403, { error: { code: 'capability_not_granted', message: '"curl" may not read access tokens; pair it again and allow that in Plugboard if it needs them.' } }]);
  });
});
