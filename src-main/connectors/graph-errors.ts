// One reading of Meta's Graph API error body, shared by Facebook, Instagram (both ways in)
// and Threads: {"error":{"message","type","code","error_subcode","error_user_msg","fbtrace_id"}}.
// Meta sends it with 400 as often as with 401/403, and for some throttles with 200-range
// headers only, so the body decides, not the status. Codes and subcodes follow
// developers.facebook.com/docs/graph-api/guides/error-handling.
import { z } from 'zod';
import { rejectUnusable, retryAt } from '../oauth/oauth-client.ts';
import type { Connector } from './types.ts';
import { PlatformError } from '../errors/platform-error.ts';

export const graphErrorSchema = z.object({
  error: z.object({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().int().optional(),
    error_subcode: z.number().int().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

export type GraphErrorBody = z.infer<typeof graphErrorSchema>['error'];

/** X-Business-Use-Case-Usage: {"<object id>": [{"type": "pages", "estimated_time_to_regain_access": <minutes>, …}]}. */
const bucUsageSchema = z.record(z.string(), z.array(z.object({ estimated_time_to_regain_access: z.number().nonnegative().optional() }).passthrough()));

/**
 * When a throttled caller may come back: Meta sends no Retry-After, but a Business Use Case throttle
 * (a Page's, code 32 or 80001) carries estimated_time_to_regain_access in minutes.
 */
export function regainAccessAt(res: Response, now: number): number | null {
  const header = res.headers.get('x-business-use-case-usage');
  if (!header) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(header);
  } catch {
    return null;
  }
  const parsed = bucUsageSchema.safeParse(raw);
  if (!parsed.success) return null;
  const longest = Math.max(0, ...Object.values(parsed.data).flatMap((entries) => entries.map((u) => u.estimated_time_to_regain_access ?? 0)));
  return longest > 0 ? now + longest * 60_000 : null;
}

/** Throttling codes: app (4), user (17), custom (32), per-call (613), Business Use Case (80000-80014). */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
const BUC_RATE_LIMIT = (code: number) => code >= 80000 && code <= 80014;

/**
 * A Graph API error as a classified PlatformError with one sentence per cause. `name` is the
 * platform's name as the user knows it; `where` is where they fix things on the platform itself.
 */
export function graphError(name: string, err: GraphErrorBody, status: number | null, retry: number | null): PlatformError {
  const code = err.code ?? 0;
  const sub = err.error_subcode ?? 0;
  const opts = { status, retryAt: retry };
  const web = name === 'Threads' ? 'threads.net' : name === 'Instagram' ? 'instagram.com' : 'facebook.com';
  // Meta sends a wrong app secret as code 1 ("Error validating client secret"), not as a temporary problem.
  if (code === 1 && /client secret/i.test(err.message ?? '')) return new PlatformError('setup', `${name} did not accept the app secret. Check it on the Credentials tab.`, opts);
  if (RATE_LIMIT_CODES.has(code) || BUC_RATE_LIMIT(code)) {
    return new PlatformError('rate_limited', `${name} is limiting how often this app may call it (code ${code}); Plugboard will try again later.`, opts);
  }
  if (code === 1 || code === 2) return new PlatformError('server', `${name} had a temporary problem (code ${code}); Plugboard will try again later.`, opts);
  if (code === 368) {
    return new PlatformError('denied', `${name} has temporarily blocked this account for a policy reason (code 368). Open ${web} to see why; Plugboard will try again later.`, opts);
  }
  if (sub === 2207050) {
    return new PlatformError('auth', `${name} has put this account on hold (inactive, checkpointed or restricted). Log in at ${web}, complete any steps shown, then Reconnect.`, opts);
  }
  if (code === 190 || code === 102) {
    switch (sub) {
      case 458:
        return new PlatformError('auth', `Plugboard was removed from this ${name} account's apps, so its access ended. Reconnect to allow it again.`, opts);
      case 459:
      case 490:
        return new PlatformError(
          'auth',
          `${name} wants you to log in at ${web} first to clear a security check on the account. Log in there in a browser, do what it asks, then Reconnect here.`,
          opts,
        );
      case 460:
        return new PlatformError('auth', `The ${name} password was changed, which ends every app's access. Reconnect the account.`, opts);
      case 463:
        return new PlatformError('auth', `This ${name} access has expired. Reconnect the account.`, opts);
      case 464:
        return new PlatformError('auth', `${name} says the account is not confirmed yet. Confirm it at ${web} (check your email or phone), then Reconnect.`, opts);
      case 492:
        return new PlatformError('auth', `You no longer have a role on this Page that lets Plugboard use it. Ask a Page admin to give you access again, then Reconnect.`, opts);
      default:
        if (/malformed|cannot parse|session key/i.test(err.message ?? '')) {
          return new PlatformError('auth', `${name} could not read the stored access (it calls it malformed). Reconnect the account to get a fresh one.`, opts);
        }
        return new PlatformError('auth', `${name} no longer accepts this account's access (code 190${sub ? `, subcode ${sub}` : ''}). Reconnect the account.`, opts);
    }
  }
  if (code === 10 || (code >= 200 && code <= 299)) {
    return new PlatformError(
      'denied',
      `${name} says Plugboard lacks a permission it needs (code ${code}${err.message ? `: ${err.message}` : ''}). Reconnect and leave every requested permission ticked; if it keeps happening, check the app's permissions in the Meta app dashboard.`,
      opts,
    );
  }
  if (code === 3) {
    return new PlatformError('setup', `${name} says this app is not set up for that call (code 3). Check the products and permissions added to the app in the Meta app dashboard.`, opts);
  }
  if (code === 100) {
    return new PlatformError('setup', `${name} refused the request as invalid (code 100${err.message ? `: ${err.message}` : ''}). Check the app ID and secret on the Credentials tab.`, opts);
  }
  if (code === 101) return new PlatformError('setup', `${name} did not recognise the app ID. Check it on the Credentials tab.`, opts);
  return new PlatformError('server', `${name} refused the request (code ${code || 'none'}${err.message ? `: ${err.message}` : ''}).`, opts);
}

/**
 * Reads a Graph API reply: busy and 5xx as the usual classified errors, a Graph error body as its
 * sentence, then the JSON against the schema.
 */
export async function readGraph<S extends z.ZodType>(connector: Connector, res: Response, schema: S, what: string, now = Date.now()): Promise<z.infer<S>> {
  const name = connector.decl.name;
  const retry = retryAt(res) ?? regainAccessAt(res, now);
  // A throttled Graph call comes as 400/403 with code 4/17/32/613 more often than as 429.
  const text = await res.clone().text().catch(() => '');
  const body = parseJson(text);
  const asError = graphErrorSchema.safeParse(body);
  if (asError.success) throw graphError(name, asError.data.error, res.status, retry);
  await rejectUnusable(connector, res);
  if (!res.ok) throw new PlatformError(res.status === 401 || res.status === 403 ? 'auth' : 'server', `${name} could not return ${what} (HTTP ${res.status}).`, { status: res.status });
  if (body === undefined) throw new PlatformError('malformed', `${name} sent ${what} that is not valid JSON. Nothing was changed; try again later.`, { status: res.status });
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlatformError('malformed', `${name} sent ${what} without the expected fields (${issue?.path.join('.') || 'body'}: ${issue?.message}). Nothing was changed.`, { status: res.status });
  }
  return parsed.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
