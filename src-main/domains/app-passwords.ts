// The shared "form → test → save" of app-password platforms (Bluesky, WordPress): the connector checks,
// this stores what it returns.
import type { PlatformId } from '../api/contract.ts';
import { fetchAvatar } from '../connectors/avatar.ts';
import type { Connector, TokenSet } from '../connectors/types.ts';
import { accountContext, clientCredentialsFor } from '../core/account-facts.ts';
import { ApiFailure } from '../core/api-failure.ts';
import type { Flow } from '../oauth/flows.ts';
import type { AccountRow, Accounts } from '../store/accounts.ts';
import { accountView, requireAccount, storeIdentity } from './accounts.ts';
import { activeWorkspace, type CoreContext, type DomainHandlers } from './context.ts';
import { requireConnector } from './platforms.ts';

type AppPasswordContext = Pick<CoreContext, 'accounts' | 'appCredentials' | 'lifecycle' | 'http' | 'clock' | 'logger' | 'emit' | 'warningWindowMs'>;

/** The connector checks; nothing is stored here. */
async function verifyAppPassword(ctx: Pick<CoreContext, 'appCredentials' | 'http' | 'clock'>, platform: PlatformId, values: Record<string, string>, purpose: 'test' | 'save') {
  const connector = requireConnector(platform);
  if (!connector.appPassword) throw new ApiFailure('bad_request', `${connector.decl.name} connects through a browser sign-in, not an app password.`);
  const connection = await connector.appPassword.verify({ http: ctx.http, credentials: clientCredentialsFor(connector.decl, ctx.appCredentials)! }, values, ctx.clock.now(), purpose);
  return { connector, connection };
}

/** The shared "test → save" of app-password platforms, typed in the form or handed back by the site. */
export async function saveAppPassword(ctx: AppPasswordContext, target: Pick<Flow, 'workspaceId' | 'platform'>, values: Record<string, string>) {
  const { connector, connection } = await verifyAppPassword(ctx, target.platform, values, 'save');
  // A platform where the password itself is the credential (WordPress) has no tokens to keep.
  const tokens: TokenSet = connection.tokens ?? { accessToken: '', accessTokenExpiresAt: null, scopes: [] };
  const avatar = await fetchAvatar(ctx.http, connection.profile.avatarUrl);
  // Read after the last await: a renewal in place replaces what is stored right now.
  const previous = ctx.accounts.list(target.workspaceId).find((a) => a.platform === target.platform && a.platform_user_id === connection.profile.platformUserId);
  const replaced = previous ? ctx.accounts.readTokens(previous.id) : null;
  const result = storeIdentity(ctx, { ...target, via: null }, connector, connection.profile, tokens, avatar, connection.secret);
  ctx.emit({ type: 'accounts.changed' });
  if (previous && replaced) await closeReplaced(ctx, connector, previous, replaced);
  return { result, handle: connection.profile.handle };
}

/**
 * A save that renewed an account in place leaves its old session open at the platform (Bluesky keeps
 * one ~90 days) unless it is ended. Best effort, after the new credentials are stored: never fails the save.
 */
async function closeReplaced(ctx: Pick<CoreContext, 'appCredentials' | 'http' | 'logger'>, connector: Connector, row: AccountRow, tokens: ReturnType<Accounts['readTokens']>) {
  if (!connector.appPassword?.closeReplaced) return;
  try {
    await connector.appPassword.closeReplaced({ http: ctx.http, credentials: clientCredentialsFor(connector.decl, ctx.appCredentials)!, account: accountContext(row) }, tokens);
  } catch (e) {
    ctx.logger.warn('could not close the replaced session', { platform: row.platform, account: row.id, error: (e as Error).message });
  }
}

export function appPasswordHandlers(ctx: AppPasswordContext & Pick<CoreContext, 'db' | 'prefs'>): DomainHandlers<'appPassword.test' | 'appPassword.save'> {
  return {
    'appPassword.test': async ({ platform, values }) => {
      const { connection } = await verifyAppPassword(ctx, platform, values, 'test');
      return {
        handle: connection.profile.handle,
        displayName: connection.profile.displayName,
        avatar: await fetchAvatar(ctx.http, connection.profile.avatarUrl),
        notes: connection.notes,
      };
    },

    'appPassword.save': async ({ platform, values }) => {
      const { result } = await saveAppPassword(ctx, { workspaceId: activeWorkspace(ctx), platform }, values);
      return accountView(ctx, requireAccount(ctx, result.id));
    },
  };
}
