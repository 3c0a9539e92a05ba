// Account pictures by address: accounts.list names them, the browser host answers them from the
// vault with a cache that lasts as long as the picture does. A real core on a seeded folder.
import { request } from 'node:http';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_PASSPHRASE, seed } from '../../bench/seed.ts';
import type { AccountView, Envelope } from '../api/contract.ts';
import { openCore } from '../core/core.ts';
import { silentLogger } from '../core/logger.ts';
import type { Core } from '../core/types.ts';
import { openConfPrefs } from '../prefs/prefs.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { PassphraseKeyWrapper } from '../vault/passphrase-wrapper.ts';
import { startHostServer, type HostServer } from './server.ts';

const COUNT = 40;
let dir: string;
let core: Core;
let host: HostServer;
let accounts: AccountView[];
let listBytes: number;

beforeAll(async () => {
  const seeded = await seed({ count: COUNT });
  dir = seeded.dir;
  core = await openCore({
    dataDir: dir,
    keyWrapper: new PassphraseKeyWrapper(BENCH_PASSPHRASE),
    prefs: openConfPrefs(dir),
    openExternal: null,
    redirectKinds: ['loopback', 'manual'],
    isOnline: () => false,
    logger: silentLogger,
  });
  host = await startHostServer({ core, staticDir: tempDir('plugboard-host-static-'), logger: silentLogger });
  const res = await fetch(`${host.origin}/api/accounts.list`, { method: 'POST', headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' }, body: '{}' });
  const text = await res.text();
  listBytes = Buffer.byteLength(text);
  const envelope = JSON.parse(text) as Envelope<AccountView[]>;
  if (!envelope.ok) throw new Error(envelope.error.message);
  accounts = envelope.result;
}, 30_000);

afterAll(async () => {
  await host.close();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

/** node:http rather than fetch: a test must be able to forge Host. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, method, path, headers: { Host: `127.0.0.1:${host.port}`, ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const pictured = () => accounts.filter((a) => a.avatar !== null);

describe('account pictures by address', () => {
  it('accounts.list names each picture by an address of its own instead of carrying it', () => {
    expect(accounts).toHaveLength(COUNT);
    expect(pictured().length).toBeGreaterThan(COUNT / 2);
    for (const a of pictured()) expect(a.avatar).toMatch(new RegExp(`^/avatars/${a.id}\\?v=[\\w-]{16}$`));
    // The seeded pictures are ~3 KiB each; without them an account is a few hundred bytes.
    expect(listBytes / COUNT).toBeLessThan(1200);
  });

  it('answers the address with the stored picture, to be kept for good', async () => {
    const a = pictured()[0]!;
    const res = await get(a.avatar!);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(res.body.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    const head = await get(a.avatar!, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('gives pictures of different accounts their own bytes', async () => {
    const [a, b] = pictured();
    expect((await get(a!.avatar!)).body.equals((await get(b!.avatar!)).body)).toBe(false);
  });

  it('answers an older version with today’s picture, not to be kept', async () => {
    const a = pictured()[0]!;
    const res = await get(`/avatars/${a.id}?v=an-older-version`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body.equals((await get(a.avatar!)).body)).toBe(true);
  });

  it('answers 404 for an account without a picture and for an unknown one', async () => {
    const bare = accounts.find((a) => a.avatar === null)!;
    expect((await get(`/avatars/${bare.id}?v=x`)).status).toBe(404);
    expect((await get('/avatars/no-such-account?v=x')).status).toBe(404);
  });

  it('keeps the host’s checks: a foreign Host or another page’s Origin is refused, and only GET and HEAD answer', async () => {
    const a = pictured()[0]!;
    expect((await get(a.avatar!, { Host: `attacker.example:${host.port}` })).status).toBe(403);
    expect((await get(a.avatar!, { Origin: 'https://attacker.example' })).status).toBe(403);
    expect((await get(a.avatar!, {}, 'DELETE')).status).toBe(405);
  });
});
