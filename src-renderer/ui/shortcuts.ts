// The window's desktop habits: Ctrl/Cmd+K (jump), Ctrl/Cmd+, (Settings), and the user's keys and
// clicks reported for the browser host's idle lock. Mounted only while Plugboard is unlocked.
import { useEffect } from 'react';
import { call } from '../state/call.ts';
import { showPage } from '../state/page.ts';

/** The idle lock counts in minutes: a sign of life every half minute is plenty. */
const ACTIVE_EVERY_MS = 30_000;

const mod = (e: KeyboardEvent) => (navigator.platform.startsWith('Mac') ? e.metaKey : e.ctrlKey) && !e.altKey && !e.shiftKey;

/**
 * Ctrl/Cmd+K works from anywhere, a text field included, as in VS Code or Slack: no field here uses
 * it, and in the browser host it would otherwise move focus to the address bar's search.
 */
export function useDesktopShortcuts(openPalette: () => void): void {
  useEffect(() => {
    let lastReport = 0;
    const seen = () => {
      const now = Date.now();
      if (now - lastReport < ACTIVE_EVERY_MS) return;
      lastReport = now;
      void call('app.active', {});
    };
    const onKey = (e: KeyboardEvent) => {
      seen();
      if (!mod(e)) return;
      if (e.key.toLowerCase() === 'k') {
        e.preventDefault();
        openPalette();
      } else if (e.key === ',') {
        e.preventDefault();
        showPage('settings');
      }
    };
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('pointerdown', seen, true);
    window.addEventListener('wheel', seen, { capture: true, passive: true });
    return () => {
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('pointerdown', seen, true);
      window.removeEventListener('wheel', seen, true);
    };
  }, [openPalette]);
}
