// node bench/core.bench.ts [--runs 7]: the core on a seeded folder of 1,000 and 10,000 accounts.
// Prints the time to open it as the browser host does (passphrase wrapper, real scrypt cost) and to
// answer accounts.list, and proves that listing decrypts nothing. Opening checks every sealed secret
// once (the start-up scan that turns an account with a damaged token red): its unseals are counted
// and its time shown as the open time less the key unwrap.
//
// How "nothing is decrypted" is proven, without touching the vault: every AES-GCM decryption in
// this process goes through node:crypto's createDecipheriv, which is wrapped below and pushed into
// the ES module bindings with syncBuiltinESMExports (the vault imports it by name). Vault#unseal is
// counted as well, so a decryption by some other route would still show as a mismatch.
import crypto from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { syncBuiltinESMExports } from 'node:module';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openCore } from '../src-main/core/core.ts';
import { createFileLogger } from '../src-main/core/file-logger.ts';
import { openConfPrefs } from '../src-main/prefs/prefs.ts';
import { PassphraseKeyWrapper } from '../src-main/vault/passphrase-wrapper.ts';
import { Vault } from '../src-main/vault/vault.ts';
import { seed } from './seed.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, sizes: { type: 'string', default: '1000,10000' } } });
const RUNS = Number(values.runs);
const SIZES = values.sizes.split(',').map(Number);
/** accounts.list calls per opened core after the first (the first is reported on its own). */
const WARM_CALLS = 5;

const counts = { decipher: 0, unseal: 0, unwrap: 0 };
const realDecipheriv = crypto.createDecipheriv;
crypto.createDecipheriv = ((...args: Parameters<typeof realDecipheriv>) => {
  counts.decipher++;
  return realDecipheriv(...args);
}) as typeof realDecipheriv;
syncBuiltinESMExports();
const realUnseal = Vault.prototype.unseal;
Vault.prototype.unseal = function (this: Vault, ...args: Parameters<Vault['unseal']>) {
  counts.unseal++;
  return realUnseal.apply(this, args);
};
/** How long each data-key unwrap (scrypt) took: most of the open time, and independent of the account count. */
const unwrapTimes: number[] = [];
const realUnwrap = PassphraseKeyWrapper.prototype.unwrap;
PassphraseKeyWrapper.prototype.unwrap = async function (this: PassphraseKeyWrapper, blob: Buffer) {
  counts.unwrap++;
  const start = performance.now();
  try {
    return await realUnwrap.call(this, blob);
  } finally {
    unwrapTimes.push(performance.now() - start);
  }
};
const snapshot = () => ({ ...counts });
const since = (before: typeof counts) => ({ decipher: counts.decipher - before.decipher, unseal: counts.unseal - before.unseal, unwrap: counts.unwrap - before.unwrap });

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;
const stat = (xs: number[]) => `median ${ms(quantile(xs, 0.5))}, p95 ${ms(quantile(xs, 0.95))}`;

/** Opens the core with the browser host's deps (src-main/host/start.ts), minus the HTTP server. */
async function openAsHost(dataDir: string, passphrase: string) {
  return openCore({
    dataDir,
    keyWrapper: new PassphraseKeyWrapper(passphrase),
    prefs: openConfPrefs(dataDir),
    openExternal: null,
    redirectKinds: ['loopback', 'manual'],
    logger: createFileLogger(join(dataDir, 'logs')),
  });
}

// A probe that decryption is counted at all: otherwise "0 decrypts" would prove nothing.
{
  const probe = await seed({ count: 10 });
  const core = await openAsHost(probe.dir, probe.passphrase);
  const list = await core.call('accounts.list', {});
  if (!list.ok) throw new Error(list.error.message);
  const before = snapshot();
  const saved = await core.call('credentials.save', { platform: 'x', clientId: 'probe', clientSecret: 'probe-secret' });
  if (!saved.ok) throw new Error(saved.error.message);
  // connect.start reads the client secret (one unseal) to build the authorization request.
  await core.call('connect.start', { platform: 'x' });
  const probed = since(before);
  await core.close();
  rmSync(probe.dir, { recursive: true, force: true });
  if (probed.unseal === 0 || probed.decipher === 0) throw new Error('The decryption counters did not see a known decryption; the proof below would be empty.');
  console.log(`counter check: a Connect that reads the client secret counted ${probed.unseal} unseal(s), ${probed.decipher} decipher(s)`);
}

console.log(`runs per size: ${RUNS} (a fresh open each), ${WARM_CALLS} warm accounts.list calls after the first`);
const table: string[][] = [['accounts', 'seed', 'open (scrypt)', 'open total', 'open less scrypt', 'start-up scan', 'list first', 'list warm', 'JSON size', 'decrypts in list']];
for (const size of SIZES) {
  const seeded = await seed({ count: size });
  const opens: number[] = [];
  const unwraps: number[] = [];
  const firsts: number[] = [];
  const warms: number[] = [];
  let bytes = 0;
  let decrypts = { decipher: 0, unseal: 0, unwrap: 0 };
  let scanned = 0;
  for (let run = 0; run < RUNS; run++) {
    const before = snapshot();
    const t1 = performance.now();
    const core = await openAsHost(seeded.dir, seeded.passphrase);
    opens.push(performance.now() - t1);
    unwraps.push(unwrapTimes.at(-1)!);
    scanned = since(before).unseal;
    const listFrom = snapshot();
    const t2 = performance.now();
    const first = await core.call('accounts.list', {});
    firsts.push(performance.now() - t2);
    if (!first.ok) throw new Error(first.error.message);
    if ((first.result as unknown[]).length !== size) throw new Error(`accounts.list returned ${(first.result as unknown[]).length} accounts, not ${size}`);
    for (let i = 0; i < WARM_CALLS; i++) {
      const t = performance.now();
      await core.call('accounts.list', {});
      warms.push(performance.now() - t);
    }
    bytes = JSON.stringify(first.result).length;
    decrypts = since(listFrom);
    if (decrypts.decipher !== 0 || decrypts.unseal !== 0) {
      throw new Error(`Listing ${size} accounts decrypted something: ${decrypts.unseal} unseal(s), ${decrypts.decipher} decipher(s).`);
    }
    await core.close();
  }
  table.push([
    String(size),
    `${(seeded.ms / 1000).toFixed(1)} s`,
    stat(unwraps),
    stat(opens),
    stat(opens.map((o, i) => o - unwraps[i]!)),
    `${scanned} unseals`,
    stat(firsts),
    stat(warms),
    `${(bytes / 2 ** 20).toFixed(2)} MiB`,
    `${decrypts.unseal} unseal, ${decrypts.decipher} decipher`,
  ]);
  rmSync(seeded.dir, { recursive: true, force: true });
}

const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
for (const row of table) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
