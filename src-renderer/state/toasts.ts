// Toasts: short messages that go away by themselves.
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
const TOAST_MS: Record<ToastTone, number> = { success: 4000, info: 6000, warning: 10_000, error: 10_000 };
const MAX_TOASTS = 4;

export function toast(tone: ToastTone, message: string): void {
  const id = nextToastId++;
  set((s) => ({ toasts: [...s.toasts, { id, tone, message }].slice(-MAX_TOASTS) }));
  setTimeout(() => dismissToast(id), TOAST_MS[tone]);
}

export function dismissToast(id: number): void {
  set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}
