// The core: everything that matters, in plain Node. The Electron shell, the
// browser host and the tests all open it through openCore() and talk to it
// only through call(method, params) — the same typed API the renderer uses.
// What each method does lives with its domain in src-main/domains/; this file
// opens what they share, puts their handlers in one table and dispatches to it.
import { join } from 'node:path';
import { requestSchemas, type ApiEvent, type Envelope, type MethodName } from '../api/contract.ts';
import { accountHandlers, attention, markUnreadable, openAccount } from '../domains/accounts.ts';
import { appPasswordHandlers } from '../domains/app-passwords.ts';
import { connectHandlers, handleProtocolUrl, openFlows } from '../domains/connect.ts';
import { workspaceNames, type CoreContext, type DomainHandlers } from '../domains/context.ts';
import { dataHandlers } from '../domains/data.ts';
import { lockHandlers } from '../domains/lock.ts';
import { noticeHandlers, noticeView } from '../domains/notices.ts';
import { platformHandlers } from '../domains/platforms.ts';
import { postConfirmationHandlers } from '../domains/post-confirmations.ts';
import { postHandlers } from '../domains/posts.ts';
import { settingsHandlers } from '../domains/settings.ts';
import { toolHandlers } from '../domains/tools.ts';
import { workspaceHandlers } from '../domains/workspaces.ts';
import { gatewayHandler } from '../gateway/api.ts';
import { Pairing } from '../gateway/pairing.ts';
import { PostConfirmations } from '../gateway/post-confirmations.ts';
import { createHttp } from '../http/http.ts';
import { checkOriginMap } from '../http/origins.ts';
import { Accounts } from '../store/accounts.ts';
import { Activity } from '../store/activity.ts';
import { AppCredentials } from '../store/app-credentials.ts';
import { openDatabase } from '../store/db.ts';
import { Notices } from '../store/notices.ts';
import { Posts } from '../store/posts.ts';
import { Tools } from '../store/tools.ts';
import { Workspaces } from '../store/workspaces.ts';
import { PassphraseKeyWrapper } from '../vault/passphrase-wrapper.ts';
import { Secrets } from '../vault/secrets.ts';
import { Vault } from '../vault/vault.ts';
import { toApiError } from './api-failure.ts';
import { avatarReply } from './avatars.ts';
import { systemClock } from './clock.ts';
import { createFileLogger } from './file-logger.ts';
import { Lifecycle } from './lifecycle.ts';
import { PassphraseAttempts } from './passphrase-attempts.ts';
import type { Core, CoreDeps } from './types.ts';

const DEFAULT_FLOW_TIMEOUT_MS = 10 * 60 * 1000;

export async function openCore(deps: CoreDeps): Promise<Core> {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createFileLogger(join(deps.dataDir, 'logs'));
  const db = openDatabase(deps.dataDir);
  let vault: Vault;
  try {
    vault = await Vault.open(db, deps.keyWrapper, clock.now());
  } catch (e) {
    db.close();
    throw e;
  }
  const secrets = new Secrets(db, vault);
  const activity = new Activity(db);
  const accounts = new Accounts(db, secrets, activity);
  const appCredentials = new AppCredentials(db, secrets);
  const notices = new Notices(db);
  const http = createHttp({ origins: deps.origins && checkOriginMap(deps.origins), timeoutMs: deps.httpTimeoutMs, tokenTimeoutMs: deps.httpTokenTimeoutMs, logger });
  const listeners = new Set<(event: ApiEvent) => void>();

  const emit = (event: ApiEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (e) {
        logger.error('event listener failed', { error: (e as Error).message });
      }
    }
  };

  const warningWindowMs = () => deps.prefs.get('warningWindowDays') * 24 * 3600 * 1000;
  const lifecycle = new Lifecycle({
    clock,
    random: deps.random ?? Math.random,
    logger,
    http,
    accounts,
    appCredentials,
    notices,
    emit,
    isOnline: deps.isOnline,
    notify: deps.notify && ((row) => deps.notify!(noticeView(row))),
    warningWindowMs,
    // A workspace is named in what Plugboard says only once there is more than one.
    workspaceName: (id) => {
      const all = workspaceNames({ db });
      return all.length > 1 ? (all.find((w) => w.id === id)?.name ?? '') : '';
    },
  });

  // What the domains share; each takes only the parts its signature names.
  const shared = {
    clock, logger, db, vault, secrets, accounts, activity, appCredentials, notices, http, lifecycle, emit, warningWindowMs,
    workspaces: new Workspaces(db),
    tools: new Tools(db),
    posts: new Posts(db),
    pairing: new Pairing({ clock, changed: () => emit({ type: 'tools.changed' }) }),
    postConfirmations: new PostConfirmations({ clock, changed: () => emit({ type: 'posts.changed' }), ttlMs: deps.postConfirmationTtlMs }),
    prefs: deps.prefs,
    keyWrapper: deps.keyWrapper,
    weakKeychain: deps.weakKeychain,
    passphraseWrapper: deps.passphraseWrapper ?? ((p: string) => new PassphraseKeyWrapper(p)),
    passphraseAttempts: new PassphraseAttempts(),
    redirectKinds: deps.redirectKinds,
    openExternal: deps.openExternal,
    flowTimeoutMs: deps.flowTimeoutMs ?? DEFAULT_FLOW_TIMEOUT_MS,
    isOnline: deps.isOnline,
    loginItem: deps.loginItem,
    about: deps.about,
    confirmExport: deps.confirmExport,
    reportActive: deps.reportActive,
  };
  const ctx: CoreContext = { ...shared, flows: openFlows(shared) };

  const handlers: DomainHandlers<MethodName> = {
    ...platformHandlers(ctx),
    ...connectHandlers(ctx),
    ...appPasswordHandlers(ctx),
    ...accountHandlers(ctx),
    ...workspaceHandlers(ctx),
    ...lockHandlers(ctx),
    ...dataHandlers(ctx),
    ...settingsHandlers(ctx),
    ...noticeHandlers(ctx),
    ...toolHandlers(ctx),
    ...postHandlers(ctx),
    ...postConfirmationHandlers(ctx),
  };
  const gateway = gatewayHandler(ctx);

  // Before anything renews: an account whose stored token no longer opens (a damaged block on disk)
  // is red with its fix from the start, and only that account.
  for (const id of accounts.unreadable()) markUnreadable(ctx, id);
  lifecycle.start();

  return {
    async call(method, params): Promise<Envelope<unknown>> {
      if (!Object.hasOwn(requestSchemas, method)) {
        return { ok: false, error: { code: 'unknown_method', message: `There is no API method called "${String(method).slice(0, 80)}".` } };
      }
      const m = method as MethodName;
      const parsed = requestSchemas[m].safeParse(params ?? {});
      if (!parsed.success) {
        return {
          ok: false,
          error: {
            code: 'bad_request',
            message: `Invalid request for ${m}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'params'} ${i.message}`).join('; ')}.`,
            issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          },
        };
      }
      try {
        const handler = handlers[m] as (p: unknown) => Promise<unknown>;
        return { ok: true, result: await handler(parsed.data) };
      } catch (e) {
        const error = toApiError(e);
        if (error.code === 'internal') logger.error('api call failed', { method: m, error: (e as Error).stack ?? String(e) });
        return { ok: false, error };
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    handleProtocolUrl: (url) => handleProtocolUrl(ctx, url),
    resume() {
      lifecycle.resume();
    },
    setOnline(online) {
      lifecycle.setOnline(online);
    },
    attention: () => attention(ctx),
    openAccount: (accountId) => openAccount(ctx, accountId),
    avatar: (accountId, version) => avatarReply(accounts.get(accountId)?.avatar, version),
    gateway,
    async close() {
      ctx.flows.closeAll();
      ctx.pairing.closeAll();
      ctx.postConfirmations.closeAll();
      lifecycle.stop();
      await lifecycle.settle();
      listeners.clear();
      db.close();
    },
  } satisfies Core;
}
