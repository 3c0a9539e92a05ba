import { CircleCheck, ExternalLink, Globe, LoaderCircle, PlugZap } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import type { FormField, PlatformView, Results } from '../../src-main/api/contract.ts';
import { connectInBrowser, isActive, saveAppPassword, testAppPassword, useFlows } from '../state/connect.ts';
import { Avatar } from './Avatar.tsx';
import { GuideSteps } from './CredentialsTab.tsx';

type Tested = Results['appPassword.test'];

/**
 * The shared "form → test → save" shape of app-password platforms (Bluesky, WordPress):
 * Test connection asks the platform who the values belong to and stores nothing; Connect
 * stores the account with the password sealed on this computer. Secrets are never prefilled.
 */
export function AppPasswordTab({ platform }: { platform: PlatformView }) {
  const fields = platform.form ?? [];
  const [values, setValues] = useState<Record<string, string>>({});
  const [pending, setPending] = useState<'test' | 'save' | null>(null);
  const [tested, setTested] = useState<Tested | null>(null);
  const [error, setError] = useState<string | null>(null);
  const baseId = useId();
  const errorId = `${baseId}-error`;
  const waiting = useFlows((s) => isActive(s.flows[platform.id]));
  // The browser way and the typed form share the site address.
  const siteField = platform.browserConnect ? fields.find((f) => f.kind === 'url') : undefined;
  const typedFields = siteField ? fields.filter((f) => f !== siteField) : fields;

  const filled = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
  const change = (name: string, value: string) => {
    setValues((before) => ({ ...before, [name]: value }));
    setTested(null);
  };

  const test = async () => {
    setPending('test');
    setError(null);
    setTested(null);
    const r = await testAppPassword(platform.id, filled);
    setPending(null);
    if (r.ok) setTested(r.result);
    else setError(r.error.issues?.[0]?.message ?? r.error.message);
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setPending('save');
    setError(null);
    const failure = await saveAppPassword(platform.id, filled);
    setPending(null);
    if (failure) setError(failure.issues?.[0]?.message ?? failure.message);
    else {
      setValues((before) => Object.fromEntries(Object.entries(before).filter(([name]) => fields.find((f) => f.name === name)?.kind !== 'password')));
      setTested(null);
    }
  };

  const renderField = (f: FormField) => {
    const id = `${baseId}-${f.name}`;
    return (
      <div className="field" key={f.name}>
        <label htmlFor={id}>{f.label}</label>
        <input
          id={id}
          className={f.kind === 'text' ? 'input' : 'input input--mono'}
          type={f.kind === 'password' ? 'password' : f.kind === 'url' ? 'url' : 'text'}
          value={values[f.name] ?? ''}
          placeholder={f.placeholder}
          autoComplete={f.autocomplete ?? (f.kind === 'password' ? 'new-password' : 'off')}
          spellCheck={false}
          aria-describedby={f.help ? `${id}-help` : undefined}
          onChange={(e) => change(f.name, e.target.value)}
        />
        {f.help && (
          <p id={`${id}-help`} className="hint">
            {f.help}
          </p>
        )}
      </div>
    );
  };

  return (
    <div className="credentials">
      <div className="credentials-col">
        <h3 className="col-title">
          <span className="step-number" aria-hidden="true">
            1
          </span>
          Create an app password
        </h3>
        <a className="external-link" href={platform.portalUrl} target="_blank" rel="noreferrer">
          Open {platform.name} <ExternalLink size={14} aria-hidden="true" />
        </a>
        <GuideSteps stage={1} steps={platform.guide.app} />
      </div>
      <div className="credentials-col">
        <h3 className="col-title">
          <span className="step-number" aria-hidden="true">
            2
          </span>
          Connect it
        </h3>
        <GuideSteps stage={2} steps={platform.guide.keys} />
        <form className="credentials-form" onSubmit={save} noValidate aria-describedby={error ? errorId : undefined}>
          {siteField && (
            <>
              {renderField(siteField)}
              <div className="browser-connect">
                <button
                  type="button"
                  className="btn btn-primary"
                  disabled={pending !== null || waiting || !values[siteField.name]?.trim()}
                  onClick={() => void connectInBrowser(platform.id, values[siteField.name]!.trim())}
                >
                  <Globe size={16} aria-hidden="true" />
                  Connect in browser
                </button>
                <p className="hint">
                  {platform.browserConnect === 'protocol'
                    ? `${platform.name} asks you to approve Plugboard, creates an application password for it and hands it straight back: nothing to copy.`
                    : `${platform.name} asks you to approve Plugboard and hands the new password back. In the browser version of Plugboard that works for local development sites only (WordPress sends passwords to plain-http addresses only there); for other sites, type an application password below.`}
                </p>
              </div>
              <p className="or-divider">
                <span>or type an application password</span>
              </p>
            </>
          )}
          {typedFields.map(renderField)}
          {error && (
            <p id={errorId} className="form-error" role="alert">
              {error}
            </p>
          )}
          {tested && (
            <div className="tested" role="status">
              <Avatar account={{ id: tested.handle, avatar: tested.avatar, displayName: tested.displayName, handle: tested.handle }} />
              <div>
                <p className="tested-who">
                  <CircleCheck size={15} aria-hidden="true" /> Works: @{tested.handle}
                  {tested.displayName && tested.displayName !== tested.handle ? ` — ${tested.displayName}` : ''}
                </p>
                {tested.notes.map((n) => (
                  <p key={n} className="hint">
                    {n}
                  </p>
                ))}
              </div>
            </div>
          )}
          <div className="form-actions">
            <button type="button" className="btn btn-secondary" disabled={pending !== null} onClick={() => void test()}>
              {pending === 'test' && <LoaderCircle size={16} className="spin" aria-hidden="true" />}
              Test connection
            </button>
            <button type="submit" className="btn btn-primary" disabled={pending !== null}>
              {pending === 'save' ? <LoaderCircle size={16} className="spin" aria-hidden="true" /> : <PlugZap size={16} aria-hidden="true" />}
              Connect
            </button>
          </div>
          <p className="hint">Nothing is stored until you click Connect; the password is then kept encrypted on this computer and never shown again.</p>
        </form>
      </div>
    </div>
  );
}
