// Workspaces: separate sets of accounts (one per brand or client); the active one is what the window shows.
import type { WorkspaceView } from '../api/contract.ts';
import { providerDecl } from '../connectors/providers.ts';
import { ApiFailure } from '../core/api-failure.ts';
import { deriveStatus, worstStatus } from '../core/status.ts';
import type { WorkspaceRow } from '../store/workspaces.ts';
import { disconnect } from './accounts.ts';
import { activeWorkspace, switchTo, type CoreContext, type DomainHandlers } from './context.ts';

type WorkspacesContext = Pick<CoreContext, 'workspaces' | 'accounts' | 'appCredentials' | 'lifecycle' | 'http' | 'db' | 'prefs' | 'clock' | 'logger' | 'emit' | 'warningWindowMs'>;

function requireWorkspace(ctx: Pick<CoreContext, 'workspaces'>, id: string): WorkspaceRow {
  const row = ctx.workspaces.get(id);
  if (!row) throw new ApiFailure('not_found', 'That workspace does not exist (it may have been deleted).');
  return row;
}

function workspaceView(ctx: Pick<CoreContext, 'accounts' | 'clock' | 'db' | 'prefs' | 'warningWindowMs'>, row: WorkspaceRow): WorkspaceView {
  const now = ctx.clock.now();
  const statuses = ctx.accounts.list(row.id).map((a) => deriveStatus(a, providerDecl(a.platform), now, { warningWindowMs: ctx.warningWindowMs() }).status);
  const needsAttention = statuses.filter((s) => s === 'expired' || s === 'expiring').length;
  return { id: row.id, name: row.name, accountCount: row.account_count, needsAttention, worstStatus: worstStatus(statuses), active: row.id === activeWorkspace(ctx) };
}

export function workspaceHandlers(
  ctx: WorkspacesContext,
): DomainHandlers<'workspaces.list' | 'workspaces.create' | 'workspaces.rename' | 'workspaces.delete' | 'workspaces.switch'> {
  return {
    'workspaces.list': async () => ctx.workspaces.list().map((row) => workspaceView(ctx, row)),

    'workspaces.create': async ({ name }) => {
      if (ctx.workspaces.nameTaken(name)) throw new ApiFailure('conflict', `There is already a workspace called “${name.trim()}”.`);
      const id = ctx.workspaces.create(name, ctx.clock.now());
      ctx.emit({ type: 'workspaces.changed' });
      return workspaceView(ctx, requireWorkspace(ctx, id));
    },

    'workspaces.rename': async ({ workspaceId, name }) => {
      requireWorkspace(ctx, workspaceId);
      if (ctx.workspaces.nameTaken(name, workspaceId)) throw new ApiFailure('conflict', `There is already a workspace called “${name.trim()}”.`);
      ctx.workspaces.rename(workspaceId, name);
      ctx.emit({ type: 'workspaces.changed' });
      ctx.emit({ type: 'app.changed' });
      return workspaceView(ctx, requireWorkspace(ctx, workspaceId));
    },

    'workspaces.delete': async ({ workspaceId }) => {
      requireWorkspace(ctx, workspaceId);
      const all = ctx.workspaces.list();
      if (all.length <= 1) throw new ApiFailure('conflict', 'This is the only workspace. Create another one before deleting it.');
      // Away from it first, so nothing shows it half-deleted.
      if (activeWorkspace(ctx) === workspaceId) switchTo(ctx, all.find((w) => w.id !== workspaceId)!.id);
      const revokeErrors: string[] = [];
      const rows = ctx.accounts.list(workspaceId);
      for (const row of rows) {
        const result = await disconnect(ctx, row);
        if (result.revokeError) revokeErrors.push(`${providerDecl(row.platform).name} @${row.handle}: ${result.revokeError}`);
      }
      ctx.workspaces.remove(workspaceId);
      ctx.logger.info('workspace deleted', { workspace: workspaceId, accounts: rows.length });
      ctx.emit({ type: 'workspaces.changed' });
      ctx.emit({ type: 'app.changed' });
      return { workspaceId, disconnected: rows.length, revokeErrors };
    },

    'workspaces.switch': async ({ workspaceId }) => {
      requireWorkspace(ctx, workspaceId);
      switchTo(ctx, workspaceId);
      return workspaceView(ctx, requireWorkspace(ctx, workspaceId));
    },
  };
}
