// What publishers share in reading a platform's answer to a post: a rate limit is a refusal (nothing was posted), a
// server error after the post was sent leaves its fate unknown, and the body is read without trusting it.
import { PlatformError } from '../errors/platform-error.ts';
import { retryAt } from '../oauth/oauth-client.ts';

/** Throws for a rate limit or a server error; any other answer is the publisher's to read. */
export async function rejectUnusableAnswer(name: string, res: Response): Promise<void> {
  if (res.status === 429) {
    await res.body?.cancel();
    const at = retryAt(res);
    const until = at ? ` until ${new Date(at).toISOString().slice(11, 16)} UTC` : ' for now';
    throw new PlatformError('rate_limited', `${name} is limiting how often this account can post${until}; nothing was posted.`, { status: 429, retryAt: at });
  }
  if (res.status >= 500) {
    await res.body?.cancel();
    // A server (or a proxy in front of it) failing after the post arrived may have stored it first.
    throw new PlatformError('server', `${name} answered with a server error (HTTP ${res.status}) after the post was sent.`, { status: res.status, mayHaveArrived: true });
  }
}

/** The body as JSON, or undefined when it is not. */
export async function jsonBody(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A platform's own words, cut to a sentence's length: they are shown to the user as they are. */
export function quoted(words: string): string {
  const one = words.replace(/\s+/g, ' ').trim();
  return one.length > 300 ? `${one.slice(0, 297)}…` : one;
}

/** An answer that should have carried the new post and did not: it may still have been posted. */
export function unreadableAnswer(name: string, status: number): PlatformError {
  return new PlatformError('malformed', `${name} accepted the post (HTTP ${status}) but its answer did not say which post it made.`, { status, mayHaveArrived: true });
}
