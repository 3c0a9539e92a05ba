import { describe, expect, it, vi } from 'vitest';
import { trayModel } from '../core/tray-model.ts';
import type { AttentionItem } from '../core/types.ts';
import { menuLabel, trayMenuTemplate, type TrayActions } from './tray-menu.ts';

function actions() {
  return { openAccount: vi.fn(), open: vi.fn(), refreshAll: vi.fn(), lock: vi.fn(), quit: vi.fn() } satisfies TrayActions;
}
const item = (accountId: string, label: string): AttentionItem => ({ accountId, platform: 'x', label, status: 'expired', reason: null });
// Electron calls click(menuItem, window, event); these items ignore the arguments.
const click = (entry: { click?: unknown }) => (entry.click as () => void)();

describe('trayMenuTemplate', () => {
  it('renders every item in order, notes disabled, separators as separators', () => {
    const model = trayModel([item('a1', 'X @alice')], { online: false, refreshing: 0 });
    const template = trayMenuTemplate(model, actions());
    expect(template.map((t) => (t.type === 'separator' ? '---' : `${t.label}${t.enabled === false ? ' (disabled)' : ''}`))).toEqual([
      'Offline — will retry (disabled)',
      '1 account needs you (disabled)',
      'Reconnect X @alice — expired',
      '---',
      'Open Plugboard',
      'Refresh all (disabled)',
      '---',
      'Quit',
    ]);
  });

  it('wires each clickable item to its action', () => {
    const a = actions();
    const template = trayMenuTemplate(trayModel([item('a1', 'X @alice'), item('a2', 'X @bob')], { online: true, refreshing: 0 }), a);
    const byLabel = (label: string) => template.find((t) => t.label === label)!;
    click(byLabel('Reconnect X @bob — expired'));
    expect(a.openAccount).toHaveBeenCalledWith('a2');
    click(byLabel('Open Plugboard'));
    expect(a.open).toHaveBeenCalledOnce();
    expect(byLabel('Refresh all').enabled).toBe(true);
    click(byLabel('Refresh all'));
    expect(a.refreshAll).toHaveBeenCalledOnce();
    click(byLabel('Quit'));
    expect(a.quit).toHaveBeenCalledOnce();
    expect(template.filter((t) => t.enabled === false).every((t) => t.click === undefined)).toBe(true);
  });

  it('Lock now sits before Quit only where a passphrase can lock the vault', () => {
    const a = actions();
    const lockable = trayMenuTemplate(trayModel([], { online: true, refreshing: 0, lockable: true }), a);
    expect(lockable.map((t) => t.label ?? '---')).toEqual(['Open Plugboard', 'Refresh all', 'Lock now', '---', 'Quit']);
    click(lockable.find((t) => t.label === 'Lock now')!);
    expect(a.lock).toHaveBeenCalledOnce();
    expect(trayMenuTemplate(trayModel([], { online: true, refreshing: 0, lockable: false }), a).some((t) => t.label === 'Lock now')).toBe(false);
  });

  it('a tool asking to pair opens the window, where its dialog waits; its name is escaped like a handle', () => {
    const a = actions();
    const template = trayMenuTemplate(trayModel([], { online: true, refreshing: 0 }, ['R&D report']), a);
    expect(template[0]!.label).toBe('“R&&D report” asks to use your accounts');
    click(template[0]!);
    expect(a.open).toHaveBeenCalledOnce();
  });

  it('escapes & so Electron shows it instead of making a mnemonic', () => {
    expect(menuLabel('Tom & Jerry && co')).toBe('Tom && Jerry &&&& co');
    const template = trayMenuTemplate(trayModel([item('a', 'WordPress Salt & Pepper')], { online: true, refreshing: 0 }), actions());
    expect(template[1]!.label).toBe('Reconnect WordPress Salt && Pepper — expired');
  });
});
