import { History, LoaderCircle } from 'lucide-react';
import { useId, useState } from 'react';
import { reviewPost, usePosts } from '../state/posts.ts';
import { useWorkspaces } from '../state/workspaces.ts';
import { Composer } from './Composer.tsx';
import { PostEntry } from './PostResults.tsx';
import { relativeOnly } from './format.ts';
import { PutAside } from './waiting-requests.tsx';
import './posts.css';
import './tools.css';

/** Posts shown before "Show all". */
const POSTS_SHOWN = 10;

/** The Post page (issue 14): the composer, tools' posts put aside, and the recent posts of this workspace. */
export function PostPage() {
  const workspace = useWorkspaces((s) => s.workspaces.find((w) => w.active)?.name);
  const aside = usePosts((s) => s.later.length);
  return (
    <main className="main">
      <div className="page">
        <header className="page-head">
          <div>
            <h1>Post</h1>
            <p className="page-sub">
              Write once and publish to several accounts{workspace ? ` of “${workspace}”` : ''}. Each platform's limit is counted as it counts.
            </p>
          </div>
        </header>
        {aside > 0 && <Waiting />}
        <Composer />
        <RecentPosts />
      </div>
    </main>
  );
}

/** Tools' posts put aside with Escape. */
function Waiting() {
  const all = usePosts((s) => s.pending);
  const later = usePosts((s) => s.later);
  const items = all
    .filter((p) => later.includes(p.id))
    .map((p) => ({
      id: p.id,
      who: (
        <>
          <strong>{p.toolName}</strong> wants to post <span className="muted">· expires {relativeOnly(p.expiresAt)}</span>
        </>
      ),
      reviewLabel: `Review the post of ${p.toolName}`,
      onReview: () => reviewPost(p.id),
    }));
  return <PutAside items={items} />;
}

function RecentPosts() {
  const history = usePosts((s) => s.history);
  const [all, setAll] = useState(false);
  const headingId = useId();
  let body;
  if (history === null) {
    body = (
      <p className="muted posts-state" role="status">
        <LoaderCircle size={14} className="spin" aria-hidden="true" /> Loading…
      </p>
    );
  } else if (history === 'error') {
    body = <p className="muted posts-state">Plugboard could not load the recent posts.</p>;
  } else if (history.length === 0) {
    body = <p className="muted posts-state">Nothing has been posted through Plugboard in this workspace yet.</p>;
  } else {
    const shown = all ? history : history.slice(0, POSTS_SHOWN);
    body = (
      <>
        <ol className="post-list" aria-labelledby={headingId}>
          {shown.map((p) => (
            <PostEntry key={p.id} post={p} />
          ))}
        </ol>
        {history.length > POSTS_SHOWN && (
          <button type="button" className="link-button link-button--quiet" onClick={() => setAll(!all)}>
            {all ? 'Show fewer' : `Show all ${history.length}`}
          </button>
        )}
      </>
    );
  }
  return (
    <section className="card tools recent-posts" aria-labelledby={headingId}>
      <header className="tools-head">
        <span className="tools-icon" aria-hidden="true">
          <History size={16} />
        </span>
        <div>
          <h2 id={headingId}>Recent posts</h2>
          <p className="card-sub">What was posted through Plugboard here, from this window or by your tools, and how it went on each account.</p>
        </div>
      </header>
      <div className="recent-posts-body">{body}</div>
    </section>
  );
}
