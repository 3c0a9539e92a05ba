// Connected tools (the gateway's side the window sees): pairing requests waiting for the user, the tools
// the user approved with what each may do, and Revoke. The socket side is in src-main/gateway/.
import type { PairingRequestView, ToolAccountView, ToolView } from '../api/contract.ts';
import { ApiFailure } from '../core/api-failure.ts';
import type { PairingRequest } from '../gateway/pairing.ts';
import type { ToolRow } from '../store/tools.ts';
import { activeWorkspace, type CoreContext, type DomainHandlers } from './context.ts';

type ToolsContext = Pick<CoreContext, 'tools' | 'pairing' | 'accounts' | 'db' | 'prefs' | 'clock' | 'logger' | 'emit'>;

export function toolView(ctx: Pick<CoreContext, 'accounts'>, row: ToolRow): ToolView {
  const accountView = (id: string): ToolAccountView | null => {
    const a = ctx.accounts.get(id);
    return a ? { id: a.id, platform: a.platform, handle: a.handle } : null;
  };
  const iso = (t: number) => new Date(t).toISOString();
  return {
    id: row.id,
    name: row.name,
    workspaceId: row.workspace_id,
    accounts: row.all_accounts ? 'all' : row.account_ids.map(accountView).filter((a): a is ToolAccountView => a !== null),
    capabilities: row.capabilities,
    pairedAt: iso(row.paired_at),
    lastUsed: row.last_used_at === null ? null : { at: iso(row.last_used_at), account: row.last_used_account ? accountView(row.last_used_account) : null, what: row.last_used_what ?? '' },
  };
}

function pendingView(ctx: ToolsContext, view: PairingRequest): PairingRequestView {
  return { ...view, replacesExisting: ctx.tools.nameTaken(activeWorkspace(ctx), view.name) };
}

export function toolHandlers(ctx: ToolsContext): DomainHandlers<'tools.list' | 'tools.pending' | 'tools.approve' | 'tools.deny' | 'tools.revoke'> {
  const waiting = (requestId: string): PairingRequest => {
    const view = ctx.pairing.get(requestId);
    if (!view) throw new ApiFailure('not_found', 'That request is no longer waiting: it expired, or the tool stopped asking.');
    return view;
  };
  return {
    'tools.list': async () => ctx.tools.list(activeWorkspace(ctx)).map((row) => toolView(ctx, row)),

    'tools.pending': async () => ctx.pairing.list().map((view) => pendingView(ctx, view)),

    'tools.approve': async ({ requestId, accounts, capabilities }) => {
      const request = waiting(requestId);
      const workspaceId = activeWorkspace(ctx);
      if (accounts !== 'all') {
        const foreign = accounts.filter((id) => ctx.accounts.get(id)?.workspace_id !== workspaceId);
        if (foreign.length > 0) throw new ApiFailure('bad_request', 'Choose accounts of this workspace: some of those are not connected here.');
      }
      // Pairing again under a name is how a tool that lost its key gets a new one: the old key ends here.
      const replaced = ctx.tools.list(workspaceId).filter((t) => t.name === request.name);
      const { row, key } = ctx.db.transaction(() => {
        for (const old of replaced) ctx.tools.remove(old.id);
        return ctx.tools.add({ workspaceId, name: request.name, accounts, capabilities, at: ctx.clock.now() });
      })();
      // A request that expired between the check and now gets nothing; the grant is taken back.
      if (!ctx.pairing.settle(requestId, { approved: true, toolId: row.id, key })) {
        ctx.tools.remove(row.id);
        throw new ApiFailure('not_found', 'That request is no longer waiting: it expired, or the tool stopped asking.');
      }
      ctx.logger.info('tool paired', { tool: row.id, accounts: accounts === 'all' ? 'all' : accounts.length, capabilities, replaced: replaced.length });
      ctx.emit({ type: 'tools.changed' });
      return toolView(ctx, row);
    },

    'tools.deny': async ({ requestId }) => {
      waiting(requestId);
      ctx.pairing.settle(requestId, { approved: false, reason: 'denied' });
      ctx.logger.info('tool pairing denied', {});
      return { requestId };
    },

    'tools.revoke': async ({ toolId }) => {
      const row = ctx.tools.get(toolId);
      if (!row || row.workspace_id !== activeWorkspace(ctx)) throw new ApiFailure('not_found', 'That tool is not paired in this workspace.');
      ctx.tools.remove(toolId);
      ctx.logger.info('tool revoked', { tool: toolId });
      ctx.emit({ type: 'tools.changed' });
      return { toolId };
    },
  };
}
