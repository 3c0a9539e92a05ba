import { CircleAlert, ClipboardPaste, Copy, Check, ExternalLink, Info, LoaderCircle, X } from 'lucide-react';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { cancelFlow, chooseIdentities, completeFlow, dismissFlow, type FlowEntry, isActive, pollFlow, useFlows } from '../state/connect.ts';
import { Avatar } from './Avatar.tsx';
import { atHandle } from './format.ts';
import { useCopy } from './hooks.ts';
import { httpsLandingNote } from './SetupGuide.tsx';

const POLL_MS = 2000;

export function WaitingPanel({ flow, platformName }: { flow: FlowEntry; platformName: string }) {
  const [copied, copy] = useCopy();
  const [landingUrl, setLandingUrl] = useState('');
  const [finishing, setFinishing] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const urlField = useId();
  const panel = useRef<HTMLDivElement>(null);
  const exchanging = flow.state === 'exchanging';
  // An HTTPS-only platform comes back to the user's own page: pasting its address is a normal way in.
  const viaHttpsPage = flow.redirectUri?.startsWith('https://') ?? false;

  // Esc cancels the newest waiting Connect, as the Cancel button does, unless a dialog is open on top
  // (a dialog takes its own Esc). Focus then goes to the card's Connect button, as the panel is gone.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('[role="dialog"], [aria-modal="true"], #root[inert]')) return;
      const newest = Object.values(useFlows.getState().flows)
        .filter(isActive)
        .sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
      if (newest?.flowId !== flow.flowId || flow.state !== 'waiting') return;
      e.preventDefault();
      const card = panel.current?.closest('section');
      void cancelFlow(flow.flowId).then(() =>
        requestAnimationFrame(() => card?.querySelector<HTMLButtonElement>('.card-actions .connect:last-child button')?.focus()),
      );
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [flow.flowId, flow.state]);

  // Events normally report the outcome; polling covers a dropped event stream.
  useEffect(() => {
    const timer = setInterval(() => void pollFlow(flow.flowId), POLL_MS);
    return () => clearInterval(timer);
  }, [flow.flowId]);

  const finish = async (e: FormEvent) => {
    e.preventDefault();
    setFinishing(true);
    setError(null);
    const failure = await completeFlow(flow.flowId, landingUrl);
    setFinishing(false);
    if (failure) setError(failure.issues?.[0]?.message ?? failure.message);
  };

  const cancel = async () => {
    setCancelling(true);
    await cancelFlow(flow.flowId);
    setCancelling(false);
  };

  const pasteFromClipboard = async () => {
    setError(null);
    try {
      setLandingUrl((await navigator.clipboard.readText()).trim());
    } catch {
      setError('Plugboard could not read the clipboard. Click the field and paste with Ctrl+V (⌘V on a Mac).');
    }
  };

  return (
    <div className="flow-panel" role="status" ref={panel}>
      <div className="flow-panel-main">
        <LoaderCircle size={22} className="spin flow-spinner" aria-hidden="true" />
        <div className="flow-text">
          <p className="flow-title">
            {exchanging ? `Finishing the connection to ${platformName}…` : 'Waiting for authorization in your browser'}
          </p>
          <p className="hint">
            {flow.reconnectAccountId ? 'Sign in with the same account to renew it. ' : ''}
            Approve Plugboard in the browser tab that opened{viaHttpsPage ? '.' : '; this page updates by itself.'} Esc cancels.
          </p>
          {viaHttpsPage && <p className="flow-https-note">{httpsLandingNote(platformName)}</p>}
        </div>
        <div className="flow-actions">
          <button type="button" className="btn btn-secondary" onClick={() => copy(flow.authorizeUrl)}>
            {copied ? <Check size={16} aria-hidden="true" /> : <Copy size={16} aria-hidden="true" />}
            {copied ? 'Copied' : 'Copy link'}
          </button>
          <button type="button" className="btn btn-secondary" onClick={() => window.open(flow.authorizeUrl, '_blank', 'noopener')}>
            <ExternalLink size={16} aria-hidden="true" />
            Open again
          </button>
          <button type="button" className="btn btn-ghost" onClick={cancel} disabled={cancelling}>
            Cancel
          </button>
        </div>
      </div>
      <details className="flow-manual" open={viaHttpsPage}>
        <summary>Browser didn't come back? Paste the address it landed on</summary>
        <form className="flow-manual-form" onSubmit={finish} noValidate>
          <label htmlFor={urlField}>Landing URL</label>
          <div className="copy-field">
            <input
              id={urlField}
              className="input input--mono"
              value={landingUrl}
              onChange={(e) => setLandingUrl(e.target.value)}
              placeholder="Paste the full address from the browser's address bar"
              autoComplete="off"
              spellCheck={false}
              aria-invalid={!!error}
              aria-describedby={error ? `${urlField}-error` : undefined}
            />
            <button type="button" className="btn btn-secondary" onClick={() => void pasteFromClipboard()}>
              <ClipboardPaste size={16} aria-hidden="true" />
              Paste from clipboard
            </button>
            <button type="submit" className="btn btn-primary" disabled={finishing || !landingUrl.trim()}>
              {finishing && <LoaderCircle size={16} className="spin" aria-hidden="true" />}
              Finish
            </button>
          </div>
          {error && (
            <p id={`${urlField}-error`} className="field-error" role="alert">
              {error}
            </p>
          )}
        </form>
      </details>
    </div>
  );
}

const ENDED: Record<string, string> = {
  failed: 'The connection failed.',
  timed_out: 'The browser did not come back in time.',
};

/** The outcome of a flow that ended without connecting, until the user dismisses it. */
export function FlowNotice({ flow }: { flow: FlowEntry }) {
  const cancelled = flow.state === 'cancelled';
  return (
    <div className={`flow-notice ${cancelled ? 'flow-notice--neutral' : 'flow-notice--error'}`} role={cancelled ? 'status' : 'alert'}>
      {cancelled ? <Info size={18} aria-hidden="true" /> : <CircleAlert size={18} aria-hidden="true" />}
      {cancelled ? (
        <p>
          <strong>You cancelled — nothing changed.</strong>
          {flow.error && <span className="flow-notice-detail">{flow.error}</span>}
        </p>
      ) : (
        <p>{flow.error ?? ENDED[flow.state] ?? 'The connection did not finish.'}</p>
      )}
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismissFlow(flow.platform)}>
        <X size={16} aria-hidden="true" />
      </button>
    </div>
  );
}

/**
 * F4: one login, several identities (YouTube channels, Pages…). Each one picked becomes its
 * own account; one that cannot be connected is shown with the reason, not hidden.
 */
export function ChoosePanel({ flow, platformName }: { flow: FlowEntry; platformName: string }) {
  const choices = flow.choices ?? [];
  const [picked, setPicked] = useState<Set<string>>(() => new Set(choices.filter((c) => !c.unavailableReason && !c.connected).map((c) => c.platformUserId)));
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();

  const toggle = (id: string) =>
    setPicked((before) => {
      const next = new Set(before);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setPending(true);
    setError(null);
    const failure = await chooseIdentities(flow.flowId, [...picked]);
    setPending(false);
    if (failure) setError(failure.issues?.[0]?.message ?? failure.message);
  };

  return (
    <form className="flow-panel flow-choose" onSubmit={submit} aria-labelledby={`${errorId}-title`}>
      <div className="flow-text">
        <p className="flow-title" id={`${errorId}-title`}>
          Choose what to connect from {platformName}
        </p>
        <p className="hint">Each one you pick becomes its own account. One already connected is renewed in place.</p>
      </div>
      <ul className="choices" aria-label={`${platformName} choices`}>
        {choices.map((c) => {
          const disabled = Boolean(c.unavailableReason);
          return (
            <li key={c.platformUserId} className={disabled ? 'choice choice--unavailable' : 'choice'}>
              <label>
                <input type="checkbox" checked={picked.has(c.platformUserId)} disabled={disabled || pending} onChange={() => toggle(c.platformUserId)} />
                <Avatar account={{ id: c.platformUserId, avatar: c.avatar, displayName: c.displayName, handle: c.handle }} />
                <span className="choice-text">
                  <span className="choice-name">{c.displayName}</span>
                  <span className="choice-handle">
                    {[c.handle !== c.displayName ? atHandle(c.handle) : null, c.connected ? 'already connected' : null].filter(Boolean).join(' · ')}
                  </span>
                  {c.unavailableReason && <span className="choice-reason">{c.unavailableReason}</span>}
                </span>
              </label>
            </li>
          );
        })}
      </ul>
      {error && (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="flow-actions">
        <button type="submit" className="btn btn-primary" disabled={pending || picked.size === 0} aria-describedby={error ? errorId : undefined}>
          {pending && <LoaderCircle size={16} className="spin" aria-hidden="true" />}
          Connect {picked.size === 1 ? '1 account' : `${picked.size} accounts`}
        </button>
        <button type="button" className="btn btn-ghost" disabled={pending} onClick={() => void cancelFlow(flow.flowId)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
