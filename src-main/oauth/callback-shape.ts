// The shape of an OAuth redirect's query, checked before anything else looks at it,
// wherever it arrives from (loopback listener, plugboard:// URL, pasted address).
export type CallbackShape =
  | { kind: 'code'; state: string; params: URLSearchParams }
  | { kind: 'error'; state: string; error: string; description: string | null; params: URLSearchParams }
  | { kind: 'invalid'; reason: string };

const STATE = /^[A-Za-z0-9_-]{16,128}$/;
const CODE = /^[A-Za-z0-9._~+/=%-]{1,2048}$/;
const ERROR = /^[a-z_]{1,64}$/;

export function checkCallbackShape(params: URLSearchParams): CallbackShape {
  const state = params.get('state');
  if (!state || !STATE.test(state)) return { kind: 'invalid', reason: 'The address has no valid state parameter.' };
  const error = params.get('error');
  if (error !== null) {
    if (!ERROR.test(error)) return { kind: 'invalid', reason: 'The address has a malformed error parameter.' };
    const description = params.get('error_description');
    return { kind: 'error', state, error, description: description ? description.slice(0, 1024) : null, params };
  }
  const code = params.get('code');
  if (!code || !CODE.test(code)) return { kind: 'invalid', reason: 'The address has no valid code parameter.' };
  return { kind: 'code', state, params };
}
