// The core: everything that matters, in plain Node. The Electron shell, the
// browser host and the tests all open it through openCore() and talk to it
// only through call(method, params) — the same typed API the renderer uses.
import { join } from 'node:path';
import { z } from 'zod';
import {
  requestSchemas,
  type AccountView,
  type AppStatus,
  type NoticeView,
  type AppNoticeView,
  type ApiEvent,
  type Envelope,
  type MethodName,
  type PlatformId,
  type PlatformView,
  type RedirectKind,
  type LockState,
  type Results,
  type WorkspaceView,
} from '../api/contract.ts';
import { fetchAvatar } from '../connectors/avatar.ts';
import { providerDecl, providers } from '../connectors/providers.ts';
import { connectorFor, routesInto } from '../connectors/registry.ts';
import type { ClientCredentials, Connector, ConnectorContext, OAuthDecl, Profile, ProviderDecl, TokenSet } from '../connectors/types.ts';
import { PlatformError } from '../errors/platform-error.ts';
import { createHttp } from '../http/http.ts';
import { checkOriginMap } from '../http/origins.ts';
import { startLoopbackListener } from '../oauth/loopback-listener.ts';
import { Flows, view as flowView, type CodeOutcome, type Flow } from '../oauth/flows.ts';
import { buildAuthorizeUrl, describeAuthorizationError, exchangeCode, newPkce, newState } from '../oauth/oauth-client.ts';
import { relayFileName, relayPage } from '../oauth/relay-page.ts';
import { Accounts, UNREADABLE_TOKEN_MESSAGE, type AccountRow, type StoredTokens } from '../store/accounts.ts';
import { Activity } from '../store/activity.ts';
import { AppCredentials, type AppCredentialsRow } from '../store/app-credentials.ts';
import { Notices, type NoticeRow } from '../store/notices.ts';
import { Workspaces, type WorkspaceRow } from '../store/workspaces.ts';
import { TransferError } from '../transfer/export-file.ts';
import { wrapperOpensVault } from '../vault/passphrase-check.ts';
import { exportData, importData, type ImportSummary } from '../transfer/transfer.ts';
import { openDatabase } from '../store/db.ts';
import { Secrets } from '../vault/secrets.ts';
import { VaultLockedError } from '../vault/key-wrapper.ts';
import { PassphraseKeyWrapper } from '../vault/passphrase-wrapper.ts';
import { Vault, VaultCorruptError } from '../vault/vault.ts';
import { ApiFailure, toApiError } from './api-failure.ts';
import { exportNotice, requireExportConsent } from './export-guard.ts';
import { PassphraseAttempts } from './passphrase-attempts.ts';
import { systemClock } from './clock.ts';
import { createFileLogger } from './file-logger.ts';
import { accountContext, canRenew, clientCredentialsFor, connectionDeadline, Lifecycle, readProfile, renewalFor } from './lifecycle.ts';
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
  const notices = new Notices(db);
  const http = createHttp({ origins: deps.origins && checkOriginMap(deps.origins), timeoutMs: deps.httpTimeoutMs, tokenTimeoutMs: deps.httpTokenTimeoutMs, logger });
  const listeners = new Set<(event: ApiEvent) => void>();
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

  const passphraseWrapper = deps.passphraseWrapper ?? ((p: string) => new PassphraseKeyWrapper(p));
  /** Paces every check of the vault's passphrase once open (change passphrase, confirm an export). */
  const passphraseAttempts = new PassphraseAttempts();
  const warningWindowMs = () => deps.prefs.get('warningWindowDays') * 24 * 3600 * 1000;
  const workspaces = new Workspaces(db);
  const workspaceNames = () => db.prepare('SELECT id, name FROM workspaces').all() as { id: string; name: string }[];
  /** The workspace the window shows and the API acts in; a deleted or unknown one falls back to the first. */
  const activeWorkspace = (): string => {
    const all = workspaceNames();
    const wanted = deps.prefs.get('activeWorkspace');
    return all.some((w) => w.id === wanted) ? wanted : (all[0]?.id ?? DEFAULT_WORKSPACE);
  };
  /** "Brand A · " in front of what the tray says, once there is more than one workspace. */
  const workspacePrefix = (id: string): string => {
    const all = workspaceNames();
    return all.length > 1 ? `${all.find((w) => w.id === id)?.name ?? ''} · ` : '';
  };
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
      const all = workspaceNames();
      return all.length > 1 ? (all.find((w) => w.id === id)?.name ?? '') : '';
    },
  });

  const flows = new Flows({
    clock,
    logger,
    onChange: (flow) => emit({ type: 'flow.changed', flow }),
    onCode: completeConnect,
    describeError: (flow, error, description) =>
      connectorFor(flow.platform)?.describeAuthorizeError?.(error, description) ?? describeAuthorizationError(flow.platformName, error, description ?? undefined),
  });

  function requireConnector(platform: PlatformId, via: PlatformId | null = null): Connector {
    const connector = connectorFor(platform, via);
    if (!connector && via) throw new ApiFailure('bad_request', `${providerDecl(platform).name} cannot be connected through ${providerDecl(via).name} in this version of Plugboard.`);
    if (!connector) throw new ApiFailure('not_configured', `${providerDecl(platform).name} is coming soon: this version of Plugboard cannot connect it yet.`);
    return connector;
  }

  function requireCredentials(decl: ProviderDecl) {
    let creds: ClientCredentials | null;
    try {
      creds = clientCredentialsFor(decl, appCredentials);
    } catch (e) {
      if (!(e instanceof VaultCorruptError)) throw e;
      throw new ApiFailure('not_configured', `The saved ${decl.name} client secret cannot be read on this computer (the stored copy is damaged). Enter the client ID and secret again on the Credentials tab.`);
    }
    if (!creds) throw new ApiFailure('not_configured', `Save the ${decl.name} client ID and secret on the Credentials tab first.`);
    return creds;
  }

  /** The shared "form → test → save" shape of app-password platforms: the connector checks, nothing is stored here. */
  async function verifyAppPassword(platform: PlatformId, values: Record<string, string>, purpose: 'test' | 'save') {
    const connector = requireConnector(platform);
    if (!connector.appPassword) throw new ApiFailure('bad_request', `${connector.decl.name} connects through a browser sign-in, not an app password.`);
    const connection = await connector.appPassword.verify({ http, credentials: clientCredentialsFor(connector.decl, appCredentials)! }, values, clock.now(), purpose);
    return { connector, connection };
  }

  /** An account of the active workspace: another workspace's accounts are not there for the API. */
  function requireAccount(id: string): AccountRow {
    const row = accounts.get(id);
    if (!row || row.workspace_id !== activeWorkspace()) throw new ApiFailure('not_found', 'That account is not connected in this workspace (it may have been disconnected already).');
    return row;
  }

  function requireWorkspace(id: string): WorkspaceRow {
    const row = workspaces.get(id);
    if (!row) throw new ApiFailure('not_found', 'That workspace does not exist (it may have been deleted).');
    return row;
  }

  function workspaceView(row: WorkspaceRow): WorkspaceView {
    const now = clock.now();
    const needsAttention = accounts
      .list(row.id)
      .filter((a) => ['expired', 'expiring'].includes(deriveStatus(a, providerDecl(a.platform), now, { warningWindowMs: warningWindowMs() }).status)).length;
    return { id: row.id, name: row.name, accountCount: row.account_count, needsAttention, active: row.id === activeWorkspace() };
  }

  function enabledScopeOptions(decl: ProviderDecl): string[] {
    return deps.prefs.get('scopeOptions')?.[decl.id] ?? [];
  }

  /** The platform's OAuth declaration with the optional scopes the user turned on. */
  function requestedOAuth(decl: ProviderDecl): OAuthDecl {
    const oauth = decl.oauth!;
    const on = (oauth.optionalScopes ?? []).filter((o) => enabledScopeOptions(decl).includes(o.id));
    return on.length ? { ...oauth, scopes: [...oauth.scopes, ...on.flatMap((o) => o.scopes)] } : oauth;
  }

  /** The redirect kinds this build can receive itself for a platform, best first. */
  function usableRedirects(decl: ProviderDecl): RedirectKind[] {
    // The relay page also works where nothing receives plugboard:// (the browser host): it then
    // shows the address to paste, so it is usable on every build.
    return (decl.oauth?.redirect.kinds ?? []).filter((k) => (deps.redirectKinds.includes(k) && (k === 'loopback' || k === 'protocol')) || k === 'https-relay');
  }

  function redirectFor(decl: ProviderDecl): { kind: RedirectKind | null; uri: string | null; port: number } {
    const rules = decl.oauth?.redirect;
    if (!rules) return { kind: null, uri: null, port: 0 };
    const pref = deps.prefs.get('redirect')[decl.id] ?? {};
    const usable = usableRedirects(decl);
    const kind = pref.kind && usable.includes(pref.kind) ? pref.kind : (usable[0] ?? null);
    if (kind === 'protocol') return { kind, uri: `plugboard://oauth/callback/${decl.id}`, port: 0 };
    if (kind === 'https-relay') return { kind, uri: pref.httpsUrl ?? null, port: 0 };
    if (kind === 'loopback') {
      const port = rules.loopbackPort === 'fixed-port' ? (pref.port ?? rules.defaultPort ?? 0) : 0;
      const uri = port ? `http://127.0.0.1:${port}/callback/${decl.id}` : `http://127.0.0.1/callback/${decl.id}`;
      return { kind, uri, port };
    }
    return { kind: null, uri: null, port: 0 };
  }

  /** `saved`: the stored app-credentials rows, when the caller has read them already (platforms.list). */
  function platformView(decl: ProviderDecl, saved: AppCredentialsRow[] = appCredentials.all()): PlatformView {
    const creds = saved.find((c) => c.platform === decl.id);
    const redirect = redirectFor(decl);
    return {
      id: decl.id,
      name: decl.name,
      available: decl.available && connectorFor(decl.id) !== null,
      auth: decl.auth,
      renewal: decl.renewal,
      tokenLifetimeDays: decl.accessTokenLifetimeSec === null ? null : Math.round(decl.accessTokenLifetimeSec / 86_400),
      credentials: {
        saved: Boolean(creds),
        clientId: creds?.client_id ?? null,
        hasSecret: Boolean(creds?.has_secret),
        savedAt: creds ? new Date(creds.saved_at).toISOString() : null,
      },
      redirectUri: redirect.uri,
      redirectKind: redirect.kind,
      redirectPort: redirect.kind === 'loopback' && decl.oauth?.redirect.loopbackPort === 'fixed-port' ? redirect.port : null,
      redirectKinds: (decl.oauth?.redirect.kinds ?? []).filter((k) => deps.redirectKinds.includes(k) || k === 'https-relay'),
      portalUrl: decl.portalUrl,
      guide: decl.guide,
      scopes: decl.oauth ? requestedOAuth(decl).scopes : [],
      scopeOptions: (decl.oauth?.optionalScopes ?? []).map((o) => ({ ...o, enabled: enabledScopeOptions(decl).includes(o.id) })),
      form: connectorFor(decl.id)?.appPassword?.fields ?? null,
      browserConnect: connectorFor(decl.id)?.browserConnect ? (deps.redirectKinds.includes('protocol') ? 'protocol' : 'loopback') : null,
      connectVia: routesInto(decl.id).map((via) => {
        const viaDecl = providerDecl(via);
        return { platform: via, name: viaDecl.name, ready: saved.some((c) => c.platform === via) && redirectFor(viaDecl).uri !== null };
      }),
    };
  }

  function accountView(row: AccountRow): AccountView {
    const decl = providerDecl(row.platform);
    const derived = deriveStatus(row, decl, clock.now(), { refreshing: lifecycle.isRefreshing(row.id), warningWindowMs: warningWindowMs() });
    // Offline, an account whose renewal is waiting for the network says so instead of looking fine.
    const { status, reason } =
      !lifecycle.online && derived.status === 'connected' && canRenew(row, decl) && row.token_expires_at !== null && row.token_expires_at <= clock.now()
        ? { status: 'offline' as const, reason: 'Offline — Plugboard will renew this account when the network is back.' }
        : derived;
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
      renews: canRenew(row, decl),
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

  /** Stores one identity as an account (new, or renewed in place) and puts it in the scheduler's care. */
  function storeIdentity(
    flow: Pick<Flow, 'workspaceId' | 'platform' | 'via'>,
    connector: Connector,
    profile: Profile,
    tokens: TokenSet,
    avatar: string | null,
    appPassword: string | null = null,
  ) {
    const renewal = renewalFor(connector, tokens);
    const result = accounts.upsertConnected({
      workspaceId: flow.workspaceId,
      platform: flow.platform,
      via: flow.via,
      renewal,
      appPassword,
      profile,
      avatar,
      tokens,
      connectionExpiresAt: connectionDeadline(renewal, tokens, null),
      now: clock.now(),
    });
    const stored = accounts.get(result.id)!;
    lifecycle.plan(stored);
    // A connection whose deadline is already inside the warning window says so now, not at its first renewal.
    lifecycle.checkNotices(stored);
    logger.info('account connected', { platform: flow.platform, account: result.id, renewed: result.renewed });
    return result;
  }

  async function openInBrowser(url: string): Promise<boolean> {
    if (!deps.openExternal) return false;
    try {
      await deps.openExternal(url);
      return true;
    } catch (e) {
      logger.warn('could not open the browser', { error: (e as Error).message });
      return false;
    }
  }

  /**
   * WordPress's Connect in browser: the site's authorize-application page creates an application
   * password and sends it to our redirect. WordPress has no OAuth state, so ours rides in the
   * success URL itself; the password that comes back is tested like a typed one before it is kept.
   * WordPress accepts plugboard:// anywhere but a plain-http redirect only from a local site.
   */
  async function startBrowserConnect(connector: Connector, siteUrl: string | undefined, reconnectAccountId: string | undefined): Promise<Results['connect.start']> {
    const decl = connector.decl;
    let workspaceId = activeWorkspace();
    if (reconnectAccountId) {
      const row = requireAccount(reconnectAccountId);
      if (row.platform !== decl.id) throw new ApiFailure('bad_request', `That account is on ${providerDecl(row.platform).name}, not ${decl.name}.`);
      workspaceId = row.workspace_id;
      siteUrl ??= accountContext(row).details.siteUrl;
    }
    if (!siteUrl) throw new ApiFailure('bad_request', `Enter the address of your ${decl.name} site first.`);
    flows.supersede(decl.id);
    const state = newState();
    let release = () => {};
    let base = `plugboard://oauth/callback/${decl.id}`;
    if (!deps.redirectKinds.includes('protocol')) {
      const listener = await listenForCallback(decl.id, 0);
      release = () => listener.close();
      base = listener.redirectUri;
    }
    const successUrl = `${base}?state=${state}`;
    let page: { url: string; site: string };
    try {
      page = await connector.browserConnect!.authorizePage({ http, credentials: { clientId: '', clientSecret: null } }, siteUrl, { successUrl, rejectUrl: `${successUrl}&error=access_denied` }, clock.now());
    } catch (e) {
      release();
      throw e;
    }
    const authorizeUrl = http.rewrite(page.url);
    const flow = flows.add(
      {
        platform: decl.id,
        platformName: decl.name,
        workspaceId,
        via: null,
        expects: 'app-password',
        site: page.site,
        state,
        verifier: null,
        redirectUri: base,
        authorizeUrl,
        reconnectAccountId: reconnectAccountId ?? null,
        release,
      },
      flowTimeoutMs,
    );
    return { flowId: flow.id, authorizeUrl, redirectUri: base, openedExternally: await openInBrowser(authorizeUrl) };
  }

  /** A one-shot 127.0.0.1 listener for a Connect's callback; a port in use is a conflict the user can act on. */
  function listenForCallback(platform: PlatformId, port: number) {
    return startLoopbackListener({
      port,
      path: `/callback/${platform}`,
      timeoutMs: flowTimeoutMs,
      clock,
      logger,
      onCallback: (params: URLSearchParams) => flows.handleCallback(params),
    }).catch((e: Error) => {
      throw new ApiFailure('conflict', e.message);
    });
  }

  /** The shared "test → save" of app-password platforms, typed in the form or handed back by the site. */
  async function saveAppPassword(target: Pick<Flow, 'workspaceId' | 'platform'>, values: Record<string, string>) {
    const { connector, connection } = await verifyAppPassword(target.platform, values, 'save');
    // A platform where the password itself is the credential (WordPress) has no tokens to keep.
    const tokens: TokenSet = connection.tokens ?? { accessToken: '', accessTokenExpiresAt: null, scopes: [] };
    const avatar = await fetchAvatar(http, connection.profile.avatarUrl);
    // Read after the last await: a renewal in place replaces what is stored right now.
    const previous = accounts.list(target.workspaceId).find((a) => a.platform === target.platform && a.platform_user_id === connection.profile.platformUserId);
    const replaced = previous ? accounts.readTokens(previous.id) : null;
    const result = storeIdentity({ ...target, via: null }, connector, connection.profile, tokens, avatar, connection.secret);
    emit({ type: 'accounts.changed' });
    if (previous && replaced) await closeReplaced(connector, previous, replaced);
    return { result, handle: connection.profile.handle };
  }

  /**
   * A save that renewed an account in place leaves its old session open at the platform (Bluesky keeps
   * one ~90 days) unless it is ended. Best effort, after the new credentials are stored: never fails the save.
   */
  async function closeReplaced(connector: Connector, row: AccountRow, tokens: ReturnType<Accounts['readTokens']>) {
    if (!connector.appPassword?.closeReplaced) return;
    try {
      await connector.appPassword.closeReplaced({ http, credentials: clientCredentialsFor(connector.decl, appCredentials)!, account: accountContext(row) }, tokens);
    } catch (e) {
      logger.warn('could not close the replaced session', { platform: row.platform, account: row.id, error: (e as Error).message });
    }
  }

  /** The application password WordPress sent back: tested exactly as a typed one, then sealed. */
  async function completeFromBrowser(flow: Flow, params: URLSearchParams): Promise<CodeOutcome> {
    const values = requireConnector(flow.platform).browserConnect!.valuesFrom(params, flow.site!);
    const { result, handle } = await saveAppPassword(flow, values);
    return { kind: 'connected', accountIds: [result.id], renewed: result.renewed, handle };
  }

  async function completeConnect(flow: Flow, params: URLSearchParams): Promise<CodeOutcome> {
    if (flow.expects === 'app-password') return completeFromBrowser(flow, params);
    const connector = requireConnector(flow.platform, flow.via);
    const creds = requireCredentials(providerDecl(flow.via ?? flow.platform));
    const ctx: ConnectorContext = { http, credentials: creds };
    // The callback's shape and state were checked by the flow before this runs.
    const tokens = connector.exchange
      ? await connector.exchange(ctx, { code: params.get('code')!, redirectUri: flow.redirectUri, verifier: flow.verifier }, clock.now())
      : await exchangeCode(connector, creds, http, { params, state: flow.state, redirectUri: flow.redirectUri, verifier: flow.verifier, now: clock.now() });
    if (connector.listIdentities) {
      const identities = await connector.listIdentities(ctx, tokens.accessToken);
      const usable = identities.filter((i) => !i.unavailableReason);
      if (usable.length === 0) {
        throw new PlatformError('setup', identities[0]?.unavailableReason ?? connector.noIdentityMessage ?? `This ${connector.decl.name} login has nothing Plugboard can connect.`);
      }
      // One identity and nothing to explain: there is no choice to make.
      if (identities.length > 1) {
        const known = new Set(accounts.list(flow.workspaceId).filter((a) => a.platform === flow.platform).map((a) => a.platform_user_id));
        const choices = await Promise.all(
          identities.map(async (i) => ({
            platformUserId: i.platformUserId,
            handle: i.handle,
            displayName: i.displayName,
            avatar: await fetchAvatar(http, i.avatarUrl),
            unavailableReason: i.unavailableReason ?? null,
            connected: known.has(i.platformUserId),
          })),
        );
        return { kind: 'choosing', choices, identities, tokens };
      }
      const [only] = usable;
      const result = storeIdentity(flow, connector, only!, only!.tokens ?? tokens, await fetchAvatar(http, only!.avatarUrl));
      emit({ type: 'accounts.changed' });
      return { kind: 'connected', accountIds: [result.id], renewed: result.renewed, handle: only!.handle };
    }
    const profile = await connector.fetchProfile(ctx, tokens.accessToken);
    const result = storeIdentity(flow, connector, profile, tokens, await fetchAvatar(http, profile.avatarUrl));
    emit({ type: 'accounts.changed' });
    return { kind: 'connected', accountIds: [result.id], renewed: result.renewed, handle: profile.handle };
  }

  function noticeView(row: NoticeRow): NoticeView {
    return {
      id: `${row.account_id}|${row.threshold}|${row.deadline}`,
      accountId: row.account_id,
      workspaceId: row.workspace_id,
      platform: row.platform,
      title: row.title,
      body: row.body,
      sentAt: new Date(row.sent_at).toISOString(),
      read: row.read_at !== null,
    };
  }

  /** Account notices and the app's own (an export), newest first. */
  function noticeList(limit = 50): (NoticeView | AppNoticeView)[] {
    const app = notices.recentApp(limit).map(
      (row): AppNoticeView => ({
        id: `app|${row.id}`,
        accountId: null,
        workspaceId: null,
        platform: null,
        title: row.title,
        body: row.body,
        sentAt: new Date(row.sent_at).toISOString(),
        read: row.read_at !== null,
      }),
    );
    return [...notices.recent(limit).map(noticeView), ...app].sort((a, b) => b.sentAt.localeCompare(a.sentAt)).slice(0, limit);
  }

  function appStatus(): AppStatus {
    const stats = lifecycle.scheduler.stats();
    return {
      now: new Date(clock.now()).toISOString(),
      online: lifecycle.online,
      warningWindowDays: deps.prefs.get('warningWindowDays'),
      scheduled: stats.queued,
      refreshing: stats.running + stats.waiting,
      unreadNotices: notices.unreadCount(),
      launchAtLogin: deps.loginItem ? deps.loginItem.get() : null,
      workspace: { id: activeWorkspace(), name: workspaces.get(activeWorkspace())?.name ?? '' },
      theme: deps.prefs.get('theme'),
      keepInTray: deps.about?.tray ? deps.prefs.get('keepInTray') : null,
      about: { version: deps.about?.version ?? 'development', shell: deps.about?.shell ?? 'Plugboard', runtime: deps.about?.runtime ?? `Node ${process.versions.node}` },
    };
  }

  function lockState(): LockState {
    return { state: 'open', protection: deps.keyWrapper.kind === 'passphrase' ? 'passphrase' : 'keychain', weakKeychain: deps.weakKeychain ?? false };
  }

  function switchTo(workspaceId: string): void {
    if (activeWorkspace() === workspaceId) return;
    deps.prefs.set('activeWorkspace', workspaceId);
    emit({ type: 'workspaces.changed' });
    emit({ type: 'accounts.changed' });
    emit({ type: 'app.changed' });
  }

  const handlers: Handlers = {
    'platforms.list': async () => {
      const saved = appCredentials.all();
      return providers.map((decl) => platformView(decl, saved));
    },

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

    'platforms.setRedirect': async ({ platform, kind, port, httpsUrl }) => {
      const decl = providerDecl(platform);
      if (!usableRedirects(decl).includes(kind)) {
        const how = kind === 'protocol' ? 'through a plugboard:// link' : kind === 'loopback' ? 'to this computer over http://127.0.0.1' : 'through an HTTPS page of yours';
        throw new ApiFailure('bad_request', `${decl.name} cannot send the sign-in back ${how} in this version of Plugboard.`);
      }
      if (httpsUrl !== undefined && kind !== 'https-relay') throw new ApiFailure('bad_request', 'An HTTPS page is only used with the https-relay redirect.');
      if (port !== undefined && (kind !== 'loopback' || decl.oauth?.redirect.loopbackPort !== 'fixed-port')) {
        throw new ApiFailure('bad_request', `${decl.name} does not use a fixed port for its redirect, so there is no port to choose.`);
      }
      const all = deps.prefs.get('redirect');
      deps.prefs.set('redirect', { ...all, [platform]: { ...all[platform], kind, ...(port !== undefined ? { port } : {}), ...(httpsUrl !== undefined ? { httpsUrl: new URL(httpsUrl).href } : {}) } });
      emit({ type: 'platforms.changed' });
      return platformView(decl);
    },

    'platforms.setScopeOption': async ({ platform, option, enabled }) => {
      const decl = providerDecl(platform);
      if (!decl.oauth?.optionalScopes?.some((o) => o.id === option)) throw new ApiFailure('bad_request', `${decl.name} has no optional permissions called "${option}".`);
      const all = deps.prefs.get('scopeOptions');
      const on = new Set(all[platform] ?? []);
      if (enabled) on.add(option);
      else on.delete(option);
      deps.prefs.set('scopeOptions', { ...all, [platform]: [...on] });
      emit({ type: 'platforms.changed' });
      return platformView(decl);
    },

    'platforms.relayPage': async ({ platform }) => {
      const decl = providerDecl(platform);
      if (!decl.oauth?.redirect.kinds.includes('https-relay')) throw new ApiFailure('bad_request', `${decl.name} does not need an HTTPS relay page.`);
      return { fileName: relayFileName(platform), html: relayPage(platform, decl.name) };
    },

    'connect.start': async ({ platform, reconnectAccountId, siteUrl, via }) => {
      const own = requireConnector(platform);
      if (own.browserConnect) return startBrowserConnect(own, siteUrl, reconnectAccountId);
      let workspaceId = activeWorkspace();
      let route = via ?? null;
      if (reconnectAccountId) {
        const row = requireAccount(reconnectAccountId);
        if (row.platform !== platform) throw new ApiFailure('bad_request', `That account is on ${providerDecl(row.platform).name}, not ${own.decl.name}.`);
        workspaceId = row.workspace_id;
        // Reconnect goes the way the account came in, unless the user picked the other way.
        route = via ?? row.via;
      }
      const connector = requireConnector(platform, route);
      const decl = connector.decl;
      // A second way in signs in with that platform's app: its credentials and its redirect.
      const loginDecl = providerDecl(route ?? platform);
      const creds = requireCredentials(loginDecl);
      const redirect = redirectFor(loginDecl);
      if (!redirect.kind) throw new ApiFailure('not_configured', `${decl.name} cannot send the sign-in back to this version of Plugboard.`);
      if (!redirect.uri) {
        throw new ApiFailure('not_configured', `${decl.name} redirects only to HTTPS: enter the address of your HTTPS page (the relay page, or any page of yours) on the Credentials tab first.`);
      }
      // The waiting Connect holds the fixed port this one is about to bind.
      flows.supersede(platform);
      const state = newState();
      const pkce = decl.oauth!.pkce === 'none' ? null : await newPkce(decl.oauth!.pkce);
      let release = () => {};
      let redirectUri = redirect.uri!;
      if (redirect.kind === 'loopback') {
        const listener = await listenForCallback(platform, redirect.port);
        release = () => listener.close();
        redirectUri = listener.redirectUri;
      }
      const authorizeUrl = http.rewrite(buildAuthorizeUrl(requestedOAuth(decl), creds, { redirectUri, state, codeChallenge: pkce?.challenge ?? null }));
      const flow = flows.add(
        {
          platform,
          platformName: decl.name,
          workspaceId,
          via: route,
          expects: 'code',
          site: null,
          state,
          verifier: pkce?.verifier ?? null,
          redirectUri,
          authorizeUrl,
          reconnectAccountId: reconnectAccountId ?? null,
          release,
        },
        flowTimeoutMs,
      );
      return { flowId: flow.id, authorizeUrl, redirectUri, openedExternally: await openInBrowser(authorizeUrl) };
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

    'connect.choose': async ({ flowId, platformUserIds }) => {
      const flow = requireFlow(flowId);
      const pending = flow.choosing;
      if (flow.status !== 'choosing' || !pending) throw new ApiFailure('conflict', 'This Connect is not waiting for a choice any more. Click Connect to start again.');
      const connector = requireConnector(flow.platform, flow.via);
      const chosen = [...new Set(platformUserIds)].map((id) => {
        const identity = pending.identities.find((i) => i.platformUserId === id);
        if (!identity) throw new ApiFailure('bad_request', 'That choice is not one this sign-in offered.');
        if (identity.unavailableReason) throw new ApiFailure('bad_request', identity.unavailableReason);
        return identity;
      });
      const results = chosen.map((identity) => {
        const avatar = pending.choices.find((c) => c.platformUserId === identity.platformUserId)?.avatar ?? null;
        return storeIdentity(flow, connector, identity, identity.tokens ?? pending.tokens, avatar);
      });
      flows.finishChoosing(flow, { accountIds: results.map((r) => r.id), renewed: results.every((r) => r.renewed) });
      emit({ type: 'accounts.changed' });
      return flowView(flow);
    },

    'appPassword.test': async ({ platform, values }) => {
      const { connection } = await verifyAppPassword(platform, values, 'test');
      return {
        handle: connection.profile.handle,
        displayName: connection.profile.displayName,
        avatar: await fetchAvatar(http, connection.profile.avatarUrl),
        notes: connection.notes,
      };
    },

    'appPassword.save': async ({ platform, values }) => {
      const { result } = await saveAppPassword({ workspaceId: activeWorkspace(), platform }, values);
      return accountView(requireAccount(result.id));
    },

    'accounts.list': async () => accounts.list(activeWorkspace()).map(accountView),

    'workspaces.list': async () => workspaces.list().map(workspaceView),

    'workspaces.create': async ({ name }) => {
      if (workspaces.nameTaken(name)) throw new ApiFailure('conflict', `There is already a workspace called “${name.trim()}”.`);
      const id = workspaces.create(name, clock.now());
      emit({ type: 'workspaces.changed' });
      return workspaceView(requireWorkspace(id));
    },

    'workspaces.rename': async ({ workspaceId, name }) => {
      requireWorkspace(workspaceId);
      if (workspaces.nameTaken(name, workspaceId)) throw new ApiFailure('conflict', `There is already a workspace called “${name.trim()}”.`);
      workspaces.rename(workspaceId, name);
      emit({ type: 'workspaces.changed' });
      emit({ type: 'app.changed' });
      return workspaceView(requireWorkspace(workspaceId));
    },

    'workspaces.delete': async ({ workspaceId }) => {
      requireWorkspace(workspaceId);
      const all = workspaces.list();
      if (all.length <= 1) throw new ApiFailure('conflict', 'This is the only workspace. Create another one before deleting it.');
      // Away from it first, so nothing shows it half-deleted.
      if (activeWorkspace() === workspaceId) switchTo(all.find((w) => w.id !== workspaceId)!.id);
      const revokeErrors: string[] = [];
      const rows = accounts.list(workspaceId);
      for (const row of rows) {
        const result = await disconnect(row);
        if (result.revokeError) revokeErrors.push(`${providerDecl(row.platform).name} @${row.handle}: ${result.revokeError}`);
      }
      workspaces.remove(workspaceId);
      logger.info('workspace deleted', { workspace: workspaceId, accounts: rows.length });
      emit({ type: 'workspaces.changed' });
      emit({ type: 'app.changed' });
      return { workspaceId, disconnected: rows.length, revokeErrors };
    },

    'app.lockState': async () => lockState(),
    // Already open: unlocking again is harmless; choosing a first passphrase is not possible any more.
    'app.unlock': async () => lockState(),
    'app.setPassphrase': async () => {
      throw new ApiFailure('conflict', 'Plugboard is already set up. To change the passphrase, use Change passphrase in Settings.');
    },
    'app.changePassphrase': async ({ current, next }) => {
      if (deps.keyWrapper.kind !== 'passphrase') throw new ApiFailure('bad_request', 'Your tokens are protected by the system keychain, so there is no passphrase to change.');
      try {
        const { resealed, unreadable } = await passphraseAttempts.judge(
          () => vault.rekey(db, passphraseWrapper(current), passphraseWrapper(next)),
          (e) => e instanceof VaultLockedError,
        );
        logger.info('passphrase changed: a new data key, every secret re-sealed', { resealed, unreadable });
      } catch (e) {
        if (e instanceof VaultLockedError) throw new ApiFailure('bad_request', 'That is not the current passphrase. Nothing was changed.');
        throw e;
      }
      emit({ type: 'lock.changed' });
      return lockState();
    },

    'data.export': async ({ passphrase, vaultPassphrase }) => {
      const { protection } = lockState();
      let agreed: Awaited<ReturnType<typeof requireExportConsent>>;
      try {
        agreed = await requireExportConsent({
          protection,
          vaultPassphrase,
          // Judged with unlock and change: a wrong guess here slows the next one there too.
          opensVault: (p) =>
            passphraseAttempts
              .judge(
                async () => {
                  if (!(await wrapperOpensVault(db, vault, passphraseWrapper(p)))) throw new VaultLockedError('That does not open this data folder’s key.');
                },
                (e) => e instanceof VaultLockedError,
              )
              .then(
                () => true,
                (e: unknown) => {
                  if (e instanceof VaultLockedError) return false;
                  throw e;
                },
              ),
          confirm: deps.confirmExport,
          summary: () => ({ accounts: accounts.all().length, workspaces: workspaces.list().length }),
        });
      } catch (e) {
        logger.warn('export refused', { protection, reason: (e as Error).message });
        throw e;
      }
      const now = clock.now();
      const { file, exported, leftOut } = await exportData({ db, secrets, accounts, appCredentials }, passphrase, now);
      const fileName = `plugboard-${new Date(now).toISOString().slice(0, 10)}.plugboard`;
      notices.recordApp(exportNotice({ at: now, exported, leftOut, fileName, protection }));
      // What the export could not read is damaged for the rest of the app too: red with its fix now, not at its next renewal.
      if (leftOut.accounts.length > 0) {
        for (const id of accounts.unreadable()) markUnreadable(id);
        emit({ type: 'accounts.changed' });
      }
      logger.info('data exported', { accounts: exported, accountsLeftOut: leftOut.accounts.length, appCredentialsLeftOut: leftOut.appCredentials.length, bytes: file.length, agreed });
      emit({ type: 'notices.changed' });
      return { fileName, contentBase64: file.toString('base64'), accounts: exported, leftOut };
    },

    'data.import': async ({ content, passphrase }) => {
      let summary: ImportSummary;
      try {
        summary = await importData({ db, secrets, accounts, appCredentials }, Buffer.from(content, 'base64'), passphrase, clock.now());
      } catch (e) {
        if (e instanceof TransferError) throw new ApiFailure('bad_request', e.message);
        throw e;
      }
      // Imported accounts join the scheduler's care at once, with any notice already due.
      for (const row of accounts.all()) {
        lifecycle.plan(row);
        lifecycle.checkNotices(row);
      }
      logger.info('data imported', { added: summary.accounts.added.length, renewed: summary.accounts.renewed.length, kept: summary.accounts.kept.length });
      emit({ type: 'workspaces.changed' });
      emit({ type: 'accounts.changed' });
      emit({ type: 'platforms.changed' });
      emit({ type: 'notices.changed' });
      return { ...summary, workspacesAdded: summary.workspacesAdded.map((w) => w.name), exportedAt: new Date(summary.exportedAt).toISOString() };
    },

    'workspaces.switch': async ({ workspaceId }) => {
      requireWorkspace(workspaceId);
      switchTo(workspaceId);
      return workspaceView(requireWorkspace(workspaceId));
    },

    'accounts.refresh': async ({ accountId }) => {
      const row = requireAccount(accountId);
      if (!canRenew(row, providerDecl(row.platform))) {
        throw new ApiFailure('bad_request', `${providerDecl(row.platform).name} tokens cannot be renewed without you: use Reconnect.`);
      }
      if (row.connection_expires_at !== null && row.connection_expires_at <= clock.now()) {
        throw new ApiFailure('bad_request', `This ${providerDecl(row.platform).name} connection ended on ${new Date(row.connection_expires_at).toISOString().slice(0, 10)} and cannot be renewed: use Reconnect.`);
      }
      // Only the OS's word refuses at once: after a failed request the user may know the network is back.
      if (deps.isOnline?.() === false) {
        throw new ApiFailure('offline', 'You are offline. Plugboard will renew this account by itself when the network is back.');
      }
      await lifecycle.refreshNow(accountId);
      return accountView(requireAccount(accountId));
    },

    'accounts.refreshAll': async () => {
      const here = activeWorkspace();
      const outcomes = await lifecycle.refreshAll((row) => row.workspace_id === here);
      const failed: Results['accounts.refreshAll']['failed'] = [];
      let refreshed = 0;
      for (const [accountId, outcome] of outcomes) {
        if (outcome.ok) refreshed++;
        else {
          const row = accounts.get(accountId);
          failed.push({ accountId, handle: row?.handle ?? '', message: row?.last_error_message ?? 'The refresh failed.' });
        }
      }
      return { refreshed, failed };
    },

    'accounts.syncProfile': async ({ accountId }) => {
      const row = requireAccount(accountId);
      const connector = requireConnector(row.platform, row.via);
      const creds = requireCredentials(providerDecl(row.via ?? row.platform));
      // App-password platforms (WordPress) have no access token: the password itself is the credential.
      const stored = readTokensOrMark(row);
      const accessToken = stored.accessToken || stored.appPassword;
      if (!accessToken) throw new ApiFailure('not_found', 'This account has no access token; reconnect it.');
      try {
        const profile = await readProfile(connector, { http, credentials: creds, account: accountContext(row) }, accessToken, row.platform_user_id);
        if (!profile) throw new ApiFailure('not_found', `This ${connector.decl.name} login no longer has @${row.handle}. Reconnect to choose again.`);
        accounts.updateProfile(accountId, profile, clock.now());
      } catch (e) {
        if (e instanceof PlatformError && e.kind === 'auth') {
          // An expired access token: renew it first (the lifecycle re-reads the profile after renewing).
          await lifecycle.refreshNow(accountId);
        } else throw e;
      }
      emit({ type: 'accounts.changed' });
      return accountView(requireAccount(accountId));
    },

    'accounts.activity': async ({ accountId }) => {
      requireAccount(accountId);
      return activity.recent(accountId, 50).map((a) => ({ kind: a.kind, detail: a.detail, at: new Date(a.at).toISOString() }));
    },

    'notices.list': async () => noticeList(),

    'notices.markRead': async () => {
      notices.markAllRead(clock.now());
      emit({ type: 'notices.changed' });
      return noticeList();
    },

    'app.status': async () => appStatus(),

    'settings.update': async ({ warningWindowDays, launchAtLogin, theme, keepInTray }) => {
      if (keepInTray !== undefined) {
        if (!deps.about?.tray) throw new ApiFailure('bad_request', 'Keeping Plugboard in the tray is a setting of the desktop app; the browser version has no tray.');
        deps.prefs.set('keepInTray', keepInTray);
      }
      if (theme !== undefined) deps.prefs.set('theme', theme);
      if (launchAtLogin !== undefined) {
        if (!deps.loginItem) throw new ApiFailure('bad_request', 'Launch at login is a setting of the desktop app; the browser host cannot start itself.');
        deps.loginItem.set(launchAtLogin);
      }
      if (warningWindowDays !== undefined) {
        deps.prefs.set('warningWindowDays', warningWindowDays);
        // Thresholds moved: every account's next wake-up may have too, and a notice may be due now.
        for (const row of accounts.all()) {
          lifecycle.plan(row);
          lifecycle.checkNotices(row);
        }
        emit({ type: 'accounts.changed' });
      }
      emit({ type: 'app.changed' });
      return appStatus();
    },

    'accounts.disconnect': async ({ accountId }) => disconnect(requireAccount(accountId)),
  };

  /** Deletes the account's secrets at once, then revokes at the platform where it can (best effort). */
  async function disconnect(row: AccountRow): Promise<Results['accounts.disconnect']> {
    const accountId = row.id;
    const connector = connectorFor(row.platform, row.via);
    // A token that no longer opens does not stop Disconnect: the account goes, the platform cannot be told.
    const readable = tokensIfReadable(accountId);
    const tokens = readable ?? { accessToken: null, refreshToken: null, appPassword: null };
    // Identities chosen from one login share its grant (YouTube channels share tokens; Facebook Pages and
    // Instagram accounts reached through them share the Facebook login): revoking it would cut the others off.
    // Accounts of every workspace count, but one in another workspace is not named here.
    const grant = connector?.grantOf?.(accountContext(row).details) ?? null;
    const sharer = accounts
      .all()
      .find(
        (a) =>
          a.id !== accountId &&
          ((a.platform === row.platform && sharesGrant(tokensIfReadable(a.id), tokens)) ||
            (grant !== null && connectorFor(a.platform, a.via)?.grantOf?.(accountContext(a).details) === grant)),
      );
    accounts.remove(accountId, clock.now());
    lifecycle.forget(accountId);
    emit({ type: 'accounts.changed' });
    logger.info('account disconnected', { platform: row.platform, account: accountId });
    const name = providerDecl(row.platform).name;
    let creds: ClientCredentials | null;
    try {
      creds = clientCredentialsFor(providerDecl(row.via ?? row.platform), appCredentials);
    } catch (e) {
      if (!(e instanceof VaultCorruptError)) throw e;
      creds = null;
    }
    if (!connector?.revoke) {
      return { accountId, revoked: false, revokeError: null, note: `Plugboard cannot revoke access at ${name}; to end it there too, remove Plugboard (its app or application password) in your ${name} settings.` };
    }
    if (sharer) {
      const who = sharer.workspace_id === row.workspace_id ? `@${sharer.handle}` : 'an account in another workspace';
      return { accountId, revoked: false, revokeError: null, note: `Access stays granted at ${name}: ${who} was connected in the same sign-in and still uses it.` };
    }
    if (!readable) {
      return { accountId, revoked: false, revokeError: `Plugboard could not tell ${name}: this account’s stored token could not be read. To end access there too, remove Plugboard in your ${name} settings.`, note: null };
    }
    if (!creds) {
      return { accountId, revoked: false, revokeError: 'The app credentials were cleared or cannot be read, so Plugboard could not revoke access at the platform.', note: null };
    }
    try {
      const kept = await connector.revoke({ http, credentials: creds, account: accountContext(row) }, tokens);
      return kept ? { accountId, revoked: false, revokeError: null, note: kept.note } : { accountId, revoked: true, revokeError: null, note: null };
    } catch (e) {
      logger.warn('revoke failed', { platform: row.platform, account: accountId, error: (e as Error).message });
      return { accountId, revoked: false, revokeError: (e as Error).message, note: null };
    }
  }

  /** The account's tokens, or null when a stored secret no longer opens. */
  function tokensIfReadable(accountId: string): StoredTokens | null {
    try {
      return accounts.readTokens(accountId);
    } catch (e) {
      if (e instanceof VaultCorruptError) return null;
      throw e;
    }
  }

  /** The account's tokens; a damaged one turns the account red with the fix, once, and is refused. */
  function readTokensOrMark(row: AccountRow): StoredTokens {
    const tokens = tokensIfReadable(row.id);
    if (tokens) return tokens;
    markUnreadable(row.id);
    throw new PlatformError('auth', UNREADABLE_TOKEN_MESSAGE);
  }

  function markUnreadable(accountId: string): void {
    const row = accounts.get(accountId);
    if (!row || row.last_error_message === UNREADABLE_TOKEN_MESSAGE) return;
    logger.warn('a stored token no longer opens', { account: accountId });
    accounts.recordError(accountId, 'auth', UNREADABLE_TOKEN_MESSAGE, clock.now());
  }

  /** `a` null: that account's tokens cannot be read, so nothing is known to be shared. */
  function sharesGrant(a: StoredTokens | null, b: StoredTokens): boolean {
    if (!a) return false;
    return (a.refreshToken !== null && a.refreshToken === b.refreshToken) || (a.accessToken !== null && a.accessToken === b.accessToken);
  }

  function requireFlow(flowId: string): Flow {
    const flow = flows.get(flowId);
    if (!flow) throw new ApiFailure('not_found', 'That Connect is no longer known (Plugboard may have restarted). Click Connect to start again.');
    return flow;
  }

  // Before anything renews: an account whose stored token no longer opens (a damaged block on disk)
  // is red with its fix from the start, and only that account.
  for (const id of accounts.unreadable()) markUnreadable(id);
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
    async handleProtocolUrl(url) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        logger.warn('ignored a malformed protocol url');
        return null;
      }
      if (parsed.protocol !== 'plugboard:' || parsed.host !== 'oauth' || !parsed.pathname.startsWith('/callback/')) {
        logger.warn('ignored a protocol url that is not an oauth callback');
        return null;
      }
      const { ok, title, message } = await flows.handleCallback(parsed.searchParams);
      return { ok, title, message };
    },
    resume() {
      lifecycle.resume();
    },
    setOnline(online) {
      lifecycle.setOnline(online);
    },
    attention() {
      // Derived as if nothing were in flight: a refresh under way must not make the tray flicker.
      return accounts
        .all()
        .map((row) => ({ row, derived: deriveStatus(row, providerDecl(row.platform), clock.now(), { warningWindowMs: warningWindowMs() }) }))
        .filter(({ derived }) => derived.status === 'expired' || derived.status === 'expiring')
        .map(({ row, derived }) => ({
          accountId: row.id,
          platform: row.platform,
          label: `${workspacePrefix(row.workspace_id)}${providerDecl(row.platform).name} @${row.handle}`,
          status: derived.status,
          reason: derived.reason,
        }));
    },
    openAccount(accountId) {
      const row = accounts.get(accountId);
      if (!row) return;
      // A notice or the tray can name an account of any workspace: show that workspace first.
      switchTo(row.workspace_id);
      const { status } = accountView(row);
      emit({ type: 'ui.openAccount', accountId, reconnect: status === 'expired' || status === 'expiring' });
    },
    async close() {
      flows.closeAll();
      lifecycle.stop();
      await lifecycle.settle();
      listeners.clear();
      db.close();
    },
  } satisfies Core;
}
