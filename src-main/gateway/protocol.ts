// What the server and the command agree on. No Node imports: a tool author can read this file as the reference.

/** Every answer of Plugboard's own (not a platform's) that is not a success carries one of these. */
export const GATEWAY_ERRORS = {
  bad_request: { status: 400, exit: 2 },
  /** No `Authorization: Bearer <key>` header. */
  no_key: { status: 401, exit: 3 },
  /** A key Plugboard does not know: never issued, or revoked. */
  bad_key: { status: 401, exit: 3 },
  account_not_granted: { status: 403, exit: 3 },
  capability_not_granted: { status: 403, exit: 3 },
  /** A full URL outside the platform's API origins. */
  origin_not_allowed: { status: 403, exit: 3 },
  pairing_denied: { status: 403, exit: 3 },
  unknown_account: { status: 404, exit: 2 },
  not_found: { status: 404, exit: 2 },
  /** The account reference names more than one account. */
  ambiguous_account: { status: 409, exit: 2 },
  /** A request under this name is already waiting for the user. */
  pairing_pending: { status: 409, exit: 3 },
  pairing_expired: { status: 408, exit: 3 },
  /** The user declined a tool's post in the window. */
  rejected: { status: 403, exit: 3 },
  /** Nobody answered a tool's post in the window in time. */
  expired: { status: 408, exit: 3 },
  /** The tool already has as many posts waiting for the user as it may. */
  posts_pending: { status: 429, exit: 3 },
  too_large: { status: 413, exit: 2 },
  /** The platform refused, or the token could not be renewed. */
  platform: { status: 502, exit: 5 },
  /** Plugboard is locked: nothing but this answer until the user unlocks it. */
  locked: { status: 503, exit: 4 },
  internal: { status: 500, exit: 1 },
} as const;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

export interface GatewayErrorBody {
  error: { code: GatewayErrorCode; message: string };
}

/** Exit codes of the `plugboard` command. */
export const EXIT = { done: 0, failed: 1, usage: 2, notAllowed: 3, notRunning: 4, platformRefused: 5, notAllPosted: 6 } as const;

/** On a proxied reply: whose answer it is ('platform'), so a tool can tell a platform's 403 from Plugboard's. */
export const ANSWERED_BY_HEADER = 'plugboard-answered-by';

/** An account as a tool sees it: never a token. */
export interface GatewayAccount {
  id: string;
  /** `platform:@handle`, the form the command takes. */
  ref: string;
  platform: string;
  handle: string;
  displayName: string;
  /** As the window shows it: connected, expiring, expired, refreshing, offline. */
  status: string;
  /** The window's sentence for an account that needs the user, else null. */
  problem: string | null;
  /** ISO time the current access token ends, where it does. */
  tokenExpiresAt: string | null;
}

export interface PairRequest {
  name: string;
  description?: string;
}

/** GET /v1/tool: who the key belongs to and what the user allowed it, as pairing answered (without the key). */
export interface ToolResult {
  toolId: string;
  name: string;
  capabilities: string[];
  accounts: 'all' | GatewayAccount[];
}

export interface PairResult extends ToolResult {
  key: string;
}


/** POST /v1/posts: one post to the named accounts; the answer is the post with a result per account (PostView). */
export interface PostRequest {
  text: string;
  link?: string;
  /** Account references, as the command takes them. */
  to: string[];
  /** WordPress keeps it as a draft. */
  draft?: boolean;
}

export interface TokenResult {
  account: GatewayAccount;
  accessToken: string;
  /** ISO time, or null where the platform's token does not expire. */
  expiresAt: string | null;
}

/** The variable `plugboard exec` sets for an account's token: PLUGBOARD_X_TOKEN, PLUGBOARD_LINKEDIN_TOKEN… */
export function tokenVariable(platform: string): string {
  return `PLUGBOARD_${platform.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_TOKEN`;
}
