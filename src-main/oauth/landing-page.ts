// The page the browser lands on after a sign-in's redirect to the loopback listener: what happened, and a
// way back to Plugboard. It loads nothing; its one script (allowed by hash) only closes the tab.
import { createHash } from 'node:crypto';

export interface LandingPage {
  ok: boolean;
  /** The user's own Cancel on the consent page: told calmly, not as an error. */
  cancelled?: boolean;
  title: string;
  message: string;
}

/** The desktop app brings its window forward for this address and does nothing else. */
export const OPEN_APP_URL = 'plugboard://open';

/** The OS may hand the address on with another case or a trailing slash. */
export function isOpenAppUrl(url: string): boolean {
  return url.toLowerCase().replace(/\/$/, '') === OPEN_APP_URL;
}

/**
 * How "Back to Plugboard" gets there. The desktop app owns plugboard://, so a link brings its window
 * forward. The browser host's tab holds its access token only in that tab, so a link would open a copy
 * that cannot sign in: closing this tab, which Plugboard opened, returns to it instead.
 */
export type BackToApp = { kind: 'link'; url: string } | { kind: 'close-tab' };

const CLOSE_SCRIPT =
  "document.getElementById('back').addEventListener('click',function(){window.close();document.getElementById('stuck').hidden=false;});";

export const LANDING_CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${createHash('sha256').update(CLOSE_SCRIPT).digest('base64')}'`;

export function renderLandingPage(page: LandingPage, back: BackToApp): string {
  const accent = page.ok ? '#1a7f37' : page.cancelled ? '#57606a' : '#b42318';
  const button =
    back.kind === 'link'
      ? `<a class="back" href="${escapeHtml(back.url)}">Back to Plugboard</a>`
      : `<button type="button" class="back" id="back">Back to Plugboard</button>
<p id="stuck" class="stuck" hidden>The browser kept this tab open: switch to the Plugboard tab.</p>
<script>${CLOSE_SCRIPT}</script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Plugboard</title>
<style>
:root { color-scheme: light dark; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f6f7f9; color: #1f2328; }
main { max-width: 32rem; margin: 1rem; padding: 2rem; background: #fff; border-radius: 12px; border-top: 4px solid ${accent}; box-shadow: 0 1px 3px rgb(0 0 0 / 0.1); }
h1 { font-size: 1.25rem; margin: 0 0 0.5rem; }
p { margin: 0; }
.back { display: inline-block; margin-top: 1.25rem; padding: 0.5rem 1rem; border: 0; border-radius: 8px; background: #0b57d0; color: #fff; font: inherit; font-weight: 600; text-decoration: none; cursor: pointer; }
.back:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
.stuck { margin-top: 0.75rem; color: #57606a; }
@media (prefers-color-scheme: dark) {
  body { background: #0d1117; color: #e6edf3; }
  main { background: #161b22; }
  .back { background: #4d8ff0; color: #0d1117; }
  .stuck { color: #9198a1; }
}
</style>
</head>
<body>
<main>
<h1>${escapeHtml(page.title)}</h1>
<p>${escapeHtml(page.message)}</p>
${button}
</main>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
