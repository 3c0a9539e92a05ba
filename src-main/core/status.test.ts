import { describe, expect, it } from 'vitest';
import type { ErrorKind } from '../api/contract.ts';
import { providerDecl } from '../connectors/providers.ts';
import type { AccountRow } from '../store/accounts.ts';
import { DEFAULT_WARNING_WINDOW_MS, deriveStatus, userDate, worstStatus } from './status.ts';

const NOW = Date.UTC(2025, 5, 15, 12);
const HOUR = 3600_000;
const DAY = 24 * HOUR;

const x = providerDecl('x');
// LinkedIn cannot renew by itself: its connection ends with its token.
const linkedin = providerDecl('linkedin');

function row(overrides: Partial<AccountRow> = {}): AccountRow {
  return {
    id: 'acc-1',
    workspace_id: 'default',
    platform: 'x',
    platform_user_id: '42',
    handle: 'someone',
    display_name: 'Someone',
    avatar: null,
    avatar_url: null,
    via: null,
    renewal: null,
    scopes: 'tweet.read users.read offline.access',
    details: '{}',
    token_expires_at: NOW + 2 * HOUR,
    connection_expires_at: null,
    last_synced_at: NOW - HOUR,
    token_obtained_at: NOW - HOUR,
    last_error_kind: null,
    last_error_message: null,
    last_error_at: null,
    created_at: NOW - DAY,
    updated_at: NOW - HOUR,
    ...overrides,
  };
}

function failed(kind: ErrorKind, message: string, overrides: Partial<AccountRow> = {}): AccountRow {
  return row({ last_error_kind: kind, last_error_message: message, last_error_at: NOW - 60_000, ...overrides });
}

describe('deriveStatus', () => {
  it('the platforms these cases use still renew the way the cases assume', () => {
    expect(x.renewal).not.toBe('none');
    expect(linkedin.renewal).toBe('none');
    expect(DEFAULT_WARNING_WINDOW_MS).toBe(7 * DAY);
  });

  it('is connected with a valid token and nothing wrong', () => {
    expect(deriveStatus(row(), x, NOW)).toEqual({ status: 'connected', reason: null });
  });

  it('is connected on a renewing platform even when the access token itself has run out', () => {
    expect(deriveStatus(row({ token_expires_at: NOW - HOUR }), x, NOW)).toEqual({ status: 'connected', reason: null });
  });

  it('is refreshing while a refresh runs, whatever else is stored', () => {
    expect(deriveStatus(row(), x, NOW, { refreshing: true })).toEqual({ status: 'refreshing', reason: null });
    expect(deriveStatus(failed('auth', 'old'), x, NOW, { refreshing: true }).status).toBe('refreshing');
  });

  it('is expired after an auth refusal, with the stored sentence', () => {
    const message = 'X no longer accepts this account\'s refresh token. Reconnect the account.';
    expect(deriveStatus(failed('auth', message), x, NOW)).toEqual({ status: 'expired', reason: message });
  });

  it('is expired after an auth refusal with no stored sentence (or an empty one), with a generic one naming the platform', () => {
    const generic = { status: 'expired', reason: 'X (Twitter) refused to renew this connection. Reconnect to sign in again.' };
    expect(deriveStatus(row({ last_error_kind: 'auth', last_error_message: null }), x, NOW)).toEqual(generic);
    expect(deriveStatus(row({ last_error_kind: 'setup', last_error_message: '' }), x, NOW)).toEqual(generic);
  });

  it('keeps the status under a rate limit, with the wait (its next try) as the reason on a green account', () => {
    const message = 'X (Twitter) is rate-limiting requests; Plugboard will try again later. Next try at 14:05.';
    expect(deriveStatus(failed('rate_limited', message), x, NOW)).toEqual({ status: 'connected', reason: message });
    expect(deriveStatus(failed('rate_limited', message, { token_expires_at: NOW - DAY }), x, NOW)).toEqual({ status: 'connected', reason: message });
    // A yellow account stays yellow and says what it needs from the user; the wait is its last error.
    const expiring = deriveStatus(failed('rate_limited', message, { connection_expires_at: NOW + 2 * DAY }), x, NOW);
    expect(expiring.status).toBe('expiring');
    expect(expiring.reason).toBe('X (Twitter) cannot renew this connection by itself. Reconnect before it ends.');
  });

  for (const kind of ['network', 'server', 'malformed'] as const) {
    it(`is offline, never expired, after a ${kind} failure`, () => {
      const message = `a ${kind} sentence`;
      expect(deriveStatus(failed(kind, message), x, NOW)).toEqual({ status: 'offline', reason: message });
      // Even with the access token already run out: the refresh token may well still work.
      expect(deriveStatus(failed(kind, message, { token_expires_at: NOW - DAY }), x, NOW)).toEqual({ status: 'offline', reason: message });
    });
  }

  it('is expired when a token that cannot renew has run out', () => {
    const r = row({ platform: 'linkedin', token_expires_at: NOW - 1 });
    expect(deriveStatus(r, linkedin, NOW)).toEqual({ status: 'expired', reason: 'LinkedIn does not let Plugboard renew this connection, and it has run out. Reconnect to sign in again.' });
    // The boundary: a token expiring this very millisecond is no longer usable.
    expect(deriveStatus(row({ platform: 'linkedin', token_expires_at: NOW }), linkedin, NOW).status).toBe('expired');
  });

  it('is expiring when a token that cannot renew ends within 7 days, and connected outside them', () => {
    const soon = deriveStatus(row({ platform: 'linkedin', token_expires_at: NOW + 6 * DAY }), linkedin, NOW);
    expect(soon.status).toBe('expiring');
    expect(soon.reason).toBe('LinkedIn cannot renew this connection by itself. Reconnect before it ends.');
    expect(deriveStatus(row({ platform: 'linkedin', token_expires_at: NOW + 7 * DAY }), linkedin, NOW).status).toBe('expiring');
    expect(deriveStatus(row({ platform: 'linkedin', token_expires_at: NOW + 7 * DAY + 1 }), linkedin, NOW)).toEqual({ status: 'connected', reason: null });
    expect(deriveStatus(row({ platform: 'linkedin', token_expires_at: NOW + 50 * DAY }), linkedin, NOW)).toEqual({ status: 'connected', reason: null });
  });

  it('takes the connection deadline over the token expiry on a platform that cannot renew', () => {
    const r = row({ platform: 'linkedin', token_expires_at: NOW + 50 * DAY, connection_expires_at: NOW + 3 * DAY });
    expect(deriveStatus(r, linkedin, NOW).status).toBe('expiring');
  });

  it('warns on a renewing platform only about its connection deadline, not the short-lived token', () => {
    expect(deriveStatus(row({ token_expires_at: NOW + HOUR }), x, NOW).status).toBe('connected');
    expect(deriveStatus(row({ connection_expires_at: NOW + 2 * DAY }), x, NOW).status).toBe('expiring');
  });

  it('is expired once the connection deadline has passed, on any platform', () => {
    const ended = NOW - DAY;
    expect(deriveStatus(row({ connection_expires_at: ended }), x, NOW)).toEqual({ status: 'expired', reason: 'X (Twitter) ends a connection after a fixed time, and this one has ended. Reconnect to sign in again.' });
    expect(deriveStatus(row({ platform: 'linkedin', token_expires_at: NOW + DAY, connection_expires_at: ended }), linkedin, NOW).status).toBe('expired');
    // A passed deadline outranks a transient error: waiting for the network will not bring it back.
    expect(deriveStatus(failed('network', 'offline', { connection_expires_at: ended }), x, NOW).status).toBe('expired');
  });

  it('respects a custom warning window', () => {
    const r = row({ platform: 'linkedin', token_expires_at: NOW + 10 * DAY });
    expect(deriveStatus(r, linkedin, NOW).status).toBe('connected');
    expect(deriveStatus(r, linkedin, NOW, { warningWindowMs: 14 * DAY }).status).toBe('expiring');
    expect(deriveStatus(row({ platform: 'linkedin', token_expires_at: NOW + 2 * DAY }), linkedin, NOW, { warningWindowMs: DAY }).status).toBe('connected');
  });
});

describe('userDate', () => {
  it('is when a red account stopped: the refusal, the passed deadline, or the first end of a connection that cannot renew', () => {
    const refused = failed('auth', 'refused', { connection_expires_at: NOW + 5 * DAY });
    expect(userDate(refused, x, deriveStatus(refused, x, NOW).status)).toBe(NOW - 60_000);
    const ended = row({ token_expires_at: NOW - 3 * DAY, connection_expires_at: NOW - DAY });
    expect(userDate(ended, x, deriveStatus(ended, x, NOW).status)).toBe(NOW - DAY);
    const ranOut = row({ platform: 'linkedin', token_expires_at: NOW - 2 * DAY, connection_expires_at: NOW + DAY });
    expect(userDate(ranOut, linkedin, deriveStatus(ranOut, linkedin, NOW).status)).toBe(NOW - 2 * DAY);
  });

  it('is the deadline ahead on any other account, and null for one that renews itself with no end', () => {
    const soon = row({ connection_expires_at: NOW + 2 * DAY });
    expect(userDate(soon, x, deriveStatus(soon, x, NOW).status)).toBe(NOW + 2 * DAY);
    const far = row({ platform: 'linkedin', token_expires_at: NOW + 50 * DAY });
    expect(userDate(far, linkedin, deriveStatus(far, linkedin, NOW).status)).toBe(NOW + 50 * DAY);
    expect(userDate(row(), x, deriveStatus(row(), x, NOW).status)).toBeNull();
    // A short-lived access token is not a date the user needs: renewing it is Plugboard's job.
    expect(userDate(row({ token_expires_at: NOW + HOUR }), x, 'connected')).toBeNull();
  });
});

describe('worstStatus', () => {
  it('ranks what needs the user now over what will soon, and both over information', () => {
    expect(worstStatus(['connected', 'expiring', 'offline'])).toBe('expiring');
    expect(worstStatus(['expiring', 'expired', 'connected'])).toBe('expired');
    expect(worstStatus(['connected', 'refreshing', 'offline'])).toBe('offline');
    expect(worstStatus(['connected'])).toBe('connected');
    expect(worstStatus([])).toBeNull();
  });
});
