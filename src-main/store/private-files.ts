// The data folder holds the sealed tokens, the wrapped data key, preferences and logs: only the
// user may read it. The folder is 0700 and every file in it 0600, whoever created them — a folder
// made by an older version, by hand or by a package with the usual 0755/0644 is tightened at start.
// POSIX modes only: on Windows the user's profile folder's ACL already keeps other users out.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const posix = process.platform !== 'win32';

/** Creates the folder (and its parents) if needed, and makes it 0700 even if it existed. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (posix) chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Creates an empty file 0600 before a library opens it with its own default mode, or tightens one that exists. */
export function ensurePrivateFile(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  if (posix) chmodSync(path, PRIVATE_FILE_MODE);
}

/** The folder 0700 and everything below it 0700 (folders) or 0600 (files); links are left alone. */
export function tightenDataDir(dir: string): void {
  ensurePrivateDir(dir);
  if (!posix) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) tightenDataDir(path);
    else if (entry.isFile()) chmodSync(path, PRIVATE_FILE_MODE);
  }
}
