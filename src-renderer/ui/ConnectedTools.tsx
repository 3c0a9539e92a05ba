import { Check, Copy, LoaderCircle, Send, ShieldCheck, SquareTerminal, TriangleAlert, Unplug } from 'lucide-react';
import { useId, useState } from 'react';
import type { ToolAccountView, ToolView } from '../../src-main/api/contract.ts';
import { usePlatforms } from '../state/platforms.ts';
import { review, revokeTool, useTools } from '../state/tools.ts';
import { Dialog } from './Dialog.tsx';
import { PlatformBadge } from './PlatformBadge.tsx';
import { atHandle, formatWhen, relativeOnly } from './format.ts';
import { useCopy } from './hooks.ts';
import { PutAside } from './waiting-requests.tsx';
import './tools.css';

const FIRST_COMMAND = 'plugboard pair --name "my-script"';

/** The Connected tools page (issue 13): each paired tool, what it may do, its last use, and Revoke. */
export function ConnectedTools() {
  const tools = useTools((s) => s.tools);
  const asideCount = useTools((s) => s.later.length);
  return (
    <main className="main">
      <div className="page">
        <header className="page-head">
          <div>
            <h1>Connected tools</h1>
            <p className="page-sub">Your own scripts and apps, using your accounts through Plugboard. They never see a refresh token or an app password.</p>
          </div>
        </header>
        {asideCount > 0 && <Waiting />}
        {tools === null ? (
          <p className="page-state" role="status">
            <LoaderCircle size={18} className="spin" aria-hidden="true" /> Loading your tools…
          </p>
        ) : tools.length === 0 ? (
          <NoTools />
        ) : (
          <ul className="ctool-list" aria-label="Connected tools">
            {tools.map((t) => (
              <ToolCard key={t.id} tool={t} />
            ))}
          </ul>
        )}
      </div>
    </main>
  );
}

/** Pairing requests put aside with Escape. */
function Waiting() {
  const all = useTools((s) => s.pending);
  const later = useTools((s) => s.later);
  const items = all
    .filter((p) => later.includes(p.id))
    .map((p) => ({
      id: p.id,
      who: (
        <>
          <strong>{p.name}</strong> <span className="muted">expires {relativeOnly(p.expiresAt)}</span>
        </>
      ),
      reviewLabel: `Review ${p.name}`,
      onReview: () => review(p.id),
    }));
  return <PutAside items={items} />;
}

function NoTools() {
  const [copied, copy] = useCopy();
  return (
    <section className="card ctool-empty" aria-labelledby="ctool-empty-title">
      <span className="ctool-empty-icon" aria-hidden="true">
        <SquareTerminal size={22} />
      </span>
      <h2 id="ctool-empty-title">No tools connected yet</h2>
      <p>
        A tool is a script or an app of yours on this computer — a weekly report, a posting script, an automation — that uses your accounts
        through Plugboard. It needs no developer app and no token of its own. Pair one from a terminal:
      </p>
      <div className="ctool-command">
        <code>{FIRST_COMMAND}</code>
        <button type="button" className="icon-button" aria-label={copied ? 'Copied' : 'Copy the command'} onClick={() => copy(FIRST_COMMAND)}>
          {copied ? <Check size={16} aria-hidden="true" /> : <Copy size={16} aria-hidden="true" />}
        </button>
      </div>
      <p className="muted">Plugboard then asks you here which accounts it may use and what it may do.</p>
    </section>
  );
}

function AccountChip({ account }: { account: ToolAccountView }) {
  const platform = usePlatforms((s) => s.platforms.find((p) => p.id === account.platform)?.name ?? account.platform);
  return (
    <li className="ctool-chip">
      <PlatformBadge platform={account.platform} size="sm" />
      <span>
        {atHandle(account.handle)} <span className="sr-only">on {platform}</span>
      </span>
    </li>
  );
}

function ToolCard({ tool }: { tool: ToolView }) {
  const [confirm, setConfirm] = useState(false);
  const nameId = useId();
  const paired = formatWhen(tool.pairedAt);
  const used = tool.lastUsed ? formatWhen(tool.lastUsed.at) : null;
  return (
    <li>
      <article className="card ctool" aria-labelledby={nameId}>
        <header className="ctool-head">
          <span className="tools-icon" aria-hidden="true">
            <SquareTerminal size={16} />
          </span>
          <div className="ctool-title">
            <h2 id={nameId}>{tool.name}</h2>
            {paired && (
              <p className="muted">
                Paired{' '}
                <time dateTime={tool.pairedAt} title={paired.absolute}>
                  {paired.relative}
                </time>
              </p>
            )}
          </div>
          <button type="button" className="btn btn-secondary btn-sm" aria-label={`Revoke ${tool.name}`} onClick={() => setConfirm(true)}>
            <Unplug size={14} aria-hidden="true" /> Revoke
          </button>
        </header>
        <dl className="ctool-facts">
          <div>
            <dt>Accounts</dt>
            <dd>
              {tool.accounts === 'all' ? (
                <span>All accounts of this workspace, including ones connected later</span>
              ) : tool.accounts.length === 0 ? (
                <span className="muted">None left: its accounts were disconnected</span>
              ) : (
                <ul className="ctool-chips">
                  {tool.accounts.map((a) => (
                    <AccountChip key={a.id} account={a} />
                  ))}
                </ul>
              )}
            </dd>
          </div>
          <div>
            <dt>May</dt>
            <dd>
              <ul className="ctool-chips">
                {tool.capabilities.includes('request') && (
                  <li className="ctool-cap">
                    <ShieldCheck size={14} aria-hidden="true" /> Call platform APIs through Plugboard
                  </li>
                )}
                {tool.capabilities.includes('token') && (
                  <li className="ctool-cap ctool-cap--risky">
                    <TriangleAlert size={14} aria-hidden="true" /> Read access tokens
                  </li>
                )}
                {/* Unattended publishing supersedes the confirmed kind: naming both would promise a confirmation that never comes. */}
                {tool.capabilities.includes('publish') && !tool.capabilities.includes('publish_unattended') && (
                  <li className="ctool-cap">
                    <Send size={14} aria-hidden="true" /> Publish posts (you confirm each one)
                  </li>
                )}
                {tool.capabilities.includes('publish_unattended') && (
                  <li className="ctool-cap ctool-cap--risky">
                    <TriangleAlert size={14} aria-hidden="true" /> Publish without asking
                  </li>
                )}
              </ul>
            </dd>
          </div>
          <div>
            <dt>Last used</dt>
            <dd>
              {tool.lastUsed && used ? (
                <span className="ctool-used">
                  <span className="ctool-what">{tool.lastUsed.what}</span>
                  {tool.lastUsed.account && <span>on {atHandle(tool.lastUsed.account.handle)}</span>}
                  <span className="muted" aria-hidden="true">
                    ·
                  </span>
                  <time className="muted" dateTime={tool.lastUsed.at} title={used.absolute}>
                    {used.relative}
                  </time>
                </span>
              ) : (
                <span className="muted">Not used yet</span>
              )}
            </dd>
          </div>
        </dl>
        {confirm && <RevokeDialog tool={tool} onClose={() => setConfirm(false)} />}
      </article>
    </li>
  );
}

function RevokeDialog({ tool, onClose }: { tool: ToolView; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    const failure = await revokeTool(tool);
    setBusy(false);
    if (failure) setError(failure);
    else onClose();
  };
  return (
    <Dialog
      title={`Revoke “${tool.name}”?`}
      onClose={onClose}
      busy={busy}
      actions={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose} disabled={busy} data-autofocus>
            Cancel
          </button>
          <button type="button" className="btn btn-danger" onClick={() => void confirm()} disabled={busy}>
            {busy && <LoaderCircle size={16} className="spin" aria-hidden="true" />}
            Revoke
          </button>
        </>
      }
    >
      <p>
        Its key stops working at once, for every account.
        {tool.capabilities.includes('token') && ' Access tokens it already read stay valid until they expire.'} To use it again, pair it again.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
