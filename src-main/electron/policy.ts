// The Electron shell's rules as plain functions: which URLs are ours, which may
// leave for the system browser, and which file an app:// request may read.
// Nothing here imports 'electron', so vitest checks these rules directly.
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { providers } from '../connectors/providers.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'plugboard';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;
export const PROTOCOL_SCHEME = 'plugboard';
/**
 * Windows ties notifications (and the login item's registry name) to the
 * process's AppUserModelID, which must match the Start-menu shortcut's; the
 * NSIS installer gives the shortcut electron-builder.yml's appId.
 */
export const APP_USER_MODEL_ID = 'app.plugboard.desktop';

export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Where a renderer link may take the user: the developer portals the setup guides point to. */
const PORTAL_ORIGINS: ReadonlySet<string> = new Set(providers.map((p) => new URL(p.portalUrl).origin));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** app://plugboard/… — Node's URL gives non-special schemes an opaque origin, so compare parts. */
export function isAppUrl(url: string): boolean {
  const u = parse(url);
  return u !== null && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password;
}

/** The file under rootDir an app:// request names, or null when it names nothing there. */
export function resolveAppFile(rootDir: string, requestUrl: string): string | null {
  if (!isAppUrl(requestUrl)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(requestUrl).pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  if (!pathname.startsWith('/')) pathname = '/' + pathname;
  if (pathname.endsWith('/')) pathname += 'index.html';
  const root = resolve(rootDir);
  const file = resolve(root, '.' + pathname);
  // Encoded separators (%2F, %5C) survive URL normalisation and could still climb out.
  const rel = relative(root, file);
  if (rel === '' || rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) return null;
  return file;
}

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * What the core may open in the system browser: https, or plain http on this
 * machine (platform origins rewritten to local fakes). Never file:, never a
 * custom scheme, never credentials in the URL.
 */
export function isOpenableAuthorizationUrl(url: string): boolean {
  const u = parse(url);
  if (!u || u.username || u.password) return false;
  if (u.protocol === 'https:') return true;
  return u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname);
}

/** A link the renderer may hand to the system browser: https on a known developer portal. */
export function isDeveloperPortalUrl(url: string): boolean {
  const u = parse(url);
  return u !== null && u.protocol === 'https:' && !u.username && !u.password && PORTAL_ORIGINS.has(u.origin);
}

/** The plugboard:// URL among the command-line arguments the OS launched us with, if any. */
export function findProtocolUrl(argv: readonly string[]): string | undefined {
  const prefix = `${PROTOCOL_SCHEME}://`;
  return argv.find((arg) => arg.toLowerCase().startsWith(prefix));
}

/**
 * The only web permissions granted, and only to our own main frame: the clipboard. Writing it is what the
 * Copy buttons (redirect URI, authorization link) do; Chromium sanitises such writes and allows them only
 * during a user gesture. Reading it is "Paste from clipboard", for the address an HTTPS-only platform's
 * sign-in lands on; the page is our own code, which reads it only when that button is clicked.
 */
const GRANTED = new Set(['clipboard-sanitized-write', 'clipboard-read']);

export function isPermissionGranted(permission: string, requestingUrl: string, isMainFrame: boolean): boolean {
  return GRANTED.has(permission) && isMainFrame && isAppUrl(requestingUrl);
}
