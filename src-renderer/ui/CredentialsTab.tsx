import { Check, ExternalLink, LoaderCircle } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import type { ApiError, PlatformView } from '../../src-main/api/contract.ts';
import { clearCredentials, saveCredentials, setScopeOption } from '../state/platforms.ts';
import { formatWhen } from './format.ts';
import { RedirectSettings, RedirectUri } from './RedirectSettings.tsx';

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
