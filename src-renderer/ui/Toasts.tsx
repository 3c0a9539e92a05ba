import { CircleAlert, CircleCheck, Info, TriangleAlert, X } from 'lucide-react';
import { dismissToast, holdToast, releaseToast, type ToastTone, useToasts } from '../state/toasts.ts';

const ICONS: Record<ToastTone, typeof CircleCheck> = { success: CircleCheck, info: Info, warning: TriangleAlert, error: CircleAlert };

export function Toasts() {
  const toasts = useToasts((s) => s.toasts);
  return (
    <div className="toasts">
      {toasts.map((t) => {
        const Icon = ICONS[t.tone];
        return (
          <div
            key={t.id}
            className={`toast toast--${t.tone}`}
            role={t.tone === 'success' || t.tone === 'info' ? 'status' : 'alert'}
            data-tone={t.tone}
            onMouseEnter={() => holdToast(t.id)}
            onMouseLeave={() => releaseToast(t.id, t.tone)}
            onFocus={() => holdToast(t.id)}
            onBlur={(e) => {
              if (!e.currentTarget.contains(e.relatedTarget)) releaseToast(t.id, t.tone);
            }}
          >
            <Icon size={18} className="toast-icon" aria-hidden="true" />
            <p>{t.message}</p>
            <button type="button" className="icon-button" aria-label="Dismiss notification" onClick={() => dismissToast(t.id)}>
              <X size={16} aria-hidden="true" />
            </button>
          </div>
        );
      })}
    </div>
  );
}
