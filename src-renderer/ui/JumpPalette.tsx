// Ctrl/Cmd+K: jump to an account, a platform or a page by typing a few letters.
import { useCallback, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { showAccount, useAccounts } from '../state/accounts.ts';
import { showPage, type PageName } from '../state/page.ts';
import { usePlatforms } from '../state/platforms.ts';
import { useSession } from '../state/session.ts';
import { Dialog } from './Dialog.tsx';
import { atHandle } from './format.ts';
import { useDesktopShortcuts } from './shortcuts.ts';
import './jump-palette.css';

interface Target {
  key: string;
  label: string;
  detail: string;
  go: () => void;
}

const PAGES: [PageName, string][] = [
  ['accounts', 'Accounts'],
  ['platforms', 'Platforms'],
  ['post', 'Post'],
  ['tools', 'Tools'],
  ['notices', 'Notices'],
  ['settings', 'Settings'],
  ['move', 'Move'],
];

const MAX_SHOWN = 50;

function useTargets(): Target[] {
  const accounts = useAccounts((s) => s.accounts);
  const platforms = usePlatforms((s) => s.platforms);
  return useMemo(() => {
    const name = new Map(platforms.map((p) => [p.id, p.name]));
    return [
      ...accounts.map((a) => ({
        key: `a:${a.id}`,
        label: a.displayName && a.displayName !== a.handle ? `${a.displayName} ${atHandle(a.handle)}` : atHandle(a.handle),
        detail: `Account on ${name.get(a.platform) ?? a.platform}`,
        go: () => void showAccount(a.id, false),
      })),
      ...platforms.map((p) => ({ key: `p:${p.id}`, label: p.name, detail: 'Platform', go: () => showPage('platforms', p.id) })),
      ...PAGES.map(([page, label]) => ({ key: `g:${page}`, label, detail: 'Page', go: () => showPage(page) })),
    ];
  }, [accounts, platforms]);
}

function Palette({ onClose }: { onClose: () => void }) {
  const targets = useTargets();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const id = useId();
  const shown = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return targets.filter((t) => words.every((w) => `${t.label} ${t.detail}`.toLowerCase().includes(w))).slice(0, MAX_SHOWN);
  }, [targets, query]);
  const current = Math.min(active, shown.length - 1);

  const choose = (t: Target | undefined) => {
    if (!t) return;
    onClose();
    t.go();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (shown.length) setActive((current + (e.key === 'ArrowDown' ? 1 : -1) + shown.length) % shown.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(shown[current]);
    }
  };

  return (
    <Dialog title="Go to" onClose={onClose} className="jump-palette" actions={<p className="hint">↑ ↓ to choose · Enter to go · Esc to close</p>}>
      <input
        className="input"
        type="text"
        role="combobox"
        aria-label="Account, platform or page"
        placeholder="Account, platform or page"
        aria-expanded="true"
        aria-controls={`${id}-list`}
        aria-activedescendant={current >= 0 ? `${id}-${current}` : undefined}
        aria-autocomplete="list"
        autoComplete="off"
        spellCheck={false}
        data-autofocus
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ul id={`${id}-list`} role="listbox" aria-label="Places" className="jump-list">
        {shown.map((t, i) => (
          <li
            key={t.key}
            id={`${id}-${i}`}
            role="option"
            aria-selected={i === current}
            className={i === current ? 'jump-item jump-item--active' : 'jump-item'}
            onMouseMove={() => setActive(i)}
            onClick={() => choose(t)}
          >
            <span className="jump-label">{t.label}</span>
            <span className="jump-detail">{t.detail}</span>
          </li>
        ))}
      </ul>
      {shown.length === 0 && (
        <p className="hint" role="status">
          Nothing is called “{query}”.
        </p>
      )}
    </Dialog>
  );
}

/** The palette and the window's shortcuts; mounted in the unlocked window only. */
export function JumpPalette() {
  const [open, setOpen] = useState(false);
  const unlocked = useSession((s) => s.lock?.state === 'open');
  const openPalette = useCallback(() => setOpen(true), []);
  useDesktopShortcuts(openPalette);
  if (!open || !unlocked) return null;
  return <Palette onClose={() => setOpen(false)} />;
}
