// F12: what stands in front of the core until the vault is open. Where the system keychain can be
// trusted the core opens at once. Where it cannot (Linux with only safeStorage's basic_text, whose
// key is hard-coded; the browser host, which has no keychain) a passphrase protects the data key:
// the window asks for it (unlock screen) or, before anything is stored, asks the user to choose one.
// Until then only the lock methods answer; every other call says `locked`, and nothing is written.
// Where a passphrase protects the key, Lock now and the idle lock close the core again (lock()):
// nothing renews until the passphrase is typed, as at start.
import { requestSchemas, type ApiEvent, type Envelope, type LockState } from '../api/contract.ts';
import { sendError } from '../gateway/replies.ts';
import { openDatabase } from '../store/db.ts';
import { VaultLockedError, type KeyWrapper } from '../vault/key-wrapper.ts';
import { PassphraseKeyWrapper } from '../vault/passphrase-wrapper.ts';
import { Vault } from '../vault/vault.ts';
import { avatarReply } from './avatars.ts';
import type { Logger } from './logger.ts';
import { PassphraseAttempts } from './passphrase-attempts.ts';
import type { Core } from './types.ts';

export interface GateOptions {
  dataDir: string;
  /** Opens the real core with the wrapper that opens (or creates) the vault. */
  open(wrapper: KeyWrapper, weakKeychain: boolean): Promise<Core>;
  /** The OS keychain's wrapper, or null where there is none worth trusting. */
  keychain: KeyWrapper | null;
  /** Linux offered only basic_text: said plainly on the screens that ask for a passphrase. */
  weakKeychain: boolean;
  /** Given up front (PLUGBOARD_PASSPHRASE, the demo, tests): used at once instead of asking. */
  passphrase?: string;
  passphraseWrapper?: (passphrase: string) => KeyWrapper;
  logger: Logger;
  /** How wrong attempts are paced (tests pass one with a recording sleep). */
  attempts?: PassphraseAttempts;
}

export interface Gate extends Core {
  /** The open core, once unlocked. */
  readonly core: Core | null;
  /** Closes the open core until the passphrase is typed again; false where there is no passphrase to type (the keychain). */
  lock(): Promise<boolean>;
}

const LOCKED: Envelope<never> = { ok: false, error: { code: 'locked', message: 'Plugboard is locked: enter your passphrase first.' } };

export async function openGate(opts: GateOptions): Promise<Gate> {
  const wrapperFor = opts.passphraseWrapper ?? ((p: string) => new PassphraseKeyWrapper(p));
  const probe = openDatabase(opts.dataDir);
  const stored = Vault.protection(probe);
  probe.close();

  let core: Core | null = null;
  const attempts = opts.attempts ?? new PassphraseAttempts();
  const listeners = new Set<(event: ApiEvent) => void>();
  const emit = (event: ApiEvent) => {
    for (const listener of listeners) listener(event);
  };

  async function openWith(wrapper: KeyWrapper): Promise<Core> {
    const opened = await opts.open(wrapper, opts.weakKeychain);
    core = opened;
    opened.subscribe(emit);
    opts.logger.info('vault opened', { protection: wrapper.kind });
    emit({ type: 'lock.changed' });
    // What watched an empty, locked app (the tray) reads it again.
    emit({ type: 'accounts.changed' });
    return opened;
  }

  // The state before anything is typed: open at once where nothing needs asking.
  let waiting: 'locked' | 'choose-passphrase' | null = null;
  if (stored === 'passphrase' || (stored === null && !opts.keychain)) {
    // Given up front, a passphrase meets the rules the window enforces: a new one is long enough.
    if (opts.passphrase && stored === null) {
      const rule = requestSchemas['app.setPassphrase'].safeParse({ passphrase: opts.passphrase });
      if (!rule.success) throw new VaultLockedError(`PLUGBOARD_PASSPHRASE cannot protect a new data folder: ${rule.error.issues[0]?.message ?? 'it is not a valid passphrase'}.`);
    }
    if (opts.passphrase) await openWith(wrapperFor(opts.passphrase));
    else waiting = stored === 'passphrase' ? 'locked' : 'choose-passphrase';
  } else if (opts.keychain) {
    await openWith(opts.keychain);
  } else {
    throw new VaultLockedError(
      "This data folder's key is kept by the system keychain, which is not available now. Unlock or start the keychain (GNOME Keyring, KWallet) and start Plugboard again.",
    );
  }

  const byPassphrase = () => stored === 'passphrase' || !opts.keychain;
  const lockState = (): LockState => ({
    state: core ? 'open' : waiting!,
    protection: core ? (byPassphrase() ? 'passphrase' : 'keychain') : 'passphrase',
    weakKeychain: opts.weakKeychain,
  });

  async function lock(): Promise<boolean> {
    const open = core;
    if (!open || !byPassphrase()) return false;
    // Calls from here on hear `locked`, while the core finishes what it was doing.
    core = null;
    waiting = 'locked';
    await open.close();
    opts.logger.info('vault locked');
    emit({ type: 'lock.changed' });
    // What watched the open app (the tray) reads it again, and finds nothing.
    emit({ type: 'accounts.changed' });
    return true;
  }

  async function openCall(open: Core, method: string, params: unknown): Promise<Envelope<unknown>> {
    if (method !== 'app.lock' || !byPassphrase()) return open.call(method, params);
    await lock();
    return { ok: true, result: lockState() };
  }

  async function lockedCall(method: string, params: unknown): Promise<Envelope<unknown>> {
    if (method === 'app.lockState' || method === 'app.lock') return { ok: true, result: lockState() };
    if (method !== 'app.unlock' && method !== 'app.setPassphrase') return LOCKED;
    const parsed = requestSchemas[method].safeParse(params ?? {});
    if (!parsed.success) {
      return { ok: false, error: { code: 'bad_request', message: parsed.error.issues[0]?.message ?? 'Invalid request.', issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } };
    }
    if (method === 'app.setPassphrase' && waiting !== 'choose-passphrase') {
      return { ok: false, error: { code: 'conflict', message: 'This data folder already has a passphrase: enter it to unlock.' } };
    }
    if (method === 'app.unlock' && waiting !== 'locked') {
      return { ok: false, error: { code: 'conflict', message: 'Nothing is stored yet: choose a passphrase first.' } };
    }
    const { passphrase } = parsed.data;
    try {
      // One attempt at a time, each with its own passphrase: two typed 20 ms apart are two answers.
      return await attempts.judge(async () => {
        // An earlier attempt in the queue opened it: this one is answered by the open core.
        if (core) return core.call(method, params);
        const opened = await openWith(wrapperFor(passphrase));
        return opened.call('app.lockState', {});
      }, (e) => e instanceof VaultLockedError);
    } catch (e) {
      if (e instanceof VaultLockedError) {
        opts.logger.warn('unlock refused');
        return { ok: false, error: { code: 'bad_request', message: 'That passphrase does not open Plugboard’s data. Check for typing mistakes (the caps lock key) and try again.' } };
      }
      throw e;
    }
  }

  return {
    get core() {
      return core;
    },
    lock,
    call: (method, params) => (core ? openCall(core, method, params) : lockedCall(method, params)),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    handleProtocolUrl: async (url) => {
      if (core) return core.handleProtocolUrl(url);
      opts.logger.warn('a plugboard:// link arrived while locked: ignored');
      return null;
    },
    resume: () => core?.resume(),
    setOnline: (online) => core?.setOnline(online),
    attention: () => core?.attention() ?? [],
    openAccount: (accountId) => core?.openAccount(accountId),
    avatar: (accountId, version) => (core ? core.avatar(accountId, version) : avatarReply(null, null)),
    // While locked a tool hears `locked` and nothing else: not even whether its key is known.
    gateway: (req, res) => (core ? core.gateway(req, res) : sendError(res, 'locked', 'Plugboard is locked: unlock it in its window first.')),
    close: async () => {
      listeners.clear();
      await core?.close();
    },
  };
}
