import { LoaderCircle, SquareTerminal } from 'lucide-react';
import { useState } from 'react';
import type { PostConfirmationView } from '../../src-main/api/contract.ts';
import { checkPost } from '../../src-main/api/post-rules.ts';
import { usePlatforms } from '../state/platforms.ts';
import { confirmLater, confirmPost, rejectPost, usePosts } from '../state/posts.ts';
import { useTools } from '../state/tools.ts';
import { Dialog } from './Dialog.tsx';
import { PlatformBadge } from './PlatformBadge.tsx';
import { atHandle } from './format.ts';
import { nextWaiting, Stamp } from './waiting-requests.tsx';
import './posts.css';
import './tools.css';

/**
 * A tool's post waiting for the user (issue 14): the exact text and link it would publish, where, and Post or
 * Don't post. One at a time, oldest first; Escape puts one aside for the Post page. A pairing request goes
 * first: only one dialog is open at once.
 */
export function PostConfirmDialog() {
  const pending = usePosts((s) => s.pending);
  const later = usePosts((s) => s.later);
  const pairing = useTools((s) => s.pending.some((p) => !s.later.includes(p.id)));
  const next = nextWaiting(pending, later);
  if (pairing || !next) return null;
  return <Confirmation key={next.request.id} {...next} />;
}


function Confirmation({ request, position, total }: { request: PostConfirmationView; position: number; total: number }) {
  const platforms = usePlatforms((s) => s.platforms);
  const [busy, setBusy] = useState<'post' | 'reject' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const answer = async (kind: 'post' | 'reject') => {
    setBusy(kind);
    const failure = kind === 'post' ? await confirmPost(request) : await rejectPost(request);
    setBusy(null);
    if (failure) setError(failure);
  };

  return (
    <Dialog
      title={`“${request.toolName}” wants to post`}
      className="dialog--wide"
      busy={busy !== null}
      onClose={() => confirmLater(request)}
      actions={
        <>
          {total > 1 && (
            <span className="pairing-count" aria-live="polite">
              Request {position} of {total}
            </span>
          )}
          <button type="button" className="btn btn-secondary" onClick={() => void answer('reject')} disabled={busy !== null}>
            {busy === 'reject' && <LoaderCircle size={16} className="spin" aria-hidden="true" />}
            Don't post
          </button>
          <button type="button" className="btn btn-primary" onClick={() => void answer('post')} disabled={busy !== null}>
            {busy === 'post' && <LoaderCircle size={16} className="spin" aria-hidden="true" />}
            Post
          </button>
        </>
      }
    >
      <div className="pairing-form">
        <div className="pairing-who">
          <span className="pairing-icon" aria-hidden="true">
            <SquareTerminal size={18} />
          </span>
          <div className="pairing-who-text">
            <p className="pairing-name">{request.toolName}</p>
            <p className="pairing-times">
              <Stamp iso={request.requestedAt} prefix="Asked" /> · <Stamp iso={request.expiresAt} prefix="expires" />
            </p>
          </div>
        </div>
        <p className="muted">A tool you paired asks to publish this. Nothing is posted unless you say Post.</p>

        <div className="confirm-part">
          <h3 className="confirm-label">Text, exactly as the tool sent it</h3>
          {/* Focusable so the keyboard can scroll a long text; shown as sent, whitespace and all. */}
          <div className="confirm-text" tabIndex={0} role="region" aria-label="The post's text">
            {request.text}
          </div>
        </div>
        {request.link && (
          <div className="confirm-part">
            <h3 className="confirm-label">Link</h3>
            <p className="confirm-link">{request.link}</p>
          </div>
        )}
        {request.draft && <p className="muted">WordPress keeps it as a draft: it is saved there, not published.</p>}

        <div className="confirm-part">
          <h3 className="confirm-label">To</h3>
          <ul className="confirm-accounts">
            {request.accounts.map((a) => {
              const name = platforms.find((p) => p.id === a.platform)?.name ?? a.platform;
              const problems = checkPost(a.platform, request).problems;
              return (
                <li key={a.id}>
                  <span className="ctool-chip">
                    <PlatformBadge platform={a.platform} size="sm" />
                    <span>
                      {atHandle(a.handle)} <span className="sr-only">on {name}</span>
                    </span>
                  </span>
                  {problems.length > 0 && <span className="confirm-problem">{problems.join(' ')} Not sent there.</span>}
                </li>
              );
            })}
          </ul>
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </Dialog>
  );
}
