// F12 through the gate in front of the real core, on real SQLite files: where no keychain can be
// trusted, nothing is stored before the user chooses a passphrase; later starts are locked until it
// is typed; a wrong one is refused in plain words; it can be changed; a trusted keychain opens at once.
import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../api/contract.ts';
import { openConfPrefs } from '../prefs/prefs.ts';
import { openDatabase } from '../store/db.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { VaultLockedError, type KeyWrapper } from '../vault/key-wrapper.ts';
import { PassphraseKeyWrapper } from '../vault/passphrase-wrapper.ts';
import { Vault } from '../vault/vault.ts';
import { openCore } from './core.ts';
import { openGate, type Gate } from './gate.ts';
import { silentLogger } from './logger.ts';
import { delayAfter, PassphraseAttempts } from './passphrase-attempts.ts';

const cheap = (p: string) => new PassphraseKeyWrapper(p, { logN: 12 });
const gates: Gate[] = [];
afterEach(async () => {
  for (const g of gates.splice(0)) await g.close();
});

/** The OS keychain, as the gate sees it: a wrapper that can always open what it wrapped. */
class TrustedKeychain implements KeyWrapper {
  readonly kind = 'safeStorage';
  wrap = async (key: Buffer) => Buffer.from(key.toString('hex'));
  unwrap = async (blob: Buffer) => Buffer.from(blob.toString(), 'hex');
}

async function gate(dataDir: string, opts: { keychain?: KeyWrapper | null; weak?: boolean; passphrase?: string; attempts?: PassphraseAttempts; wrapper?: (p: string) => KeyWrapper } = {}): Promise<Gate> {
  const passphraseWrapper = opts.wrapper ?? cheap;
  const g = await openGate({
    dataDir,
    attempts: opts.attempts,
    keychain: opts.keychain ?? null,
    weakKeychain: opts.weak ?? false,
    passphrase: opts.passphrase,
    passphraseWrapper,
    logger: silentLogger,
    open: (keyWrapper, weakKeychain) =>
      openCore({ dataDir, keyWrapper, weakKeychain, passphraseWrapper, prefs: openConfPrefs(dataDir), openExternal: null, redirectKinds: ['loopback'], logger: silentLogger }),
  });
  gates.push(g);
  return g;
}

function vaultRow(dataDir: string): string | null {
  const db = openDatabase(dataDir);
  try {
    return Vault.protection(db);
  } finally {
    db.close();
  }
}

const result = <T>(r: Envelope<unknown>): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.result as T;
};

describe('the gate (F12)', () => {
  it('a weak keychain: says so, stores nothing until a passphrase is chosen, every other call is locked', async () => {
    const dir = tempDir();
    const g = await gate(dir, { weak: true });
    expect(result(await g.call('app.lockState', {}))).toEqual({ state: 'choose-passphrase', protection: 'passphrase', weakKeychain: true });
    for (const method of ['accounts.list', 'platforms.list', 'credentials.save', 'data.export']) {
      expect(await g.call(method, {})).toMatchObject({ ok: false, error: { code: 'locked' } });
    }
    expect(await g.call('app.unlock', { passphrase: 'anything at all' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await g.call('app.setPassphrase', { passphrase: 'short' })).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/at least 10/) } });
    expect(vaultRow(dir)).toBeNull();

    const events: string[] = [];
    g.subscribe((e) => events.push(e.type));
    expect(result(await g.call('app.setPassphrase', { passphrase: 'a passphrase of mine' }))).toMatchObject({ state: 'open', protection: 'passphrase', weakKeychain: true });
    expect(events).toContain('lock.changed');
    expect(vaultRow(dir)).toBe('passphrase');
    expect(result(await g.call('accounts.list', {}))).toEqual([]);
  });

  it('a later start is locked until the passphrase is typed; a wrong one is refused; it can be changed', async () => {
    const dir = tempDir();
    const first = await gate(dir, { passphrase: 'the first passphrase' });
    result(await first.call('credentials.save', { platform: 'x', clientId: 'id-1', clientSecret: 'secret-1' }));
    await first.close();

    const g = await gate(dir);
    expect(result(await g.call('app.lockState', {}))).toMatchObject({ state: 'locked' });
    expect(await g.call('app.setPassphrase', { passphrase: 'a brand new passphrase' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await g.call('app.unlock', { passphrase: 'not the passphrase' })).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/does not open/) } });
    expect(await g.call('platforms.list', {})).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(result(await g.call('app.unlock', { passphrase: 'the first passphrase' }))).toMatchObject({ state: 'open' });
    expect(result<{ id: string; credentials: { clientId: string } }[]>(await g.call('platforms.list', {})).find((p) => p.id === 'x')!.credentials.clientId).toBe('id-1');

    expect(await g.call('app.changePassphrase', { current: 'wrong one', next: 'the second passphrase' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not the current passphrase/) } });
    result(await g.call('app.changePassphrase', { current: 'the first passphrase', next: 'the second passphrase' }));
    await g.close();

    const again = await gate(dir);
    expect(await again.call('app.unlock', { passphrase: 'the first passphrase' })).toMatchObject({ ok: false });
    result(await again.call('app.unlock', { passphrase: 'the second passphrase' }));
    // Re-sealed under the new data key: what was saved before still opens.
    expect(result<{ id: string; credentials: { saved: boolean } }[]>(await again.call('platforms.list', {})).find((p) => p.id === 'x')!.credentials.saved).toBe(true);
  });

  it('a trusted keychain opens at once, and has no passphrase to change', async () => {
    const dir = tempDir();
    const g = await gate(dir, { keychain: new TrustedKeychain() });
    expect(g.core).not.toBeNull();
    expect(result(await g.call('app.lockState', {}))).toEqual({ state: 'open', protection: 'keychain', weakKeychain: false });
    expect(await g.call('app.changePassphrase', { current: 'x', next: 'a new passphrase' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/system keychain/) } });
    expect(vaultRow(dir)).toBe('safeStorage');
  });

  it('a folder kept by the keychain, started where the keychain is missing: a clear error, not a new vault', async () => {
    const dir = tempDir();
    await (await gate(dir, { keychain: new TrustedKeychain() })).close();
    await expect(gate(dir, { weak: true })).rejects.toThrow(VaultLockedError);
    expect(vaultRow(dir)).toBe('safeStorage');
  });

  it('PLUGBOARD_PASSPHRASE follows the window\'s rule for a new folder (10 characters), and still unlocks an existing one', async () => {
    const dir = tempDir();
    await expect(gate(dir, { passphrase: 'short' })).rejects.toThrow(/PLUGBOARD_PASSPHRASE cannot protect a new data folder: Use at least 10 characters/);
    expect(vaultRow(dir)).toBeNull();
    // A folder whose passphrase was chosen before the rule: unlocking is not choosing.
    const db = openDatabase(dir);
    await Vault.open(db, cheap('old-short'), 0);
    db.close();
    const g = await gate(dir, { passphrase: 'old-short' });
    expect(result(await g.call('app.lockState', {}))).toMatchObject({ state: 'open' });
  });

  it('two attempts 20 ms apart are judged each on its own: the wrong one refused, the right one opens', async () => {
    const dir = tempDir();
    await (await gate(dir, { passphrase: 'the right passphrase' })).close();
    // As slow as a real scrypt (~0.3 s), so the second attempt arrives while the first is being judged.
    const slow = (p: string): KeyWrapper => {
      const w = cheap(p);
      return { kind: w.kind, wrap: (k) => w.wrap(k), unwrap: async (b) => (await new Promise((r) => setTimeout(r, 150)), w.unwrap(b)) };
    };
    const g = await gate(dir, { attempts: new PassphraseAttempts({ sleep: async () => {} }), wrapper: slow });
    const wrong = g.call('app.unlock', { passphrase: 'a wrong passphrase' });
    await new Promise((r) => setTimeout(r, 20));
    const right = g.call('app.unlock', { passphrase: 'the right passphrase' });
    expect(await wrong).toMatchObject({ ok: false, error: { message: expect.stringMatching(/does not open/) } });
    expect(await right).toMatchObject({ ok: true, result: { state: 'open' } });
  });

  it('wrong attempts earn a growing delay before the next is judged; a right one resets it', async () => {
    const dir = tempDir();
    await (await gate(dir, { passphrase: 'the right passphrase' })).close();
    const waited: number[] = [];
    let now = 1_000_000;
    const attempts = new PassphraseAttempts({ sleep: async (ms) => void waited.push(ms), now: () => now });
    const g = await gate(dir, { attempts });
    for (let i = 0; i < 4; i++) expect(await g.call('app.unlock', { passphrase: `wrong number ${i}` })).toMatchObject({ ok: false });
    expect(waited).toEqual([1000, 2000, 4000]);
    now += 10_000; // more than the 8 s earned: the right one is not held back
    expect(await g.call('app.unlock', { passphrase: 'the right passphrase' })).toMatchObject({ ok: true });
    expect(waited).toEqual([1000, 2000, 4000]);
    expect([1, 2, 5, 6, 40].map(delayAfter)).toEqual([1000, 2000, 16_000, 30_000, 30_000]);
  });
});
