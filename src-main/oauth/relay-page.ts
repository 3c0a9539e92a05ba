// The HTTPS relay page (F3) for platforms that redirect only to HTTPS (Meta, LinkedIn): a static
// file the user hosts at an address of their own and registers as the redirect URI. It forwards
// the query to plugboard://oauth/callback/<platform>, which the desktop app receives; where no
// app answers (the browser host, or the link was blocked) it shows the address to paste into
// Plugboard instead. It loads nothing, sends no Referer, and takes the one-time code out of the
// address bar and history once it has read it.
import type { PlatformId } from '../api/contract.ts';

export function relayFileName(platform: PlatformId): string {
  return `plugboard-${platform}.html`;
}

export function relayPage(platform: PlatformId, platformName: string): string {
  const target = `plugboard://oauth/callback/${platform}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>Back to Plugboard</title>
<style>
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f6f7f9; color: #1f2328; }
main { max-width: 34rem; margin: 1rem; padding: 2rem; background: #fff; border-radius: 12px; box-shadow: 0 1px 3px rgb(0 0 0 / 0.1); }
h1 { font-size: 1.25rem; margin: 0 0 0.5rem; }
input { width: 100%; box-sizing: border-box; font: 13px ui-monospace, monospace; padding: 0.5rem; margin: 0.75rem 0 0.5rem; }
button { font: inherit; padding: 0.4rem 1rem; }
</style>
</head>
<body>
<main>
<h1 id="title">Returning to Plugboard…</h1>
<p id="message">${platformName} sent you back here. If Plugboard does not come to the front, copy this address and paste it into Plugboard under “Browser didn't come back?”.</p>
<input id="address" readonly aria-label="The address to paste into Plugboard">
<button id="copy" type="button">Copy</button>
</main>
<script>
(function () {
  var query = location.search;
  var address = location.origin + location.pathname + query;
  var field = document.getElementById('address');
  field.value = address;
  document.getElementById('copy').onclick = function () {
    field.select();
    if (navigator.clipboard) navigator.clipboard.writeText(address);
    else document.execCommand('copy');
  };
  // The code works once: keep it out of the address bar and the history from here on.
  history.replaceState(null, '', location.pathname);
  if (/[?&]state=/.test(query)) location.replace('${target}' + query);
  else {
    document.getElementById('title').textContent = 'Nothing to hand over';
    document.getElementById('message').textContent = 'This is Plugboard\\'s sign-in relay for ${platformName}. It is only useful right after you approve Plugboard there.';
  }
})();
</script>
</body>
</html>
`;
}
