// The process the crash test kills: opens the core on a prepared data folder,
// exactly as the app does, and refreshes one account in a tight loop (each turn a
// full refresh: read the stored refresh token, call the platform, commit the
// rotated pair, re-read the profile) until it is killed. Its clock steps forward by
// the burst window before each turn: a click inside that window after a renewal
// returns the renewal just made (one request per burst of clicks), and here every
// turn must reach the platform.
//
// Stdout protocol, one line each, written synchronously (stdout is a pipe):
//   ready <ms to open the core>
//   refreshed <n>             after the n-th accounts.refresh answered ok
//   failed <n> <error json>   the n-th refresh was refused; the process exits 3
// Settings (environment): CRASH_DATA_DIR, CRASH_PASSPHRASE, CRASH_ORIGINS (JSON), CRASH_ACCOUNT_ID.
import { flushCompileCache } from 'node:module';
import { systemClock } from '../../src-main/core/clock.ts';
import { openCore } from '../../src-main/core/core.ts';
import { RECENT_RENEWAL_MS } from '../../src-main/core/lifecycle.ts';
import { parseOriginMap } from '../../src-main/http/origins.ts';
import { openConfPrefs } from '../../src-main/prefs/prefs.ts';
import { PassphraseKeyWrapper } from '../../src-main/vault/passphrase-wrapper.ts';

function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`refresh-child: ${name} is not set\n`);
    process.exit(2);
  }
  return value;
}

const started = performance.now();
let ahead = 0;
const dataDir = env('CRASH_DATA_DIR');
const accountId = env('CRASH_ACCOUNT_ID');
const core = await openCore({
  dataDir,
  // The real wrapper at a lower scrypt cost, so fifty starts stay quick.
  keyWrapper: new PassphraseKeyWrapper(env('CRASH_PASSPHRASE'), { logN: 14 }),
  prefs: openConfPrefs(dataDir),
  openExternal: null,
  redirectKinds: ['loopback', 'manual'],
  origins: parseOriginMap(env('CRASH_ORIGINS')),
  httpTimeoutMs: 5000,
  clock: { now: () => Date.now() + ahead, setTimeout: systemClock.setTimeout },
});
// A killed process never writes V8's code cache at exit; write it now (a no-op without NODE_COMPILE_CACHE).
flushCompileCache();
process.stdout.write(`ready ${Math.round(performance.now() - started)}\n`);

for (let n = 1; ; n++) {
  ahead += RECENT_RENEWAL_MS;
  const answer = await core.call('accounts.refresh', { accountId });
  if (!answer.ok) {
    process.stdout.write(`failed ${n} ${JSON.stringify(answer.error)}\n`);
    process.exit(3);
  }
  process.stdout.write(`refreshed ${n}\n`);
}
