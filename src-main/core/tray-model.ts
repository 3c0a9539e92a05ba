// What the tray shows, as plain data: the icon's state, the tooltip and the
// menu's items. The Electron shell only renders this (src-main/electron/tray.ts),
// so every rule about the tray — order, caps, wording, what is enabled — is
// decided and tested here, under Node.
import type { AppStatus, ApiEvent, LockState, PairingRequestView } from '../api/contract.ts';
import type { AttentionItem, Core } from './types.ts';

export type TrayItem =
  /** "Reconnect X @alice — expired": opens that account with Reconnect offered. */
  | { kind: 'account'; accountId: string; label: string }
  /** "“weekly-report” asks to use your accounts": opens the window, where the pairing dialog waits. */
  | { kind: 'pairing'; label: string }
  | { kind: 'open' }
  | { kind: 'refreshAll'; enabled: boolean }
  /** Closes the vault until the passphrase is typed: only where a passphrase protects it, and while open. */
  | { kind: 'lock' }
  | { kind: 'quit' }
  | { kind: 'separator' }
  /** A line of text that does nothing when clicked. */
  | { kind: 'note'; label: string };

export interface TrayModel {
  /** The icon's attention variant: some account needs the user, or a tool waits for an answer. */
  attention: boolean;
  tooltip: string;
  items: TrayItem[];
}

export interface TrayStatus {
  online: boolean;
  /** Refreshes running or waiting now. */
  refreshing: number;
  /** Open, and a passphrase protects the data key: Lock now is offered. */
  lockable?: boolean;
}

/** Longest menu label, in user-perceived characters; longer ones end in "…". */
export const MAX_LABEL = 60;
/** Accounts listed by name; the rest are counted. */
export const MAX_ACCOUNTS = 10;
/** Tools asking to pair listed by name; the rest are counted (the gateway lets 10 wait at once). */
export const MAX_ASKING = 3;

const SEVERITY: Partial<Record<AttentionItem['status'], number>> = { expired: 0, expiring: 1 };
const NEEDS_YOU: ReadonlySet<AttentionItem['status']> = new Set(['expired', 'expiring']);

/** `asking`: the names of tools waiting for the user to allow or deny them, oldest first. */
export function trayModel(items: readonly AttentionItem[], status: TrayStatus, asking: readonly string[] = []): TrayModel {
  const accounts = items.filter((i) => NEEDS_YOU.has(i.status)).sort(byUrgency);
  const refreshing = Math.max(0, Math.floor(status.refreshing));
  const out: TrayItem[] = [];

  if (!status.online) out.push({ kind: 'note', label: 'Offline — will retry' });
  else if (refreshing > 0) out.push({ kind: 'note', label: `Refreshing ${count(refreshing, 'account')}…` });

  // A tool waits on a person at a terminal, and its request expires: it comes before the accounts.
  for (const name of asking.slice(0, MAX_ASKING)) out.push({ kind: 'pairing', label: askingLabel(name) });
  if (asking.length > MAX_ASKING) out.push({ kind: 'note', label: `and ${asking.length - MAX_ASKING} more tools asking — open Plugboard` });

  if (accounts.length > 0) {
    out.push({ kind: 'note', label: `${count(accounts.length, 'account')} ${accounts.length === 1 ? 'needs' : 'need'} you` });
    for (const item of accounts.slice(0, MAX_ACCOUNTS)) {
      out.push({ kind: 'account', accountId: item.accountId, label: accountLabel(item) });
    }
    const rest = accounts.length - MAX_ACCOUNTS;
    if (rest > 0) out.push({ kind: 'note', label: `and ${rest} more — open Plugboard` });
  }

  if (out.length > 0) out.push({ kind: 'separator' });
  out.push({ kind: 'open' }, { kind: 'refreshAll', enabled: status.online && refreshing === 0 });
  if (status.lockable) out.push({ kind: 'lock' });
  out.push({ kind: 'separator' }, { kind: 'quit' });

  return { attention: accounts.length > 0 || asking.length > 0, tooltip: tooltip(accounts.length, asking, status.online, refreshing), items: out };
}

/** A tool names itself: the name is cleaned and cut like a profile's label. */
function askingLabel(name: string): string {
  const suffix = '” asks to use your accounts';
  return `“${truncate(clean(name) || 'a tool', MAX_LABEL - 1 - graphemes(suffix).length)}${suffix}`;
}

/** Expired before expiring, then by label (case- and accent-insensitive), then by id so equal labels keep one order. */
function byUrgency(a: AttentionItem, b: AttentionItem): number {
  return (
    (SEVERITY[a.status] ?? 9) - (SEVERITY[b.status] ?? 9) ||
    a.label.localeCompare(b.label, 'en', { sensitivity: 'base', numeric: true }) ||
    (a.label < b.label ? -1 : a.label > b.label ? 1 : 0) ||
    (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0)
  );
}

function accountLabel(item: AttentionItem): string {
  const prefix = 'Reconnect ';
  const suffix = item.status === 'expired' ? ' — expired' : ' — expiring soon';
  const room = MAX_LABEL - graphemes(prefix).length - graphemes(suffix).length;
  return prefix + truncate(clean(item.label) || 'account', room) + suffix;
}

function tooltip(needing: number, asking: readonly string[], online: boolean, refreshing: number): string {
  const parts = ['Plugboard'];
  if (asking.length === 1) parts.push(askingLabel(asking[0]!));
  else if (asking.length > 1) parts.push(`${asking.length} tools ask to use your accounts`);
  if (needing > 0) parts.push(`${count(needing, 'account')} ${needing === 1 ? 'needs' : 'need'} you`);
  if (!online) parts.push('offline');
  else if (refreshing > 0) parts.push('refreshing…');
  return parts.join(' — ');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * Labels come from platform profiles: no control characters (a newline would
 * break the menu line) and no bidirectional overrides (which could make a
 * handle read as different text), whitespace runs folded to one space.
 */
export function clean(label: string): string {
  return label
    .replace(/[\p{Cc}\u202A-\u202E\u2066-\u2069\u200E\u200F]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** At most max user-perceived characters: never splits an emoji or a combining accent. */
export function truncate(text: string, max: number): string {
  const g = graphemes(text);
  if (g.length <= max) return text;
  return g.slice(0, Math.max(0, max - 1)).join('').trimEnd() + '…';
}

/** The core events after which the tray may look different. */
const TRAY_EVENTS: ReadonlySet<ApiEvent['type']> = new Set(['accounts.changed', 'notices.changed', 'app.changed', 'tools.changed']);

export interface TrayWatchOptions {
  /** Quiet time after the last event before rebuilding, ms. */
  delayMs?: number;
  /** A steady stream of events still rebuilds at least this often, ms. */
  maxWaitMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Keeps the tray in step with the core: builds the model now, then again after
 * each burst of relevant events (debounced), and hands it to render only when
 * it changed — rebuilding a native menu closes it if the user has it open.
 */
export function watchTray(
  core: Pick<Core, 'subscribe' | 'attention' | 'call'>,
  render: (model: TrayModel) => void,
  opts: TrayWatchOptions = {},
): { refresh(): void; stop(): void } {
  const delayMs = opts.delayMs ?? 200;
  const maxWaitMs = opts.maxWaitMs ?? 1000;
  const onError = opts.onError ?? (() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstPendingAt: number | null = null;
  let stopped = false;
  let generation = 0;
  let status: TrayStatus = { online: true, refreshing: 0 };
  let asking: string[] = [];
  let shown: string | null = null;

  async function readStatus(): Promise<void> {
    try {
      const [reply, lock] = await Promise.all([core.call('app.status', {}), core.call('app.lockState', {})]);
      const lockable = lock.ok && (lock.result as LockState).state === 'open' && (lock.result as LockState).protection === 'passphrase';
      if (reply.ok) {
        const s = reply.result as AppStatus;
        status = { online: s.online, refreshing: s.refreshing, lockable };
      } else status = { ...status, lockable };
    } catch (e) {
      onError(e); // keep the last known status
    }
  }

  // Through the typed API the window uses, so the Core interface needs nothing new for the tray.
  async function readAsking(): Promise<void> {
    try {
      const reply = await core.call('tools.pending', {});
      // Locked, nothing can be waiting: the gateway answers `locked` to every tool.
      asking = reply.ok ? (reply.result as PairingRequestView[]).map((r) => r.name) : [];
    } catch (e) {
      onError(e);
    }
  }

  async function rebuild(): Promise<void> {
    const mine = ++generation;
    await Promise.all([readStatus(), readAsking()]);
    // A later rebuild started meanwhile: it has fresher facts.
    if (stopped || mine !== generation) return;
    try {
      const model = trayModel(core.attention(), status, asking);
      const key = JSON.stringify(model);
      if (key === shown) return;
      render(model);
      shown = key;
    } catch (e) {
      onError(e);
    }
  }

  function schedule(): void {
    if (stopped) return;
    const now = Date.now();
    firstPendingAt ??= now;
    if (timer !== undefined) clearTimeout(timer);
    const wait = Math.max(0, Math.min(delayMs, firstPendingAt + maxWaitMs - now));
    timer = setTimeout(() => {
      timer = undefined;
      firstPendingAt = null;
      void rebuild();
    }, wait);
  }

  const unsubscribe = core.subscribe((event) => {
    if (TRAY_EVENTS.has(event.type)) schedule();
  });
  void rebuild();

  return {
    refresh: schedule,
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      unsubscribe();
    },
  };
}
