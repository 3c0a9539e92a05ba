// How a Meta API (Facebook's Graph, Threads) answers a post: its error body as a sentence about the post, and a
// success read against what the step must return.
import type { z } from 'zod';
import { graphError, graphErrorSchema, regainAccessAt, type GraphErrorBody } from '../connectors/graph-errors.ts';
import { PlatformError } from '../errors/platform-error.ts';
import { retryAt } from '../oauth/oauth-client.ts';
import { serverFailure } from './replies.ts';

export interface GraphPostStep<S extends z.ZodType> {
  name: string;
  schema: S;
  /** What the step returns, for the sentence when it cannot be read. */
  what: string;
  /** The step makes the post: an unreadable success may still have posted. */
  posts: boolean;
  /**
   * The publisher's own sentence for a refusal, where the shared reading would mislead; null for the shared one.
   * Given the raw body too, since Meta names some errors only in words (err is null when the body is not Graph's).
   */
  describe?: (err: GraphErrorBody | null, status: number, body: string) => PlatformError | null;
}

const reasonOf = (err: GraphErrorBody) => (err.error_user_msg ?? err.message ?? '').replace(/^\(#\d+\)\s*/, '').replace(/\.$/, '');

/** Refusals of the post itself (invalid, duplicate) as such; tokens, throttles and blocks as graph-errors.ts reads them. */
function refusal(name: string, err: GraphErrorBody, res: Response): PlatformError {
  const opts = { status: res.status };
  if (err.code === 506) return new PlatformError('denied', `${name} refused the post as a duplicate of the last one.`, opts);
  if (err.code === 100) return new PlatformError('denied', `${name} refused the post: ${reasonOf(err) || 'invalid request'}.`, opts);
  return graphError(name, err, res.status, retryAt(res) ?? regainAccessAt(res, Date.now()));
}

export async function readGraphStep<S extends z.ZodType>(res: Response, step: GraphPostStep<S>): Promise<z.infer<S>> {
  const opts = { status: res.status };
  if (res.status >= 500) {
    await res.body?.cancel();
    throw serverFailure(step.name, res.status);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = graphErrorSchema.safeParse(body);
  const err = error.success ? error.data.error : null;
  if (!res.ok || err) {
    const own = step.describe?.(err, res.status, text);
    if (own) throw own;
    if (err) throw refusal(step.name, err, res);
    throw new PlatformError(res.status === 429 ? 'rate_limited' : 'denied', `${step.name} refused the post (HTTP ${res.status}).`, opts);
  }
  const parsed = step.schema.safeParse(body);
  if (!parsed.success) {
    throw new PlatformError(
      'malformed',
      step.posts
        ? `${step.name} answered the post without ${step.what}, so it may have been posted. Check the account before posting it again.`
        : `${step.name} answered without ${step.what}; nothing was posted.`,
      { ...opts, mayHaveArrived: step.posts },
    );
  }
  return parsed.data;
}
