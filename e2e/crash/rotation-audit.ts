// Judges one life of the refresh child — from its start to its SIGKILL — against
// what the fake X saw (through the recording proxy) and what the database held
// before and after. Pure: no I/O, so the rules can be checked on made-up histories.
//
// The rules, for a platform that rotates refresh tokens strictly:
//   1. Every refresh presents exactly the refresh token that is committed at that
//      moment: at start-up the stored one, afterwards the one the previous accepted
//      reply issued. Presenting an older one is "retrying a committed refresh with
//      the old refresh token" — the fake refuses it and the account is dead.
//   2. The fake refuses nothing.
//   3. After the kill the database holds one whole pair (access and refresh token of
//      the same reply): the last issued pair, or — only if the kill landed between
//      the fake's rotation and the commit — the pair before it ("lost in flight").
//      Never a torn pair, never anything older.
//   4. A lost reply was never acted on: the child did not report that refresh done,
//      nor use the new access token, before committing the new refresh token.
//   5. One activity row per committed refresh (same transaction as the tokens);
//      every refresh the child reported done is committed.
import type { TokenEvent } from './token-proxy.ts';

export interface Pair {
  access: string | null;
  refresh: string | null;
}

export interface LifeInput {
  /** The pair stored when the child started. */
  before: Pair;
  /** The proxy's events from the child's start until it was dead and drained. */
  events: readonly TokenEvent[];
  /** Refreshes the child reported done ("refreshed n" lines). */
  reported: number;
  /** The pair stored after the kill. */
  after: Pair;
  /** How many activity rows were committed during the life (sqlite_sequence delta). */
  activityAdded: number;
  /** Where a token came from ("from request #12"), so messages never print a token; equal for both halves of one pair. */
  nameOf: (token: string | null) => string;
}

export type LifeOutcome = 'no-refresh' | 'committed' | 'lost-before-delivery' | 'lost-after-delivery' | 'broken';

export interface LifeVerdict {
  /** Refresh requests that reached the fake. */
  requests: number;
  /** Of those, accepted (the fake rotated). */
  rotated: number;
  /** Of those, refused. */
  refusals: number;
  /** Rotations whose pair is in the database. */
  committed: number;
  outcome: LifeOutcome;
  violations: string[];
}

const same = (a: Pair, b: Pair) => a.access === b.access && a.refresh === b.refresh;

export function auditLife(input: LifeInput): LifeVerdict {
  const { before, events, reported, after, activityAdded, nameOf } = input;
  const violations: string[] = [];
  const requests = events.filter((e) => e.kind === 'refresh' && e.forwarded);
  let held: Pair = before;
  let last: { from: Pair; to: Pair; event: TokenEvent } | null = null;
  let rotated = 0;
  let refusals = 0;

  for (const r of requests) {
    if (r.presented !== held.refresh) {
      violations.push(
        `refresh request #${r.seq} presented the refresh token ${nameOf(r.presented)} while the committed one was ${nameOf(held.refresh)}` +
          (r.presented === before.refresh || r.presented === last?.from.refresh ? ' — a refresh whose reply was committed was retried with the old refresh token' : ''),
      );
    }
    if (r.status !== 200) {
      refusals++;
      violations.push(`the fake refused refresh request #${r.seq} (HTTP ${r.status ?? 'none'}), which presented the refresh token ${nameOf(r.presented)}`);
      continue;
    }
    if (!r.issuedAccess || !r.issuedRefresh) {
      violations.push(`refresh request #${r.seq} was accepted but the reply carried no rotated pair`);
      continue;
    }
    rotated++;
    last = { from: held, to: { access: r.issuedAccess, refresh: r.issuedRefresh }, event: r };
    held = last.to;
  }

  let committed: number;
  let outcome: LifeOutcome;
  if (same(after, held)) {
    committed = rotated;
    outcome = rotated === 0 ? 'no-refresh' : 'committed';
  } else if (last && same(after, last.from)) {
    committed = rotated - 1;
    outcome = last.event.delivered ? 'lost-after-delivery' : 'lost-before-delivery';
    const lost = last;
    const used = events.filter((e) => e.seq > lost.event.seq && e.presented !== null && e.presented === lost.to.access);
    if (used.length > 0) {
      violations.push(
        `the child used the access token of refresh #${lost.event.seq} (${used.map((e) => `${e.method} ${e.path} #${e.seq}`).join(', ')}) ` +
          `but the database never got that reply's refresh token: the rotation was acted on before it was committed`,
      );
    }
  } else {
    committed = -1;
    outcome = 'broken';
    const torn = after.access !== null && after.refresh !== null && nameOf(after.access) !== nameOf(after.refresh);
    violations.push(
      `after the kill the database holds the access token ${nameOf(after.access)} and the refresh token ${nameOf(after.refresh)}` +
        (torn ? ' — a torn pair: the rotated refresh token and its access token were not committed together' : '') +
        `; expected ${nameOf(held.refresh)}${last ? ` or, if the kill landed before the commit, ${nameOf(last.from.refresh)}` : ''}`,
    );
  }

  if (committed >= 0) {
    if (reported > committed) {
      violations.push(`the child reported ${reported} refreshes done but only ${committed} are in the database: a reported refresh was not durable`);
    }
    if (committed > reported + 1) {
      violations.push(`${committed} refreshes are in the database but the child reported only ${reported}: more than one refresh cannot be in progress`);
    }
    if (activityAdded !== committed) {
      violations.push(`${committed} rotations are in the database but ${activityAdded} activity rows were committed: history and tokens were not written together`);
    }
  }
  return { requests: requests.length, rotated, refusals, committed: Math.max(committed, 0), outcome, violations };
}
