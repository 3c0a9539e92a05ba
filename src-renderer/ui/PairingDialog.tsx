import { LoaderCircle, RefreshCw, Send, ShieldCheck, SquareTerminal, TriangleAlert } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import type { AccountView, PairingRequestView, ToolCapability } from '../../src-main/api/contract.ts';
import { TOOL_CAPABILITIES } from '../../src-main/api/views.ts';
import { useAccounts } from '../state/accounts.ts';
import { usePlatforms } from '../state/platforms.ts';
import { answerLater, approvePairing, denyPairing, useTools } from '../state/tools.ts';
import { useWorkspaces } from '../state/workspaces.ts';
import { Avatar } from './Avatar.tsx';
import { Dialog } from './Dialog.tsx';
import { PlatformBadge } from './PlatformBadge.tsx';
import { atHandle } from './format.ts';
import { nextWaiting, Stamp } from './waiting-requests.tsx';
import './tools.css';

/**
 * A tool asks to pair (issue 13): who asks, which accounts and what it may do, Allow or Deny. Several
 * requests are answered one at a time, oldest first; Escape puts one aside for the Connected tools page.
 */
export function PairingDialog() {
  const pending = useTools((s) => s.pending);
  const later = useTools((s) => s.later);
  const next = nextWaiting(pending, later);
  if (!next) return null;
  // Keyed by request, so the next one starts with the safe defaults again.
  return <PairingForm key={next.request.id} {...next} />;
}


function PairingForm({ request, position, total }: { request: PairingRequestView; position: number; total: number }) {
  const accounts = useAccounts((s) => s.accounts);
  const workspace = useWorkspaces((s) => s.workspaces.find((w) => w.active)?.name ?? 'this workspace');
  const [scope, setScope] = useState<'all' | 'some'>('all');
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [capabilities, setCapabilities] = useState<ReadonlySet<ToolCapability>>(new Set(['request']));
  const [busy, setBusy] = useState<'allow' | 'deny' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const toggle = <T,>(set: ReadonlySet<T>, value: T, on: boolean): Set<T> => {
    const next = new Set(set);
    if (on) next.add(value);
    else next.delete(value);
    setError(null);
    return next;
  };

  const allow = async (e: FormEvent) => {
    e.preventDefault();
    const chosen = accounts.filter((a) => picked.has(a.id)).map((a) => a.id);
    if (scope === 'some' && chosen.length === 0) return setError('Choose at least one account, or allow all of them.');
    if (capabilities.size === 0) return setError('Allow at least one thing, or deny the request.');
    setBusy('allow');
    const failure = await approvePairing(request.name, {
      requestId: request.id,
      accounts: scope === 'all' ? 'all' : chosen,
      // In the order the API lists them, so the view reads the same whatever order they were ticked.
      capabilities: TOOL_CAPABILITIES.filter((c) => capabilities.has(c)),
    });
    setBusy(null);
    if (failure) setError(failure);
  };

  const deny = async () => {
    setBusy('deny');
    const failure = await denyPairing(request.name, request.id);
    setBusy(null);
    if (failure) setError(failure);
  };

  return (
    <Dialog
      title={`“${request.name}” asks to use your accounts`}
      className="dialog--wide"
      busy={busy !== null}
      onClose={() => answerLater(request)}
      actions={
        <>
          {total > 1 && (
            <span className="pairing-count" aria-live="polite">
              Request {position} of {total}
            </span>
          )}
          <button type="button" className="btn btn-secondary" onClick={() => void deny()} disabled={busy !== null}>
            {busy === 'deny' && <LoaderCircle size={16} className="spin" aria-hidden="true" />}
            Deny
          </button>
          <button type="submit" form={`${id}-form`} className="btn btn-primary" disabled={busy !== null}>
            {busy === 'allow' && <LoaderCircle size={16} className="spin" aria-hidden="true" />}
            Allow
          </button>
        </>
      }
    >
      <form id={`${id}-form`} className="pairing-form" onSubmit={allow} noValidate>
        <div className="pairing-who">
          <span className="pairing-icon" aria-hidden="true">
            <SquareTerminal size={18} />
          </span>
          <div className="pairing-who-text">
            <p className="pairing-name">{request.name}</p>
            {request.description ? (
              <p className="pairing-says">
                <span className="pairing-unverified">Unverified</span> It says: <q>{request.description}</q>
              </p>
            ) : (
              <p className="pairing-says">It did not say what it is.</p>
            )}
            <p className="pairing-times">
              <Stamp iso={request.requestedAt} prefix="Asked" /> · <Stamp iso={request.expiresAt} prefix="expires" />
            </p>
          </div>
        </div>
        <p className="muted">A program on this computer asks for this. Allow it only if you just started it yourself.</p>
        {request.replacesExisting && (
          <p className="pairing-replaces">
            <RefreshCw size={15} aria-hidden="true" />
            <span>
              This replaces the paired tool named “{request.name}”: its old key stops working.
            </span>
          </p>
        )}

        <fieldset className="pairing-set">
          <legend>Accounts it may use</legend>
          <label className="pairing-option">
            <input type="radio" name={`${id}-scope`} checked={scope === 'all'} onChange={() => setScope('all')} />
            <span>
              All accounts of “{workspace}”
              <span className="pairing-hint">including accounts you connect later</span>
            </span>
          </label>
          <label className="pairing-option">
            <input type="radio" name={`${id}-scope`} checked={scope === 'some'} disabled={accounts.length === 0} onChange={() => setScope('some')} />
            <span>
              Only the accounts I choose
              {accounts.length === 0 && <span className="pairing-hint">No account is connected here yet.</span>}
            </span>
          </label>
          {scope === 'some' && (
            <ul className="pairing-accounts" aria-label="Accounts">
              {accounts.map((a) => (
                <AccountChoice key={a.id} account={a} checked={picked.has(a.id)} onChange={(on) => setPicked((p) => toggle(p, a.id, on))} />
              ))}
            </ul>
          )}
        </fieldset>

        <fieldset className="pairing-set">
          <legend>What it may do</legend>
          <label className="pairing-option">
            <input type="checkbox" checked={capabilities.has('request')} onChange={(e) => setCapabilities((c) => toggle(c, 'request', e.target.checked))} />
            <span>
              <span className="pairing-cap">
                <ShieldCheck size={15} aria-hidden="true" /> Call platform APIs through Plugboard
              </span>
              <span className="pairing-hint">The token never leaves Plugboard: the tool sends each request here and Plugboard adds it.</span>
            </span>
          </label>
          <label className="pairing-option pairing-option--risky">
            <input type="checkbox" checked={capabilities.has('token')} onChange={(e) => setCapabilities((c) => toggle(c, 'token', e.target.checked))} />
            <span>
              <span className="pairing-cap">
                <TriangleAlert size={15} aria-hidden="true" /> Read access tokens <span className="pairing-risk">Riskier</span>
              </span>
              <span className="pairing-hint">
                The token then lives in the tool, outside Plugboard, until it expires. Allow this only for a tool that cannot work otherwise.
              </span>
            </span>
          </label>
          <label className="pairing-option">
            <input
              type="checkbox"
              checked={capabilities.has('publish')}
              // Without publishing, publishing unattended means nothing: it goes with it.
              onChange={(e) => setCapabilities((c) => (e.target.checked ? toggle(c, 'publish', true) : toggle(toggle(c, 'publish', false), 'publish_unattended', false)))}
            />
            <span>
              <span className="pairing-cap">
                <Send size={15} aria-hidden="true" /> Publish posts (you confirm each one)
              </span>
              <span className="pairing-hint">Plugboard shows you each post the tool sends, word for word, and publishes it only when you say Post.</span>
            </span>
          </label>
          <label className="pairing-option pairing-option--risky">
            <input
              type="checkbox"
              checked={capabilities.has('publish_unattended')}
              disabled={!capabilities.has('publish')}
              onChange={(e) => setCapabilities((c) => toggle(c, 'publish_unattended', e.target.checked))}
            />
            <span>
              <span className="pairing-cap">
                <TriangleAlert size={15} aria-hidden="true" /> Publish without asking <span className="pairing-risk">Riskier</span>
              </span>
              <span className="pairing-hint">
                {capabilities.has('publish')
                  ? 'Its posts go out at once, without you seeing them first. Allow this only for a tool whose every post you trust.'
                  : 'Needs “Publish posts” first.'}
              </span>
            </span>
          </label>
        </fieldset>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </Dialog>
  );
}

function AccountChoice({ account, checked, onChange }: { account: AccountView; checked: boolean; onChange: (on: boolean) => void }) {
  const platform = usePlatforms((s) => s.platforms.find((p) => p.id === account.platform)?.name ?? account.platform);
  return (
    <li>
      <label className="pairing-account">
        <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
        <Avatar account={account} />
        <span className="pairing-account-text">
          <span className="pairing-account-handle">{atHandle(account.handle)}</span>
          <span className="pairing-account-platform">
            <PlatformBadge platform={account.platform} size="sm" /> {platform}
          </span>
        </span>
      </label>
    </li>
  );
}
