// The core: everything that matters, in plain Node. The Electron shell, the
// browser host and the tests all open it through openCore() and talk to it
// only through call(method, params) — the same typed API the renderer uses.
import { join } from 'node:path';
import { z } from 'zod';
import {
  requestSchemas,
  type AccountView,
  type ApiEvent,
  type Envelope,
  type MethodName,
  type PlatformId,
  type PlatformView,
  type RedirectKind,
  type Results,
} from '../api/contract.ts';
import { fetchAvatar } from '../connectors/avatar.ts';
import { providerDecl, providers } from '../connectors/providers.ts';
import { connectorFor } from '../connectors/registry.ts';
import { PlatformError, type Connector, type ConnectorContext, type ProviderDecl, type TokenSet } from '../connectors/types.ts';
import { createHttp } from '../http/http.ts';
import { startLoopbackListener } from '../oauth/loopback-listener.ts';
import { Flows, view as flowView, type Flow } from '../oauth/flows.ts';
import { buildAuthorizeUrl, describeAuthorizationError, exchangeCode, newPkce, newState, refreshTokens } from '../oauth/oauth-client.ts';
import { Accounts, type AccountRow } from '../store/accounts.ts';
import { Activity } from '../store/activity.ts';
import { AppCredentials } from '../store/app-credentials.ts';
import { openDatabase } from '../store/db.ts';
import { Secrets } from '../vault/secrets.ts';
import { Vault } from '../vault/vault.ts';
import { ApiFailure, toApiError } from './api-failure.ts';
import { systemClock } from './clock.ts';
import { createFileLogger } from './file-logger.ts';
import { deriveStatus } from './status.ts';
import type { Core, CoreDeps } from './types.ts';

export const DEFAULT_WORKSPACE = 'default';
const DEFAULT_FLOW_TIMEOUT_MS = 10 * 60 * 1000;

type Handlers = { [M in MethodName]: (params: z.output<(typeof requestSchemas)[M]>) => Promise<Results[M]> };

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
  const http = createHttp({ origins: deps.origins, timeoutMs: deps.httpTimeoutMs, logger });
  const listeners = new Set<(event: ApiEvent) => void>();
  const refreshing = new Map<string, Promise<void>>();
  const flowTimeoutMs = deps.flowTimeoutMs ?? DEFAULT_FLOW_TIMEOUT_MS;

  const emit = (event: ApiEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (e) {
        logger.error('event listener failed', { error: (e as Error).message });
      }
    }
  };

  const flows = new Flows({
    clock,
    logger,
    onChange: (flow) => emit({ type: 'flow.changed', flow }),
    onCode: completeConnect,
    describeError: (flow, error, description) => describeAuthorizationError(flow.platformName, error, description ?? undefined),
  });

  function requireConnector(platform: PlatformId): Connector {
    const connector = connectorFor(platform);
    if (!connector) throw new ApiFailure('not_configured', `${providerDecl(platform).name} is coming soon: this version of Plugboard cannot connect it yet.`);
    return connector;
  }

  function requireCredentials(decl: ProviderDecl) {
    const creds = appCredentials.read(decl.id);
    if (!creds) throw new ApiFailure('not_configured', `Save the ${decl.name} client ID and secret on the Credentials tab first.`);
    return creds;
  }

  function requireAccount(id: string): AccountRow {
    const row = accounts.get(id);
    if (!row) throw new ApiFailure('not_found', 'That account is not connected (it may have been disconnected already).');
    return row;
  }

  /** The redirect kinds this build can receive itself for a platform, best first. */
  function usableRedirects(decl: ProviderDecl): RedirectKind[] {
    return (decl.oauth?.redirect.kinds ?? []).filter((k) => deps.redirectKinds.includes(k) && (k === 'loopback' || k === 'protocol'));
  }

  function redirectFor(decl: ProviderDecl): { kind: RedirectKind | null; uri: string | null; port: number } {
    const rules = decl.oauth?.redirect;
    if (!rules) return { kind: null, uri: null, port: 0 };
    const pref = deps.prefs.get('redirect')[decl.id] ?? {};
    const usable = usableRedirects(decl);
    const kind = pref.kind && usable.includes(pref.kind) ? pref.kind : (usable[0] ?? null);
    if (kind === 'protocol') return { kind, uri: `plugboard://oauth/callback/${decl.id}`, port: 0 };
    if (kind === 'loopback') {
      const port = rules.loopbackPort === 'fixed-port' ? (pref.port ?? rules.defaultPort ?? 0) : 0;
      const uri = port ? `http://127.0.0.1:${port}/callback/${decl.id}` : `http://127.0.0.1/callback/${decl.id}`;
      return { kind, uri, port };
    }
    return { kind: null, uri: null, port: 0 };
  }

  function platformView(decl: ProviderDecl): PlatformView {
    const creds = appCredentials.all().find((c) => c.platform === decl.id);
    const redirect = redirectFor(decl);
    return {
      id: decl.id,
      name: decl.name,
      available: decl.available && connectorFor(decl.id) !== null,
      auth: decl.auth,
      renewal: decl.renewal,
      credentials: {
        saved: Boolean(creds),
        clientId: creds?.client_id ?? null,
        hasSecret: Boolean(creds?.has_secret),
        savedAt: creds ? new Date(creds.saved_at).toISOString() : null,
      },
      redirectUri: redirect.uri,
      redirectKind: redirect.kind,
      redirectPort: redirect.kind === 'loopback' && decl.oauth?.redirect.loopbackPort === 'fixed-port' ? redirect.port : null,
      redirectKinds: (decl.oauth?.redirect.kinds ?? []).filter((k) => deps.redirectKinds.includes(k)),
      portalUrl: decl.portalUrl,
      guide: decl.guide,
      scopes: decl.oauth?.scopes ?? [],
    };
  }

  function accountView(row: AccountRow): AccountView {
    const decl = providerDecl(row.platform);
    const { status, reason } = deriveStatus(row, decl, clock.now(), { refreshing: refreshing.has(row.id) });
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    return {
      id: row.id,
      workspaceId: row.workspace_id,
      platform: row.platform,
      platformUserId: row.platform_user_id,
      handle: row.handle,
      displayName: row.display_name,
      avatar: row.avatar,
      status,
      statusReason: reason,
      scopes: row.scopes ? row.scopes.split(' ') : [],
      tokenExpiresAt: iso(row.token_expires_at),
      connectionExpiresAt: iso(row.connection_expires_at),
      lastSyncedAt: iso(row.last_synced_at),
      lastError: row.last_error_kind ? { kind: row.last_error_kind, message: row.last_error_message ?? '', at: iso(row.last_error_at)! } : null,
      details: JSON.parse(row.details) as Record<string, string>,
      createdAt: iso(row.created_at)!,
      updatedAt: iso(row.updated_at)!,
    };
  }

  /** The connection's own deadline: a refresh token's fixed expiry, or for a platform that cannot renew, the token's. */
  function connectionDeadline(decl: ProviderDecl, tokens: TokenSet, previous: number | null): number | null {
    if (tokens.refreshTokenExpiresAt !== undefined) return tokens.refreshTokenExpiresAt;
    if (decl.renewal === 'none') return tokens.accessTokenExpiresAt;
    return tokens.refreshToken ? null : previous;
  }

  async function completeConnect(flow: Flow, params: URLSearchParams) {
    const connector = requireConnector(flow.platform);
    const creds = requireCredentials(connector.decl);
    const now = clock.now();
    const tokens = await exchangeCode(connector, creds, http, { params, state: flow.state, redirectUri: flow.redirectUri, verifier: flow.verifier, now });
    const ctx: ConnectorContext = { http, credentials: creds };
    const profile = await connector.fetchProfile(ctx, tokens.accessToken);
    const avatar = await fetchAvatar(http, profile.avatarUrl);
    const result = accounts.upsertConnected({
      workspaceId: flow.workspaceId,
      platform: flow.platform,
      profile,
      avatar,
      tokens,
      connectionExpiresAt: connectionDeadline(connector.decl, tokens, null),
      now: clock.now(),
    });
    logger.info('account connected', { platform: flow.platform, account: result.id, renewed: result.renewed });
    emit({ type: 'accounts.changed' });
    return { accountId: result.id, renewed: result.renewed, handle: profile.handle };
  }

  /** Single-flight per account: concurrent triggers share one platform request. */
  function refreshAccount(id: string): Promise<void> {
    const running = refreshing.get(id);
    if (running) return running;
    const job = (async () => {
      // Re-read everything after taking the slot: a refresh that just finished may have rotated the token.
      const row = requireAccount(id);
      const connector = requireConnector(row.platform);
      const creds = requireCredentials(connector.decl);
      const { refreshToken } = accounts.readTokens(id);
      if (!refreshToken) {
        const message = `${connector.decl.name} gave no refresh token for this account, so it cannot renew itself. Reconnect it.`;
        accounts.recordError(id, 'auth', message, clock.now());
        throw new PlatformError('auth', message);
      }
      try {
        const tokens = await refreshTokens(connector, creds, http, refreshToken, clock.now());
        accounts.saveRefreshed(id, tokens, connectionDeadline(connector.decl, tokens, row.connection_expires_at), clock.now());
        logger.info('account refreshed', { platform: row.platform, account: id, rotated: Boolean(tokens.refreshToken) });
        try {
          accounts.updateProfile(id, await connector.fetchProfile({ http, credentials: creds }, tokens.accessToken), clock.now());
        } catch (e) {
          // The tokens are renewed and stored; a failed profile read changes nothing that matters.
          logger.warn('profile update after refresh failed', { platform: row.platform, account: id, error: (e as Error).message });
        }
      } catch (e) {
        if (e instanceof PlatformError) accounts.recordError(id, e.kind, e.message, clock.now());
        logger.warn('refresh failed', { platform: row.platform, account: id, kind: e instanceof PlatformError ? e.kind : 'internal' });
        throw e;
      }
    })().finally(() => {
      refreshing.delete(id);
      emit({ type: 'accounts.changed' });
    });
    refreshing.set(id, job);
    emit({ type: 'accounts.changed' });
    return job;
  }

  const handlers: Handlers = {
    'platforms.list': async () => providers.map(platformView),

    'credentials.save': async ({ platform, clientId, clientSecret, publicClient }) => {
      const decl = providerDecl(platform);
      if (decl.auth !== 'oauth2') throw new ApiFailure('bad_request', `${decl.name} connects with an app password, not a client ID and secret.`);
      appCredentials.save(platform, clientId, clientSecret || null, publicClient ?? false, clock.now());
      emit({ type: 'platforms.changed' });
      return platformView(decl);
    },

    'credentials.clear': async ({ platform }) => {
      appCredentials.clear(platform);
      emit({ type: 'platforms.changed' });
      return platformView(providerDecl(platform));
    },

    'platforms.setRedirect': async ({ platform, kind, port }) => {
      const decl = providerDecl(platform);
      if (!usableRedirects(decl).includes(kind)) {
        throw new ApiFailure('bad_request', `${decl.name} cannot send the sign-in back ${kind === 'protocol' ? 'through a plugboard:// link' : 'to this computer over http://127.0.0.1'} in this version of Plugboard.`);
      }
      if (port !== undefined && (kind !== 'loopback' || decl.oauth?.redirect.loopbackPort !== 'fixed-port')) {
        throw new ApiFailure('bad_request', `${decl.name} does not use a fixed port for its redirect, so there is no port to choose.`);
      }
      const all = deps.prefs.get('redirect');
      deps.prefs.set('redirect', { ...all, [platform]: { ...all[platform], kind, ...(port !== undefined ? { port } : {}) } });
      emit({ type: 'platforms.changed' });
      return platformView(decl);
    },

    'connect.start': async ({ platform, reconnectAccountId }) => {
      const connector = requireConnector(platform);
      const decl = connector.decl;
      const creds = requireCredentials(decl);
      let workspaceId = DEFAULT_WORKSPACE;
      if (reconnectAccountId) {
        const row = requireAccount(reconnectAccountId);
        if (row.platform !== platform) throw new ApiFailure('bad_request', `That account is on ${providerDecl(row.platform).name}, not ${decl.name}.`);
        workspaceId = row.workspace_id;
      }
      const redirect = redirectFor(decl);
      if (!redirect.kind) throw new ApiFailure('not_configured', `${decl.name} needs an HTTPS redirect, which this version cannot receive yet.`);
      // The waiting Connect holds the fixed port this one is about to bind.
      flows.supersede(platform);
      const state = newState();
      const pkce = decl.oauth!.pkce === 'S256' ? await newPkce() : null;
      let release = () => {};
      let redirectUri = redirect.uri!;
      if (redirect.kind === 'loopback') {
        const listener = await startLoopbackListener({
          port: redirect.port,
          path: `/callback/${platform}`,
          timeoutMs: flowTimeoutMs,
          clock,
          logger,
          onCallback: (params: URLSearchParams) => flows.handleCallback(params),
        }).catch((e: Error) => {
          throw new ApiFailure('conflict', e.message);
        });
        release = () => listener.close();
        redirectUri = listener.redirectUri;
      }
      const authorizeUrl = http.rewrite(buildAuthorizeUrl(decl.oauth!, creds, { redirectUri, state, codeChallenge: pkce?.challenge ?? null }));
      const flow = flows.add(
        { platform, platformName: decl.name, workspaceId, state, verifier: pkce?.verifier ?? null, redirectUri, authorizeUrl, reconnectAccountId: reconnectAccountId ?? null, release },
        flowTimeoutMs,
      );
      let openedExternally = false;
      if (deps.openExternal) {
        try {
          await deps.openExternal(authorizeUrl);
          openedExternally = true;
        } catch (e) {
          logger.warn('could not open the browser', { error: (e as Error).message });
        }
      }
      return { flowId: flow.id, authorizeUrl, redirectUri, openedExternally };
    },

    'connect.status': async ({ flowId }) => flowView(requireFlow(flowId)),

    'connect.cancel': async ({ flowId }) => {
      requireFlow(flowId);
      return flowView(flows.cancel(flowId)!);
    },

    'connect.complete': async ({ flowId, url }) => {
      const flow = requireFlow(flowId);
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new ApiFailure('bad_request', 'That is not a web address. Paste the whole address from the browser, starting with http or plugboard.');
      }
      const outcome = await flows.handleCallback(parsed.searchParams, flow.id);
      if (!outcome.ok && flow.status === 'waiting') throw new ApiFailure('bad_request', outcome.message);
      return flowView(flow);
    },

    'accounts.list': async ({ workspaceId }) => accounts.list(workspaceId ?? DEFAULT_WORKSPACE).map(accountView),

    'accounts.refresh': async ({ accountId }) => {
      const row = requireAccount(accountId);
      if (providerDecl(row.platform).renewal === 'none') {
        throw new ApiFailure('bad_request', `${providerDecl(row.platform).name} tokens cannot be renewed without you: use Reconnect.`);
      }
      await refreshAccount(accountId);
      return accountView(requireAccount(accountId));
    },

    'accounts.disconnect': async ({ accountId }) => {
      const row = requireAccount(accountId);
      const connector = connectorFor(row.platform);
      const tokens = accounts.readTokens(accountId);
      // The secrets are deleted first and at once; revocation at the platform is best effort after.
      accounts.remove(accountId, clock.now());
      emit({ type: 'accounts.changed' });
      logger.info('account disconnected', { platform: row.platform, account: accountId });
      const creds = appCredentials.read(row.platform);
      if (!connector?.revoke || !creds) return { accountId, revoked: false, revokeError: connector?.revoke ? 'The app credentials were cleared, so Plugboard could not revoke access at the platform.' : null };
      try {
        await connector.revoke({ http, credentials: creds }, tokens);
        return { accountId, revoked: true, revokeError: null };
      } catch (e) {
        logger.warn('revoke failed', { platform: row.platform, account: accountId, error: (e as Error).message });
        return { accountId, revoked: false, revokeError: (e as Error).message };
      }
    },
  };

  function requireFlow(flowId: string): Flow {
    const flow = flows.get(flowId);
    if (!flow) throw new ApiFailure('not_found', 'That Connect is no longer known (Plugboard may have restarted). Click Connect to start again.');
    return flow;
  }

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
    async handleProtocolUrl(url) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        logger.warn('ignored a malformed protocol url');
        return;
      }
      if (parsed.protocol !== 'plugboard:' || parsed.host !== 'oauth' || !parsed.pathname.startsWith('/callback/')) {
        logger.warn('ignored a protocol url that is not an oauth callback');
        return;
      }
      await flows.handleCallback(parsed.searchParams);
    },
    async close() {
      flows.closeAll();
      await Promise.allSettled(refreshing.values());
      listeners.clear();
      db.close();
    },
  } satisfies Core;
}
