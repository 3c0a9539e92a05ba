// What every publisher reads the same way: the stored token, and a server error to a post already sent.
import { PlatformError } from '../errors/platform-error.ts';
import type { PublishCredentials } from './types.ts';

export function accessTokenOf(name: string, credentials: PublishCredentials): string {
  if (!credentials.accessToken) throw new PlatformError('auth', `No ${name} access is stored for this account. Reconnect the account.`);
  return credentials.accessToken;
}

/**
 * A 5xx to a post. 502 and 504 come from a gateway that stopped waiting for the platform, which may have taken the
 * post all the same: a lost answer, so the post is not sent again. 500 and 503 are the platform saying it did not.
 */
export function serverFailure(name: string, status: number): PlatformError {
  if (status === 502 || status === 504) {
    return new PlatformError('server', `${name} answered with a gateway error (HTTP ${status}) after the post was sent, so it may have been posted. Check the account before posting it again.`, {
      status,
      mayHaveArrived: true,
    });
  }
  return new PlatformError('server', `${name} had a problem and did not take the post (HTTP ${status}). Try again later.`, { status });
}
