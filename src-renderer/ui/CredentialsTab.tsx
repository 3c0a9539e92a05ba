import { Check, Copy, ExternalLink, LoaderCircle } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import type { ApiError, PlatformView } from '../../src-main/api/contract.ts';
import { clearCredentials, saveCredentials, setRedirect } from '../state/store.ts';
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

/**
 * Where the browser comes back: the loopback port (for platforms that need an exact
 * match, in case another program holds it) and, in the desktop app, plugboard:// instead.
 */
function RedirectSettings({ platform }: { platform: PlatformView }) {
  const [port, setPort] = useState(String(platform.redirectPort ?? ''));
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const portField = useId();
  const canChoose = platform.redirectKinds.includes('loopback') && platform.redirectKinds.includes('protocol');
  if (!canChoose && platform.redirectPort === null) return null;

  const apply = async (kind: 'loopback' | 'protocol', newPort?: number) => {
    setPending(true);
    setError(null);
    const failed = await setRedirect(platform.id, kind, newPort);
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
          {(['loopback', 'protocol'] as const).map((kind) => (
            <button
              key={kind}
              type="button"
              role="radio"
              aria-checked={platform.redirectKind === kind}
              className={platform.redirectKind === kind ? 'segment segment--on' : 'segment'}
              disabled={pending}
              onClick={() => platform.redirectKind !== kind && void apply(kind)}
            >
              {kind === 'loopback' ? 'http://127.0.0.1' : 'plugboard://'}
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
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
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
        <RedirectSettings key={`${platform.redirectKind}|${platform.redirectPort}`} platform={platform} />
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
