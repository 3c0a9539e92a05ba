// node bench/transfer.bench.ts: export and import of 1,000 accounts between two real data
// folders, at the default scrypt cost, and that cost on its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PlatformId } from '../src-main/api/contract.ts';
import { Accounts } from '../src-main/store/accounts.ts';
import { Activity } from '../src-main/store/activity.ts';
import { AppCredentials } from '../src-main/store/app-credentials.ts';
import { openDatabase } from '../src-main/store/db.ts';
import { Notices } from '../src-main/store/notices.ts';
import { openExport, sealExport } from '../src-main/transfer/export-file.ts';
import { exportData, importData } from '../src-main/transfer/transfer.ts';
import { PassphraseKeyWrapper } from '../src-main/vault/passphrase-wrapper.ts';
import { Secrets } from '../src-main/vault/secrets.ts';
import { Vault } from '../src-main/vault/vault.ts';

const ACCOUNTS = 1_000;
const T0 = Date.UTC(2025, 0, 1);
const PLATFORMS: PlatformId[] = ['x', 'youtube', 'tiktok', 'facebook', 'linkedin'];
/** A small cached avatar, as the accounts table holds them (a data URI of a ~3 KB picture). */
const AVATAR = `data:image/jpeg;base64,${Buffer.alloc(3_000, 7).toString('base64')}`;

const dirs: string[] = [];
async function machine(passphrase: string) {
  const dir = mkdtempSync(join(tmpdir(), 'plugboard-bench-'));
  dirs.push(dir);
  const db = openDatabase(dir);
  const vault = await Vault.open(db, new PassphraseKeyWrapper(passphrase, { logN: 14 }), T0);
  const secrets = new Secrets(db, vault);
  const accounts = new Accounts(db, secrets, new Activity(db));
  const appCredentials = new AppCredentials(db, secrets);
  return { db, accounts, appCredentials, notices: new Notices(db), deps: { db, secrets, accounts, appCredentials } };
}

async function time<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - start };
}

const a = await machine('old');
a.db.transaction(() => {
  for (let i = 0; i < ACCOUNTS; i++) {
    const platform = PLATFORMS[i % PLATFORMS.length]!;
    const { id } = a.accounts.upsertConnected({
      workspaceId: 'default',
      platform,
      profile: { platformUserId: `user-${i}`, handle: `handle_${i}`, displayName: `Account ${i}`, avatarUrl: `https://cdn.example/${i}.jpg`, details: { n: String(i) } },
      avatar: AVATAR,
      tokens: { accessToken: `access-${i}-${'a'.repeat(200)}`, refreshToken: `refresh-${i}-${'r'.repeat(100)}`, accessTokenExpiresAt: T0 + 7_200_000, scopes: ['read', 'write'] },
      connectionExpiresAt: null,
      renewal: 'rotating-refresh',
      now: T0 + i,
    });
    a.notices.record({ account_id: id, threshold: 'warn_window', deadline: T0 + 86_400_000, workspace_id: 'default', platform, title: 'Soon', body: 'Renew soon.', sent_at: T0 });
  }
  for (const p of PLATFORMS) a.appCredentials.save(p, `client-${p}`, `secret-${p}`, false, T0);
})();

const scrypt = await time(async () => openExport(await sealExport(new Uint8Array(0), 'passphrase'), 'passphrase'));
const exported = await time(async () => (await exportData(a.deps, 'moving day', T0)).file);
const b = await machine('new');
const fresh = await time(() => importData(b.deps, exported.result, 'moving day', T0));
const again = await time(() => importData(b.deps, exported.result, 'moving day', T0));

console.log(`scrypt at the default cost (N=2^17, r=8, p=1), seal + open of an empty payload: ${scrypt.ms.toFixed(0)} ms (two derivations)`);
console.log(`export of ${ACCOUNTS} accounts: ${exported.ms.toFixed(0)} ms, file ${(exported.result.length / 1024 / 1024).toFixed(2)} MiB`);
console.log(`import into an empty machine: ${fresh.ms.toFixed(0)} ms (${fresh.result.accounts.added.length} added)`);
console.log(`import again (merge, all kept): ${again.ms.toFixed(0)} ms (${again.result.accounts.kept.length} kept)`);

a.db.close();
b.db.close();
for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
