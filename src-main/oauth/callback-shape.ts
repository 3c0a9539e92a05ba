// src-main/oauth/: OAuth from the desktop — authorization flows with PKCE, the loopback listener, redirect shapes, token requests.
//
// The shape of a redirect's query, checked before anything else looks at it, wherever it
// arrives from (loopback listener, plugboard:// URL, pasted address): an OAuth code or error,
// or WordPress's authorize-application answer (site_url, user_login, password), which carries
// our state only because Plugboard put it in the success URL itself.
export type CallbackShape =
  | { kind: 'code'; state: string; params: URLSearchParams }
  | { kind: 'app-password'; state: string; params: URLSearchParams }
  | { kind: 'error'; state: string; error: string; description: string | null; params: URLSearchParams }
  | { kind: 'invalid'; reason: string };

const STATE = /^[A-Za-z0-9_-]{16,128}$/;
// TikTok's codes carry '*' and '!' (e.g. …Iw*1!6431.u1); still no quotes, spaces or angle brackets.
const CODE = /^[A-Za-z0-9._~+/=%*!-]{1,2048}$/;
const ERROR = /^[a-z_]{1,64}$/;
const MAX_ERROR_DESCRIPTION = 1024;
/** WordPress application passwords are 24 letters and digits; shown grouped with spaces. */
const APP_PASSWORD = /^[A-Za-z0-9 ]{16,64}$/;
/** WordPress logins: letters, digits, space and _ . - @ (sanitize_user), at most 60. */
const USER_LOGIN = /^[\p{L}\p{N} _.@-]{1,60}$/u;
/** A parameter given twice is a smuggling attempt, not a platform quirk. */
const SINGLE_PARAMS = ['state', 'code', 'error', 'error_description', 'password', 'user_login', 'site_url'];

export function checkCallbackShape(params: URLSearchParams): CallbackShape {
  if (SINGLE_PARAMS.some((name) => params.getAll(name).length > 1)) return { kind: 'invalid', reason: 'The address repeats a sign-in parameter.' };
  const state = params.get('state');
  if (state === null || !STATE.test(state)) return { kind: 'invalid', reason: 'The address has no valid state parameter.' };
  const code = params.get('code');
  const error = params.get('error');
  const password = params.get('password');
  if (password !== null) {
    if (code !== null || error !== null) return { kind: 'invalid', reason: 'The address mixes an application password with other sign-in parameters.' };
    if (!APP_PASSWORD.test(password)) return { kind: 'invalid', reason: 'The address has no valid application password.' };
    if (!USER_LOGIN.test(params.get('user_login') ?? '')) return { kind: 'invalid', reason: 'The address has no valid user_login parameter.' };
    if (!isWebAddress(params.get('site_url'))) return { kind: 'invalid', reason: 'The address has no valid site_url parameter.' };
    return { kind: 'app-password', state, params };
  }
  if (code !== null) {
    if (error !== null || !CODE.test(code)) return { kind: 'invalid', reason: 'The address has no valid code parameter.' };
    return { kind: 'code', state, params };
  }
  if (error === null || !ERROR.test(error)) return { kind: 'invalid', reason: 'The address has neither a valid code nor an error parameter.' };
  const description = params.get('error_description');
  if (description !== null && description.length > MAX_ERROR_DESCRIPTION) return { kind: 'invalid', reason: 'The address has an overlong error description.' };
  return { kind: 'error', state, error, description, params };
}

function isWebAddress(value: string | null): boolean {
  if (value === null || value.length > 2048) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
