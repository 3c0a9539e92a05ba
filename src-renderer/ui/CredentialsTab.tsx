// The pieces of a platform's setup (SetupGuide.tsx puts them in order): the guide's numbered sub-steps,
// an optional permission set, and the form for the app's client ID and secret.
import { Check, LoaderCircle } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import type { ApiError, PlatformView } from '../../src-main/api/contract.ts';
import { clearCredentials, saveCredentials, setScopeOption } from '../state/platforms.ts';
import { formatWhen } from './format.ts';

const REDIRECT_PLACEHOLDER = '{redirectUri}';

/** A stage's sentences as 1.1, 1.2…: the number is text, so it is read out too. */
export function GuideSteps({ stage, steps, redirectUri }: { stage: number; steps: string[]; redirectUri?: string | null }) {
  if (steps.length === 0) return null;
  return (
    <ol className="guide guide--nested">
      {steps.map((text, i) => (
        <li key={i}>
          <span className="substep-number">
            {stage}.{i + 1}
          </span>
          <span>
            {text.split(REDIRECT_PLACEHOLDER).map((part, j) => (
              <span key={j}>
                {j > 0 && (redirectUri ? <code className="inline-code">{redirectUri}</code> : 'your HTTPS page’s address')}
                {part}
              </span>
            ))}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** An optional permission set (LinkedIn company pages), off until the user's app has the product behind it. */
export function ScopeOption({ platform, option }: { platform: PlatformView; option: PlatformView['scopeOptions'][number] }) {
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
export function CredentialsForm({ platform, onSaved }: { platform: PlatformView; onSaved: () => void }) {
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
    const failure = await saveCredentials(platform.id, clientId, secret);
    setError(failure);
    setPending(null);
    if (!failure) onSaved();
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
