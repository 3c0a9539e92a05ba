// src-renderer/ui/: the React components of the window.
import { Info } from 'lucide-react';
import { useState } from 'react';
import { useApp } from '../state/app.ts';
import { useSession } from '../state/session.ts';
import { Dialog } from './Dialog.tsx';

/** The About panel: which Plugboard this is, and how it keeps tokens. */
export function About() {
  const about = useApp((s) => s.app?.about);
  const lock = useSession((s) => s.lock);
  const [open, setOpen] = useState(false);
  if (!about) return null;
  return (
    <>
      <button type="button" className="about-button" onClick={() => setOpen(true)}>
        <Info size={14} aria-hidden="true" />
        <span className="nav-label">About Plugboard</span>
      </button>
      {open && (
        <Dialog
          title="About Plugboard"
          onClose={() => setOpen(false)}
          actions={
            <button type="button" className="btn btn-primary" onClick={() => setOpen(false)} data-autofocus>
              Close
            </button>
          }
        >
          <dl className="about-facts">
            <dt>Version</dt>
            <dd>{about.version}</dd>
            <dt>Edition</dt>
            <dd>{about.shell}</dd>
            <dt>Runs on</dt>
            <dd>{about.runtime}</dd>
            <dt>Your tokens</dt>
            <dd>
              Encrypted on this computer (AES-256-GCM) under a key kept by{' '}
              {lock?.protection === 'keychain' ? 'the system keychain' : 'a passphrase only you know'}. They go only to the platform they belong to.
            </dd>
          </dl>
        </Dialog>
      )}
    </>
  );
}
