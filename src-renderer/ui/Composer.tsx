import { Check, LoaderCircle, Send } from 'lucide-react';
import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { checkPost, PLATFORM_NAMES, PUBLISH_RULES, type PostCheck } from '../../src-main/api/post-rules.ts';
import type { AccountView, PlatformId, PostOutcome } from '../../src-main/api/contract.ts';
import { useAccounts } from '../state/accounts.ts';
import { clearComposer, compose, publish, usePosts } from '../state/posts.ts';
import { showPage } from '../state/page.ts';
import { Avatar } from './Avatar.tsx';
import { PlatformBadge } from './PlatformBadge.tsx';
import { PostResults } from './PostResults.tsx';
import { atHandle, plural } from './format.ts';

/** Shown by the counters only once there is text: an empty box is not a problem yet. */
const EMPTY_TEXT = 'Write something to post.';

const IS_MAC = /Mac/.test(navigator.platform);

/** The contract's rule for a link, said before Publish rather than after. */
function linkProblem(link: string): string | null {
  if (!link) return null;
  try {
    const u = new URL(link);
    if ((u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password) return null;
  } catch {
    // Not an address at all: the same sentence.
  }
  return 'Enter a link that starts with https://';
}

/** A platform among the chosen accounts, with its check against the post as it stands. */
interface PlatformCheck {
  platform: PlatformId;
  name: string;
  check: PostCheck;
  accounts: AccountView[];
}

/**
 * The composer (issue 14): the workspace's accounts as chips, the text, an optional link, a counter per chosen
 * platform as that platform counts, Publish, and each account's result inline. Accounts whose platform cannot
 * take the post as it stands are named and skipped; Publish sends to the others.
 */
export function Composer() {
  const accounts = useAccounts((s) => s.accounts);
  const { text, link, accountIds, draft } = usePosts((s) => s.composition);
  const publishing = usePosts((s) => s.publishing);
  const published = usePosts((s) => s.published);
  const [error, setError] = useState<string | null>(null);
  // The link's sentence waits until the field is left: half a typed address is not a mistake yet.
  const [linkLeft, setLinkLeft] = useState(false);
  const id = useId();

  // Chosen accounts of another workspace (after a switch) or since disconnected drop out here.
  const chosen = accounts.filter((a) => accountIds.includes(a.id));
  const hasWordPress = chosen.some((a) => a.platform === 'wordpress');
  const keepDraft = draft && hasWordPress;
  const byPlatform = new Map<PlatformId, AccountView[]>();
  for (const a of chosen) byPlatform.set(a.platform, [...(byPlatform.get(a.platform) ?? []), a]);
  // The same check the core makes before sending, so what the counters say is what happens.
  const checks = [...byPlatform].map(([platform, list]): PlatformCheck => ({
    platform,
    name: PLATFORM_NAMES[platform],
    check: checkPost(platform, { text, link: link.trim() || null, draft: keepDraft }),
    accounts: list,
  }));
  const sendable = checks.filter((c) => c.check.problems.length === 0).flatMap((c) => c.accounts);
  const skipped = text.trim() ? checks.filter((c) => c.check.problems.length > 0) : [];
  const done = published !== null;
  const badLink = linkProblem(link.trim());
  const canPublish = !done && !publishing && text.trim() !== '' && sendable.length > 0 && !badLink;

  const toggle = (account: AccountView) => {
    setError(null);
    compose({ accountIds: accountIds.includes(account.id) ? accountIds.filter((a) => a !== account.id) : [...accountIds, account.id] });
  };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!canPublish) return;
    setError(await publish(sendable.map((a) => a.id)));
  };

  const clear = () => {
    setError(null);
    clearComposer();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
    }
  };

  if (accounts.length === 0) {
    return (
      <section className="card composer composer--empty" aria-label="New post">
        <p>No account is connected in this workspace yet. Connect one, and you can post to it from here.</p>
        <button type="button" className="btn btn-secondary btn-sm" onClick={() => showPage('platforms')}>
          Go to Platforms
        </button>
      </section>
    );
  }

  const unsupported = [...new Set(accounts.map((a) => a.platform))].filter((p) => !PUBLISH_RULES[p].supported);
  const publishLabel = skipped.length > 0 && sendable.length > 0 ? `Publish to ${sendable.length} of ${chosen.length} accounts` : 'Publish';

  return (
    <form className="card composer" aria-label="New post" onSubmit={(e) => void submit(e)} onKeyDown={onKeyDown} noValidate>
      <fieldset className="composer-to">
        <legend>Post to</legend>
        <ul className="composer-chips">
          {accounts.map((a) => {
            const rule = PUBLISH_RULES[a.platform];
            const on = accountIds.includes(a.id);
            return (
              <li key={a.id}>
                <button
                  type="button"
                  className={rule.supported ? 'composer-chip' : 'composer-chip composer-chip--cannot'}
                  aria-pressed={on}
                  disabled={!rule.supported || done}
                  aria-describedby={rule.supported ? undefined : `${id}-cannot-${a.platform}`}
                  onClick={() => toggle(a)}
                >
                  <Avatar account={a} />
                  <span className="composer-chip-handle">{atHandle(a.handle)}</span>
                  <PlatformBadge platform={a.platform} size="sm" />
                  <span className="sr-only">on {PLATFORM_NAMES[a.platform]}</span>
                  {on && <Check size={14} className="composer-chip-check" aria-hidden="true" />}
                </button>
              </li>
            );
          })}
        </ul>
        {unsupported.map((p) => {
          const rule = PUBLISH_RULES[p];
          return (
            <p key={p} id={`${id}-cannot-${p}`} className="composer-cannot">
              {!rule.supported && rule.reason}
            </p>
          );
        })}
      </fieldset>

      <div className="field">
        <label htmlFor={`${id}-text`}>Text</label>
        <textarea
          id={`${id}-text`}
          className="input composer-text"
          rows={5}
          value={text}
          readOnly={done}
          onChange={(e) => compose({ text: e.target.value })}
          aria-describedby={`${id}-counters`}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-link`}>
          Link <span className="muted">(optional)</span>
        </label>
        <input
          id={`${id}-link`}
          className="input"
          type="url"
          inputMode="url"
          placeholder="https://"
          value={link}
          readOnly={done}
          aria-invalid={badLink && linkLeft ? true : undefined}
          aria-describedby={badLink && linkLeft ? `${id}-link-error` : undefined}
          onBlur={() => setLinkLeft(true)}
          onChange={(e) => compose({ link: e.target.value })}
        />
        {badLink && linkLeft && (
          <p id={`${id}-link-error`} className="field-error">
            {badLink}
          </p>
        )}
      </div>
      {hasWordPress && (
        <label className="composer-draft">
          <input type="checkbox" checked={draft} disabled={done} onChange={(e) => compose({ draft: e.target.checked })} />
          Keep as draft <span className="muted">on WordPress: it is saved there, not published</span>
        </label>
      )}

      <div id={`${id}-counters`} className="composer-counters" aria-live="polite">
        {checks.length === 0 ? (
          <p className="muted">Choose the accounts to post to.</p>
        ) : (
          <ul aria-label="Length per platform">
            {checks.map(({ platform, name, check: { length, limit } }) =>
              // Only platforms that take text posts can be chosen, and those always have a count.
              length === null || limit === null ? null : (
                <li key={platform} className={length > limit ? 'composer-counter composer-counter--over' : 'composer-counter'} data-platform={platform}>
                  <PlatformBadge platform={platform} size="sm" />
                  {name} {length.toLocaleString()}/{limit.toLocaleString()}
                </li>
              ),
            )}
          </ul>
        )}
        {skipped.map((c) => (
          <p key={c.platform} className="composer-skip">
            {c.check.problems.filter((p) => p !== EMPTY_TEXT).join(' ')} {c.accounts.map((a) => atHandle(a.handle)).join(', ')} will be skipped.
          </p>
        ))}
      </div>

      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {published && (
        <section className="composer-results" aria-label="Results" aria-live="polite">
          <p className="composer-results-head">{resultsLine(published.results.map((r) => r.outcome))}</p>
          <PostResults post={published} label="Result per account" />
        </section>
      )}

      <div className="composer-actions">
        <span className="muted composer-keys">{done ? 'Clear to write the next post.' : `${IS_MAC ? '⌘' : 'Ctrl'}+Enter publishes`}</span>
        <button type="button" className={done ? 'btn btn-primary' : 'btn btn-ghost'} onClick={clear} disabled={publishing}>
          Clear
        </button>
        {!done && (
          <button type="submit" className="btn btn-primary" disabled={!canPublish}>
            {publishing ? <LoaderCircle size={16} className="spin" aria-hidden="true" /> : <Send size={15} aria-hidden="true" />}
            {publishLabel}
          </button>
        )}
      </div>
    </form>
  );
}

function resultsLine(outcomes: PostOutcome[]): string {
  const posted = outcomes.filter((o) => o === 'posted').length;
  if (posted === outcomes.length) return `Published to ${plural(posted, 'account')}.`;
  if (posted === 0) return 'Nothing was published; each account says why.';
  return `Published to ${posted} of ${plural(outcomes.length, 'account')}; ${outcomes.length - posted === 1 ? 'the other says' : 'the others say'} why.`;
}
