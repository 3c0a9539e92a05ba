// Account pictures travel to the window by address, not inside accounts.list: at 10,000 accounts
// the pictures were 32 MiB of the list, parsed before the first pill could show. The vault keeps
// them as the data: URIs fetchAvatar made (connectors/avatar.ts); each shell answers the address
// (the browser host's /avatars/ route, Electron's app:// protocol) with the picture's own bytes.
// The address names the picture's version, so a window may keep it for good: a new picture is a
// new address.
import { createHash } from 'node:crypto';

/** Where both shells serve pictures, under the renderer's own origin (so CSP 'self' covers them). */
export const AVATAR_PATH = '/avatars/';

export interface AvatarReply {
  status: 200 | 404;
  headers: Record<string, string>;
  body: Buffer | null;
}

/** Only what fetchAvatar and an import let into the vault. */
const DATA_URI = /^data:(image\/(?:png|jpeg|gif|webp));base64,([A-Za-z0-9+/]*={0,2})$/;

export function avatarVersion(dataUri: string): string {
  return createHash('sha256').update(dataUri).digest('base64url').slice(0, 16);
}

/** `<base><id>?v=<version>`, or null (no picture: the window shows the initial). */
export function avatarAddress(base: string, accountId: string, dataUri: string | null): string | null {
  return dataUri ? `${base}${encodeURIComponent(accountId)}?v=${avatarVersion(dataUri)}` : null;
}

/** The account id an avatar address names and the version it asks for; null when it is no avatar address. */
export function parseAvatarPath(pathAndQuery: string): { accountId: string; version: string | null } | null {
  if (!pathAndQuery.startsWith(AVATAR_PATH)) return null;
  const [path = '', query = ''] = pathAndQuery.slice(AVATAR_PATH.length).split('?', 2);
  let accountId: string;
  try {
    accountId = decodeURIComponent(path);
  } catch {
    return null;
  }
  if (!accountId || accountId.includes('/')) return null;
  return { accountId, version: new URLSearchParams(query).get('v') };
}

/**
 * The answer to an avatar address. The version asked for is the one stored: cached for good. An
 * older one (a window that has not yet read the new list) gets today's picture, not to be kept.
 */
export function avatarReply(dataUri: string | null | undefined, version: string | null): AvatarReply {
  const match = dataUri ? DATA_URI.exec(dataUri) : null;
  const common = { 'X-Content-Type-Options': 'nosniff', 'Cross-Origin-Resource-Policy': 'same-origin' };
  if (!match) return { status: 404, headers: { ...common, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }, body: Buffer.from('Not found.') };
  const body = Buffer.from(match[2]!, 'base64');
  const current = version === avatarVersion(dataUri!);
  return {
    status: 200,
    headers: { ...common, 'Content-Type': match[1]!, 'Content-Length': String(body.length), 'Cache-Control': current ? 'public, max-age=31536000, immutable' : 'no-cache' },
    body,
  };
}
