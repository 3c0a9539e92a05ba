// JSON lines in <dataDir>/logs/plugboard.log. Callers log names and ids, never
// tokens; scrub() also masks anything token-shaped that slips into a string.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, ensurePrivateFile } from '../store/private-files.ts';
import type { Logger } from './logger.ts';

const SECRET_PARAM = /\b(access_token|refresh_token|client_secret|code|code_verifier|password|token|state)=([^&\s"]+)/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;

export function scrub(value: string): string {
  return value.replace(SECRET_PARAM, '$1=[redacted]').replace(BEARER, '$1 [redacted]');
}

export function createFileLogger(dir: string, opts: { echo?: boolean } = {}): Logger {
  ensurePrivateDir(dir);
  const file = join(dir, 'plugboard.log');
  ensurePrivateFile(file);
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    const line = scrub(JSON.stringify({ at: new Date().toISOString(), level, message, ...fields }));
    try {
      appendFileSync(file, line + '\n', { mode: 0o600 });
    } catch {
      // A full disk must not take the app down with it; the log is a convenience.
    }
    if (opts.echo) console.error(line);
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
