// A platform's setup, one step at a time, on its Credentials tab: make the app, register this exact address,
// paste the keys, check them with a Connect. The list shows which step is open and which are done; the
// texts come from the platform's declaration (src-main/connectors/setup-guides.ts).
import { Check, ExternalLink, LoaderCircle, Plus } from 'lucide-react';
import { useId, useRef, useState } from 'react';
import type { PlatformView } from '../../src-main/api/contract.ts';
import { useAccounts } from '../state/accounts.ts';
import { useApp } from '../state/app.ts';
import { connect, isActive, useFlows } from '../state/connect.ts';
import { CredentialsForm, GuideSteps, ScopeOption } from './CredentialsTab.tsx';
import { atHandle, OFFLINE_REASON } from './format.ts';
import { RedirectSettings, RedirectUri } from './RedirectSettings.tsx';
import './setup-guide.css';

type Step = 0 | 1 | 2 | 3;

/** Said before the browser opens, because the page it lands on looks broken when all is well. */
export function httpsLandingNote(platformName: string): string {
  return `${platformName} sends the browser back to your HTTPS page. Unless your relay page is there, the browser lands on a page that shows an error or does not load: that is expected. Copy the whole address from the browser's address bar and paste it into Plugboard.`;
}

export function SetupGuide({ platform }: { platform: PlatformView }) {
  const accounts = useAccounts((s) => s.accounts);
  const connected = accounts.filter((a) => a.platform === platform.id);
  const saved = platform.credentials.saved;
  const https = platform.redirectKind === 'https-relay';
  const addressKnown = platform.redirectUri !== null;
  // A client that takes any loopback port (Google's Desktop app) has nothing to register.
  const anyPort = platform.redirectKind === 'loopback' && platform.redirectPort === null;
  const [open, setOpen] = useState<Step>(() => (!saved ? 0 : https && !addressKnown ? 1 : 3));
  const [passed, setPassed] = useState<Set<Step>>(() => new Set());
  const headers = useRef<(HTMLButtonElement | null)[]>([]);
  const baseId = useId();

  const done: Record<Step, boolean> = {
    0: saved || passed.has(0),
    1: (saved && addressKnown) || (passed.has(1) && addressKnown),
    2: saved,
    3: connected.length > 0,
  };

  const go = (step: Step) => {
    setOpen(step);
    requestAnimationFrame(() => headers.current[step]?.focus());
  };
  const next = (from: Step) => {
    setPassed((before) => new Set(before).add(from));
    go((from + 1) as Step);
  };

  const titles: Record<Step, string> = {
    0: `Create your ${platform.name} app`,
    1: anyPort ? 'Where the browser comes back' : https ? 'Choose your HTTPS page and register it' : 'Register this exact address',
    2: 'Paste its keys',
    3: 'Check them with a Connect',
  };

  const settings = <RedirectSettings key={`${platform.redirectKind}|${platform.redirectPort}|${platform.redirectUri}`} platform={platform} />;

  const body = (step: Step) => {
    switch (step) {
      case 0:
        return (
          <>
            <a className="external-link" href={platform.portalUrl} target="_blank" rel="noreferrer">
              Open developer portal <ExternalLink size={14} aria-hidden="true" />
            </a>
            <GuideSteps stage={1} steps={platform.guide.app} />
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
            <NextButton onClick={() => next(0)} label={titles[1]} />
          </>
        );
      case 1:
        return (
          <>
            {/* An HTTPS page is chosen before there is an address; a loopback port is only changed when it is taken. */}
            {https && settings}
            {!anyPort && platform.redirectUri && <RedirectUri uri={platform.redirectUri} platformName={platform.name} />}
            <GuideSteps stage={2} steps={platform.guide.redirect} redirectUri={platform.redirectUri} />
            {!https && settings}
            <NextButton onClick={() => next(1)} label={titles[2]} disabled={!addressKnown} />
          </>
        );
      case 2:
        return (
          <>
            <GuideSteps stage={3} steps={platform.guide.keys} />
            <CredentialsForm
              key={`${platform.credentials.savedAt ?? ''}|${platform.credentials.clientId ?? ''}`}
              platform={platform}
              onSaved={() => next(2)}
            />
          </>
        );
      case 3:
        return <CheckStep platform={platform} ready={saved && addressKnown} https={https} handles={connected.map((a) => atHandle(a.handle))} />;
    }
  };

  return (
    <ol className="setup" aria-label={`Set up ${platform.name}`}>
      {([0, 1, 2, 3] as const).map((step) => {
        const isOpen = open === step;
        const state = isOpen ? 'open' : done[step] ? 'done' : 'todo';
        return (
          <li key={step} className={`setup-step setup-step--${state}`} aria-current={isOpen ? 'step' : undefined}>
            <h3 className="setup-head">
              <button
                type="button"
                ref={(el) => {
                  headers.current[step] = el;
                }}
                aria-expanded={isOpen}
                aria-controls={`${baseId}-${step}`}
                onClick={() => setOpen(step)}
              >
                <span className="step-number" aria-hidden="true">
                  {done[step] && !isOpen ? <Check size={12} strokeWidth={3} /> : step + 1}
                </span>
                <span className="setup-title">{titles[step]}</span>
                <span className="setup-state">{isOpen ? 'Current step' : done[step] ? 'Done' : ''}</span>
              </button>
            </h3>
            {isOpen && (
              <div className="setup-body" id={`${baseId}-${step}`}>
                {body(step)}
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}

function NextButton({ onClick, label, disabled = false }: { onClick: () => void; label: string; disabled?: boolean }) {
  return (
    <div className="setup-nav">
      <button type="button" className="btn btn-secondary" onClick={onClick} disabled={disabled}>
        Next: {label}
      </button>
    </div>
  );
}

/** The last step: a Connect is the only real check of the keys and the address together. */
function CheckStep({ platform, ready, https, handles }: { platform: PlatformView; ready: boolean; https: boolean; handles: string[] }) {
  const waiting = useFlows((s) => isActive(s.flows[platform.id]));
  const offline = useApp((s) => s.app?.online === false);
  const [starting, setStarting] = useState(false);
  const noteId = useId();
  const blockedBy = !ready
    ? 'Finish the steps above first.'
    : waiting
      ? 'A connection is already waiting for your browser.'
      : offline
        ? OFFLINE_REASON
        : null;
  return (
    <>
      {handles.length > 0 ? (
        <p className="setup-checked">
          <Check size={16} aria-hidden="true" /> Checked: {handles.join(', ')} {handles.length === 1 ? 'is' : 'are'} connected with these keys.
        </p>
      ) : (
        <p className="hint">
          Plugboard opens the {platform.name} consent page in your browser. When you approve there, the account appears here; if something is off,
          Plugboard says which part to fix.
        </p>
      )}
      {/* While a Connect waits, its panel above says this. */}
      {https && !waiting && (
        <p className="setup-note" id={noteId}>
          {httpsLandingNote(platform.name)}
        </p>
      )}
      <div className="setup-nav">
        <button
          type="button"
          className="btn btn-primary"
          disabled={!!blockedBy || starting}
          aria-describedby={https && !waiting ? noteId : undefined}
          onClick={async () => {
            setStarting(true);
            await connect(platform.id);
            setStarting(false);
          }}
        >
          {starting ? <LoaderCircle size={16} className="spin" aria-hidden="true" /> : <Plus size={16} aria-hidden="true" />}
          {handles.length > 0 ? 'Connect another account' : 'Connect to check'}
        </button>
        {blockedBy && <span className="hint">{blockedBy}</span>}
      </div>
    </>
  );
}
