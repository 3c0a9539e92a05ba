import { Check, Copy, Download, ExternalLink, LoaderCircle } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import type { ApiError, PlatformView } from '../../src-main/api/contract.ts';
import { clearCredentials, fetchRelayPage, saveCredentials, setRedirect, setScopeOption } from '../state/platforms.ts';
import { formatWhen } from './format.ts';
import { useCopy } from './hooks.ts';

const REDIRECT_PLACEHOLDER = '{redirectUri}';

function GuideStep({ text, redirectUri }: { text: string; redirectUri: string | null }) {
  const parts = text.split(REDIRECT_PLACEHOLDER);
  return (
    <li>
      {parts.map((part, i) => (
        <span key={i}>
          {i > 0 && (redirectUri ? <code className="inline-code">{redirectUri}</code> : 'the redirect URI above')}
          {part}
        </span>
      ))}
    </li>
  );
}

function RedirectUri({ uri, platformName }: { uri: string | null; platformName: string }) {
  const [copied, copy] = useCopy();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Redirect URI</label>
      <div className="copy-field">
        <input
          id={id}
          className="input input--mono"
          readOnly
          value={uri ?? ''}
          placeholder="Shown once Plugboard knows where the browser comes back"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button
          type="button"
          className="btn btn-secondary"
          aria-label="Copy redirect URI"
          disabled={!uri}
          onClick={() => uri && copy(uri)}
        >
          {copied ? <Check size={16} aria-hidden="true" /> : <Copy size={16} aria-hidden="true" />}
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="hint">Register exactly this address at {platformName}; it must match character for character.</p>
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
function RedirectSettings({ platform }: { platform: PlatformView }) {
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
 * The two ways an HTTPS-only platform's sign-in comes back (F3): a relay page the user hosts, which
 * hands it to Plugboard by itself, or any HTTPS page of theirs and a pasted address.
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
      <p className="hint">
        {platform.name} sends the browser back only to an HTTPS address. Either way below works; the first is smoother.
      </p>
      <ol className="https-ways">
        <li>
          <strong>Host the relay page.</strong> Put this small file on any HTTPS site you own (GitHub Pages, Netlify, your blog). After you approve,
          it hands the sign-in to Plugboard by itself; it loads nothing and keeps nothing.
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
        </li>
        <li>
          <strong>Or use any HTTPS page of yours.</strong> After you approve, the browser lands there with a long address: paste it into Plugboard
          (“Browser didn't come back?”).
        </li>
      </ol>
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
            aria-describedby={error ? `${field}-error` : undefined}
            spellCheck={false}
          />
          <button type="submit" className="btn btn-secondary" disabled={pending || !url.trim() || url.trim() === platform.redirectUri}>
            Save
          </button>
        </div>
        {error && (
          <p id={`${field}-error`} className="field-error" role="alert">
            {error}
          </p>
        )}
        <p className="hint">This address is the redirect URI to register at {platform.name}.</p>
      </form>
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

/** An optional permission set (LinkedIn company pages), off until the user's app has the product behind it. */
function ScopeOption({ platform, option }: { platform: PlatformView; option: PlatformView['scopeOptions'][number] }) {
  // Shown at once; the saved value comes back with the platform (a refusal puts it back).
  const [on, setOn] = useState(option.enabled);
  const id = useId();
  return (
    <div className="scope-option">
      <input
        id={id}
        type="checkbox"
        checked={on}
        aria-describedby={`${id}-help`}
        onChange={async (e) => {
          const wanted = e.target.checked;
          setOn(wanted);
          if (!(await setScopeOption(platform.id, option.id, wanted))) setOn(!wanted);
        }}
      />
      <div>
        <label htmlFor={id}>{option.label}</label>
        <p id={`${id}-help`} className="hint">
          {option.help}
        </p>
      </div>
    </div>
  );
}

function issueFor(error: ApiError | null, field: string): string | null {
  return error?.issues?.find((i) => i.path === field || i.path.endsWith(`.${field}`))?.message ?? null;
}

/** Remounted (by key) whenever the saved credentials change, so the inputs start from what is stored. */
function CredentialsForm({ platform }: { platform: PlatformView }) {
  const { credentials } = platform;
  const [clientId, setClientId] = useState(credentials.clientId ?? '');
  const [secret, setSecret] = useState('');
  const [pending, setPending] = useState<'save' | 'clear' | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const idField = useId();
  const secretField = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setPending('save');
    setError(null);
    setError(await saveCredentials(platform.id, clientId, secret));
    setPending(null);
  };

  const clear = async () => {
    setPending('clear');
    setError(null);
    setError(await clearCredentials(platform.id));
    setPending(null);
  };

  const idIssue = issueFor(error, 'clientId');
  const secretIssue = issueFor(error, 'clientSecret');
  const general = error && !idIssue && !secretIssue ? error.message : null;
  const savedAt = formatWhen(credentials.savedAt);
  const nothingStored = !credentials.saved && !credentials.hasSecret && !credentials.clientId;

  return (
    <form className="credentials-form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={idField}>Client ID</label>
        <input
          id={idField}
          className="input input--mono"
          value={clientId}
          onChange={(e) => setClientId(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={!!idIssue}
          aria-describedby={idIssue ? `${idField}-error` : undefined}
        />
        {idIssue && (
          <p id={`${idField}-error`} className="field-error" role="alert">
            {idIssue}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={secretField}>Client secret</label>
        <input
          id={secretField}
          className="input input--mono"
          type="password"
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          placeholder={credentials.hasSecret ? '•••••••• saved' : ''}
          autoComplete="new-password"
          spellCheck={false}
          aria-invalid={!!secretIssue}
          aria-describedby={`${secretField}-hint`}
        />
        {secretIssue ? (
          <p id={`${secretField}-hint`} className="field-error" role="alert">
            {secretIssue}
          </p>
        ) : (
          <p id={`${secretField}-hint`} className="hint">
            {credentials.hasSecret
              ? 'Stored encrypted on this computer and never shown again. Leave empty to keep it.'
              : 'Stored encrypted on this computer. Leave empty for a public client without a secret.'}
          </p>
        )}
      </div>
      {general && (
        <p className="form-error" role="alert">
          {general}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={pending !== null}>
          {pending === 'save' && <LoaderCircle size={16} className="spin" aria-hidden="true" />}
          Save credentials
        </button>
        <button type="button" className="btn btn-secondary" disabled={pending !== null || nothingStored} onClick={clear}>
          {pending === 'clear' && <LoaderCircle size={16} className="spin" aria-hidden="true" />}
          Clear
        </button>
        {credentials.saved && savedAt && (
          <span className="saved-note">
            <Check size={14} aria-hidden="true" /> Saved {savedAt.relative}
          </span>
        )}
      </div>
    </form>
  );
}

export function CredentialsTab({ platform }: { platform: PlatformView }) {
  return (
    <div className="credentials">
      <div className="credentials-col">
        <h3 className="col-title">
          <span className="step-number" aria-hidden="true">
            1
          </span>
          Create your {platform.name} app
        </h3>
        <RedirectUri uri={platform.redirectUri} platformName={platform.name} />
        <RedirectSettings key={`${platform.redirectKind}|${platform.redirectPort}|${platform.redirectUri}`} platform={platform} />
        <a className="external-link" href={platform.portalUrl} target="_blank" rel="noreferrer">
          Open developer portal <ExternalLink size={14} aria-hidden="true" />
        </a>
        {platform.guide.length > 0 && (
          <ol className="guide">
            {platform.guide.map((step, i) => (
              <GuideStep key={i} text={step} redirectUri={platform.redirectUri} />
            ))}
          </ol>
        )}
        {platform.scopes.length > 0 && (
          <p className="hint">
            Permissions Plugboard asks for:{' '}
            {platform.scopes.map((s, i) => (
              <span key={s}>
                {i > 0 && ' '}
                <code className="inline-code">{s}</code>
              </span>
            ))}
          </p>
        )}
        {platform.scopeOptions.map((option) => (
          <ScopeOption key={option.id} platform={platform} option={option} />
        ))}
      </div>
      <div className="credentials-col">
        <h3 className="col-title">
          <span className="step-number" aria-hidden="true">
            2
          </span>
          Paste its keys
        </h3>
        <CredentialsForm key={`${platform.credentials.savedAt ?? ''}|${platform.credentials.clientId ?? ''}`} platform={platform} />
      </div>
    </div>
  );
}
