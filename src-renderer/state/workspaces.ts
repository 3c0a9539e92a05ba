// Workspaces (F11): every workspace, the active one marked; switching shows another set of accounts.
import { create } from 'zustand';
import type { ApiError, WorkspaceView } from '../../src-main/api/contract.ts';
import { plural } from '../ui/format.ts';
import { forgetWorkspaceView, reloadAccounts } from './accounts.ts';
import { reloadApp } from './app.ts';
import { call, coalesce } from './call.ts';
import { forgetWorkspacePosts, reloadPosts } from './posts.ts';
import { toast } from './toasts.ts';
import { reloadTools } from './tools.ts';

export const useWorkspaces = create<{ workspaces: WorkspaceView[] }>(() => ({ workspaces: [] }));

export function setWorkspaces(workspaces: WorkspaceView[]): void {
  useWorkspaces.setState({ workspaces });
}

export const reloadWorkspaces = coalesce(async () => {
  const r = await call('workspaces.list', {});
  if (r.ok) setWorkspaces(r.result);
});

export async function switchWorkspace(workspaceId: string): Promise<void> {
  const r = await call('workspaces.switch', { workspaceId });
  if (!r.ok) {
    toast('error', r.error.message);
    return;
  }
  forgetWorkspaceView();
  forgetWorkspacePosts();
  await Promise.all([reloadWorkspaces(), reloadAccounts(), reloadApp(), reloadTools(), reloadPosts()]);
}

/** Creates a workspace and switches to it; returns the error to show in the dialog, or null. */
export async function createWorkspace(name: string): Promise<ApiError | null> {
  const r = await call('workspaces.create', { name });
  if (!r.ok) return r.error;
  await switchWorkspace(r.result.id);
  toast('success', `Workspace “${r.result.name}” created`);
  return null;
}

export async function renameWorkspace(workspaceId: string, name: string): Promise<ApiError | null> {
  const r = await call('workspaces.rename', { workspaceId, name });
  if (!r.ok) return r.error;
  await Promise.all([reloadWorkspaces(), reloadApp()]);
  return null;
}

export async function deleteWorkspace(workspaceId: string, name: string): Promise<ApiError | null> {
  const r = await call('workspaces.delete', { workspaceId });
  if (!r.ok) return r.error;
  await Promise.all([reloadWorkspaces(), reloadAccounts(), reloadApp()]);
  const { disconnected, revokeErrors } = r.result;
  toast(revokeErrors.length ? 'error' : 'success', `Deleted “${name}”: ${plural(disconnected, 'account')} disconnected${revokeErrors.length ? `; revoking failed for ${revokeErrors.join('; ')}` : ''}`);
  return null;
}
