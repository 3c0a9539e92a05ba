import { Check, ChevronsUpDown, Pencil, Plus, Trash2 } from 'lucide-react';
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ApiError, WorkspaceView } from '../../src-main/api/contract.ts';
import { createWorkspace, deleteWorkspace, renameWorkspace, switchWorkspace, useWorkspaces } from '../state/workspaces.ts';
import { Dialog, FormDialog } from './Dialog.tsx';
import { plural } from './format.ts';

/** The dot's name: how many need the user, and how soon (the worst of them sets the colour). */
function attentionLabel(count: number, worst: 'expired' | 'expiring'): string {
  return `${plural(count, 'account')} ${count === 1 ? 'needs' : 'need'} you ${worst === 'expired' ? 'now' : 'soon'}`;
}

type Open = { kind: 'create' } | { kind: 'rename'; workspace: WorkspaceView } | { kind: 'delete'; workspace: WorkspaceView } | null;

/**
 * F11: one workspace per brand, switched at the top left. A menu button (arrow keys, Escape) lists
 * them with their counts; create, rename and delete open dialogs. Deleting says how many accounts
 * will be disconnected and revoked before it does anything.
 */
export function WorkspaceSwitcher() {
  const workspaces = useWorkspaces((s) => s.workspaces);
  const active = workspaces.find((w) => w.active);
  const [menu, setMenu] = useState(false);
  const [dialog, setDialog] = useState<Open>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const menuId = useId();

  const items = () => Array.from(menuRef.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]:not([disabled])') ?? []);

  useEffect(() => {
    if (!menu) return;
    (items().find((el) => el.getAttribute('aria-checked') === 'true') ?? items()[0])?.focus();
    const away = (e: MouseEvent) => {
      if (!menuRef.current?.contains(e.target as Node) && !buttonRef.current?.contains(e.target as Node)) setMenu(false);
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [menu]);

  const close = () => {
    setMenu(false);
    buttonRef.current?.focus();
  };

  const onMenuKey = (e: KeyboardEvent) => {
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      close();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      list[(at + (e.key === 'ArrowDown' ? 1 : -1) + list.length) % list.length]?.focus();
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      list[e.key === 'Home' ? 0 : list.length - 1]?.focus();
    }
  };

  const choose = (next: Open) => {
    setMenu(false);
    setDialog(next);
  };

  if (!active) return null;
  return (
    <div className="workspace-switcher">
      <button
        ref={buttonRef}
        type="button"
        className="workspace-button"
        aria-haspopup="menu"
        aria-expanded={menu}
        aria-controls={menu ? menuId : undefined}
        aria-label={`Workspace: ${active.name}. Switch workspace`}
        onClick={() => setMenu((m) => !m)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setMenu(true);
          }
        }}
      >
        {/* The initial is drawn by CSS (::before): as text it would join the visible label ("SSunrise Bakery"),
            which then no longer matches the button's name (WCAG 2.5.3, label in name). */}
        <span className="workspace-initial" data-initial={active.name.trim().charAt(0).toUpperCase()} aria-hidden="true" />
        <span className="workspace-name">{active.name}</span>
        <ChevronsUpDown size={15} aria-hidden="true" />
      </button>
      {menu && (
        <div ref={menuRef} id={menuId} className="workspace-menu" role="menu" aria-label="Workspaces" onKeyDown={onMenuKey}>
          {workspaces.map((w) => (
            <button
              key={w.id}
              type="button"
              role="menuitemradio"
              aria-checked={w.active}
              className="workspace-item"
              onClick={() => {
                close();
                if (!w.active) void switchWorkspace(w.id);
              }}
            >
              <span className="workspace-check" aria-hidden="true">
                {w.active && <Check size={14} />}
              </span>
              <span className="workspace-item-name">{w.name}</span>
              <span className="workspace-item-meta">
                {(w.worstStatus === 'expired' || w.worstStatus === 'expiring') && (
                  <span className="status-dot" data-status={w.worstStatus} aria-label={attentionLabel(w.needsAttention, w.worstStatus)} role="img" />
                )}
                {plural(w.accountCount, 'account')}
              </span>
            </button>
          ))}
          <div className="workspace-sep" role="separator" />
          <button type="button" role="menuitem" className="workspace-item" onClick={() => choose({ kind: 'create' })}>
            <Plus size={14} aria-hidden="true" /> New workspace…
          </button>
          <button type="button" role="menuitem" className="workspace-item" onClick={() => choose({ kind: 'rename', workspace: active })}>
            <Pencil size={14} aria-hidden="true" /> Rename “{active.name}”…
          </button>
          <button
            type="button"
            role="menuitem"
            className="workspace-item workspace-item--danger"
            disabled={workspaces.length < 2}
            title={workspaces.length < 2 ? 'The only workspace cannot be deleted' : undefined}
            onClick={() => choose({ kind: 'delete', workspace: active })}
          >
            <Trash2 size={14} aria-hidden="true" /> Delete “{active.name}”…
          </button>
        </div>
      )}
      {dialog?.kind === 'create' && <NameDialog title="New workspace" action="Create" initial="" onSubmit={createWorkspace} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'rename' && (
        <NameDialog
          title="Rename workspace"
          action="Rename"
          initial={dialog.workspace.name}
          onSubmit={(name) => renameWorkspace(dialog.workspace.id, name)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'delete' && <DeleteDialog workspace={dialog.workspace} onClose={() => setDialog(null)} />}
    </div>
  );
}

function NameDialog(props: { title: string; action: string; initial: string; onSubmit: (name: string) => Promise<ApiError | null>; onClose: () => void }) {
  const [name, setName] = useState(props.initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = useId();
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    const failed = await props.onSubmit(name);
    setBusy(false);
    if (failed) setError(failed.issues?.[0]?.message ?? failed.message);
    else props.onClose();
  };
  return (
    <FormDialog title={props.title} formId={`${field}-form`} submitLabel={props.action} submitDisabled={!name.trim()} busy={busy} onClose={props.onClose}>
      <form id={`${field}-form`} className="field" onSubmit={submit} noValidate>
        <label htmlFor={field}>Name</label>
        <input
          id={field}
          className="input"
          value={name}
          maxLength={60}
          data-autofocus
          placeholder="e.g. the brand's name"
          aria-invalid={!!error}
          aria-describedby={error ? `${field}-error` : `${field}-hint`}
          onChange={(e) => setName(e.target.value)}
        />
        {error ? (
          <p id={`${field}-error`} className="field-error" role="alert">
            {error}
          </p>
        ) : (
          <p id={`${field}-hint`} className="hint">
            Each workspace has its own accounts; app credentials are shared by all.
          </p>
        )}
      </form>
    </FormDialog>
  );
}

function DeleteDialog({ workspace, onClose }: { workspace: WorkspaceView; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async () => {
    setBusy(true);
    const failed = await deleteWorkspace(workspace.id, workspace.name);
    setBusy(false);
    if (failed) setError(failed.message);
    else onClose();
  };
  return (
    <Dialog
      title={`Delete “${workspace.name}”?`}
      onClose={onClose}
      busy={busy}
      actions={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose} disabled={busy} data-autofocus>
            Cancel
          </button>
          <button type="button" className="btn btn-danger" onClick={() => void remove()} disabled={busy}>
            Delete workspace
          </button>
        </>
      }
    >
      <p>
        {workspace.accountCount === 0
          ? 'It has no accounts.'
          : `Its ${plural(workspace.accountCount, 'account')} will be disconnected: ${workspace.accountCount === 1 ? 'its tokens are' : 'their tokens are'} deleted from this computer at once, and access is revoked at each platform that allows it.`}{' '}
        App credentials stay; they belong to the whole installation.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
