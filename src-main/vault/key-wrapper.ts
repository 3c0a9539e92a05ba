// src-main/vault/: encryption at rest — the data key, what wraps it, and the sealed secrets.
//
// A KeyWrapper protects the vault's data key at rest. Sibling implementations:
// Electron's safeStorage (src-main/electron/safe-storage-wrapper.ts) and a
// passphrase (./passphrase-wrapper.ts) for the browser host, tests and weak keychains.
export interface KeyWrapper {
  /** Stable name stored next to the wrapped key, so the right wrapper is asked to unwrap it. */
  readonly kind: string;
  wrap(dataKey: Buffer): Promise<Buffer>;
  /** Throws VaultLockedError when this wrapper cannot open the blob (wrong passphrase, other machine). */
  unwrap(wrapped: Buffer): Promise<Buffer>;
}

export class VaultLockedError extends Error {
  override name = 'VaultLockedError';
}
