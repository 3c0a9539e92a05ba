// Connected tools (issue 13): the tools paired in the active workspace, the pairing requests waiting for
// the user, and answering them.
import { create } from 'zustand';
import type { PairingRequestView, Params, ToolView } from '../../src-main/api/contract.ts';
import { call, coalesce } from './call.ts';
import { toast } from './toasts.ts';

interface ToolsState {
  /** null until first loaded (or when it could not be). */
  tools: ToolView[] | null;
  pending: PairingRequestView[];
  /** Requests put aside with Escape ("later"): their dialog stays closed until asked for again. */
  later: string[];
}

export const useTools = create<ToolsState>(() => ({ tools: null, pending: [], later: [] }));

const { getState: get, setState: set } = useTools;

/** Requests answered from this window: their leaving the list is no news. */
const answered = new Set<string>();

export function setToolsState(tools: ToolView[] | null, pending: PairingRequestView[]): void {
  // A request no longer waiting leaves the "later" list with it.
  set((s) => ({ tools, pending, later: s.later.filter((id) => pending.some((p) => p.id === id)) }));
}

export const reloadTools = coalesce(async () => {
  const [tools, pending] = await Promise.all([call('tools.list', {}), call('tools.pending', {})]);
  // While locked both fail; the window shows the lock screen then, and reloads on unlock.
  const now = pending.ok ? pending.result : [];
  // A dialog that closes by itself needs a word: the tool gave up (Ctrl-C) or nobody answered in time.
  for (const gone of get().pending.filter((p) => !now.some((n) => n.id === p.id) && !answered.has(p.id))) {
    toast('info', `“${gone.name}” stopped waiting: the tool gave up, or its request expired. It can ask again.`);
  }
  setToolsState(tools.ok ? tools.result : null, now);
});

/** Escape on the dialog: answer later, from the Connected tools page. */
export function answerLater(request: PairingRequestView): void {
  set((s) => ({ later: [...s.later, request.id] }));
  toast('info', `“${request.name}” waits for your answer under Connected tools until it expires.`);
}

/** "Review" on the Connected tools page: the request's dialog opens again. */
export function review(requestId: string): void {
  set((s) => ({ later: s.later.filter((id) => id !== requestId) }));
}

/** Returns the sentence to show in the dialog, or null once allowed. */
export async function approvePairing(name: string, params: Params<'tools.approve'>): Promise<string | null> {
  answered.add(params.requestId);
  const r = await call('tools.approve', params);
  void reloadTools();
  if (!r.ok) return r.error.issues?.[0]?.message ?? r.error.message;
  toast('success', `“${name}” is connected. Its key went to the tool alone; Plugboard cannot show it again.`);
  return null;
}

export async function denyPairing(name: string, requestId: string): Promise<string | null> {
  answered.add(requestId);
  const r = await call('tools.deny', { requestId });
  void reloadTools();
  if (!r.ok) return r.error.message;
  toast('info', `Denied “${name}”: it was told no and got nothing.`);
  return null;
}

export async function revokeTool(tool: ToolView): Promise<string | null> {
  const r = await call('tools.revoke', { toolId: tool.id });
  void reloadTools();
  if (!r.ok) return r.error.message;
  toast('success', `Revoked “${tool.name}”: its key no longer works.`);
  return null;
}
