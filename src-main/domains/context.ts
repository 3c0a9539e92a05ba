// src-main/domains/: the API by domain, each a table of typed handlers over what it picks from CoreContext; core.ts combines them.
//
// A domain names the parts of the context it uses (Pick<CoreContext, …>), so what a handler can touch
// is read off its signature, and a test or a new shell can give it just those.
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import type { ApiEvent, MethodName, requestSchemas, Results } from '../api/contract.ts';
import type { Clock } from '../core/clock.ts';
import type { Lifecycle } from '../core/lifecycle.ts';
import type { Logger } from '../core/logger.ts';
import type { PassphraseAttempts } from '../core/passphrase-attempts.ts';
import type { CoreDeps } from '../core/types.ts';
import type { Http } from '../http/http.ts';
import type { Pairing } from '../gateway/pairing.ts';
import type { PostConfirmations } from '../gateway/post-confirmations.ts';
import type { Flows } from '../oauth/flows.ts';
import type { Prefs } from '../prefs/prefs.ts';
import type { Accounts } from '../store/accounts.ts';
import type { Activity } from '../store/activity.ts';
import type { AppCredentials } from '../store/app-credentials.ts';
import type { Notices } from '../store/notices.ts';
import type { Posts } from '../store/posts.ts';
import type { Tools } from '../store/tools.ts';
import type { Workspaces } from '../store/workspaces.ts';
import type { KeyWrapper } from '../vault/key-wrapper.ts';
import type { Secrets } from '../vault/secrets.ts';
import type { Vault } from '../vault/vault.ts';

/** The services openCore builds once and every domain shares, and what the shell gave it. */
export interface CoreContext extends Pick<CoreDeps, 'keyWrapper' | 'weakKeychain' | 'redirectKinds' | 'openExternal' | 'isOnline' | 'loginItem' | 'about' | 'confirmExport' | 'reportActive'> {
  clock: Clock;
  logger: Logger;
  db: Database.Database;
  vault: Vault;
  secrets: Secrets;
  accounts: Accounts;
  activity: Activity;
  appCredentials: AppCredentials;
  notices: Notices;
  workspaces: Workspaces;
  /** Tools paired with the gateway, and the requests waiting for the user. */
  tools: Tools;
  pairing: Pairing;
  /** Posts published through Plugboard and each account's result: the history. */
  posts: Posts;
  /** Tools' posts waiting for the user to confirm them. */
  postConfirmations: PostConfirmations;
  http: Http;
  prefs: Prefs;
  lifecycle: Lifecycle;
  flows: Flows;
  emit(event: ApiEvent): void;
  /** The warning window of the moment: the setting can change while Plugboard runs. */
  warningWindowMs(): number;
  /** How long a Connect waits for the browser, ms. */
  flowTimeoutMs: number;
  passphraseWrapper(passphrase: string): KeyWrapper;
  /** Paces every check of the vault's passphrase once open (change passphrase, confirm an export). */
  passphraseAttempts: PassphraseAttempts;
}

type Handler<M extends MethodName> = (params: z.output<(typeof requestSchemas)[M]>) => Promise<Results[M]>;

/** A domain's part of the API: exactly the methods it names, each typed by the contract. */
export type DomainHandlers<M extends MethodName> = { [K in M]: Handler<K> };

const DEFAULT_WORKSPACE = 'default';

// The active workspace scopes almost every domain's reads, so it lives here rather than in one of them.

export function workspaceNames(ctx: Pick<CoreContext, 'db'>): { id: string; name: string }[] {
  return ctx.db.prepare('SELECT id, name FROM workspaces').all() as { id: string; name: string }[];
}

/** The workspace the window shows and the API acts in; a deleted or unknown one falls back to the first. */
export function activeWorkspace(ctx: Pick<CoreContext, 'db' | 'prefs'>): string {
  const all = workspaceNames(ctx);
  const wanted = ctx.prefs.get('activeWorkspace');
  return all.some((w) => w.id === wanted) ? wanted : (all[0]?.id ?? DEFAULT_WORKSPACE);
}

/** "Brand A · " in front of what the tray says, once there is more than one workspace. */
export function workspacePrefix(ctx: Pick<CoreContext, 'db'>, id: string): string {
  const all = workspaceNames(ctx);
  return all.length > 1 ? `${all.find((w) => w.id === id)?.name ?? ''} · ` : '';
}

export function switchTo(ctx: Pick<CoreContext, 'db' | 'prefs' | 'emit'>, workspaceId: string): void {
  if (activeWorkspace(ctx) === workspaceId) return;
  ctx.prefs.set('activeWorkspace', workspaceId);
  ctx.emit({ type: 'workspaces.changed' });
  ctx.emit({ type: 'accounts.changed' });
  ctx.emit({ type: 'app.changed' });
}
