import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

interface Props {
  title: string;
  onClose: () => void;
  /** Escape and the backdrop do nothing while an action is under way. */
  busy?: boolean;
  children: ReactNode;
  actions: ReactNode;
  /** e.g. 'dialog--wide' for a dialog with a form of choices. */
  className?: string;
}

/** A modal dialog: the app behind it is made inert, Tab cycles inside, Escape closes, focus goes back on close. */
export function Dialog({ title, onClose, busy = false, children, actions, className }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();

  useEffect(() => {
    const root = document.getElementById('root');
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    root?.setAttribute('inert', '');
    const initial = ref.current?.querySelector<HTMLElement>('[data-autofocus]') ?? ref.current;
    initial?.focus();
    return () => {
      root?.removeAttribute('inert');
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      if (!busy) onClose();
      return;
    }
    if (e.key !== 'Tab' || !ref.current) return;
    const items = Array.from(ref.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget && !busy) onClose();
      }}
    >
      <div ref={ref} className={className ? `dialog ${className}` : 'dialog'} role="dialog" aria-modal="true" aria-labelledby={titleId} tabIndex={-1} onKeyDown={onKeyDown}>
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        <div className="dialog-body">{children}</div>
        <div className="dialog-actions">{actions}</div>
      </div>
    </div>,
    document.body,
  );
}

/** A dialog around one form: Cancel, and a submit button for the form with id `formId`. */
export function FormDialog(props: {
  title: string;
  formId: string;
  submitLabel: string;
  submitDisabled: boolean;
  busy: boolean;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Dialog
      title={props.title}
      onClose={props.onClose}
      busy={props.busy}
      actions={
        <>
          <button type="button" className="btn btn-ghost" onClick={props.onClose} disabled={props.busy}>
            Cancel
          </button>
          <button type="submit" form={props.formId} className="btn btn-primary" disabled={props.busy || props.submitDisabled}>
            {props.submitLabel}
          </button>
        </>
      }
    >
      {props.children}
    </Dialog>
  );
}
