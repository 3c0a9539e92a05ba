import { UserRoundPlus } from 'lucide-react';
import { useId, useState } from 'react';
import type { AccountView, PlatformView } from '../../src-main/api/contract.ts';
import { connect, openDetails, refreshAccount, useStore } from '../state/store.ts';
import { AccountDetails } from './AccountDetails.tsx';
import { AccountPill } from './AccountPill.tsx';
import { DisconnectDialog } from './DisconnectDialog.tsx';

interface Props {
  platform: PlatformView;
  accounts: AccountView[];
  connectBusy: boolean;
}

export function AccountsTab({ platform, accounts, connectBusy }: Props) {
  const refreshing = useStore((s) => s.refreshing);
  const openId = useStore((s) => s.openDetails[platform.id] ?? null);
  const offline = useStore((s) => s.app?.online === false);
  const [confirming, setConfirming] = useState<AccountView | null>(null);
  const detailsId = useId();
  const open = accounts.find((a) => a.id === openId) ?? null;

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

  return (
    <>
      <ul className="pills" aria-label={`${platform.name} accounts`}>
        {accounts.map((account) => (
          <AccountPill
            key={account.id}
            account={account}
            refreshing={!!refreshing[account.id]}
            connectBusy={connectBusy}
            offline={offline}
            expanded={openId === account.id}
            detailsId={detailsId}
            onToggleDetails={() => openDetails(platform.id, openId === account.id ? null : account.id)}
            onRefresh={() => void refreshAccount(account)}
            onReconnect={() => void connect(platform.id, account.id)}
            onDisconnect={() => setConfirming(account)}
          />
        ))}
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
