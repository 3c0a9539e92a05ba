// What every tool route checks and records: the account a tool names (granted to it, with the capability),
// the account's credentials renewed first when due, and each use on the tool's and the account's record.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ToolCapability } from '../api/contract.ts';
import type { CoreContext } from '../domains/context.ts';
import type { PublishDeps } from '../publish/publish.ts';
import { PlatformError } from '../errors/platform-error.ts';
import type { AccountRow } from '../store/accounts.ts';
import type { ToolRow } from '../store/tools.ts';
import { VaultCorruptError } from '../vault/vault.ts';
import { accountRef, resolveAccountRef } from './account-ref.ts';
import { GatewayFailure } from './replies.ts';

/** What the routes use of the core, publishing's needs among them (whatever publishPost names). */
export type GatewayContext = Pick<
  CoreContext,
  'tools' | 'pairing' | 'postConfirmations' | 'accounts' | 'activity' | 'notices' | 'lifecycle' | 'http' | 'clock' | 'logger' | 'emit' | 'warningWindowMs' | 'db' | 'prefs'
> &
  PublishDeps;

const CAPABILITY_REFUSALS: Record<ToolCapability, (name: string) => string> = {
  request: (name) => `"${name}" may not call platform APIs through Plugboard; pair it again and allow that if it needs to.`,
  token: (name) => `"${name}" may not read access tokens; pair it again and allow that in Plugboard if it needs them.`,
  publish: (name) => `"${name}" may not publish posts through Plugboard; pair it again and allow publishing if it needs to.`,
  publish_unattended: (name) => `"${name}" may not publish without the user confirming each post in Plugboard.`,
};

/** A route of a paired tool: its row, the request, the reply. */
export type ToolRoute = (ctx: GatewayContext, tool: ToolRow, req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** The account a tool names, if it was granted to it with this capability. */
export function grantedAccount(ctx: GatewayContext, tool: ToolRow, ref: string | null, capability: ToolCapability): AccountRow {
  if (!tool.capabilities.includes(capability)) {
    throw new GatewayFailure('capability_not_granted', CAPABILITY_REFUSALS[capability](tool.name));
  }
  const found = resolveAccountRef(ref ?? '', ctx.accounts.list(tool.workspace_id));
  if (!found.ok) throw new GatewayFailure(found.code, found.message);
  if (!tool.all_accounts && !tool.account_ids.includes(found.row.id)) {
    throw new GatewayFailure('account_not_granted', `"${tool.name}" was not given ${accountRef(found.row)}; pair it again to choose that account.`);
  }
  return found.row;
}

/** Uses waiting to be written, per core; written together at the end of this turn of the event loop. */
const pendingUses = new WeakMap<GatewayContext['db'], (() => void)[]>();

/**
 * Records a use on the tool and (with a `kind`) on the account's history; `what` never holds a query, header or body. Written at
 * the end of this turn of the event loop, uses that came together in one transaction, so the reply does not wait
 * for the write (bench/gateway.bench.ts: a synced write was ~0.8 ms of each call, one at a time).
 */
export function recordUse(ctx: GatewayContext, tool: ToolRow, row: AccountRow, kind: 'tool_request' | 'tool_token' | null, what: string): void {
  const at = ctx.clock.now();
  const write = () => {
    ctx.tools.recordUse(tool.id, { at, accountId: row.id, what });
    if (kind) ctx.activity.add(row, kind, `used by ${tool.name}: ${what}`, at);
  };
  const queued = pendingUses.get(ctx.db);
  if (queued) return void queued.push(write);
  pendingUses.set(ctx.db, [write]);
  setImmediate(() => {
    const writes = pendingUses.get(ctx.db) ?? [];
    pendingUses.delete(ctx.db);
    try {
      // Without the disk sync a token's commit waits for (store/db.ts): a power cut may lose the newest uses'
      // record, never a token; the next synced commit carries these too.
      ctx.db.pragma('synchronous = NORMAL');
      try {
        ctx.db.transaction(() => writes.forEach((w) => w()))();
      } finally {
        ctx.db.pragma('synchronous = FULL');
      }
    } catch (e) {
      // A core closed meanwhile, or a tool revoked: the use is lost, the reply it belongs to has gone out.
      ctx.logger.warn('tool use not recorded', { error: (e as Error).message });
      return;
    }
    ctx.emit({ type: 'tools.changed' });
    ctx.emit({ type: 'accounts.changed' });
  });
}

/**
 * Renews the token first when it is within its renewal margin; the account's credentials as they then stand, for
 * Plugboard to use (the proxy) or, the access token alone, to hand out (/v1/token). A renewal that fails is the
 * platform's answer.
 */
export async function freshCredentials(ctx: GatewayContext, row: AccountRow): Promise<{ accessToken: string | null; appPassword: string | null; row: AccountRow }> {
  try {
    await ctx.lifecycle.ensureFresh(row.id);
    const now = ctx.accounts.get(row.id);
    if (!now) throw new GatewayFailure('unknown_account', `${accountRef(row)} was disconnected.`);
    const { accessToken, appPassword } = ctx.accounts.readTokens(row.id);
    return { accessToken, appPassword, row: now };
  } catch (e) {
    throw platformFailure(row, e);
  }
}

/** A PlatformError or an unreadable vault as the tool's 502; anything else as it is. */
export function platformFailure(row: AccountRow, e: unknown): unknown {
  if (e instanceof PlatformError) return new GatewayFailure('platform', e.message);
  if (e instanceof VaultCorruptError) return new GatewayFailure('platform', `${accountRef(row)}'s stored token cannot be read on this computer: Reconnect it in Plugboard.`);
  return e;
}

/** The access token, renewed first when due. */
export async function freshTokens(ctx: GatewayContext, row: AccountRow): Promise<{ accessToken: string; row: AccountRow }> {
  const { accessToken, row: now } = await freshCredentials(ctx, row);
  if (!accessToken) throw new GatewayFailure('platform', `${accountRef(row)} has no access token to use: Reconnect it in Plugboard.`);
  return { accessToken, row: now };
}

