import { CircleCheck, CircleHelp, CircleMinus, CircleX, ExternalLink, SquareTerminal } from 'lucide-react';
import type { PostOutcome, PostResultView, PostView } from '../../src-main/api/contract.ts';
import { PLATFORM_NAMES } from '../../src-main/api/post-rules.ts';
import { usePlatforms } from '../state/platforms.ts';
import { PlatformBadge } from './PlatformBadge.tsx';
import { atHandle, formatWhen } from './format.ts';
import './posts.css';

const OUTCOMES: Record<PostOutcome, { label: string; icon: typeof CircleCheck }> = {
  posted: { label: 'Posted', icon: CircleCheck },
  refused: { label: 'Refused', icon: CircleX },
  not_tried: { label: 'Not tried', icon: CircleMinus },
  unknown: { label: 'Unknown', icon: CircleHelp },
};

function ResultRow({ result, draft }: { result: PostResultView; draft: boolean }) {
  const platform = usePlatforms((s) => s.platforms.find((p) => p.id === result.platform)?.name ?? result.platform);
  const { label, icon: Icon } = OUTCOMES[result.outcome];
  const handle = atHandle(result.handle);
  // An unknown outcome always says how to check: the post may be there, and it is never sent again by itself.
  const message = result.message ?? (result.outcome === 'unknown' ? `The answer was lost after sending. Look at ${handle} on ${PLATFORM_NAMES[result.platform]} before posting again.` : null);
  return (
    <li className="post-result" data-outcome={result.outcome}>
      <span className="post-result-who">
        <PlatformBadge platform={result.platform} size="sm" />
        <span className="post-result-handle">{handle}</span>
        <span className="sr-only"> on {platform}</span>
      </span>
      <span className="post-result-outcome">
        <Icon size={14} aria-hidden="true" />
        {result.outcome === 'posted' && draft && result.platform === 'wordpress' ? 'Saved as draft' : label}
      </span>
      <span className="post-result-detail">
        {message && <span className="post-result-message">{message}</span>}
        {result.url && (
          <a className="external-link" href={result.url} target="_blank" rel="noreferrer" title={result.url}>
            Open <span className="sr-only">the post of {handle} on {platform}</span>
            <ExternalLink size={13} aria-hidden="true" />
          </a>
        )}
      </span>
    </li>
  );
}

/** Each account's outcome; `accountId` narrows it to one account (its details). */
export function PostResults({ post, accountId, label }: { post: PostView; accountId?: string; label: string }) {
  const results = accountId ? post.results.filter((r) => r.accountId === accountId) : post.results;
  return (
    <ul className="post-results" aria-label={label}>
      {results.map((r) => (
        <ResultRow key={r.accountId} result={r} draft={post.draft} />
      ))}
    </ul>
  );
}

/** "From this window" or the tool's name, as it was when it asked. */
function Author({ post }: { post: PostView }) {
  if (post.by.kind === 'window') return <span className="post-by">From this window</span>;
  return (
    <span className="post-by post-by--tool">
      <SquareTerminal size={13} aria-hidden="true" /> {post.by.name}
    </span>
  );
}

/** One post of the history: when, who, the text as sent, and how it went per account. */
export function PostEntry({ post, accountId }: { post: PostView; accountId?: string }) {
  const when = formatWhen(post.at);
  const summary = post.text.length > 60 ? `${post.text.slice(0, 60)}…` : post.text;
  return (
    <li>
      <article className="post-entry" aria-label={`Post: ${summary}`}>
        <header className="post-entry-head">
          <Author post={post} />
          {when && (
            <time className="muted" dateTime={post.at} title={when.absolute}>
              {when.relative}
            </time>
          )}
          {post.draft && <span className="post-tag">Draft</span>}
        </header>
        <p className="post-text">{post.text}</p>
        {post.link && <p className="post-link">{post.link}</p>}
        <PostResults post={post} accountId={accountId} label="Results" />
      </article>
    </li>
  );
}
