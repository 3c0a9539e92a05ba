// What the two dialogs for tools' requests share (pairing, a post to confirm): which request is next, and its times.
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
