import { WifiOff } from 'lucide-react';
import { useApp } from '../state/app.ts';
import { OFFLINE_MESSAGE } from './format.ts';

/** F13: calm news, not an error — renewals wait for the network and run when it is back. */
export function OfflineBanner() {
  const offline = useApp((s) => s.app?.online === false);
  // The live region exists before its text, so screen readers announce the change.
  return (
    <div className={offline ? 'offline-banner' : 'offline-banner offline-banner--hidden'} role="status">
      {offline && (
        <>
          <WifiOff size={16} aria-hidden="true" />
          <span>{OFFLINE_MESSAGE}</span>
        </>
      )}
    </div>
  );
}
