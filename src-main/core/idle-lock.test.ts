// The idle lock on the real gate, core and SQLite, with time moved by the test: it locks after the
// chosen minutes without the user, not before; typing the passphrase restarts the count; Off never
// locks; a vault the keychain protects has nothing to lock.
import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../api/contract.ts';
import { openConfPrefs, type Prefs } from '../prefs/prefs.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import type { KeyWrapper } from '../vault/key-wrapper.ts';
import { PassphraseKeyWrapper } from '../vault/passphrase-wrapper.ts';
import type { Clock } from './clock.ts';
import { openCore } from './core.ts';
import { openGate, type Gate } from './gate.ts';
import { IDLE_CHECK_MS, watchIdle, windowPresence } from './idle-lock.ts';
import { silentLogger } from './logger.ts';

const cheap = (p: string) => new PassphraseKeyWrapper(p, { logN: 12 });
const MINUTE = 60_000;
const PASSPHRASE = 'the idle passphrase';

/** Time the test moves; due timers fire as it passes them. */
function movingClock() {
  let now = 1_700_000_000_000;
  const timers = new Set<{ at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn: () => void, ms: number) {
      const t = { at: now + ms, fn };
      timers.add(t);
      return () => void timers.delete(t);
    },
    async advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...timers].filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers.delete(due);
        now = due.at;
        due.fn();
        // The check awaits the gate's lock (closing the core): let it finish.
        for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      }
      now = until;
    },
    /** Time passes with no timer firing: a machine asleep. */
    jump(ms: number) {
      now += ms;
    },
  } satisfies Clock & Record<string, unknown>;
}

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function setup(opts: { keychain?: KeyWrapper } = {}) {
  const dir = tempDir();
  const clock = movingClock();
  const presence = windowPresence(clock);
  let prefs!: Prefs;
  const gate: Gate = await openGate({
    dataDir: dir,
    keychain: opts.keychain ?? null,
    weakKeychain: false,
    passphrase: opts.keychain ? undefined : PASSPHRASE,
    passphraseWrapper: cheap,
    logger: silentLogger,
    open: (keyWrapper) => {
      prefs = openConfPrefs(dir);
      return openCore({ dataDir: dir, keyWrapper, passphraseWrapper: cheap, prefs, openExternal: null, redirectKinds: ['loopback'], logger: silentLogger, clock, reportActive: presence.active });
    },
  });
  stops.push(() => gate.close());
  const errors: unknown[] = [];
  const idle = watchIdle({ gate, clock, minutes: () => prefs.get('lockAfterMinutes'), idleMs: presence.idleMs, onError: (e) => errors.push(e) });
  stops.push(idle.stop);
  const state = async () => ((await gate.call('app.lockState', {})) as Envelope<{ state: string }> & { ok: true }).result.state;
  return { gate, clock, state, errors, idle };
}

describe('the idle lock', () => {
  it('locks after the chosen minutes without the user, and not before; the window\'s activity and the unlock restart the count', async () => {
    const { gate, clock, state, errors } = await setup();
    expect(await gate.call('settings.update', { lockAfterMinutes: 15 })).toMatchObject({ ok: true, result: { lockAfterMinutes: 15 } });

    await clock.advance(10 * MINUTE);
    expect(await gate.call('app.active', {})).toEqual({ ok: true, result: null });
    await clock.advance(14 * MINUTE);
    expect(await state()).toBe('open');
    await clock.advance(MINUTE + IDLE_CHECK_MS);
    expect(await state()).toBe('locked');
    expect(await gate.call('accounts.list', {})).toMatchObject({ ok: false, error: { code: 'locked' } });

    // Away for long, then back: the typed passphrase counts as being there.
    await clock.advance(60 * MINUTE);
    expect(await gate.call('app.unlock', { passphrase: PASSPHRASE })).toMatchObject({ ok: true, result: { state: 'open' } });
    await clock.advance(5 * MINUTE);
    expect(await state()).toBe('open');
    await clock.advance(10 * MINUTE + IDLE_CHECK_MS);
    expect(await state()).toBe('locked');
    expect(errors).toEqual([]);
  });

  it('checked at once on a wake: back from a long sleep the vault is locked before the next tick; a short one changes nothing', async () => {
    const { gate, clock, state, idle, errors } = await setup();
    await gate.call('settings.update', { lockAfterMinutes: 15 });
    clock.jump(14 * MINUTE);
    await idle.checkNow();
    expect(await state()).toBe('open');
    clock.jump(2 * MINUTE);
    await idle.checkNow();
    expect(await state()).toBe('locked');
    expect(errors).toEqual([]);
    // Stopped, it checks nothing.
    await gate.call('app.unlock', { passphrase: PASSPHRASE });
    idle.stop();
    clock.jump(60 * MINUTE);
    await idle.checkNow();
    expect(await state()).toBe('open');
  });

  it('Off (the default) never locks', async () => {
    const { gate, clock, state } = await setup();
    expect(await gate.call('app.status', {})).toMatchObject({ ok: true, result: { lockAfterMinutes: 0 } });
    await clock.advance(2 * 60 * MINUTE);
    expect(await state()).toBe('open');
  });

  it('Lock now closes the vault until the passphrase is typed, and what was saved is there again after', async () => {
    const { gate, state } = await setup();
    await gate.call('credentials.save', { platform: 'x', clientId: 'id-1', clientSecret: 'secret-1' });
    const events: string[] = [];
    gate.subscribe((e) => events.push(e.type));
    expect(await gate.call('app.lock', {})).toMatchObject({ ok: true, result: { state: 'locked', protection: 'passphrase' } });
    expect(events).toContain('lock.changed');
    expect(await gate.call('platforms.list', {})).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(await gate.call('app.unlock', { passphrase: 'not the passphrase' })).toMatchObject({ ok: false });
    expect(await state()).toBe('locked');
    await gate.call('app.unlock', { passphrase: PASSPHRASE });
    const platforms = (await gate.call('platforms.list', {})) as Envelope<{ id: string; credentials: { clientId: string } }[]> & { ok: true };
    expect(platforms.result.find((p) => p.id === 'x')!.credentials.clientId).toBe('id-1');
  });

  it('a vault the keychain protects has no passphrase to lock with: Lock now and the idle time are refused in words', async () => {
    const keychain: KeyWrapper = { kind: 'safeStorage', wrap: async (k) => Buffer.from(k.toString('hex')), unwrap: async (b) => Buffer.from(b.toString(), 'hex') };
    const { gate, state } = await setup({ keychain });
    expect(await gate.call('app.lock', {})).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/system keychain/) } });
    expect(await gate.call('settings.update', { lockAfterMinutes: 5 })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/system keychain/) } });
    expect(await gate.lock()).toBe(false);
    expect(await state()).toBe('open');
  });
});
