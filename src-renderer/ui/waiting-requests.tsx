// What the two kinds of tools' requests share in the window (pairing, a post to confirm): which request is next,
// its times, and the list of those put aside.
import { Hourglass } from 'lucide-react';
import { useId, type ReactNode } from 'react';
import { formatWhen } from './format.ts';

/** The oldest request not put aside, its place among all waiting, or null when none is left to show. */
export function nextWaiting<R extends { id: string; requestedAt: string }>(pending: readonly R[], later: readonly string[]): { request: R; position: number; total: number } | null {
  const waiting = pending.filter((p) => !later.includes(p.id)).sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  if (waiting.length === 0) return null;
  return { request: waiting[0]!, position: pending.length - waiting.length + 1, total: pending.length };
}

/** "Asked 2 minutes ago", with the exact time on hover. */
export function Stamp({ iso, prefix }: { iso: string; prefix: string }) {
  const when = formatWhen(iso);
  if (!when) return null;
  return (
    <span>
      {prefix}{' '}
      <time dateTime={iso} title={when.absolute}>
        {when.relative}
      </time>
    </span>
  );
}

/** Requests put aside with Escape, each with its Review button; the dialog shows the others by itself. */
export function PutAside({ items }: { items: { id: string; who: ReactNode; reviewLabel: string; onReview(): void }[] }) {
  const headingId = useId();
  return (
    <section className="card ctool-waiting" aria-labelledby={headingId}>
      <h2 id={headingId}>
        <Hourglass size={16} aria-hidden="true" /> Waiting for your answer
      </h2>
      <ul>
        {items.map((item) => (
          <li key={item.id}>
            <span>{item.who}</span>
            <button type="button" className="btn btn-secondary btn-sm" aria-label={item.reviewLabel} onClick={item.onReview}>
              Review
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
