// Platforms and the app credentials the user registers with them: what each can do here, its redirect,
// its optional scopes, and the relay page for HTTPS-only platforms.
import type { PlatformId, PlatformView, RedirectKind } from '../api/contract.ts';
import { providerDecl, providers } from '../connectors/providers.ts';
import { connectorFor, routesInto } from '../connectors/registry.ts';
import type { ClientCredentials, Connector, OAuthDecl, ProviderDecl } from '../connectors/types.ts';
import { clientCredentialsFor } from '../core/account-facts.ts';
import { ApiFailure } from '../core/api-failure.ts';
import { relayFileName, relayPage } from '../oauth/relay-page.ts';
import type { AppCredentialsRow } from '../store/app-credentials.ts';
import { VaultCorruptError } from '../vault/vault.ts';
import type { CoreContext, DomainHandlers } from './context.ts';

type PlatformsContext = Pick<CoreContext, 'appCredentials' | 'prefs' | 'redirectKinds' | 'clock' | 'emit'>;

export function requireConnector(platform: PlatformId, via: PlatformId | null = null): Connector {
  const connector = connectorFor(platform, via);
  if (!connector && via) throw new ApiFailure('bad_request', `${providerDecl(platform).name} cannot be connected through ${providerDecl(via).name} in this version of Plugboard.`);
  if (!connector) throw new ApiFailure('not_configured', `${providerDecl(platform).name} is coming soon: this version of Plugboard cannot connect it yet.`);
  return connector;
}

export function requireCredentials(ctx: Pick<CoreContext, 'appCredentials'>, decl: ProviderDecl) {
  let creds: ClientCredentials | null;
  try {
    creds = clientCredentialsFor(decl, ctx.appCredentials);
  } catch (e) {
    if (!(e instanceof VaultCorruptError)) throw e;
    throw new ApiFailure('not_configured', `The saved ${decl.name} client secret cannot be read on this computer (the stored copy is damaged). Enter the client ID and secret again on the Credentials tab.`);
  }
  if (!creds) throw new ApiFailure('not_configured', `Save the ${decl.name} client ID and secret on the Credentials tab first.`);
  return creds;
}

function enabledScopeOptions(ctx: Pick<CoreContext, 'prefs'>, decl: ProviderDecl): string[] {
  return ctx.prefs.get('scopeOptions')?.[decl.id] ?? [];
}

/** The platform's OAuth declaration with the optional scopes the user turned on. */
export function requestedOAuth(ctx: Pick<CoreContext, 'prefs'>, decl: ProviderDecl): OAuthDecl {
  const oauth = decl.oauth!;
  const on = (oauth.optionalScopes ?? []).filter((o) => enabledScopeOptions(ctx, decl).includes(o.id));
  return on.length ? { ...oauth, scopes: [...oauth.scopes, ...on.flatMap((o) => o.scopes)] } : oauth;
}

/** The redirect kinds this build can receive itself for a platform, best first. */
function usableRedirects(ctx: Pick<CoreContext, 'redirectKinds'>, decl: ProviderDecl): RedirectKind[] {
  // The relay page also works where nothing receives plugboard:// (the browser host): it then
  // shows the address to paste, so it is usable on every build.
  return (decl.oauth?.redirect.kinds ?? []).filter((k) => (ctx.redirectKinds.includes(k) && (k === 'loopback' || k === 'protocol')) || k === 'https-relay');
}

export function redirectFor(ctx: Pick<CoreContext, 'prefs' | 'redirectKinds'>, decl: ProviderDecl): { kind: RedirectKind | null; uri: string | null; port: number } {
  const rules = decl.oauth?.redirect;
  if (!rules) return { kind: null, uri: null, port: 0 };
  const pref = ctx.prefs.get('redirect')[decl.id] ?? {};
  const usable = usableRedirects(ctx, decl);
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
function platformView(ctx: PlatformsContext, decl: ProviderDecl, saved: AppCredentialsRow[] = ctx.appCredentials.all()): PlatformView {
  const creds = saved.find((c) => c.platform === decl.id);
  const redirect = redirectFor(ctx, decl);
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
    redirectKinds: (decl.oauth?.redirect.kinds ?? []).filter((k) => ctx.redirectKinds.includes(k) || k === 'https-relay'),
    portalUrl: decl.portalUrl,
    guide: decl.guide,
    scopes: decl.oauth ? requestedOAuth(ctx, decl).scopes : [],
    scopeOptions: (decl.oauth?.optionalScopes ?? []).map((o) => ({ ...o, enabled: enabledScopeOptions(ctx, decl).includes(o.id) })),
    form: connectorFor(decl.id)?.appPassword?.fields ?? null,
    browserConnect: connectorFor(decl.id)?.browserConnect ? (ctx.redirectKinds.includes('protocol') ? 'protocol' : 'loopback') : null,
    connectVia: routesInto(decl.id).map((via) => {
      const viaDecl = providerDecl(via);
      return { platform: via, name: viaDecl.name, ready: saved.some((c) => c.platform === via) && redirectFor(ctx, viaDecl).uri !== null };
    }),
  };
}

export function platformHandlers(
  ctx: PlatformsContext,
): DomainHandlers<'platforms.list' | 'credentials.save' | 'credentials.clear' | 'platforms.setRedirect' | 'platforms.setScopeOption' | 'platforms.relayPage'> {
  return {
    'platforms.list': async () => {
      const saved = ctx.appCredentials.all();
      return providers.map((decl) => platformView(ctx, decl, saved));
    },

    'credentials.save': async ({ platform, clientId, clientSecret, publicClient }) => {
      const decl = providerDecl(platform);
      if (decl.auth !== 'oauth2') throw new ApiFailure('bad_request', `${decl.name} connects with an app password, not a client ID and secret.`);
      ctx.appCredentials.save(platform, clientId, clientSecret || null, publicClient ?? false, ctx.clock.now());
      ctx.emit({ type: 'platforms.changed' });
      return platformView(ctx, decl);
    },

    'credentials.clear': async ({ platform }) => {
      ctx.appCredentials.clear(platform);
      ctx.emit({ type: 'platforms.changed' });
      return platformView(ctx, providerDecl(platform));
    },

    'platforms.setRedirect': async ({ platform, kind, port, httpsUrl }) => {
      const decl = providerDecl(platform);
      if (!usableRedirects(ctx, decl).includes(kind)) {
        const how = kind === 'protocol' ? 'through a plugboard:// link' : kind === 'loopback' ? 'to this computer over http://127.0.0.1' : 'through an HTTPS page of yours';
        throw new ApiFailure('bad_request', `${decl.name} cannot send the sign-in back ${how} in this version of Plugboard.`);
      }
      if (httpsUrl !== undefined && kind !== 'https-relay') throw new ApiFailure('bad_request', 'An HTTPS page is only used with the https-relay redirect.');
      if (port !== undefined && (kind !== 'loopback' || decl.oauth?.redirect.loopbackPort !== 'fixed-port')) {
        throw new ApiFailure('bad_request', `${decl.name} does not use a fixed port for its redirect, so there is no port to choose.`);
      }
      const all = ctx.prefs.get('redirect');
      ctx.prefs.set('redirect', { ...all, [platform]: { ...all[platform], kind, ...(port !== undefined ? { port } : {}), ...(httpsUrl !== undefined ? { httpsUrl: new URL(httpsUrl).href } : {}) } });
      ctx.emit({ type: 'platforms.changed' });
      return platformView(ctx, decl);
    },

    'platforms.setScopeOption': async ({ platform, option, enabled }) => {
      const decl = providerDecl(platform);
      if (!decl.oauth?.optionalScopes?.some((o) => o.id === option)) throw new ApiFailure('bad_request', `${decl.name} has no optional permissions called "${option}".`);
      const all = ctx.prefs.get('scopeOptions');
      const on = new Set(all[platform] ?? []);
      if (enabled) on.add(option);
      else on.delete(option);
      ctx.prefs.set('scopeOptions', { ...all, [platform]: [...on] });
      ctx.emit({ type: 'platforms.changed' });
      return platformView(ctx, decl);
    },

    'platforms.relayPage': async ({ platform }) => {
      const decl = providerDecl(platform);
      if (!decl.oauth?.redirect.kinds.includes('https-relay')) throw new ApiFailure('bad_request', `${decl.name} does not need an HTTPS relay page.`);
      return { fileName: relayFileName(platform), html: relayPage(platform, decl.name) };
    },
  };
}
