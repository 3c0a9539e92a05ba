// Keeps every connection alive (F7–F9): renews tokens before they expire through
// the one scheduler, classifies failures, and sends each notice once per
// account, threshold and deadline. The core's API and the scheduler's timer both
// come through here, so a click, Refresh all and the timer share one flight.
import { createHash } from 'node:crypto';
import type { ApiEvent } from '../api/contract.ts';
import { providerDecl } from '../connectors/providers.ts';
import { connectorFor } from '../connectors/registry.ts';
import type { ClientCredentials, Connector, ConnectorContext, TokenSet } from '../connectors/types.ts';
import { PlatformError } from '../errors/platform-error.ts';
import type { Http } from '../http/http.ts';
import { refreshTokens } from '../oauth/oauth-client.ts';
import { RefreshScheduler, type RunOutcome } from '../scheduler/refresh-scheduler.ts';
import { nextTry, RATE_LIMIT_DEFAULT_MS, renewAt } from '../scheduler/timing.ts';
import { fetchAvatar } from '../connectors/avatar.ts';
import { UNREADABLE_TOKEN_MESSAGE, type AccountRow, type Accounts, type StoredTokens } from '../store/accounts.ts';
import { VaultCorruptError } from '../vault/vault.ts';
import type { AppCredentials } from '../store/app-credentials.ts';
import type { Notices, NoticeRow, ResolvedHow } from '../store/notices.ts';
import { accountContext, canRenew, clientCredentialsFor, connectionDeadline, readProfile } from './account-facts.ts';
import { nextThresholdAt } from './attention.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import { checkNotices, resolveAll } from './notice-keeper.ts';
import { renewalOf } from './status.ts';

export interface LifecycleDeps {
  clock: Clock;
  random: () => number;
  logger: Logger;
  http: Http;
  accounts: Accounts;
  appCredentials: AppCredentials;
  notices: Notices;
  emit: (event: ApiEvent) => void;
  /** The OS says whether the machine is online (Electron's net module); absent: assume online. */
  isOnline?: () => boolean;
  /** Shows a desktop notification; absent in the browser host, where notices are an in-app list. */
  notify?: (notice: NoticeRow) => void;
  warningWindowMs: () => number;
  workspaceName: (workspaceId: string) => string;
}

const TRANSIENT_KINDS = new Set(['network', 'server', 'rate_limited', 'malformed']);
/**
 * A manual refresh (click, Refresh all) this soon after the account was renewed returns that
 * renewal: a burst of clicks is one request, while a click a few seconds later still renews.
 */
export const RECENT_RENEWAL_MS = 5_000;

const answerLostSentence = (name: string) =>
  `${name} most likely renewed this account's token during an earlier attempt whose answer never arrived (the request timed out or the connection dropped), so it now refuses the old one. Reconnect to get a new one.`;

/** Which stored credential a renewal presented, without keeping the credential itself around. */
function fingerprint(stored: StoredTokens): string {
  return createHash('sha256').update(stored.refreshToken ?? stored.accessToken ?? stored.appPassword ?? '').digest('base64url');
}

export class Lifecycle {
  readonly scheduler: RefreshScheduler;
  readonly #d: LifecycleDeps;
  /** Refreshes in flight, by account: every trigger shares one platform request. */
  readonly #inFlight = new Map<string, Promise<void>>();
  /** Accounts whose next run renews even when not yet due: the user asked (refresh icon, Refresh all). */
  readonly #forced = new Set<string>();
  /** The last platform call failed for want of network (shown as "offline"). */
  #networkDown = false;
  /** When each account was last renewed (clock ms), so a burst of clicks shares that renewal. */
  readonly #renewedAt = new Map<string, number>();
  /** Until when the platform asked to be left alone (a rate limit's reset), by account. */
  readonly #waitUntil = new Map<string, number>();
  /**
   * Accounts whose last renewal got no answer although the request may have reached the platform,
   * by the fingerprint of what it presented: the platform may have rotated that token unseen. Kept
   * in memory only: after a restart a refusal is reported as the platform's own.
   */
  readonly #answerLost = new Map<string, string>();

  constructor(deps: LifecycleDeps) {
    this.#d = deps;
    this.scheduler = new RefreshScheduler({
      clock: deps.clock,
      random: deps.random,
      logger: deps.logger,
      isOnline: () => deps.isOnline?.() ?? true,
      run: (id) => this.#run(id, this.#forced.delete(id)),
      onSettled: () => deps.emit({ type: 'accounts.changed' }),
    });
  }

  get online(): boolean {
    return (this.#d.isOnline?.() ?? true) && !this.#networkDown;
  }

  isRefreshing(id: string): boolean {
    return this.#inFlight.has(id);
  }

  /** Plans every stored account and starts the timer; overdue work runs now (start-up catch-up). */
  start(): void {
    const rows = this.#d.accounts.all();
    for (const row of rows) this.plan(row);
    this.scheduler.start();
    for (const row of rows) this.checkNotices(row);
  }

  stop(): void {
    this.scheduler.stop();
  }

  /** Waits for refreshes in flight, so a rotated token is committed before the database closes. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.#inFlight.values());
  }

  /** After sleep or when the network returns: overdue refreshes run before anything uses a token. */
  resume(): void {
    // Statuses are derived from the time: after a jump they may have changed even if nothing was due.
    this.#d.emit({ type: 'accounts.changed' });
    this.#d.emit({ type: 'app.changed' });
    void this.scheduler.catchUp().then(() => this.#d.emit({ type: 'accounts.changed' }));
  }

  setOnline(online: boolean): void {
    if (online) this.#networkDown = false;
    this.scheduler.setOnline(online);
    this.#d.emit({ type: 'app.changed' });
  }

  plan(row: AccountRow): void {
    this.scheduler.plan(row.id, row.platform, this.#nextDue(row, this.#d.random));
  }

  forget(id: string): void {
    this.scheduler.remove(id);
    this.#renewedAt.delete(id);
    this.#waitUntil.delete(id);
    this.#answerLost.delete(id);
    resolveAll(this.#d, id);
  }

  /** A click on the refresh icon: renews now, through the same flight as the timer. */
  async refreshNow(id: string): Promise<void> {
    this.#forced.add(id);
    const outcome = await this.scheduler.runNow(id);
    // Joining a run already in flight did not consume the mark; it must not force a later timer run.
    this.#forced.delete(id);
    this.#throwIfFailed(id, outcome);
  }

  /**
   * A tool is about to use the account: renews first when its token is within the renewal margin, in the
   * same flight as the timer (a renewal already running is joined, not repeated). Throws the refusal.
   */
  async ensureFresh(id: string): Promise<void> {
    const row = this.#d.accounts.get(id);
    if (!row || !canRenew(row, providerDecl(row.platform)) || this.#connectionEnded(row) || !this.#renewalDue(row)) return;
    this.#throwIfFailed(id, await this.scheduler.runNow(id));
  }

  #throwIfFailed(id: string, outcome: RunOutcome): void {
    if (outcome.ok) return;
    const row = this.#d.accounts.get(id);
    throw new PlatformError(outcome.kind, row?.last_error_message ?? 'The refresh failed.', { retryAt: outcome.retryAt ?? null });
  }

  /** Refresh all now (F15): every renewable account, past any failure. */
  /** `which`: the accounts to renew now (Refresh all acts in one workspace); the outcomes are theirs. */
  async refreshAll(which: (row: AccountRow) => boolean = () => true): Promise<Map<string, RunOutcome>> {
    const chosen = new Set<string>();
    for (const row of this.#d.accounts.all()) {
      if (!which(row)) continue;
      chosen.add(row.id);
      if (canRenew(row, providerDecl(row.platform))) this.#forced.add(row.id);
    }
    const outcomes = await this.scheduler.runAll();
    // Parked accounts were not run; their mark must not force a later timer run.
    this.#forced.clear();
    return new Map([...outcomes].filter(([id]) => chosen.has(id)));
  }

  /** The scheduler's run for one account: renew when due (or when forced), then send any notice due. */
  async #run(id: string, force: boolean): Promise<RunOutcome> {
    const row = this.#d.accounts.get(id);
    if (!row) return { ok: true, nextDueAt: null };
    const decl = providerDecl(row.platform);
    const waitUntil = this.#waiting(id);
    if (waitUntil !== null) {
      // The platform said when to come back (its message, stored, says so); asking earlier would only be refused.
      this.checkNotices(row);
      return { ok: false, kind: 'rate_limited', retryAt: waitUntil };
    }
    // A burst of clicks: the renewal that has just finished is the answer to the ones after it too.
    const asked = force && !this.#renewedRecently(id);
    try {
      // A retry after a transient failure renews even before the token is due: that is what failed.
      const retrying = row.last_error_kind !== null && TRANSIENT_KINDS.has(row.last_error_kind);
      if (canRenew(row, decl) && !this.#connectionEnded(row) && (asked || retrying || this.#renewalDue(row))) await this.#refresh(id);
    } catch (e) {
      const after = this.#d.accounts.get(id);
      if (after) this.checkNotices(after);
      if (e instanceof PlatformError) return { ok: false, kind: e.kind, retryAt: e.retryAt };
      this.#d.logger.error('refresh crashed', { account: id, error: (e as Error).stack ?? String(e) });
      return { ok: false, kind: 'server' };
    }
    const after = this.#d.accounts.get(id);
    if (!after) return { ok: true, nextDueAt: null };
    this.checkNotices(after, 'renewed');
    return { ok: true, nextDueAt: this.#nextDue(after, this.#d.random) };
  }

  /** The end of the platform's requested wait for this account, or null when none is running. */
  #waiting(id: string): number | null {
    const until = this.#waitUntil.get(id);
    if (until === undefined) return null;
    if (until > this.#d.clock.now()) return until;
    this.#waitUntil.delete(id);
    return null;
  }

  /** Whether the account was renewed at or after `since` (Refresh all tells renewed accounts from untouched ones). */
  renewedSince(id: string, since: number): boolean {
    return (this.#renewedAt.get(id) ?? -Infinity) >= since;
  }

  #renewedRecently(id: string): boolean {
    const at = this.#renewedAt.get(id);
    const since = at === undefined ? Infinity : this.#d.clock.now() - at;
    return since >= 0 && since < RECENT_RENEWAL_MS;
  }

  /** Past its own deadline a connection cannot renew; asking the platform would only add a second red notice. */
  #connectionEnded(row: AccountRow): boolean {
    return row.connection_expires_at !== null && row.connection_expires_at <= this.#d.clock.now();
  }

  /** Due once the earliest jittered renewal moment has passed. */
  #renewalDue(row: AccountRow): boolean {
    if (row.token_expires_at === null) return false;
    const obtainedAt = row.token_obtained_at ?? row.last_synced_at ?? row.created_at;
    return this.#d.clock.now() >= renewAt({ obtainedAt, expiresAt: row.token_expires_at, random: () => 1 });
  }

  /** The next time this account needs the scheduler: its renewal, or a notice threshold, whichever is first. */
  #nextDue(row: AccountRow, random: () => number): number | null {
    const decl = providerDecl(row.platform);
    const now = this.#d.clock.now();
    const times: number[] = [];
    const refused = row.last_error_kind === 'auth' || row.last_error_kind === 'setup';
    if (canRenew(row, decl) && !refused && !this.#connectionEnded(row) && row.token_expires_at !== null) {
      const obtainedAt = row.token_obtained_at ?? row.last_synced_at ?? row.created_at;
      times.push(renewAt({ obtainedAt, expiresAt: row.token_expires_at, random }));
    }
    const threshold = nextThresholdAt(row, decl, now, this.#d.warningWindowMs());
    if (threshold !== null) times.push(threshold);
    return times.length ? Math.min(...times) : null;
  }

  #refresh(id: string): Promise<void> {
    const running = this.#inFlight.get(id);
    if (running) return running;
    const job = this.#refreshOnce(id).finally(() => {
      this.#inFlight.delete(id);
      this.#d.emit({ type: 'accounts.changed' });
    });
    this.#inFlight.set(id, job);
    this.#d.emit({ type: 'accounts.changed' });
    return job;
  }

  async #refreshOnce(id: string): Promise<void> {
    const { accounts, clock, http, logger } = this.#d;
    // Read everything after taking the flight: a refresh that just finished may have rotated the token.
    const row = accounts.get(id);
    if (!row) return;
    const connector = connectorFor(row.platform, row.via);
    if (!connector) throw new PlatformError('setup', `${providerDecl(row.platform).name} cannot be renewed by this version of Plugboard.`);
    const { creds, stored } = this.#secretsFor(row, connector);
    const { refreshToken } = stored;
    const ctx: ConnectorContext = { http, credentials: creds, account: accountContext(row) };
    let tokens: TokenSet;
    try {
      tokens = await this.#renew(connector, ctx, stored);
    } catch (e) {
      if (!(e instanceof PlatformError)) throw e;
      // Another process may have rotated the token while this request was out: the account is not dead.
      if (e.kind === 'auth' && accounts.readTokens(id).refreshToken !== refreshToken) {
        logger.info('refresh lost a race to another rotation; keeping the newer token', { platform: row.platform, account: id });
        return;
      }
      if (e.kind === 'network') this.#networkDown = true;
      const failure = this.#explain(id, connector, stored, e);
      accounts.recordError(id, failure.kind, failure.message, clock.now());
      logger.warn('refresh failed', { platform: row.platform, account: id, kind: e.kind });
      this.#d.emit({ type: 'app.changed' });
      throw failure;
    }
    // Committed before anything else happens: the rotated refresh token must not be lost.
    accounts.saveRefreshed(id, tokens, connectionDeadline(renewalOf(row, connector.decl), tokens, row.connection_expires_at), clock.now());
    this.#renewedAt.set(id, clock.now());
    this.#waitUntil.delete(id);
    this.#answerLost.delete(id);
    if (this.#networkDown) {
      this.#networkDown = false;
      this.#d.emit({ type: 'app.changed' });
    }
    logger.info('account refreshed', { platform: row.platform, account: id, rotated: Boolean(tokens.refreshToken) });
    await this.syncProfile(id, connector, ctx, tokens.accessToken);
  }

  /**
   * The failure as the account should show it: a rate limit names its next try (and is remembered,
   * so nothing asks the platform before then); a refusal right after a renewal whose answer was lost
   * says that is the likely cause, instead of the platform's "revoked or expired".
   */
  #explain(id: string, connector: Connector, stored: StoredTokens, e: PlatformError): PlatformError {
    const now = this.#d.clock.now();
    if (e.kind === 'rate_limited') {
      // The scheduler's own rule, so the sentence names the time it will really try again.
      const retryAt = e.retryAt !== null && e.retryAt > now ? e.retryAt : now + RATE_LIMIT_DEFAULT_MS;
      this.#waitUntil.set(id, retryAt);
      return new PlatformError(e.kind, `${e.message} ${nextTry(retryAt, now)}`, { status: e.status, retryAt, cause: e });
    }
    if (e.kind === 'network' && e.mayHaveArrived) this.#answerLost.set(id, fingerprint(stored));
    if (e.kind === 'auth') {
      const lost = this.#answerLost.get(id) === fingerprint(stored);
      this.#answerLost.delete(id);
      if (lost) return new PlatformError('auth', answerLostSentence(connector.decl.name), { status: e.status, cause: e });
    }
    return e;
  }

  /**
   * The app's credentials and the account's tokens, or the reason they cannot be had, recorded on
   * the account (red) so the user sees the fix: save the credentials again, or reconnect.
   */
  #secretsFor(row: AccountRow, connector: Connector): { creds: ClientCredentials; stored: StoredTokens } {
    const { accounts, appCredentials, clock } = this.#d;
    const fail = (kind: 'setup' | 'auth', message: string): never => {
      accounts.recordError(row.id, kind, message, clock.now());
      throw new PlatformError(kind, message);
    };
    let creds: ClientCredentials | null;
    try {
      creds = clientCredentialsFor(providerDecl(row.via ?? row.platform), appCredentials);
    } catch (e) {
      if (!(e instanceof VaultCorruptError)) throw e;
      return fail('setup', `The saved ${connector.decl.name} client secret cannot be read on this computer (the stored copy is damaged). Enter the client ID and secret again on the Credentials tab.`);
    }
    if (!creds) return fail('setup', `The ${connector.decl.name} client ID and secret were cleared, so Plugboard cannot renew this account. Save them again on the Credentials tab.`);
    try {
      return { creds, stored: accounts.readTokens(row.id) };
    } catch (e) {
      if (!(e instanceof VaultCorruptError)) throw e;
      return fail('auth', UNREADABLE_TOKEN_MESSAGE);
    }
  }

  #renew(connector: Connector, ctx: ConnectorContext, stored: { accessToken: string | null; refreshToken: string | null; appPassword: string | null }): Promise<TokenSet> {
    const now = this.#d.clock.now();
    if (connector.renew) return connector.renew(ctx, stored, now);
    const { refreshToken } = stored;
    if (!refreshToken) throw new PlatformError('auth', `${connector.decl.name} gave no refresh token for this account, so it cannot renew itself. Reconnect it.`);
    return refreshTokens(connector, ctx.credentials, ctx.http, refreshToken, now);
  }

  /** Re-reads the profile where it is cheap, so a new name, handle or subscription shows up. */
  async syncProfile(id: string, connector: Connector, ctx: ConnectorContext, accessToken: string): Promise<void> {
    try {
      const row = this.#d.accounts.get(id);
      const profile = await readProfile(connector, ctx, accessToken, row?.platform_user_id ?? null);
      if (!profile) {
        this.#d.logger.warn('profile re-read did not find the account among the login\'s identities', { account: id });
        return;
      }
      // The picture is fetched again only when its address changed (platforms give a new URL for a new picture).
      const avatar = row && profile.avatarUrl !== row.avatar_url ? { dataUri: await fetchAvatar(ctx.http, profile.avatarUrl), url: profile.avatarUrl } : undefined;
      this.#d.accounts.updateProfile(id, profile, this.#d.clock.now(), avatar);
    } catch (e) {
      // The tokens are renewed and stored; a failed profile read changes nothing that matters.
      this.#d.logger.warn('profile update failed', { account: id, error: (e as Error).message });
    }
  }

  /** Sends the notice due for this account now, if it was not sent before, and resolves those that ended. */
  checkNotices(row: AccountRow, how: ResolvedHow = null): void {
    checkNotices(this.#d, row, how);
  }
}
