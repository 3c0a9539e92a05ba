// The shape of an OAuth redirect's query, checked before anything else looks at it,
// wherever it arrives from (loopback listener, plugboard:// URL, pasted address).
export type CallbackShape =
  | { kind: 'code'; state: string; params: URLSearchParams }
  | { kind: 'error'; state: string; error: string; description: string | null; params: URLSearchParams }
  | { kind: 'invalid'; reason: string };

const STATE = /^[A-Za-z0-9_-]{16,128}$/;
// TikTok's codes carry '*' and '!' (e.g. …Iw*1!6431.u1); still no quotes, spaces or angle brackets.
const CODE = /^[A-Za-z0-9._~+/=%*!-]{1,2048}$/;
const ERROR = /^[a-z_]{1,64}$/;
const MAX_ERROR_DESCRIPTION = 1024;
/** A parameter given twice is a smuggling attempt, not a platform quirk. */
const SINGLE_PARAMS = ['state', 'code', 'error', 'error_description'];

export function checkCallbackShape(params: URLSearchParams): CallbackShape {
  if (SINGLE_PARAMS.some((name) => params.getAll(name).length > 1)) return { kind: 'invalid', reason: 'The address repeats a sign-in parameter.' };
  const state = params.get('state');
  if (state === null || !STATE.test(state)) return { kind: 'invalid', reason: 'The address has no valid state parameter.' };
  const code = params.get('code');
  const error = params.get('error');
  if (code !== null) {
    if (error !== null || !CODE.test(code)) return { kind: 'invalid', reason: 'The address has no valid code parameter.' };
    return { kind: 'code', state, params };
  }
  if (error === null || !ERROR.test(error)) return { kind: 'invalid', reason: 'The address has neither a valid code nor an error parameter.' };
  const description = params.get('error_description');
  if (description !== null && description.length > MAX_ERROR_DESCRIPTION) return { kind: 'invalid', reason: 'The address has an overlong error description.' };
  return { kind: 'error', state, error, description, params };
}
