import { useEffect } from 'react';
import { usePage } from '../state/page.ts';
import { start, useSession } from '../state/session.ts';
import { AccountsPage } from './AccountsPage.tsx';
import { ConnectedTools } from './ConnectedTools.tsx';
import { JumpPalette } from './JumpPalette.tsx';
import { LockScreen } from './LockScreen.tsx';
import { MoveData } from './MoveData.tsx';
import { NoticesPage } from './Notices.tsx';
import { PageFrame } from './PageFrame.tsx';
import { PairingDialog } from './PairingDialog.tsx';
import { PlatformsPage } from './PlatformsPage.tsx';
import { PostConfirmDialog } from './PostConfirmDialog.tsx';
import { PostPage } from './PostPage.tsx';
import { SettingsPage } from './SettingsPage.tsx';
import { Sidebar } from './Sidebar.tsx';
import { Toasts } from './Toasts.tsx';

function Page() {
  const page = usePage((s) => s.page);
  const status = useSession((s) => s.status);
  if (page === 'platforms') return <PlatformsPage />;
  if (page === 'tools') return <ConnectedTools />;
  if (page === 'post') return <PostPage />;
  if (page === 'notices') return <NoticesPage />;
  if (page === 'settings') return <SettingsPage />;
  if (page === 'move')
    return (
      <PageFrame title="Move" sub="Take your accounts to another computer, or bring them here.">
        {status === 'ready' && <MoveData />}
      </PageFrame>
    );
  return <AccountsPage />;
}

export function App() {
  useEffect(() => start(), []);
  const lock = useSession((s) => s.lock);
  if (lock && lock.state !== 'open') {
    return (
      <>
        <LockScreen lock={lock} />
        <Toasts />
      </>
    );
  }
  return (
    <div className="shell">
      <Sidebar />
      <Page />
      <PairingDialog />
      <PostConfirmDialog />
      <JumpPalette />
      <Toasts />
    </div>
  );
}
