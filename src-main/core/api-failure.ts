// Turns anything a handler throws into the contract's typed error.
import type { ApiError, ApiErrorCode } from '../api/contract.ts';
import { PlatformError } from '../errors/platform-error.ts';
import { StoreError } from '../store/db.ts';
import { VaultLockedError } from '../vault/key-wrapper.ts';
import { VaultCorruptError } from '../vault/vault.ts';

/** A failure the handler means to report as-is, with its sentence. */
export class ApiFailure extends Error {
  override name = 'ApiFailure';
  readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiFailure) return { code: e.code, message: e.message };
  if (e instanceof PlatformError) return { code: 'platform', kind: e.kind, message: e.message };
  if (e instanceof VaultLockedError) return { code: 'locked', message: e.message };
  if (e instanceof VaultCorruptError || e instanceof StoreError) return { code: 'internal', message: e.message };
  return { code: 'internal', message: 'Something went wrong inside Plugboard. Nothing was changed; details are in the log file.' };
}
