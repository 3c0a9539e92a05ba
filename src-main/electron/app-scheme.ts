// src-main/electron/: the desktop shell and the only folder that imports electron — window, tray, IPC, safeStorage, power and autostart.
//
// The renderer loads from app://plugboard/ rather than file://, as Electron's
// security checklist recommends: a real origin for CSP 'self' and for checking
// IPC senders, and no file:// privileges over the rest of the disk.
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { parseAvatarPath } from '../core/avatars.ts';
import type { Core } from '../core/types.ts';
import { APP_SCHEME, RENDERER_CSP, contentTypeFor, isAppUrl, resolveAppFile } from './policy.ts';

/** Must run before the app's `ready` event. */
export function registerAppScheme(): void {
  // standard + secure: a real origin and a secure context. supportFetchAPI as in
  // Electron's own protocol.handle example, for the page's CORS-mode loads of its
  // own files (Vite emits crossorigin module scripts). No corsEnabled, so no
  // other origin can read app:// responses. codeCache: V8 may keep the bundle's compiled code between
  // launches, as Chromium does for http(s) (off by default for custom schemes; needs standard). Not
  // measured in Electron here; in the browser host no later load was seen taking it (README, stop 28).
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/**
 * Serves the built renderer (dist/renderer) read-only, and account pictures by address (core/avatars.ts)
 * from `avatar`; call once the app is ready.
 */
export function serveRenderer(rendererDir: string, avatar: Core['avatar']): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    const url = isAppUrl(request.url) ? new URL(request.url) : null;
    const picture = url && parseAvatarPath(url.pathname + url.search);
    if (picture) {
      const reply = avatar(picture.accountId, picture.version);
      return new Response(request.method === 'HEAD' ? null : reply.body, { status: reply.status, headers: reply.headers });
    }
    const file = resolveAppFile(rendererDir, request.url);
    if (!file) return plain(404, 'Not found');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return plain(404, 'Not found');
    }
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: {
        'Content-Type': contentTypeFor(file),
        'Content-Security-Policy': RENDERER_CSP,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });
}

function plain(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': RENDERER_CSP },
  });
}
