import { UserRoundPlus } from 'lucide-react';
import { useCallback, useId, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { AccountView, PlatformView } from '../../src-main/api/contract.ts';
import { openDetails, refreshAccount, useAccounts } from '../state/accounts.ts';
import { useApp } from '../state/app.ts';
import { connect } from '../state/connect.ts';
import { AccountDetails } from './AccountDetails.tsx';
import { AccountPill } from './AccountPill.tsx';
import { DisconnectDialog } from './DisconnectDialog.tsx';
import { GAP_PX, PILL_PX, usePillGrid } from './pill-grid.ts';
import { usePillKeys } from './pill-keys.ts';
import './account-pills.css';

interface Props {
  platform: PlatformView;
  accounts: AccountView[];
  connectBusy: boolean;
}

export function AccountsTab({ platform, accounts, connectBusy }: Props) {
  const refreshing = useAccounts((s) => s.refreshing);
  const openId = useAccounts((s) => s.openDetails[platform.id] ?? null);
  const offline = useApp((s) => s.app?.online === false);
  const spotlight = useAccounts((s) => s.spotlight);
  const [confirming, setConfirming] = useState<AccountView | null>(null);
  const detailsId = useId();
  const open = accounts.find((a) => a.id === openId) ?? null;
  const indexOf = useMemo(() => new Map(accounts.map((a, i) => [a.id, i])), [accounts]);
  const listRef = useRef<HTMLUListElement>(null);
  const keys = usePillKeys(accounts, indexOf, listRef);
  const pinned = [openId, spotlight?.accountId].map((id) => (id ? (indexOf.get(id) ?? -1) : -1)).concat(keys.activeIndex ?? -1);
  const grid = usePillGrid(accounts, pinned, listRef);

  // Stable across renders, so a pill whose own props did not change skips rendering (AccountPill is memoised).
  const onToggleDetails = useCallback(
    (account: AccountView) => openDetails(platform.id, useAccounts.getState().openDetails[platform.id] === account.id ? null : account.id),
    [platform.id],
  );
  const onRefresh = useCallback((account: AccountView) => void refreshAccount(account), []);
  const onReconnect = useCallback((account: AccountView) => void connect(platform.id, account.id), [platform.id]);

  const closeDetails = () => {
    const pill = document.querySelector<HTMLElement>(`[data-account-id="${CSS.escape(openId ?? '')}"] .pill-body`);
    openDetails(platform.id, null);
    pill?.focus();
  };

  if (accounts.length === 0) {
    return (
      <div className="empty">
        <UserRoundPlus size={20} aria-hidden="true" />
        <p>
          {platform.form
            ? `No ${platform.name} accounts yet. Add one with an app password.`
            : platform.credentials.saved
            ? `No ${platform.name} accounts yet. Connect one to get started.`
            : `No ${platform.name} accounts yet. Save credentials, then Connect.`}
        </p>
      </div>
    );
  }

  const pill = (account: AccountView, index: number) => (
    <AccountPill
      key={account.id}
      account={account}
      refreshing={!!refreshing[account.id]}
      connectBusy={connectBusy}
      offline={offline}
      expanded={openId === account.id}
      detailsId={detailsId}
      spotlight={spotlight?.accountId === account.id ? spotlight : null}
      row={grid.windowed ? Math.floor(index / grid.columns) : undefined}
      column={grid.windowed ? index % grid.columns : undefined}
      posInSet={grid.windowed ? index + 1 : undefined}
      setSize={grid.windowed ? accounts.length : undefined}
      onToggleDetails={onToggleDetails}
      onRefresh={onRefresh}
      onReconnect={onReconnect}
      onDisconnect={setConfirming}
    />
  );

  // The grid's measures go to CSS as variables (account-pills.css), so the pills' own props stay their row and column.
  const gridStyle = grid.windowed
    ? ({ height: grid.height, '--pill-height': `${PILL_PX}px`, '--pill-gap': `${GAP_PX}px`, '--pill-column': `${Math.max(0, grid.columnWidth)}px` } as CSSProperties)
    : undefined;

  return (
    <>
      <ul
        ref={listRef}
        className={grid.windowed ? 'pills pills--grid' : 'pills'}
        style={gridStyle}
        data-columns={grid.windowed ? grid.columns : undefined}
        aria-label={`${platform.name} accounts`}
        aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown Home End"
        onFocus={keys.onFocus}
        onKeyDown={keys.onKeyDown}
      >
        {grid.indexes ? grid.indexes.map((i) => pill(accounts[i]!, i)) : accounts.map(pill)}
      </ul>
      {open && (
        <AccountDetails
          id={detailsId}
          account={open}
          platformName={platform.name}
          connectBusy={connectBusy}
          offline={offline}
          onReconnect={() => void connect(platform.id, open.id)}
          onClose={closeDetails}
        />
      )}
      {confirming && <DisconnectDialog account={confirming} platformName={platform.name} onClose={() => setConfirming(null)} />}
    </>
  );
}
