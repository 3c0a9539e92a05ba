// Toasts: short messages. Good news and calm information go away by themselves; a warning or an
// error stays until the user dismisses it, so it cannot vanish unread. A toast under the pointer or
// the keyboard's focus waits: its time starts again when they leave.
import { create } from 'zustand';

/** 'info' is the calm tone: e.g. "offline, Plugboard will do it later" is not an error. */
export type ToastTone = 'success' | 'info' | 'warning' | 'error';
interface Toast {
  id: number;
  tone: ToastTone;
  message: string;
}

export const useToasts = create<{ toasts: Toast[] }>(() => ({ toasts: [] }));

const { setState: set } = useToasts;

let nextToastId = 1;
/** How long a toast stays by itself; absent: until dismissed. */
const TOAST_MS: Partial<Record<ToastTone, number>> = { success: 4000, info: 6000 };
const MAX_TOASTS = 4;
const timers = new Map<number, ReturnType<typeof setTimeout>>();

export function toast(tone: ToastTone, message: string): void {
  const id = nextToastId++;
  set((s) => ({ toasts: [...s.toasts, { id, tone, message }].slice(-MAX_TOASTS) }));
  releaseToast(id, tone);
}

export function dismissToast(id: number): void {
  holdToast(id);
  set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}

/** The pointer or focus is on the toast: it stays while they are. */
export function holdToast(id: number): void {
  clearTimeout(timers.get(id));
  timers.delete(id);
}

/** They left: a toast that goes by itself starts its full time again. */
export function releaseToast(id: number, tone: ToastTone): void {
  const ms = TOAST_MS[tone];
  if (ms === undefined) return;
  holdToast(id);
  timers.set(id, setTimeout(() => dismissToast(id), ms));
}
