import { useCallback, useEffect, useRef, useState } from 'react';
import { toast } from '../state/toasts.ts';

const COPIED_MS = 2000;

/** Copies text and reports `true` for a moment so the button can say "Copied". */
export function useCopy(): [boolean, (text: string) => void] {
  const [copied, setCopied] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = useCallback((text: string) => {
    navigator.clipboard.writeText(text).then(
      () => {
        setCopied(true);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => setCopied(false), COPIED_MS);
      },
      () => toast('error', 'Could not copy to the clipboard. Select the text and copy it yourself.'),
    );
  }, []);
  return [copied, copy];
}
