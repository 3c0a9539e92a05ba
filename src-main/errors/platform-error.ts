// src-main/errors/: failures more than one layer raises or reads, kept below http, the connectors and the core.
//
// http raises PlatformError, the connectors classify with it and the core reports it: living here, none of
// them imports another just to name a failure.
import type { ErrorKind } from '../api/contract.ts';

/** A platform failure, classified so the scheduler and the UI know what to do. */
export class PlatformError extends Error {
  override name = 'PlatformError';
  readonly kind: ErrorKind;
  /** For rate_limited: when the platform says to come back (epoch ms). */
  readonly retryAt: number | null;
  readonly status: number | null;
  /**
   * For network: the request may have reached the platform, which may have acted on it (rotated a
   * refresh token, used up a code), and only the answer was lost — a time-out or a connection dropped
   * after sending. false when it surely never left (connection refused, name not found).
   */
  readonly mayHaveArrived: boolean;
  constructor(kind: ErrorKind, message: string, opts: { status?: number | null; retryAt?: number | null; cause?: unknown; mayHaveArrived?: boolean } = {}) {
    super(message, { cause: opts.cause });
    this.kind = kind;
    this.status = opts.status ?? null;
    this.retryAt = opts.retryAt ?? null;
    this.mayHaveArrived = opts.mayHaveArrived ?? false;
  }
}
