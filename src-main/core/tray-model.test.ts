import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiEvent, AppStatus, Envelope } from '../api/contract.ts';
import { MAX_LABEL, trayModel, truncate, watchTray, type TrayModel } from './tray-model.ts';
import type { AttentionItem } from './types.ts';

const online = { online: true, refreshing: 0 };

function item(accountId: string, label: string, status: AttentionItem['status'] = 'expired'): AttentionItem {
  return { accountId, platform: 'x', label, status, reason: 'why' };
}

const kinds = (m: TrayModel) => m.items.map((i) => i.kind);
const labels = (m: TrayModel) => m.items.map((i) => ('label' in i ? i.label : i.kind === 'refreshAll' ? `refreshAll:${i.enabled}` : i.kind));
const chars = (s: string) => [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(s)].length;

describe('trayModel', () => {
  it('with nothing to say: Open, Refresh all, Quit, plain icon', () => {
    const m = trayModel([], online);
    expect(m.attention).toBe(false);
    expect(m.tooltip).toBe('Plugboard');
    expect(m.items).toEqual([{ kind: 'open' }, { kind: 'refreshAll', enabled: true }, { kind: 'separator' }, { kind: 'quit' }]);
  });

  it('lists accounts that need the user under a heading, and turns the icon to attention', () => {
    const m = trayModel([item('a1', 'X @alice', 'expired'), item('a2', 'X @bob', 'expiring')], online);
    expect(m.attention).toBe(true);
    expect(m.tooltip).toBe('Plugboard — 2 accounts need you');
    expect(labels(m)).toEqual([
      '2 accounts need you',
      'Reconnect X @alice — expired',
      'Reconnect X @bob — expiring soon',
      'separator',
      'open',
      'refreshAll:true',
      'separator',
      'quit',
    ]);
    expect(m.items[1]).toEqual({ kind: 'account', accountId: 'a1', label: 'Reconnect X @alice — expired' });
  });

  it('says "1 account needs you" in the singular', () => {
    const m = trayModel([item('a1', 'X @alice', 'expiring')], online);
    expect(m.items[0]).toEqual({ kind: 'note', label: '1 account needs you' });
    expect(m.tooltip).toBe('Plugboard — 1 account needs you');
  });

  it('orders expired first, then expiring, then by label, whatever order the core gave', () => {
    const given = [
      item('e1', 'X @zed', 'expiring'),
      item('x1', 'X @mia', 'expired'),
      item('e2', 'X @Anna', 'expiring'),
      item('x2', 'LinkedIn Ada', 'expired'),
      item('e3', 'X @bea', 'expiring'),
    ];
    const ids = (m: TrayModel) => m.items.flatMap((i) => (i.kind === 'account' ? [i.accountId] : []));
    expect(ids(trayModel(given, online))).toEqual(['x2', 'x1', 'e2', 'e3', 'e1']);
    expect(ids(trayModel([...given].reverse(), online))).toEqual(['x2', 'x1', 'e2', 'e3', 'e1']);
  });

  it('keeps one order for equal labels (by account id)', () => {
    const a = trayModel([item('b', 'X @same'), item('a', 'X @same')], online);
    const b = trayModel([item('a', 'X @same'), item('b', 'X @same')], online);
    expect(a).toEqual(b);
    expect(a.items.flatMap((i) => (i.kind === 'account' ? [i.accountId] : []))).toEqual(['a', 'b']);
  });

  it('leaves out accounts that do not need the user', () => {
    const m = trayModel([item('r', 'X @busy', 'refreshing'), item('c', 'X @fine', 'connected'), item('o', 'X @net', 'offline')], online);
    expect(m.attention).toBe(false);
    expect(kinds(m)).toEqual(['open', 'refreshAll', 'separator', 'quit']);
  });

  it('offline: says so, and Refresh all is disabled', () => {
    const m = trayModel([], { online: false, refreshing: 0 });
    expect(labels(m)).toEqual(['Offline — will retry', 'separator', 'open', 'refreshAll:false', 'separator', 'quit']);
    expect(m.tooltip).toBe('Plugboard — offline');
    expect(m.attention).toBe(false);
  });

  it('offline with accounts needing the user: both notes, offline first', () => {
    const m = trayModel([item('a1', 'X @alice')], { online: false, refreshing: 2 });
    expect(labels(m).slice(0, 3)).toEqual(['Offline — will retry', '1 account needs you', 'Reconnect X @alice — expired']);
    expect(m.tooltip).toBe('Plugboard — 1 account needs you — offline');
    expect(m.items).toContainEqual({ kind: 'refreshAll', enabled: false });
  });

  it('while refreshing: Refresh all is disabled and a note says how many', () => {
    const m = trayModel([], { online: true, refreshing: 3 });
    expect(labels(m)).toEqual(['Refreshing 3 accounts…', 'separator', 'open', 'refreshAll:false', 'separator', 'quit']);
    expect(m.tooltip).toBe('Plugboard — refreshing…');
    expect(trayModel([], { online: true, refreshing: 1 }).items[0]).toEqual({ kind: 'note', label: 'Refreshing 1 account…' });
  });

  it('caps a long list: the first 10 accounts, then "and 5 more — open Plugboard"', () => {
    const many = Array.from({ length: 15 }, (_, i) => item(`id${i}`, `X @user${String(i).padStart(2, '0')}`));
    const m = trayModel(many, online);
    const accounts = m.items.filter((i) => i.kind === 'account');
    expect(accounts).toHaveLength(10);
    expect(accounts.map((a) => a.accountId)).toEqual(many.slice(0, 10).map((a) => a.accountId));
    expect(m.items[0]).toEqual({ kind: 'note', label: '15 accounts need you' });
    expect(m.items[11]).toEqual({ kind: 'note', label: 'and 5 more — open Plugboard' });
    expect(m.items[12]).toEqual({ kind: 'separator' });
    expect(m.tooltip).toBe('Plugboard — 15 accounts need you');
  });

  it('exactly 10 accounts: no "more" line', () => {
    const ten = Array.from({ length: 10 }, (_, i) => item(`id${i}`, `X @u${i}`));
    const m = trayModel(ten, online);
    expect(m.items.filter((i) => i.kind === 'account')).toHaveLength(10);
    expect(labels(m).some((l) => l.startsWith('and '))).toBe(false);
  });

  it('truncates long labels to 60 characters, keeping the action and the state', () => {
    const long = 'Facebook Pages @' + 'a'.repeat(100);
    const m = trayModel([item('a1', long, 'expiring'), item('a2', long, 'expired')], online);
    for (const i of m.items) {
      if (i.kind !== 'account') continue;
      expect(chars(i.label)).toBe(MAX_LABEL);
      expect(i.label.startsWith('Reconnect Facebook Pages @aaa')).toBe(true);
      expect(i.label).toMatch(/a… — (expired|expiring soon)$/);
    }
    // A label that fits is left alone.
    expect(trayModel([item('a', 'X @alice')], online).items[1]).toMatchObject({ label: 'Reconnect X @alice — expired' });
  });

  it('never splits an emoji or an accent when truncating', () => {
    const family = '👨‍👩‍👧‍👦';
    const label = 'Bluesky @' + family.repeat(60);
    const m = trayModel([item('a', label)], online);
    const acc = m.items.find((i) => i.kind === 'account')!;
    expect(chars(acc.label)).toBeLessThanOrEqual(MAX_LABEL);
    const body = acc.label.slice('Reconnect Bluesky @'.length, acc.label.indexOf('…'));
    expect(body.length % family.length).toBe(0);
    expect(truncate('e\u0301'.repeat(10), 4)).toBe('e\u0301'.repeat(3) + '…');
    expect(truncate('short', 10)).toBe('short');
  });

  it('strips control characters and direction overrides from labels', () => {
    const m = trayModel([item('a', 'X @evil\nQuit\u202Egnp.exe\t ')], online);
    expect(m.items[1]).toEqual({ kind: 'account', accountId: 'a', label: 'Reconnect X @evil Quit gnp.exe — expired' });
    expect(trayModel([item('a', '\n\u202E ')], online).items[1]).toMatchObject({ label: 'Reconnect account — expired' });
  });
});

describe('trayModel: tools asking to pair', () => {
  it('says which tool asks, above the accounts; the line opens the window; the icon and tooltip call for attention', () => {
    const m = trayModel([item('a1', 'X @alice', 'expired')], online, ['weekly-report']);
    expect(m.attention).toBe(true);
    expect(m.tooltip).toBe('Plugboard — “weekly-report” asks to use your accounts — 1 account needs you');
    expect(labels(m).slice(0, 3)).toEqual(['“weekly-report” asks to use your accounts', '1 account needs you', 'Reconnect X @alice — expired']);
    expect(m.items[0]).toEqual({ kind: 'pairing', label: '“weekly-report” asks to use your accounts' });
  });

  it('a tool asking is enough for the attention icon; several are counted in the tooltip', () => {
    const m = trayModel([], online, ['a', 'b']);
    expect(m.attention).toBe(true);
    expect(m.tooltip).toBe('Plugboard — 2 tools ask to use your accounts');
    expect(kinds(m)).toEqual(['pairing', 'pairing', 'separator', 'open', 'refreshAll', 'separator', 'quit']);
  });

  it('lists three by name, then counts the rest', () => {
    const m = trayModel([], online, ['a', 'b', 'c', 'd', 'e']);
    expect(labels(m).slice(0, 4)).toEqual(['“a” asks to use your accounts', '“b” asks to use your accounts', '“c” asks to use your accounts', 'and 2 more tools asking — open Plugboard']);
  });

  it('a name is the tool’s own words: cleaned of control and direction characters, and cut to fit', () => {
    const m = trayModel([], online, ['evil\n\u202Escript', 'x'.repeat(200)]);
    expect(m.items[0]).toEqual({ kind: 'pairing', label: '“evil script” asks to use your accounts' });
    const long = (m.items[1] as { label: string }).label;
    expect(chars(long)).toBe(MAX_LABEL);
    expect(long).toMatch(/^“x+…” asks to use your accounts$/);
  });
});

/** A core double: events on demand, attention and app.status from mutable fields. */
function fakeCore() {
  const listeners = new Set<(e: ApiEvent) => void>();
  const state = {
    attention: [] as AttentionItem[],
    status: { online: true, refreshing: 0 } as Pick<AppStatus, 'online' | 'refreshing'>,
    statusCalls: 0,
    fail: false,
    /** Names of tools asking to pair (tools.pending). */
    asking: [] as string[],
    /** A passphrase protects the vault: the menu offers Lock now. */
    lockable: false,
  };
  const core = {
    subscribe(l: (e: ApiEvent) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    attention: () => state.attention,
    async call(method: string): Promise<Envelope<unknown>> {
      if (method === 'tools.pending') {
        const now = new Date().toISOString();
        return { ok: true, result: state.asking.map((name, i) => ({ id: `r${i}`, name, description: null, requestedAt: now, expiresAt: now, replacesExisting: false })) };
      }
      if (method === 'app.lockState') return { ok: true, result: { state: 'open', protection: state.lockable ? 'passphrase' : 'keychain', weakKeychain: false } };
      expect(method).toBe('app.status');
      state.statusCalls++;
      if (state.fail) return { ok: false, error: { code: 'internal', message: 'boom' } };
      return { ok: true, result: { ...state.status, warningWindowDays: 7, scheduled: 0, unreadNotices: 0, launchAtLogin: null } };
    },
  };
  const emit = (e: ApiEvent) => listeners.forEach((l) => l(e));
  return { core, state, emit, listeners };
}

describe('watchTray', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('renders at once, then after a quiet 200 ms following a burst of events', async () => {
    const { core, state, emit } = fakeCore();
    const render = vi.fn<(m: TrayModel) => void>();
    watchTray(core, render);
    await vi.advanceTimersByTimeAsync(0);
    expect(render).toHaveBeenCalledTimes(1);
    expect(render.mock.lastCall![0].attention).toBe(false);

    state.attention = [item('a1', 'X @alice')];
    emit({ type: 'accounts.changed' });
    await vi.advanceTimersByTimeAsync(150);
    emit({ type: 'notices.changed' });
    await vi.advanceTimersByTimeAsync(150);
    expect(render).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60);
    expect(render).toHaveBeenCalledTimes(2);
    expect(render.mock.lastCall![0].attention).toBe(true);
  });

  it('follows app.changed (offline) and ignores events that do not touch the tray', async () => {
    const { core, state, emit } = fakeCore();
    const render = vi.fn<(m: TrayModel) => void>();
    watchTray(core, render);
    await vi.advanceTimersByTimeAsync(0);
    const calls = state.statusCalls;

    emit({ type: 'platforms.changed' });
    emit({ type: 'ui.openAccount', accountId: 'a', reconnect: true });
    await vi.advanceTimersByTimeAsync(1000);
    expect(state.statusCalls).toBe(calls);

    state.status = { online: false, refreshing: 0 };
    emit({ type: 'app.changed' });
    await vi.advanceTimersByTimeAsync(200);
    expect(render).toHaveBeenCalledTimes(2);
    expect(render.mock.lastCall![0].items).toContainEqual({ kind: 'refreshAll', enabled: false });
  });

  it('does not re-render an unchanged model (a native menu closes when rebuilt)', async () => {
    const { core, emit } = fakeCore();
    const render = vi.fn();
    watchTray(core, render);
    await vi.advanceTimersByTimeAsync(0);
    emit({ type: 'accounts.changed' });
    await vi.advanceTimersByTimeAsync(500);
    expect(render).toHaveBeenCalledTimes(1);
  });

  it('a steady stream of events still rebuilds at least once a second', async () => {
    const { core, state, emit } = fakeCore();
    const render = vi.fn<(m: TrayModel) => void>();
    watchTray(core, render);
    await vi.advanceTimersByTimeAsync(0);
    state.status = { online: true, refreshing: 4 };
    for (let t = 0; t < 1100; t += 100) {
      emit({ type: 'accounts.changed' });
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(render).toHaveBeenCalledTimes(2);
  });

  it('keeps the last known status when app.status fails, and reports render errors', async () => {
    const { core, state, emit } = fakeCore();
    const errors: unknown[] = [];
    let fail = false;
    const render = vi.fn((m: TrayModel) => {
      if (fail) throw new Error('tray gone');
      return m;
    });
    state.status = { online: false, refreshing: 0 };
    watchTray(core, render, { onError: (e) => errors.push(e) });
    await vi.advanceTimersByTimeAsync(0);

    state.fail = true;
    state.attention = [item('a', 'X @a')];
    emit({ type: 'accounts.changed' });
    await vi.advanceTimersByTimeAsync(200);
    expect(render.mock.lastCall![0].items[0]).toEqual({ kind: 'note', label: 'Offline — will retry' });

    fail = true;
    state.attention = [];
    emit({ type: 'accounts.changed' });
    await vi.advanceTimersByTimeAsync(200);
    expect(errors).toHaveLength(1);
  });

  it('a failed render is retried on the next event even if the model is the same', async () => {
    const { core, emit } = fakeCore();
    let fail = true;
    const render = vi.fn(() => {
      if (fail) throw new Error('not yet');
    });
    watchTray(core, render);
    await vi.advanceTimersByTimeAsync(0);
    fail = false;
    emit({ type: 'accounts.changed' });
    await vi.advanceTimersByTimeAsync(200);
    expect(render).toHaveBeenCalledTimes(2);
  });

  it('renders the newest facts when rebuilds overlap (a slow, older status reply is dropped)', async () => {
    const { core, state, emit } = fakeCore();
    const render = vi.fn<(m: TrayModel) => void>();
    let release: (() => void) | undefined;
    const slow = {
      ...core,
      async call(m: string) {
        const reply = await core.call(m); // the facts as they were when asked
        if (!release) await new Promise<void>((r) => (release = r));
        return reply;
      },
    };
    watchTray(slow, render, { delayMs: 10 }); // first rebuild: online, held back
    await vi.advanceTimersByTimeAsync(0);
    state.status = { online: false, refreshing: 0 };
    emit({ type: 'app.changed' });
    await vi.advanceTimersByTimeAsync(10);
    expect(render).toHaveBeenCalledTimes(1);
    expect(render.mock.lastCall![0].items[0]).toEqual({ kind: 'note', label: 'Offline — will retry' });
    release!();
    await vi.advanceTimersByTimeAsync(0);
    expect(render).toHaveBeenCalledTimes(1);
  });

  it('follows tools.changed: a tool asking shows, and goes once answered', async () => {
    const { core, state, emit } = fakeCore();
    const render = vi.fn<(m: TrayModel) => void>();
    watchTray(core, render);
    await vi.advanceTimersByTimeAsync(0);
    state.asking = ['weekly-report'];
    emit({ type: 'tools.changed' });
    await vi.advanceTimersByTimeAsync(200);
    expect(render.mock.lastCall![0].items[0]).toEqual({ kind: 'pairing', label: '“weekly-report” asks to use your accounts' });
    state.asking = [];
    emit({ type: 'tools.changed' });
    await vi.advanceTimersByTimeAsync(200);
    expect(kinds(render.mock.lastCall![0])).not.toContain('pairing');
    expect(render).toHaveBeenCalledTimes(3);
  });

  it('offers Lock now where a passphrase protects the open vault', async () => {
    const { core, state } = fakeCore();
    state.lockable = true;
    const render = vi.fn<(m: TrayModel) => void>();
    watchTray(core, render);
    await vi.advanceTimersByTimeAsync(0);
    expect(kinds(render.mock.lastCall![0])).toContain('lock');
  });

  it('stop() unsubscribes and cancels a pending rebuild', async () => {
    const { core, emit, listeners } = fakeCore();
    const render = vi.fn();
    const w = watchTray(core, render);
    await vi.advanceTimersByTimeAsync(0);
    emit({ type: 'accounts.changed' });
    w.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(render).toHaveBeenCalledTimes(1);
    expect(listeners.size).toBe(0);
  });
});
