// An export of 1,000 accounts with avatars (bench/seed.ts: platform-sized tokens, 48×48 PNGs) moved
// between two real cores through two real host servers over HTTP, as the browser host's page does it:
// the file is megabytes, so the host must read data.import's body up to the contract's limit for it.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BENCH_PASSPHRASE, seed } from '../../bench/seed.ts';
import type { Envelope, MethodName, Params, Results } from '../api/contract.ts';
import { openCore } from '../core/core.ts';
import { silentLogger } from '../core/logger.ts';
import type { Core } from '../core/types.ts';
import { openConfPrefs } from '../prefs/prefs.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { PassphraseKeyWrapper } from '../vault/passphrase-wrapper.ts';
import { startHostServer, type HostServer } from './server.ts';

const COUNT = 1_000;
const running: { core: Core; host: HostServer }[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const { core, host } of running.splice(0)) {
    await host.close();
    await core.close();
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function hostOn(dataDir: string, passphrase: string) {
  const core = await openCore({
    dataDir,
    keyWrapper: new PassphraseKeyWrapper(passphrase, { logN: 14 }),
    prefs: openConfPrefs(dataDir),
    openExternal: null,
    redirectKinds: ['loopback', 'manual'],
    // Offline: nothing in this test may reach a real platform.
    isOnline: () => false,
    logger: silentLogger,
  });
  const host = await startHostServer({ core, staticDir: tempDir('plugboard-host-static-'), logger: silentLogger });
  running.push({ core, host });
  const call = async <M extends MethodName>(method: M, params: Params<M>): Promise<{ status: number; envelope: Envelope<Results[M]> }> => {
    const res = await fetch(`${host.origin}/api/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(params),
    });
    return { status: res.status, envelope: (await res.json()) as Envelope<Results[M]> };
  };
  const picture = async (address: string) => Buffer.from(await (await fetch(`${host.origin}${address}`)).arrayBuffer());
  return Object.assign(call, { picture });
}

describe('the browser host moves 1,000 accounts with avatars', () => {
  // Measured ≈6 s on this loaded 2-core machine (seeding, three scrypt derivations at N=2^17, 1,000 re-seals).
  it('exports them from one host and imports them into another over HTTP', async () => {
    const seeded = await seed({ count: COUNT });
    dirs.push(seeded.dir);
    const from = await hostOn(seeded.dir, BENCH_PASSPHRASE);
    const exported = await from('data.export', { passphrase: 'moving 1,000 accounts', vaultPassphrase: BENCH_PASSPHRASE });
    if (!exported.envelope.ok) throw new Error(exported.envelope.error.message);
    expect(exported.envelope.result.leftOut).toEqual({ accounts: [], appCredentials: [] });
    expect(exported.envelope.result.accounts).toBe(COUNT);
    const content = exported.envelope.result.contentBase64;
    // Megabytes, far over the 64 KiB every other method is held to.
    expect(content.length).toBeGreaterThan(4 * 1024 * 1024);

    const to = await hostOn(tempDir('plugboard-host-import-'), 'the other machine’s passphrase');
    const imported = await to('data.import', { content, passphrase: 'moving 1,000 accounts' });
    expect(imported.status).toBe(200);
    if (!imported.envelope.ok) throw new Error(imported.envelope.error.message);
    expect(imported.envelope.result.accounts.added).toHaveLength(COUNT);
    const listed = await to('accounts.list', {});
    if (!listed.envelope.ok) throw new Error(listed.envelope.error.message);
    expect(listed.envelope.result).toHaveLength(COUNT);
    const pictured = listed.envelope.result.filter((a) => a.avatar !== null);
    expect(pictured.length).toBeGreaterThan(COUNT * 0.8);
    // The pictures came along: the new host serves each one as the old host did.
    const source = await from('accounts.list', {});
    if (!source.envelope.ok) throw new Error(source.envelope.error.message);
    const sourceAddress = new Map(source.envelope.result.map((a) => [`${a.platform}/${a.platformUserId}`, a.avatar]));
    for (const a of pictured.slice(0, 20)) {
      const moved = await to.picture(a.avatar!);
      expect(moved.length).toBeGreaterThan(0);
      expect(moved.equals(await from.picture(sourceAddress.get(`${a.platform}/${a.platformUserId}`)!))).toBe(true);
    }
  }, 60_000);
});
