// The gateway's doors without the proxy: pairing through the window's typed API, the accounts a key
// sees, tokens only with that capability, and every refusal — no key, an unknown or revoked key, an
// account or a capability not granted, a request denied or withdrawn, and `locked` before unlock.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openGate } from '../../src-main/core/gate.ts';
import { socketPath } from '../../src-main/gateway/socket-path.ts';
import { listenGateway } from '../../src-main/gateway/socket-server.ts';
import { harnessPool } from '../kit/core-harness.ts';
import { ALICE, BOB, GatewayHarness } from './gateway-harness.ts';

const harnesses = harnessPool<GatewayHarness>();
afterEach(harnesses.closeAll);
const setup = async () => harnesses.track(await GatewayHarness.open());
const silent = { info() {}, warn() {}, error() {} };

describe('pairing and grants', () => {
  it('a tool paired for one account sees that account and no token; the window lists it and its last use', async () => {
    const h = await setup();
    const alice = await h.connect(ALICE);
    await h.connect(BOB);
    const { key, toolId } = await h.pair('weekly-report', { accounts: [alice], capabilities: ['request'] });
    expect(key).toMatch(/^pbk_[A-Za-z0-9_-]{43}$/);

    const listed = await h.send('GET', '/v1/accounts', { key });
    expect(listed.status).toBe(200);
    expect(listed.json).toEqual([expect.objectContaining({ id: alice, ref: expect.stringMatching(/^x:@/), platform: 'x', status: 'connected' })]);
    const stored = await h.stored(alice);
    expect(listed.text).not.toContain(stored.accessToken!);
    expect(listed.text).not.toContain(stored.refreshToken!);

    const [tool] = await h.ok('tools.list', {});
    expect(tool).toMatchObject({ id: toolId, name: 'weekly-report', capabilities: ['request'], accounts: [{ id: alice, platform: 'x' }], lastUsed: null });
    // Only the key's hash is kept.
    expect(JSON.stringify(tool)).not.toContain(key);
  });

  it('refuses: no key, an unknown key, a capability or an account not granted, an unknown account; and after Revoke, the key', async () => {
    const h = await setup();
    const alice = await h.connect(ALICE);
    const bob = await h.connect(BOB);
    const { key, toolId } = await h.pair('script', { accounts: [alice], capabilities: ['request'] });

    const noKey = await h.send('GET', '/v1/accounts');
    expect([noKey.status, noKey.json.error.code]).toEqual([401, 'no_key']);
    const wrong = await h.send('GET', '/v1/accounts', { key: 'pbk_not-a-key' });
    expect([wrong.status, wrong.json.error.code]).toEqual([401, 'bad_key']);
    const noCapability = await h.send('GET', `/v1/token?account=${alice}`, { key });
    expect([noCapability.status, noCapability.json.error.code]).toEqual([403, 'capability_not_granted']);
    expect(noCapability.json.error.message).toMatch(/may not read access tokens/);

    const { key: reader } = await h.pair('reader', { accounts: [alice], capabilities: ['token'] });
    const notGranted = await h.send('GET', `/v1/token?account=${bob}`, { key: reader });
    expect([notGranted.status, notGranted.json.error.code]).toEqual([403, 'account_not_granted']);
    const unknown = await h.send('GET', '/v1/token?account=x:@nobody', { key: reader });
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'unknown_account']);
    const noRoute = await h.send('GET', '/v1/nothing', { key });
    expect([noRoute.status, noRoute.json.error.code]).toEqual([404, 'not_found']);

    await h.ok('tools.revoke', { toolId });
    const revoked = await h.send('GET', '/v1/accounts', { key });
    expect([revoked.status, revoked.json.error.code]).toEqual([401, 'bad_key']);
    expect((await h.ok('tools.list', {})).map((t) => t.name)).toEqual(['reader']);
  });

  it('a token only with that capability: fresh (renewed first when due), never the refresh token, and on the record in red', async () => {
    const h = await setup();
    const alice = await h.connect(ALICE);
    const { key } = await h.pair('uploader', { accounts: 'all', capabilities: ['token'] });
    const before = await h.stored(alice);

    const first = await h.send('GET', `/v1/token?account=${alice}`, { key });
    expect(first.status).toBe(200);
    expect(first.json.accessToken).toBe(before.accessToken);
    expect(first.text).not.toContain(before.refreshToken!);

    // Within the renewal margin of X's 2-hour token: the tool gets a renewed one, not the old one.
    h.fake.advance(2 * 3600 - 60);
    h.fake.clearRequests();
    const second = await h.send('GET', `/v1/token?account=x:@${first.json.account.handle}`, { key });
    expect(second.status, second.text).toBe(200);
    const after = await h.stored(alice);
    expect(second.json.accessToken).toBe(after.accessToken);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(h.fake.requests.filter((r) => r.endpoint === 'refresh')).toHaveLength(1);
    expect(second.text).not.toContain(after.refreshToken!);

    const history = await h.ok('accounts.activity', { accountId: alice });
    expect(history.filter((e) => e.kind === 'tool_token').map((e) => e.detail)).toEqual(['used by uploader: read the access token', 'used by uploader: read the access token']);
    expect((await h.ok('tools.list', {}))[0]!.lastUsed).toMatchObject({ account: { id: alice }, what: 'read the access token' });
  });

  it('deny, one waiting request per name, a tool that hangs up takes its request back, a notice says who asks', async () => {
    const h = await setup();
    const asked = h.send('POST', '/v1/pair', { body: { name: 'nosy', description: 'python nosy.py' } });
    const request = await h.waitForRequest('nosy');
    expect(request).toMatchObject({ description: 'python nosy.py', replacesExisting: false });
    const twice = await h.send('POST', '/v1/pair', { body: { name: 'nosy' } });
    expect([twice.status, twice.json.error.code]).toEqual([409, 'pairing_pending']);
    expect((await h.ok('notices.list', {})).map((n) => n.title)).toContain('"nosy" asks to use your accounts');
    await h.ok('tools.deny', { requestId: request.id });
    const denied = await asked;
    expect([denied.status, denied.json.error.code]).toEqual([403, 'pairing_denied']);
    expect(await h.ok('tools.pending', {})).toEqual([]);

    const bad = await h.send('POST', '/v1/pair', { body: { name: 'bell\u0007' } });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'bad_request']);

    const hangUp = new AbortController();
    const gone = h.send('POST', '/v1/pair', { body: { name: 'impatient' }, signal: hangUp.signal }).catch((e: Error) => e);
    await h.waitForRequest('impatient');
    hangUp.abort();
    await gone;
    await expect.poll(async () => (await h.ok('tools.pending', {})).length).toBe(0);
  });

  it('pairing again under a name replaces the tool and ends its old key', async () => {
    const h = await setup();
    await h.connect(ALICE);
    const first = await h.pair('report', { accounts: 'all', capabilities: ['request'] });
    const asked = h.send('POST', '/v1/pair', { body: { name: 'report' } });
    const request = await h.waitForRequest('report');
    expect(request.replacesExisting).toBe(true);
    await h.ok('tools.approve', { requestId: request.id, accounts: 'all', capabilities: ['request'] });
    const second = (await asked).json;
    expect((await h.send('GET', '/v1/accounts', { key: first.key })).json.error.code).toBe('bad_key');
    expect((await h.send('GET', '/v1/accounts', { key: second.key })).status).toBe(200);
    expect((await h.ok('tools.list', {})).map((t) => t.id)).toEqual([second.toolId]);
  });
});

describe('the socket', () => {
  it('is owner-only, replaces a stale socket and refuses to share a live one', async () => {
    const h = await setup();
    expect(statSync(h.socketPath).mode & 0o777).toBe(0o600);
    await expect(listenGateway({ path: h.socketPath, handle: h.core.gateway, logger: silent })).rejects.toThrow(/Another Plugboard is already serving tools/);

    const dir = mkdtempSync(join(tmpdir(), 'plugboard-sock-'));
    const stale = join(dir, 'plugboard.sock');
    // A socket file nobody listens on, as a killed Plugboard leaves behind.
    const killed = spawnSync(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    expect(killed.signal).toBe('SIGKILL');
    expect(statSync(stale).isSocket()).toBe(true);
    const replaced = await listenGateway({ path: stale, handle: h.core.gateway, logger: silent }).catch((e: Error) => e);
    expect(replaced).not.toBeInstanceOf(Error);
    if (!(replaced instanceof Error)) await replaced.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers `locked` to everything until Plugboard is unlocked', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-locked-'));
    const gate = await openGate({ dataDir, keychain: null, weakKeychain: false, logger: silent, open: async () => { throw new Error('not opened in this test'); } });
    const gateway = await listenGateway({ path: socketPath(dataDir, {}), handle: gate.gateway, logger: silent });
    try {
      const { request } = await import('node:http');
      for (const [method, path] of [['GET', '/v1/accounts'], ['POST', '/v1/pair'], ['GET', '/v1/token?account=x:@a'], ['POST', '/v1/request'], ['POST', '/v1/posts'], ['GET', '/v1/tool']]) {
        const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = request({ socketPath: gateway.path, method, path, headers: { authorization: 'Bearer pbk_whatever' } }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, body }));
          });
          req.on('error', reject);
          req.end();
        });
        expect(reply.status).toBe(503);
        expect(JSON.parse(reply.body)).toEqual({ error: { code: 'locked', message: 'Plugboard is locked: unlock it in its window first.' } });
      }
    } finally {
      await gateway.close();
      await gate.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
