// Connect: the browser sign-in from start to stored account — the OAuth code flow, a second way in
// (Instagram through Facebook), the identity picker, and WordPress's Connect in browser.
import type { PlatformId, Results } from '../api/contract.ts';
import { fetchAvatar } from '../connectors/avatar.ts';
import { providerDecl } from '../connectors/providers.ts';
import { connectorFor } from '../connectors/registry.ts';
import type { Connector, ConnectorContext } from '../connectors/types.ts';
import { accountContext } from '../core/account-facts.ts';
import { ApiFailure } from '../core/api-failure.ts';
import { PlatformError } from '../errors/platform-error.ts';
import { Flows, view as flowView, type CodeOutcome, type Flow } from '../oauth/flows.ts';
import { OPEN_APP_URL } from '../oauth/landing-page.ts';
import { startLoopbackListener } from '../oauth/loopback-listener.ts';
import { buildAuthorizeUrl, describeAuthorizationError, exchangeCode, newPkce, newState } from '../oauth/oauth-client.ts';
import { requireAccount, storeIdentity } from './accounts.ts';
import { saveAppPassword } from './app-passwords.ts';
import { activeWorkspace, type CoreContext, type DomainHandlers } from './context.ts';
import { redirectFor, requestedOAuth, requireConnector, requireCredentials } from './platforms.ts';

/** What a sign-in needs to end in a stored account, once the browser has come back. */
type CompleteContext = Pick<CoreContext, 'accounts' | 'appCredentials' | 'lifecycle' | 'http' | 'clock' | 'logger' | 'emit' | 'warningWindowMs'>;

type ConnectContext = CompleteContext & Pick<CoreContext, 'flows' | 'flowTimeoutMs' | 'redirectKinds' | 'openExternal' | 'prefs' | 'db'>;

/** The Connects under way; a code that comes back is completed here, into an account. */
export function openFlows(ctx: CompleteContext): Flows {
  return new Flows({
    clock: ctx.clock,
    logger: ctx.logger,
    onChange: (flow) => ctx.emit({ type: 'flow.changed', flow }),
    onCode: (flow, params) => completeConnect(ctx, flow, params),
    describeError: (flow, error, description) =>
      connectorFor(flow.platform)?.describeAuthorizeError?.(error, description) ?? describeAuthorizationError(flow.platformName, error, description ?? undefined),
  });
}

async function openInBrowser(ctx: Pick<CoreContext, 'openExternal' | 'logger'>, url: string): Promise<boolean> {
  if (!ctx.openExternal) return false;
  try {
    await ctx.openExternal(url);
    return true;
  } catch (e) {
    ctx.logger.warn('could not open the browser', { error: (e as Error).message });
    return false;
  }
}

/**
 * WordPress's Connect in browser: the site's authorize-application page creates an application
 * password and sends it to our redirect. WordPress has no OAuth state, so ours rides in the
 * success URL itself; the password that comes back is tested like a typed one before it is kept.
 * WordPress accepts plugboard:// anywhere but a plain-http redirect only from a local site.
 */
async function startBrowserConnect(ctx: ConnectContext, connector: Connector, siteUrl: string | undefined, reconnectAccountId: string | undefined): Promise<Results['connect.start']> {
  const decl = connector.decl;
  let workspaceId = activeWorkspace(ctx);
  if (reconnectAccountId) {
    const row = requireAccount(ctx, reconnectAccountId);
    if (row.platform !== decl.id) throw new ApiFailure('bad_request', `That account is on ${providerDecl(row.platform).name}, not ${decl.name}.`);
    workspaceId = row.workspace_id;
    siteUrl ??= accountContext(row).details.siteUrl;
  }
  if (!siteUrl) throw new ApiFailure('bad_request', `Enter the address of your ${decl.name} site first.`);
  ctx.flows.supersede(decl.id);
  const state = newState();
  let release = () => {};
  let base = `plugboard://oauth/callback/${decl.id}`;
  if (!ctx.redirectKinds.includes('protocol')) {
    const listener = await listenForCallback(ctx, decl.id, 0);
    release = () => listener.close();
    base = listener.redirectUri;
  }
  const successUrl = `${base}?state=${state}`;
  let page: { url: string; site: string };
  try {
    page = await connector.browserConnect!.authorizePage(
      { http: ctx.http, credentials: { clientId: '', clientSecret: null } },
      siteUrl,
      { successUrl, rejectUrl: `${successUrl}&error=access_denied` },
      ctx.clock.now(),
    );
  } catch (e) {
    release();
    throw e;
  }
  const authorizeUrl = ctx.http.rewrite(page.url);
  const flow = ctx.flows.add(
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
    ctx.flowTimeoutMs,
  );
  return { flowId: flow.id, authorizeUrl, redirectUri: base, openedExternally: await openInBrowser(ctx, authorizeUrl) };
}

/** A one-shot 127.0.0.1 listener for a Connect's callback; a port in use is a conflict the user can act on. */
function listenForCallback(ctx: Pick<CoreContext, 'flows' | 'flowTimeoutMs' | 'clock' | 'logger' | 'redirectKinds'>, platform: PlatformId, port: number) {
  return startLoopbackListener({
    port,
    // The desktop app answers plugboard:// (OPEN_APP_URL); the browser host's tab is the one to go back to.
    back: ctx.redirectKinds.includes('protocol') ? { kind: 'link', url: OPEN_APP_URL } : { kind: 'close-tab' },
    path: `/callback/${platform}`,
    timeoutMs: ctx.flowTimeoutMs,
    clock: ctx.clock,
    logger: ctx.logger,
    onCallback: (params: URLSearchParams) => ctx.flows.handleCallback(params),
  }).catch((e: Error) => {
    throw new ApiFailure('conflict', e.message);
  });
}

/** The application password WordPress sent back: tested exactly as a typed one, then sealed. */
async function completeFromBrowser(ctx: CompleteContext, flow: Flow, params: URLSearchParams): Promise<CodeOutcome> {
  const values = requireConnector(flow.platform).browserConnect!.valuesFrom(params, flow.site!);
  const { result, handle } = await saveAppPassword(ctx, flow, values);
  return { kind: 'connected', accountIds: [result.id], renewed: result.renewed, handle };
}

async function completeConnect(ctx: CompleteContext, flow: Flow, params: URLSearchParams): Promise<CodeOutcome> {
  if (flow.expects === 'app-password') return completeFromBrowser(ctx, flow, params);
  const { http, clock } = ctx;
  const connector = requireConnector(flow.platform, flow.via);
  const creds = requireCredentials(ctx, providerDecl(flow.via ?? flow.platform));
  const connectorCtx: ConnectorContext = { http, credentials: creds };
  // The callback's shape and state were checked by the flow before this runs.
  const tokens = connector.exchange
    ? await connector.exchange(connectorCtx, { code: params.get('code')!, redirectUri: flow.redirectUri, verifier: flow.verifier }, clock.now())
    : await exchangeCode(connector, creds, http, { params, state: flow.state, redirectUri: flow.redirectUri, verifier: flow.verifier, now: clock.now() });
  if (connector.listIdentities) {
    const identities = await connector.listIdentities(connectorCtx, tokens.accessToken);
    const usable = identities.filter((i) => !i.unavailableReason);
    if (usable.length === 0) {
      throw new PlatformError('setup', identities[0]?.unavailableReason ?? connector.noIdentityMessage ?? `This ${connector.decl.name} login has nothing Plugboard can connect.`);
    }
    // One identity and nothing to explain: there is no choice to make.
    if (identities.length > 1) {
      const known = new Set(ctx.accounts.list(flow.workspaceId).filter((a) => a.platform === flow.platform).map((a) => a.platform_user_id));
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
    const result = storeIdentity(ctx, flow, connector, only!, only!.tokens ?? tokens, await fetchAvatar(http, only!.avatarUrl));
    ctx.emit({ type: 'accounts.changed' });
    return { kind: 'connected', accountIds: [result.id], renewed: result.renewed, handle: only!.handle };
  }
  const profile = await connector.fetchProfile(connectorCtx, tokens.accessToken);
  const result = storeIdentity(ctx, flow, connector, profile, tokens, await fetchAvatar(http, profile.avatarUrl));
  ctx.emit({ type: 'accounts.changed' });
  return { kind: 'connected', accountIds: [result.id], renewed: result.renewed, handle: profile.handle };
}

function requireFlow(ctx: Pick<CoreContext, 'flows'>, flowId: string): Flow {
  const flow = ctx.flows.get(flowId);
  if (!flow) throw new ApiFailure('not_found', 'That Connect is no longer known (Plugboard may have restarted). Click Connect to start again.');
  return flow;
}

/** A plugboard://oauth/callback/<platform>?… URL handed over by the OS; null for an address that is no callback. */
export async function handleProtocolUrl(ctx: Pick<CoreContext, 'flows' | 'logger'>, url: string): Promise<{ ok: boolean; title: string; message: string } | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    ctx.logger.warn('ignored a malformed protocol url');
    return null;
  }
  if (parsed.protocol !== 'plugboard:' || parsed.host !== 'oauth' || !parsed.pathname.startsWith('/callback/')) {
    ctx.logger.warn('ignored a protocol url that is not an oauth callback');
    return null;
  }
  const { ok, title, message } = await ctx.flows.handleCallback(parsed.searchParams);
  return { ok, title, message };
}

export function connectHandlers(ctx: ConnectContext): DomainHandlers<'connect.start' | 'connect.status' | 'connect.cancel' | 'connect.complete' | 'connect.choose'> {
  return {
    'connect.start': async ({ platform, reconnectAccountId, siteUrl, via }) => {
      const own = requireConnector(platform);
      if (own.browserConnect) return startBrowserConnect(ctx, own, siteUrl, reconnectAccountId);
      let workspaceId = activeWorkspace(ctx);
      let route = via ?? null;
      if (reconnectAccountId) {
        const row = requireAccount(ctx, reconnectAccountId);
        if (row.platform !== platform) throw new ApiFailure('bad_request', `That account is on ${providerDecl(row.platform).name}, not ${own.decl.name}.`);
        workspaceId = row.workspace_id;
        // Reconnect goes the way the account came in, unless the user picked the other way.
        route = via ?? row.via;
      }
      const connector = requireConnector(platform, route);
      const decl = connector.decl;
      // A second way in signs in with that platform's app: its credentials and its redirect.
      const loginDecl = providerDecl(route ?? platform);
      const creds = requireCredentials(ctx, loginDecl);
      const redirect = redirectFor(ctx, loginDecl);
      if (!redirect.kind) throw new ApiFailure('not_configured', `${decl.name} cannot send the sign-in back to this version of Plugboard.`);
      if (!redirect.uri) {
        throw new ApiFailure('not_configured', `${decl.name} redirects only to HTTPS: enter the address of your HTTPS page (the relay page, or any page of yours) on the Credentials tab first.`);
      }
      // The waiting Connect holds the fixed port this one is about to bind.
      ctx.flows.supersede(platform);
      const state = newState();
      const pkce = decl.oauth!.pkce === 'none' ? null : await newPkce(decl.oauth!.pkce);
      let release = () => {};
      let redirectUri = redirect.uri!;
      if (redirect.kind === 'loopback') {
        const listener = await listenForCallback(ctx, platform, redirect.port);
        release = () => listener.close();
        redirectUri = listener.redirectUri;
      }
      const authorizeUrl = ctx.http.rewrite(buildAuthorizeUrl(requestedOAuth(ctx, decl), creds, { redirectUri, state, codeChallenge: pkce?.challenge ?? null }));
      const flow = ctx.flows.add(
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
        ctx.flowTimeoutMs,
      );
      return { flowId: flow.id, authorizeUrl, redirectUri, openedExternally: await openInBrowser(ctx, authorizeUrl) };
    },

    'connect.status': async ({ flowId }) => flowView(requireFlow(ctx, flowId)),

    'connect.cancel': async ({ flowId }) => {
      requireFlow(ctx, flowId);
      return flowView(ctx.flows.cancel(flowId)!);
    },

    'connect.complete': async ({ flowId, url }) => {
      const flow = requireFlow(ctx, flowId);
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new ApiFailure('bad_request', 'That is not a web address. Paste the whole address from the browser, starting with http or plugboard.');
      }
      const outcome = await ctx.flows.handleCallback(parsed.searchParams, flow.id);
      if (!outcome.ok && flow.status === 'waiting') throw new ApiFailure('bad_request', outcome.message);
      return flowView(flow);
    },

    'connect.choose': async ({ flowId, platformUserIds }) => {
      const flow = requireFlow(ctx, flowId);
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
        return storeIdentity(ctx, flow, connector, identity, identity.tokens ?? pending.tokens, avatar);
      });
      ctx.flows.finishChoosing(flow, { accountIds: results.map((r) => r.id), renewed: results.every((r) => r.renewed) });
      ctx.emit({ type: 'accounts.changed' });
      return flowView(flow);
    },
  };
}
