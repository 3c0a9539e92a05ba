// Where the browser comes back after consent, on a platform's Credentials tab: the address to register,
// the way back (loopback port, plugboard://, an HTTPS page of the user's own) and the relay page.
import { Check, Copy, Download } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import type { PlatformView } from '../../src-main/api/contract.ts';
import { fetchRelayPage, setRedirect } from '../state/platforms.ts';
import { useCopy } from './hooks.ts';

/** The exact address to register, whole: wrapped over lines rather than cut, so it can be checked by eye. */
export function RedirectUri({ uri, platformName }: { uri: string; platformName: string }) {
  const [copied, copy] = useCopy();
  const id = useId();
  return (
    <div className="address-field">
      <p className="address-label" id={`${id}-label`}>
        Redirect URI
      </p>
      <div className="address-row">
        <code className="address" role="group" aria-labelledby={`${id}-label`} aria-describedby={`${id}-hint`}>
          {uri}
        </code>
        <button type="button" className="btn btn-secondary" aria-label="Copy redirect URI" onClick={() => copy(uri)}>
          {copied ? <Check size={16} aria-hidden="true" /> : <Copy size={16} aria-hidden="true" />}
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="hint" id={`${id}-hint`}>
        Register exactly this address at {platformName}; it must match character for character.
      </p>
    </div>
  );
}

const KIND_LABEL: Record<'loopback' | 'protocol' | 'https-relay', string> = {
  loopback: 'http://127.0.0.1',
  protocol: 'plugboard://',
  'https-relay': 'Your HTTPS page',
};

type ChoosableKind = keyof typeof KIND_LABEL;

/**
 * Where the browser comes back: the loopback port (for platforms that need an exact match, in case
 * another program holds it), plugboard:// in the desktop app, or, for platforms that redirect only
 * to HTTPS, a page of the user's own (the relay page, or any page to paste the address from).
 */
export function RedirectSettings({ platform }: { platform: PlatformView }) {
  const [port, setPort] = useState(String(platform.redirectPort ?? ''));
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const portField = useId();
  const kinds = platform.redirectKinds.filter((k): k is ChoosableKind => k !== 'manual');
  const canChoose = kinds.length > 1;
  if (!canChoose && platform.redirectPort === null && platform.redirectKind !== 'https-relay') return null;

  const apply = async (kind: ChoosableKind, newPort?: number) => {
    setPending(true);
    setError(null);
    const failed = await setRedirect(platform.id, kind, newPort === undefined ? {} : { port: newPort });
    setError(failed ? failed.message : null);
    setPending(false);
  };

  const submitPort = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(port);
    if (!Number.isInteger(n) || n < 1024 || n > 65535) {
      setError('Choose a port from 1024 to 65535.');
      return;
    }
    void apply('loopback', n);
  };

  return (
    <div className="redirect-settings">
      {canChoose && (
        <div className="segmented" role="radiogroup" aria-label="Receive the sign-in through">
          {kinds.map((kind) => (
            <button
              key={kind}
              type="button"
              role="radio"
              aria-checked={platform.redirectKind === kind}
              className={platform.redirectKind === kind ? 'segment segment--on' : 'segment'}
              disabled={pending}
              onClick={() => platform.redirectKind !== kind && void apply(kind)}
            >
              {KIND_LABEL[kind]}
            </button>
          ))}
        </div>
      )}
      {platform.redirectKind === 'loopback' && platform.redirectPort !== null && (
        <form className="port-form" onSubmit={submitPort} noValidate>
          <label htmlFor={portField}>Port</label>
          <input
            id={portField}
            className="input input--mono input--port"
            inputMode="numeric"
            value={port}
            onChange={(e) => setPort(e.target.value)}
            aria-invalid={!!error}
          />
          <button type="submit" className="btn btn-secondary" disabled={pending || port === String(platform.redirectPort)}>
            Change port
          </button>
        </form>
      )}
      {platform.redirectKind === 'https-relay' && <HttpsPageSettings platform={platform} />}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * The two ways an HTTPS-only platform's sign-in comes back (F3): any HTTPS page of the user's and a pasted
 * address, or, for those who host a website, the relay page, which hands it to Plugboard by itself.
 */
function HttpsPageSettings({ platform }: { platform: PlatformView }) {
  const [url, setUrl] = useState(platform.redirectUri ?? '');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [copied, copy] = useCopy();
  const field = useId();

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setPending(true);
    const failed = await setRedirect(platform.id, 'https-relay', { httpsUrl: url.trim() });
    setError(failed ? (failed.issues?.[0]?.message ?? failed.message) : null);
    setPending(false);
  };

  const relay = async (then: (page: { fileName: string; html: string }) => void) => {
    const page = await fetchRelayPage(platform.id);
    if (page) then(page);
  };

  return (
    <div className="https-page">
      <form className="https-form" onSubmit={save} noValidate>
        <label htmlFor={field}>Your HTTPS page</label>
        <div className="copy-field">
          <input
            id={field}
            className="input input--mono"
            type="url"
            value={url}
            placeholder="https://example.com/plugboard-relay.html"
            onChange={(e) => setUrl(e.target.value)}
            aria-invalid={!!error}
            aria-describedby={error ? `${field}-error` : `${field}-hint`}
            spellCheck={false}
          />
          <button type="submit" className="btn btn-secondary" disabled={pending || !url.trim() || url.trim() === platform.redirectUri}>
            Save
          </button>
        </div>
        {error ? (
          <p id={`${field}-error`} className="field-error" role="alert">
            {error}
          </p>
        ) : (
          <p id={`${field}-hint`} className="hint">
            {platform.name} sends the browser back only to an HTTPS address: any page on a site of yours will do. After you approve, the browser lands
            there and may show an error or not load at all; that is expected, and the address it shows is what you paste into Plugboard.
          </p>
        )}
      </form>
      <div className="relay-option">
        <p className="relay-title">If you host a website: the relay page</p>
        <p className="hint">
          Put this small file on your HTTPS site (GitHub Pages, Netlify, your blog) and enter its address above. After you approve, it hands the
          sign-in to Plugboard by itself, so there is nothing to paste; it loads nothing and keeps nothing.
        </p>
        <span className="https-actions">
          <button type="button" className="btn btn-secondary" onClick={() => void relay((p) => download(p.fileName, p.html))}>
            <Download size={16} aria-hidden="true" />
            Download relay page
          </button>
          <button type="button" className="btn btn-secondary" onClick={() => void relay((p) => copy(p.html))}>
            {copied ? <Check size={16} aria-hidden="true" /> : <Copy size={16} aria-hidden="true" />}
            {copied ? 'Copied' : 'Copy its HTML'}
          </button>
        </span>
      </div>
    </div>
  );
}

/** Saves a generated file through the browser's download (the desktop app shows a save dialog). */
function download(fileName: string, text: string): void {
  const href = URL.createObjectURL(new Blob([text], { type: 'text/html' }));
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 1000);
}
