// What a platform's publisher is given and answers.
import type { Http } from '../http/http.ts';
import type { AccountRow } from '../store/accounts.ts';

/** What a publisher sends: the user's text (the link not yet added), the link, and whether to keep a draft. */
export interface OutgoingPost {
  text: string;
  link: string | null;
  draft: boolean;
}

/** The account's credentials as they stand after any renewal: never leave the main process. */
export interface PublishCredentials {
  accessToken: string | null;
  appPassword: string | null;
}

export interface PublishContext {
  http: Http;
  account: AccountRow;
  credentials: PublishCredentials;
}

/** What the platform answered: its id for the post, and the post's address there when it can be known. */
export interface PublishedPost {
  platformPostId: string;
  url: string | null;
}

/**
 * Sends one post for one account. A refusal is a PlatformError with the platform's reason in a sentence; a
 * PlatformError with `mayHaveArrived` means the answer was lost after sending, and the post is never sent again.
 * A PlatformError of kind 'auth' says the platform refused the token before doing anything (an expired token):
 * the core may renew it and send once more, so a publisher uses that kind for nothing else.
 */
export interface Publisher {
  publish(ctx: PublishContext, post: OutgoingPost): Promise<PublishedPost>;
  /** Where the user can look for the post when its answer was lost (the account's profile page). */
  whereToCheck?(account: AccountRow): string;
}
